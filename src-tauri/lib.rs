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
    builder.manage(engine).invoke_handler(commands::handler())
}

/// Starts the desktop app; returns when the last window has closed.
pub fn run() -> ExitCode {
    let _log_guard = hearth_engine::logging::init(&paths::log_dir());
    let data_dir = paths::data_dir();
    let engine = match Engine::open(&data_dir) {
        Ok(engine) => Arc::new(engine),
        Err(e) => {
            tracing::error!(code = ?e.code, "cannot open the data dir: {}", e.message);
            eprintln!("hearth: {}", e.message);
            return ExitCode::from(2);
        }
    };
    tracing::info!(data_dir = %data_dir.display(), version = env!("CARGO_PKG_VERSION"), "starting Hearth");
    match build_app(tauri::Builder::default(), engine).run(tauri::generate_context!()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "the app stopped with an error");
            ExitCode::FAILURE
        }
    }
}
