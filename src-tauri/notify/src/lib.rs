//! Desktop notifications: telling the user that something happened in a chat.
//!
//! What it owns: turning [`Note`]s into native notifications (freedesktop.org notifications over
//! the D-Bus session bus, through notify-rust) without storms — notes for one session within a
//! short window become one notification, and a later one replaces the session's notification
//! while it is still on screen — and reporting a click on "Open" back as the session's id. A
//! note about an approval is its own notification (never merged) with Allow and Deny actions,
//! reported back as [`Action::Allow`] / [`Action::Deny`] with the approval's id, and closed by
//! [`Notifier::withdraw_approval`] once it is answered anywhere else.
//! [`Notifier::check`] tells whether a notification server answers at all.
//!
//! What it must never do: depend on tauri or the store; block, fail or panic in the caller of
//! [`Notifier::notify`] (all D-Bus work runs on a worker thread, and a desktop without a
//! notification server just drops notes after one warning); log a note's text above debug level.

mod coalesce;
#[cfg(all(unix, not(target_os = "macos")))]
mod xdg;

use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use tracing::{debug, info, warn};

use crate::coalesce::{Batch, Coalescer};
#[cfg(all(unix, not(target_os = "macos")))]
use crate::xdg::{Desktop, check as check_server};

/// How long notes for one session are gathered into one notification.
pub const DEFAULT_WINDOW: Duration = Duration::from_millis(1500);
/// After showing a notification failed, notes are dropped for this long before trying again, so
/// a desktop without a server is not asked (and the bus not made to start one) for every note.
const RETRY_AFTER: Duration = Duration::from_secs(60);

/// One thing worth telling the user about, for one chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub session_id: String,
    pub title: String,
    pub body: String,
    /// For a tool call waiting for the user: its approval, answered by the notification's
    /// Allow and Deny actions.
    pub approval_id: Option<String>,
}

/// What the user did with a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// "Open" or a click on the body: show this session.
    Open(String),
    /// "Allow" on an approval's notification.
    Allow(String),
    /// "Deny" on an approval's notification.
    Deny(String),
}

type OnOpen = Arc<dyn Fn(Action) + Send + Sync>;

/// Shows [`Note`]s as desktop notifications from a worker thread. Clones share the worker; it
/// stops when the last clone is dropped (notes still gathering are dropped with it).
#[derive(Clone)]
pub struct Notifier {
    owner: Arc<Owner>,
}

impl Notifier {
    /// `app_name` goes into the notification's app name. `on_open(session_id)` is called, from a
    /// background thread, when the user clicks the notification's "Open" action or its body.
    pub fn new(app_name: &str, on_open: impl Fn(String) + Send + Sync + 'static) -> Notifier {
        Notifier::with_window(app_name, DEFAULT_WINDOW, on_open)
    }

    /// [`Notifier::new`] with the window in which one session's notes become one notification.
    pub fn with_window(
        app_name: &str,
        window: Duration,
        on_open: impl Fn(String) + Send + Sync + 'static,
    ) -> Notifier {
        Notifier::with_actions(app_name, window, move |action| {
            if let Action::Open(session_id) = action {
                on_open(session_id);
            }
        })
    }

    /// [`Notifier::with_window`], hearing every [`Action`] (approvals' Allow and Deny too).
    pub fn with_actions(
        app_name: &str,
        window: Duration,
        on_action: impl Fn(Action) + Send + Sync + 'static,
    ) -> Notifier {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                pending: Coalescer::new(window),
                withdrawn: Vec::new(),
                closed: false,
            }),
            wake: Condvar::new(),
        });
        let worker = Worker {
            shared: Arc::clone(&shared),
            desktop: Desktop::new(app_name.to_owned(), Arc::new(on_action)),
            warned: false,
            retry_at: None,
        };
        let started =
            thread::Builder::new().name("hearth-notify".into()).spawn(move || worker.run());
        if let Err(e) = started {
            warn!(error = %e, "could not start the notification thread; notes will be dropped");
            lock(&shared.state).closed = true;
        }
        Notifier { owner: Arc::new(Owner { shared }) }
    }

    /// Queues a note; never blocks, never panics, never fails the caller.
    pub fn notify(&self, note: Note) {
        let shared = &self.owner.shared;
        let mut state = lock(&shared.state);
        if state.closed {
            return;
        }
        debug!(session = %note.session_id, "note queued");
        state.pending.push(note, Instant::now());
        drop(state);
        shared.wake.notify_one();
    }

    /// Takes back an approval's notification: it was answered somewhere else (the window, the
    /// HTTP API, another notification) or its run ended. Closed when on screen, never shown
    /// when still gathering. Never blocks.
    pub fn withdraw_approval(&self, approval_id: &str) {
        let shared = &self.owner.shared;
        let mut state = lock(&shared.state);
        if state.closed {
            return;
        }
        let key = coalesce::approval_key(approval_id);
        if !state.pending.withdraw_approval(&key) {
            state.withdrawn.push(key);
        }
        drop(state);
        shared.wake.notify_one();
    }

    /// Whether a notification server answers: its name and version, or a short reason why not
    /// ("unavailable" includes a bus that fails to start a server). Waits at most about 2 s.
    pub fn check(&self) -> Result<String, String> {
        check_server()
    }
}

