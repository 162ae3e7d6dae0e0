//! The Tauri shell of Hearth: opens the engine, registers the IPC commands, shows the window.
//!
//! Owns: process start-up (logging, data dir), the window, IPC. Must never: hold logic that
//! belongs in the engine (commands are a few lines each), or own a run (runs belong to the
//! engine, so they outlive any window).

mod commands;

use std::process::ExitCode;
use std::sync::Arc;

use hearth_engine::{Engine, paths};

/// Registers state and commands on any runtime: the real one in `run`, the mock one in tests.
pub fn build_app<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    engine: Arc<Engine>,
) -> tauri::Builder<R> {
    builder
        .manage(engine)
        .manage(commands::Subscriptions::default())
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
fn start_api(engine: Arc<Engine>, data_dir: std::path::PathBuf) {
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
            |_| {},
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
    start_api(engine.clone(), data_dir.clone());
    match build_app(tauri::Builder::default(), engine).run(tauri::generate_context!()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "the app stopped with an error");
            ExitCode::FAILURE
        }
    }
}
