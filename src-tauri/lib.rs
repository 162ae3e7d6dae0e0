//! The Tauri shell of Hearth: opens the engine, registers the IPC commands, shows the window.
//!
//! Owns: process start-up (logging, data dir), the window, IPC. Must never: hold logic that
//! belongs in the engine (commands are a few lines each), or own a run (runs belong to the
//! engine, so they outlive any window).

mod commands;
pub mod desktop;
mod links;

use std::process::ExitCode;
use std::sync::Arc;

use hearth_engine::{Engine, paths};

/// Every IPC command the shell registers (a test compares them with `hearth_api::ops`).
pub const IPC_COMMANDS: &[&str] = commands::NAMES;

/// Registers state and commands on any runtime: the real one in `run`, the mock one in tests.
/// The caller manages the `Arc<Engine>` (on the builder, or on the built app before it runs:
/// windows and the setup hook only come when the app runs).
pub fn build_app<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(links::guard())
        .manage(commands::Subscriptions::default())
        .manage(desktop::Desktop::default())
        .setup(|app| {
            use tauri::Manager;
            let engine = app.state::<Arc<Engine>>().inner().clone();
            desktop::setup_tray(app.handle(), &engine)?;
            desktop::watch(app.handle().clone(), engine);
            // The window is made hidden (tauri.conf.json) and shown here, before its first
            // frame, unless Hearth was started at login straight into the tray.
            if !desktop::started_hidden() {
                desktop::show(app.handle());
            }
            Ok(())
        })
        .on_window_event(desktop::on_window_event)
        .on_page_load(|webview, payload| {
            // A (re)loading page has lost its channels: stop feeding them. It subscribes
            // again from its history's watermark.
            if payload.event() == tauri::webview::PageLoadEvent::Started {
                use tauri::Manager;
                webview.state::<commands::Subscriptions>().drop_webview(webview.label());
            }
        })
        .invoke_handler(commands::handler())
}

/// Serves the loopback HTTP API beside the window (port `HEARTH_PORT`, default 7821, 0 =
/// any free port). Without a keyring or a free port the app still runs, without the API.
fn start_api<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    engine: Arc<Engine>,
    data_dir: std::path::PathBuf,
) {
    let port = std::env::var("HEARTH_PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(7821);
    let token = match hearth_engine::secrets::api_token() {
        Ok(token) => token,
        Err(e) => {
            tracing::warn!("the HTTP API is off: {}", e.message);
            return;
        }
    };
    tauri::async_runtime::spawn(async move {
        let served = hearth_api::server::serve(
            engine,
            token,
            port,
            &data_dir,
            move |addr| {
                use tauri::Manager;
                *app.state::<desktop::Desktop>()
                    .api_url
                    .lock()
                    .unwrap_or_else(|p| p.into_inner()) = Some(format!("http://{addr}"));
            },
            std::future::pending(),
        )
        .await;
        if let Err(e) = served {
            tracing::warn!(port, error = %e, "the HTTP API is off");
        }
    });
}

/// Starts the desktop app; returns when the last window has closed.
pub fn run() -> ExitCode {
    let _log_guard = hearth_engine::logging::init(&paths::log_dir());
    let data_dir = paths::data_dir();
    let builder = tauri::Builder::default()
        // First: a second start hands over to this one, which shows its window.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| desktop::show(app)))
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec!["--hidden"]),
        ))
        .plugin(
            tauri_plugin_global_shortcut::Builder::new()
                .with_handler(|app, _shortcut, event| {
                    if event.state == tauri_plugin_global_shortcut::ShortcutState::Pressed {
                        desktop::toggle(app);
                    }
                })
                .build(),
        );
    // Built before the engine opens, because building initialises the plugins: a second start
    // hands over to the running Hearth here (which shows its window) and exits, instead of
    // waiting for the data dir's lock and failing on it.
    let app = build_app(builder)
        .build(tauri::generate_context!())
        .map_err(|e| tracing::error!(error = %e, "the app could not start"));
    let Ok(app) = app else { return ExitCode::FAILURE };
    // Opened inside Tauri's runtime so the engine's actors and runs share it.
    let engine = match tauri::async_runtime::block_on(async { Engine::open(&data_dir) }) {
        Ok(engine) => Arc::new(engine),
        Err(e) => {
            tracing::error!(code = ?e.code, "cannot open the data dir: {}", e.message);
            eprintln!("hearth: {}", e.message);
            return ExitCode::from(2);
        }
    };
    tracing::info!(data_dir = %data_dir.display(), version = env!("CARGO_PKG_VERSION"), "starting Hearth");
    {
        use tauri::Manager;
        app.manage(engine.clone());
    }
    let shell_engine = engine;
    let handle = app.handle().clone();
    desktop::setup_notifications(&handle);
    let settings = shell_engine.settings();
    if let Err(e) = desktop::apply_shortcut(&handle, &settings) {
        tracing::warn!("the global shortcut is off: {}", e.message);
    }
    if let Err(e) = desktop::apply_autostart(&handle, &settings) {
        tracing::warn!("{}", e.message);
    }
    start_api(handle, shell_engine.clone(), data_dir);
    app.run(move |_app, event| {
        if let tauri::RunEvent::ExitRequested { .. } = event {
            tracing::info!("quitting: runs in flight become interrupted");
            tauri::async_runtime::block_on(shell_engine.shutdown());
        }
    });
    ExitCode::SUCCESS
}
