//! Hearth outside its window: the tray (menu with live activity, the approvals waiting,
//! pause schedules, quit),
//! close-to-tray, native notifications for what the user is not looking at, start at login
//! and the global shortcut. Runs belong to the engine, so all of this only watches and asks.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use hearth_engine::frames::RunStatus;
use hearth_engine::store::settings::Settings;
use hearth_engine::{ApiError, Engine, ErrorCode, Frame, FrameBody};
use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager, Runtime};

pub const MAIN: &str = "main";
pub const TRAY: &str = "hearth-tray";
/// App events for the webview (small global notices; frames go through channels).
pub const OPEN_SESSION: &str = "hearth://open-session";
pub const NEW_CHAT: &str = "hearth://new-chat";
pub const CONFIRM_QUIT: &str = "hearth://confirm-quit";
/// A chat's row may have changed (made, imported, renamed, a run or message in it), by
/// whoever: the window's list reads it again. Payload `{session_id}`.
pub const SESSION_CHANGED: &str = "hearth://session-changed";

/// What the shell knows beside the engine.
#[derive(Default)]
pub struct Desktop {
    /// The chat the window shows (`ui_viewing`), for "no notification for what the user sees".
    pub viewing: Mutex<Option<String>>,
    /// The loopback API's address once it listens.
    pub api_url: Mutex<Option<String>>,
    pub notifier: Mutex<Option<Arc<hearth_notify::Notifier>>>,
    /// Set once the user confirmed quitting: the window may close for real.
    pub quitting: AtomicBool,
}

