//! The app itself: settings, logs, activity and health, and what only the window asks for.

use hearth_api::ops::app as op;
use hearth_engine::background::HealthCheck;
use tauri::State;

use super::support::{Answer, Args, EngineState};
use crate::desktop::Desktop;

#[tauri::command(async)]
pub fn settings_get(engine: EngineState<'_>) -> Answer<op::settings_get::Output> {
    Ok(engine.settings())
}

/// Checks what only the shell can (the shortcut's keys), stores, then applies: the tray's
/// checkbox, start at login, the global shortcut.
#[tauri::command(async)]
pub fn settings_update<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    engine: EngineState<'_>,
    args: Args<op::settings_update::Args>,
) -> Answer<op::settings_update::Output> {
    let patch = &args.patch;
    if let Some(s) = &patch.global_shortcut {
        crate::desktop::parse_shortcut(s)?;
    }
    let settings = engine.update_settings(patch)?;
    crate::desktop::settings_changed(&app, &settings);
    if patch.global_shortcut.is_some() {
        crate::desktop::apply_shortcut(&app, &settings)?;
    }
    if patch.start_at_login.is_some() {
        crate::desktop::apply_autostart(&app, &settings)?;
    }
    Ok(settings)
}

#[tauri::command(async)]
pub fn logs_recent(args: Args<op::logs_recent::Args>) -> Answer<op::logs_recent::Output> {
    hearth_engine::logging::recent(&args.0.query.unwrap_or_default())
}

#[tauri::command(async)]
pub fn activity(engine: EngineState<'_>) -> Answer<op::activity::Output> {
    engine.activity()
}

/// The store and keyring (from the engine), the notification server, the API's port.
#[tauri::command(async)]
pub fn health(engine: EngineState<'_>, desktop: State<'_, Desktop>) -> Answer<op::health::Output> {
    let mut checks = engine.health_checks();
    let notifier = desktop.notifier.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let notifications = match notifier {
        Some(n) => n.check(),
        None => Err("not started".to_owned()),
    };
    checks.push(HealthCheck {
        name: "notifications".into(),
        ok: notifications.is_ok(),
        detail: notifications.unwrap_or_else(|e| format!("unavailable: {e}")),
    });
    let api = desktop.api_url.lock().unwrap_or_else(|p| p.into_inner()).clone();
    checks.push(HealthCheck {
        name: "api".into(),
        ok: api.is_some(),
        detail: api.unwrap_or_else(|| "the HTTP API is off (see the log)".into()),
    });
    Ok(checks)
}

#[tauri::command(async)]
pub fn api_url(desktop: State<'_, Desktop>) -> Answer<op::api_url::Output> {
    Ok(desktop.api_url.lock().unwrap_or_else(|p| p.into_inner()).clone())
}

/// Which chat the window shows (null: none), so what the user watches is not notified.
#[tauri::command(async)]
pub fn ui_viewing(
    desktop: State<'_, Desktop>,
    args: Args<op::ui_viewing::Args>,
) -> Answer<op::ui_viewing::Output> {
    *desktop.viewing.lock().unwrap_or_else(|p| p.into_inner()) = args.0.session_id;
    Ok(())
}

/// Quits now (the webview asked the user first when runs were in flight).
#[tauri::command(async)]
pub fn app_quit<R: tauri::Runtime>(app: tauri::AppHandle<R>) -> Answer<op::app_quit::Output> {
    crate::desktop::quit(&app);
    Ok(())
}

/// Opens a link from a chat outside the app (http(s); another scheme once the user confirmed).
#[tauri::command(async)]
pub fn open_link(args: Args<op::open_link::Args>) -> Answer<op::open_link::Output> {
    crate::links::open_outside(&args.url)
}
