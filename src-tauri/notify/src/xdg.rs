//! The freedesktop.org notification server, reached over the D-Bus session bus by notify-rust.
//!
//! Every call here blocks (notify-rust's zbus backend runs each call to completion on the
//! calling thread), so only the worker thread and the threads started here call it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Duration;

use notify_rust::{Hint, Notification, NotificationHandle};
use tracing::debug;

use crate::coalesce::{Batch, body_for};
use crate::{Action, OnOpen, lock};

/// The desktop file that names the app (hearth.desktop), so servers show its name and icon.
const DESKTOP_ENTRY: &str = "hearth";
/// The freedesktop category for "a message arrived in a conversation".
const CATEGORY: &str = "im.received";
/// The actions the notification offers; clicking its body invokes "default".
const OPEN_ACTIONS: [&str; 2] = ["open", "default"];
/// How long [`check`] waits for the server's answer. Without a server, the bus may first try to
/// start one (D-Bus activation), which can take the bus's whole activation timeout.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// A notification of ours still on screen: replacing it keeps one per session.
#[derive(Debug, Clone, Copy)]
struct OnScreen {
    id: u32,
    /// How many notes it stands for so far, replacements included.
    notes: usize,
}

type OnScreenBySession = Arc<Mutex<HashMap<String, OnScreen>>>;

pub(crate) struct Desktop {
    app_name: String,
    on_open: OnOpen,
    /// Written by the worker when it shows a notification, and by the notification's listener
    /// thread when it goes away (closed, expired, dismissed or acted on).
    on_screen: OnScreenBySession,
}

impl Desktop {
    pub fn new(app_name: String, on_open: OnOpen) -> Desktop {
        Desktop { app_name, on_open, on_screen: OnScreenBySession::default() }
    }

    /// Shows `batch`, replacing the session's notification if one is still on screen, and makes
    /// sure something listens for its actions.
    pub fn show(&self, batch: &Batch) -> Result<(), String> {
        let key = batch.key();
        let previous = lock(&self.on_screen).get(&key).copied();
        let notes = batch.notes + previous.map_or(0, |shown| shown.notes);

        let mut notification = Notification::new();
        notification
            .appname(&self.app_name)
            .summary(&batch.title)
            .body(&body_for(&batch.body, notes))
            .action("default", "Open")
            .action("open", "Open");
        if batch.approval_id.is_some() {
            notification.action("allow", "Allow").action("deny", "Deny");
        }
        notification
            .hint(Hint::DesktopEntry(DESKTOP_ENTRY.into()))
            .hint(Hint::Category(CATEGORY.into()));
        if let Some(shown) = previous {
            notification.id(shown.id);
        }
        let handle = notification.show().map_err(|e| e.to_string())?;
        let id = handle.id();
        debug!(session = %batch.session_id, id, notes, replaced = previous.is_some(), "notification shown");

        // A replacement keeps its id, and the listener started for that id hears its actions.
        // A new id (a first notification, or the old one closed meanwhile) needs a listener.
        let listened = {
            let mut on_screen = lock(&self.on_screen);
            let listened = on_screen.get(&key).is_some_and(|shown| shown.id == id);
            on_screen.insert(key.clone(), OnScreen { id, notes });
            listened
        };
        if !listened {
            self.listen(handle, key, batch.session_id.clone(), batch.approval_id.clone());
        }
        Ok(())
    }

    /// Closes the notification kept by `key`, if it is on screen. notify-rust closes only
    /// through a handle, and the listener thread owns the one `show` returned: a replacement
    /// with the same id gives a handle to close it by (the listener then hears it closed).
    pub fn withdraw(&self, key: &str) {
        let Some(shown) = lock(&self.on_screen).remove(key) else { return };
        let replaced = Notification::new()
            .appname(&self.app_name)
            .summary("Answered")
            .id(shown.id)
            .hint(Hint::DesktopEntry(DESKTOP_ENTRY.into()))
            .show();
        match replaced {
            Ok(handle) => {
                handle.close();
                debug!(id = shown.id, "notification withdrawn");
            }
            Err(e) => debug!(id = shown.id, error = %e, "could not withdraw a notification"),
        }
    }

    /// Starts the thread that waits for the notification's action or its closing: it calls
    /// `on_open` for "open"/"default" (and "allow"/"deny" on an approval's) and ends either
    /// way. notify-rust's listener needs the connection that sent the notification (some
    /// servers send the signals only to it).
    fn listen(
        &self,
        handle: NotificationHandle,
        key: String,
        session_id: String,
        approval_id: Option<String>,
    ) {
        let id = handle.id();
        let on_screen = Arc::clone(&self.on_screen);
        let on_open = Arc::clone(&self.on_open);
        let session = key.clone();
        let started = thread::Builder::new().name("hearth-notify-action".into()).spawn(move || {
            let mut invoked = None;
            handle.wait_for_action(|action| invoked = Some(action.to_owned()));
            {
                let mut on_screen = lock(&on_screen);
                if on_screen.get(&key).is_some_and(|shown| shown.id == id) {
                    on_screen.remove(&key);
                }
            }
            match (invoked.as_deref(), approval_id) {
                (Some(action), _) if OPEN_ACTIONS.contains(&action) => {
                    debug!(session = %session_id, id, action, "notification opened");
                    on_open(Action::Open(session_id));
                }
                (Some("allow"), Some(approval)) => on_open(Action::Allow(approval)),
                (Some("deny"), Some(approval)) => on_open(Action::Deny(approval)),
                (other, _) => debug!(session = %session_id, id, ?other, "notification gone"),
            }
        });
        if let Err(e) = started {
            // Without a listener a click would go unheard: forget the notification, so the
            // next note for the session shows a new one and tries again.
            debug!(error = %e, "could not start a notification listener");
            lock(&self.on_screen).remove(&session);
        }
    }
}

/// Asks the notification server who it is, waiting at most [`CHECK_TIMEOUT`].
pub(crate) fn check() -> Result<String, String> {
    let (tx, rx) = mpsc::channel();
    thread::Builder::new()
        .name("hearth-notify-check".into())
        .spawn(move || {
            // The receiver may have given up waiting: nothing to do then.
            let _ = tx.send(notify_rust::get_server_information());
        })
        .map_err(|e| format!("could not start the check: {e}"))?;
    match rx.recv_timeout(CHECK_TIMEOUT) {
        Ok(Ok(info)) => Ok(format!("{} {}", info.name, info.version)),
        Ok(Err(e)) => Err(e.to_string()),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!(
            "no answer from a notification server within {} s",
            CHECK_TIMEOUT.as_secs()
        )),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err("the check failed".into()),
    }
}