impl Desktop {
    pub fn viewing(&self) -> Option<String> {
        self.viewing.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

fn main_window<R: Runtime>(app: &AppHandle<R>) -> Option<tauri::WebviewWindow<R>> {
    app.get_webview_window(MAIN)
}

/// Shows, unminimizes and focuses the window.
pub fn show<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = main_window(app) {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

pub fn toggle<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = main_window(app) {
        if w.is_visible().unwrap_or(false) && w.is_focused().unwrap_or(false) {
            let _ = w.hide();
        } else {
            show(app);
        }
    }
}

/// Whether the user is looking at this chat now (window shown, focused, on that chat).
fn watching<R: Runtime>(app: &AppHandle<R>, session_id: &str) -> bool {
    let Some(w) = main_window(app) else { return false };
    w.is_visible().unwrap_or(false)
        && w.is_focused().unwrap_or(false)
        && app.state::<Desktop>().viewing().as_deref() == Some(session_id)
}

/// The tray's status line: "2 running · 1 waiting for approval", or "Idle".
pub fn activity_line(engine: &Engine) -> String {
    match engine.activity() {
        Ok(a) if !a.is_busy() => "Idle".to_owned(),
        Ok(a) => {
            let mut parts = vec![format!("{} running", a.running)];
            if a.queued > 0 {
                parts.push(format!("{} queued", a.queued));
            }
            parts.push(format!("{} waiting for approval", a.waiting_approval));
            parts.join(" · ")
        }
        Err(_) => "Status unavailable".to_owned(),
    }
}

/// Menu item ids.
pub mod item {
    pub const OPEN: &str = "open";
    pub const NEW_CHAT: &str = "new-chat";
    pub const STATUS: &str = "status";
    pub const PAUSE: &str = "pause-schedules";
    pub const QUIT: &str = "quit";
    pub const WAITING: &str = "waiting";
    /// `open:<session id>`: a waiting approval's entry opens its chat.
    pub const OPEN_PREFIX: &str = "open:";
}

/// How many waiting approvals the tray lists (the count in its title says how many in all).
const TRAY_WAITING: u32 = 10;

struct TrayItems<R: Runtime> {
    status: MenuItem<R>,
    waiting: Submenu<R>,
    pause: CheckMenuItem<R>,
}

/// A waiting approval as the tray lists it: "Refactor · Bash: cargo test".
pub fn waiting_label(title: &str, approval: &hearth_engine::store::approvals::Approval) -> String {
    let what = approval.subject.clone().unwrap_or_else(|| approval.input.to_string());
    let what: String = what.split_whitespace().collect::<Vec<_>>().join(" ");
    let what = if what.chars().count() > 60 {
        format!("{}…", what.chars().take(59).collect::<String>())
    } else {
        what
    };
    let title: String = title.chars().take(40).collect();
    format!("{title} · {}: {what}", approval.tool)
}

/// Builds the tray icon and its menu, and keeps them current.
pub fn setup_tray<R: Runtime>(app: &AppHandle<R>, engine: &Arc<Engine>) -> tauri::Result<()> {
    let status = MenuItem::with_id(app, item::STATUS, activity_line(engine), false, None::<&str>)?;
    let pause = CheckMenuItem::with_id(
        app,
        item::PAUSE,
        "Pause schedules",
        true,
        engine.settings().schedules_paused,
        None::<&str>,
    )?;
    let waiting = Submenu::with_id(app, item::WAITING, "Waiting for you", false)?;
    let menu = Menu::with_items(
        app,
        &[
            &MenuItem::with_id(app, item::OPEN, "Open Hearth", true, None::<&str>)?,
            &MenuItem::with_id(app, item::NEW_CHAT, "New chat", true, None::<&str>)?,
            &PredefinedMenuItem::separator(app)?,
            &status,
            &waiting,
            &pause,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, item::QUIT, "Quit Hearth", true, None::<&str>)?,
        ],
    )?;
    let mut tray = TrayIconBuilder::with_id(TRAY)
        .menu(&menu)
        .tooltip("Hearth")
        .on_menu_event(|app, event| on_menu(app, event.id().as_ref()));
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    app.manage(TrayItems { status, waiting, pause });
    refresh_waiting(app, engine);
    Ok(())
}

/// Lists the approvals waiting in the tray's "Waiting for you" menu; each opens its chat.
pub fn refresh_waiting<R: Runtime>(app: &AppHandle<R>, engine: &Engine) {
    let Some(items) = app.try_state::<TrayItems<R>>() else { return };
    let waiting = engine.waiting_approvals(TRAY_WAITING).unwrap_or_default();
    let total = engine.activity().map_or(waiting.len() as u32, |a| a.waiting_approval);
    if let Ok(old) = items.waiting.items() {
        for entry in old {
            let _ = items.waiting.remove(&entry);
        }
    }
    for (approval, title) in &waiting {
        let id = format!("{}{}", item::OPEN_PREFIX, approval.session_id);
        if let Ok(entry) =
            MenuItem::with_id(app, id, waiting_label(title, approval), true, None::<&str>)
        {
            let _ = items.waiting.append(&entry);
        }
    }
    let text = if total == 0 {
        "Waiting for you".to_owned()
    } else {
        format!("Waiting for you ({total})")
    };
    let _ = items.waiting.set_text(text);
    let _ = items.waiting.set_enabled(total > 0);
}

/// A tray menu action (also called by tests).
pub fn on_menu<R: Runtime>(app: &AppHandle<R>, id: &str) {
    let engine = app.state::<Arc<Engine>>().inner().clone();
    match id {
        item::OPEN => show(app),
        item::NEW_CHAT => {
            show(app);
            let _ = app.emit_to(MAIN, NEW_CHAT, ());
        }
        item::PAUSE => {
            let paused = !engine.settings().schedules_paused;
            let patch = hearth_engine::store::settings::SettingsPatch {
                schedules_paused: Some(paused),
                ..Default::default()
            };
            match engine.update_settings(&patch) {
                Ok(settings) => settings_changed(app, &settings),
                Err(e) => tracing::warn!("could not pause schedules: {}", e.message),
            }
        }
        item::QUIT => request_quit(app, &engine),
        _ => {
            if let Some(session_id) = id.strip_prefix(item::OPEN_PREFIX) {
                show(app);
                let _ =
                    app.emit_to(MAIN, OPEN_SESSION, serde_json::json!({"session_id": session_id}));
            }
        }
    }
}

/// Quits at once when nothing is in flight; otherwise shows the window and lets the webview
/// ask (runs in flight would end `interrupted`).
pub fn request_quit<R: Runtime>(app: &AppHandle<R>, engine: &Engine) {
    match engine.activity() {
        Ok(a) if a.is_busy() => {
            show(app);
            let _ = app.emit_to(MAIN, CONFIRM_QUIT, a);
        }
        _ => quit(app),
    }
}

pub fn quit<R: Runtime>(app: &AppHandle<R>) {
    app.state::<Desktop>().quitting.store(true, Ordering::SeqCst);
    app.exit(0);
}

/// After settings change: the tray's checkbox, start at login, the global shortcut.
pub fn settings_changed<R: Runtime>(app: &AppHandle<R>, settings: &Settings) {
    if let Some(items) = app.try_state::<TrayItems<R>>() {
        let _ = items.pause.set_checked(settings.schedules_paused);
    }
}

/// Refreshes the tray's status line and tooltip.
pub fn refresh_activity<R: Runtime>(app: &AppHandle<R>, engine: &Engine) {
    let line = activity_line(engine);
    if let Some(items) = app.try_state::<TrayItems<R>>() {
        let _ = items.status.set_text(&line);
    }
    if let Some(tray) = app.tray_by_id(TRAY) {
        let tip = if line == "Idle" { "Hearth".to_owned() } else { format!("Hearth — {line}") };
        let _ = tray.set_tooltip(Some(tip));
    }
}

/// Watches the engine's notable frames: keeps the tray current, notifies, and tells the
/// window which chats changed (also those made or changed by the HTTP API or a script).
pub fn watch<R: Runtime>(app: AppHandle<R>, engine: Arc<Engine>) {
    let mut frames = engine.watch();
    let mut sessions = engine.watch_sessions();
    let changed = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            match sessions.recv().await {
                Ok(id) => session_changed(&changed, &id),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(_) => return,
            }
        }
    });
    tauri::async_runtime::spawn(async move {
        loop {
            match frames.recv().await {
                Ok(frame) => {
                    session_changed(&app, &frame.session_id);
                    refresh_activity(&app, &engine);
                    match &frame.body {
                        FrameBody::ApprovalResolved { approval_id, .. } => {
                            // Answered anywhere (or expired): its notification goes.
                            let notifier =
                                app.state::<Desktop>().notifier.lock().ok().and_then(|n| n.clone());
                            if let Some(n) = notifier {
                                n.withdraw_approval(approval_id);
                            }
                            refresh_waiting(&app, &engine);
                        }
                        FrameBody::ApprovalRequested { .. } | FrameBody::RunCompleted { .. } => {
                            refresh_waiting(&app, &engine)
                        }
                        _ => {}
                    }
                    if let Some(note) = note_for(&app, &engine, &frame) {
                        let notifier =
                            app.state::<Desktop>().notifier.lock().ok().and_then(|n| n.clone());
                        if let Some(n) = notifier {
                            n.notify(note);
                        }
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    refresh_activity(&app, &engine);
                    refresh_waiting(&app, &engine);
                }
                Err(_) => return,
            }
        }
    });
}