impl fmt::Debug for Notifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notifier").finish_non_exhaustive()
    }
}

/// Dropped with the last [`Notifier`] clone: tells the worker to stop.
struct Owner {
    shared: Arc<Shared>,
}

impl Drop for Owner {
    fn drop(&mut self) {
        lock(&self.shared.state).closed = true;
        self.shared.wake.notify_one();
    }
}

struct Shared {
    state: Mutex<State>,
    /// Signalled when a note arrives or the notifier is dropped.
    wake: Condvar,
}

struct State {
    pending: Coalescer,
    /// Keys of notifications on screen to close.
    withdrawn: Vec<String>,
    closed: bool,
}

/// The worker thread: waits for the next due batch, shows it, and keeps track of whether the
/// desktop can show notifications at all.
struct Worker {
    shared: Arc<Shared>,
    desktop: Desktop,
    /// Whether "unavailable" was logged at warn level already (it is logged once).
    warned: bool,
    /// After a failure: notes are dropped until then.
    retry_at: Option<Instant>,
}

impl Worker {
    fn run(mut self) {
        let shared = Arc::clone(&self.shared);
        let mut state = lock(&shared.state);
        loop {
            if state.closed {
                return;
            }
            let now = Instant::now();
            let due = state.pending.take_due(now);
            let withdrawn = std::mem::take(&mut state.withdrawn);
            if !due.is_empty() || !withdrawn.is_empty() {
                // Never hold the lock across D-Bus calls: `notify` must not wait for them.
                drop(state);
                for key in &withdrawn {
                    self.desktop.withdraw(key);
                }
                for batch in &due {
                    self.show(batch);
                }
                state = lock(&shared.state);
                continue;
            }
            state = match state.pending.next_due() {
                Some(at) => {
                    let timeout = at.saturating_duration_since(now);
                    shared
                        .wake
                        .wait_timeout(state, timeout)
                        .map_or_else(|poisoned| poisoned.into_inner().0, |(state, _)| state)
                }
                None => shared.wake.wait(state).unwrap_or_else(PoisonError::into_inner),
            };
        }
    }

    fn show(&mut self, batch: &Batch) {
        let now = Instant::now();
        if self.retry_at.is_some_and(|at| now < at) {
            debug!(session = %batch.session_id, notes = batch.notes, "notifications unavailable: dropped");
            return;
        }
        match self.desktop.show(batch) {
            Ok(()) => {
                if self.retry_at.take().is_some() {
                    info!("desktop notifications are available again");
                }
            }
            Err(error) => {
                if self.warned {
                    debug!(%error, session = %batch.session_id, "notifications unavailable: dropped");
                } else {
                    warn!(%error, "desktop notifications are unavailable; notes will be dropped");
                    self.warned = true;
                }
                self.retry_at = Some(now + RETRY_AFTER);
            }
        }
    }
}

/// Locks, ignoring poisoning: every critical section here leaves the data consistent.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Platforms without freedesktop.org notifications (macOS, Windows): nothing is shown yet.
#[cfg(not(all(unix, not(target_os = "macos"))))]
mod unsupported {
    use crate::OnOpen;
    use crate::coalesce::Batch;

    const REASON: &str = "desktop notifications are implemented only for D-Bus desktops";

    pub(crate) struct Desktop;

    impl Desktop {
        pub fn new(_app_name: String, _on_open: OnOpen) -> Desktop {
            Desktop
        }

        pub fn show(&self, _batch: &Batch) -> Result<(), String> {
            Err(REASON.into())
        }

        pub fn withdraw(&self, _key: &str) {}
    }

    pub(crate) fn check() -> Result<String, String> {
        Err(REASON.into())
    }
}
#[cfg(not(all(unix, not(target_os = "macos"))))]
use crate::unsupported::{Desktop, check as check_server};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notifier_can_be_shared_across_threads() {
        fn shareable<T: Send + Sync + Clone + 'static>() {}
        shareable::<Notifier>();
    }
}
