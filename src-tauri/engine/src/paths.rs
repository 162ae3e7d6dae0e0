//! Where Hearth keeps its files: the data dir (database, attachments, `api.json`) and logs.

use std::path::PathBuf;

/// The app identifier; also Tauri's `identifier`, so the shell and `hearth serve` agree.
pub const APP_IDENTIFIER: &str = "dev.hearth.desktop";

/// `HEARTH_DATA_DIR` if set (and not empty), else the platform's app-data dir for Hearth
/// (`~/.local/share/dev.hearth.desktop` on Linux).
pub fn data_dir() -> PathBuf {
    match std::env::var_os("HEARTH_DATA_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join(APP_IDENTIFIER),
    }
}

/// Logs live in `<data dir>/logs`: on Linux that is the platform's app log dir, and with
/// `HEARTH_DATA_DIR` it keeps every file of one instance under one folder.
pub fn log_dir() -> PathBuf {
    data_dir().join("logs")
}

/// Where exported chats are saved: `HEARTH_EXPORT_DIR` if set, else the user's Downloads
/// folder, else the home folder.
pub fn export_dir() -> PathBuf {
    match std::env::var_os("HEARTH_EXPORT_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => dirs::download_dir().or_else(dirs::home_dir).unwrap_or_else(|| PathBuf::from(".")),
    }
}