fn session_changed<R: Runtime>(app: &AppHandle<R>, session_id: &str) {
    let _ = app.emit_to(MAIN, SESSION_CHANGED, serde_json::json!({ "session_id": session_id }));
}

/// One short line of text, escaped for servers that read bodies as markup.
fn preview(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let short = if flat.chars().count() > 160 {
        format!("{}…", flat.chars().take(159).collect::<String>())
    } else {
        flat
    };
    short.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The notification a frame deserves, if any: runs that end (done or error), proactive
/// messages and approvals of chats the user is not watching (an approval's has Allow and
/// Deny, and says which tool wants to do what).
pub fn note_for<R: Runtime>(
    app: &AppHandle<R>,
    engine: &Engine,
    frame: &Frame,
) -> Option<hearth_notify::Note> {
    if engine.settings().notifications_muted {
        return None;
    }
    let sid = frame.session_id.as_str();
    let title = || engine.get_session(sid).map(|s| s.title).unwrap_or_else(|_| "Hearth".into());
    let body = match &frame.body {
        FrameBody::RunCompleted { status: RunStatus::Done, .. } if !watching(app, sid) => {
            let last = engine.history(sid, Some(1), None).ok()?.messages.pop();
            let text =
                last.map(|m| hearth_engine::store::messages::text_of(&m)).unwrap_or_default();
            if text.trim().is_empty() { "Finished.".to_owned() } else { preview(&text) }
        }
        FrameBody::RunCompleted { status: RunStatus::Error, error, .. } if !watching(app, sid) => {
            format!("Failed: {}", error.as_ref().map_or("an error", |e| e.message.as_str()))
        }
        FrameBody::ProactiveMessage { text, notify: true, .. } if !watching(app, sid) => {
            preview(text)
        }
        FrameBody::ApprovalRequested { approval } if !watching(app, sid) => {
            let what = approval
                .subject
                .as_deref()
                .map_or_else(|| preview(&approval.input.to_string()), preview);
            return Some(hearth_notify::Note {
                session_id: sid.to_owned(),
                title: format!("{} · wants to use {}", title(), approval.tool),
                body: what,
                approval_id: Some(approval.id.clone()),
            });
        }
        _ => return None,
    };
    Some(hearth_notify::Note {
        session_id: sid.to_owned(),
        title: title(),
        body,
        approval_id: None,
    })
}

/// Starts the notifier; "Open" brings the window up on that chat; an approval's Allow and
/// Deny answer it as the card would (the card, the tray and every window then see it
/// resolved).
pub fn setup_notifications<R: Runtime>(app: &AppHandle<R>) {
    use hearth_notify::Action;
    let handle = app.clone();
    let on_action = move |action: Action| {
        let (approval_id, allow) = match action {
            Action::Open(session_id) => {
                show(&handle);
                let body = serde_json::json!({"session_id": session_id});
                let _ = handle.emit_to(MAIN, OPEN_SESSION, body);
                return;
            }
            Action::Allow(id) => (id, true),
            Action::Deny(id) => (id, false),
        };
        let answer = hearth_engine::store::approvals::ApprovalAnswer {
            allow,
            message: (!allow).then(|| "The user denied this from a notification.".to_owned()),
            ..Default::default()
        };
        let engine = handle.state::<Arc<Engine>>();
        if let Err(e) = engine.answer_approval(&approval_id, &answer) {
            // Answered meanwhile in the window, or its run ended: nothing is waiting.
            tracing::info!(code = ?e.code, "an approval's notification answered nothing");
        }
    };
    let notifier =
        hearth_notify::Notifier::with_actions("Hearth", hearth_notify::DEFAULT_WINDOW, on_action);
    *app.state::<Desktop>().notifier.lock().unwrap_or_else(|p| p.into_inner()) =
        Some(Arc::new(notifier));
}

/// Checks a global shortcut before it is stored.
pub fn parse_shortcut(s: &str) -> Result<Option<tauri_plugin_global_shortcut::Shortcut>, ApiError> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    s.trim().parse::<tauri_plugin_global_shortcut::Shortcut>().map(Some).map_err(|e| {
        ApiError::new(ErrorCode::InvalidInput, format!("the shortcut {s:?} is not valid: {e}"))
    })
}

