//! Declares the app's own commands so that capabilities/ can allow exactly them and nothing
//! else reaches the engine from the webview.

/// Every IPC command, one a line: generated from `hearth_api::ops` by `make bindings` (the
/// list `commands::handler` registers is checked against the same declarations).
const COMMANDS: &str = include_str!("commands/names.txt");

fn main() {
    let commands: Vec<&'static str> =
        COMMANDS.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(Box::leak(commands.into_boxed_slice())),
    ))
    .expect("tauri-build failed");
}
