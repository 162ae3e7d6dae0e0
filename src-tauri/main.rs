// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    // `hearth <subcommand>` is the CLI; `hearth` alone starts the desktop app.
    if let Some(code) = hearth_api::cli::main() {
        return code;
    }
    hearth_app::run()
}