/// Registers the settings' global shortcut (replacing any other of ours).
pub fn apply_shortcut<R: Runtime>(app: &AppHandle<R>, settings: &Settings) -> Result<(), ApiError> {
    use tauri_plugin_global_shortcut::GlobalShortcutExt;
    // Without the plugin (IPC tests on the mock runtime) there is nothing to register.
    if app.try_state::<tauri_plugin_global_shortcut::GlobalShortcut<R>>().is_none() {
        return Ok(());
    }
    let _ = app.global_shortcut().unregister_all();
    if let Some(shortcut) = parse_shortcut(&settings.global_shortcut)? {
        app.global_shortcut().register(shortcut).map_err(|e| {
            ApiError::new(
                ErrorCode::InvalidInput,
                format!("the shortcut {:?} could not be registered: {e}", settings.global_shortcut),
            )
        })?;
    }
    Ok(())
}

/// Turns start-at-login on or off to match the settings.
pub fn apply_autostart<R: Runtime>(
    app: &AppHandle<R>,
    settings: &Settings,
) -> Result<(), ApiError> {
    use tauri_plugin_autostart::ManagerExt;
    if app.try_state::<tauri_plugin_autostart::AutoLaunchManager>().is_none() {
        return Ok(());
    }
    let auto = app.autolaunch();
    let enabled = auto.is_enabled().unwrap_or(false);
    let result = match (settings.start_at_login, enabled) {
        (true, false) => auto.enable(),
        (false, true) => auto.disable(),
        _ => Ok(()),
    };
    result.map_err(|e| {
        ApiError::new(ErrorCode::Internal, format!("start at login could not be changed: {e}"))
    })
}

/// Closing the window hides it to the tray while the setting is on.
pub fn on_window_event<R: Runtime>(window: &tauri::Window<R>, event: &tauri::WindowEvent) {
    if let tauri::WindowEvent::CloseRequested { api, .. } = event {
        let app = window.app_handle();
        if app.state::<Desktop>().quitting.load(Ordering::SeqCst) {
            return;
        }
        let engine = app.state::<Arc<Engine>>();
        if engine.settings().close_to_tray {
            api.prevent_close();
            let _ = window.hide();
        } else if engine.activity().is_ok_and(|a| a.is_busy()) {
            api.prevent_close();
            request_quit(app, &engine);
        }
    }
}

pub fn started_hidden() -> bool {
    std::env::args().any(|a| a == "--hidden")
}
