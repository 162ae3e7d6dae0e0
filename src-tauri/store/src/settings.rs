//! `settings`: the app's preferences, one JSON document per key. Unknown keys in the table
//! (from a newer Hearth) are kept and ignored; missing ones take their defaults.

use rusqlite::{Connection, Transaction, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::error::{ErrorCode, Result, StoreError};

pub const MIGRATION_1: &str = "
CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL CHECK (json_valid(value)),
    updated_at INTEGER NOT NULL
);
";

/// What the user can change in Settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Settings {
    /// Name a chat from its first exchange while the user has not named it.
    pub auto_title: bool,
    /// Closing the window hides it to the tray; runs and schedules go on.
    pub close_to_tray: bool,
    /// Start Hearth (in the tray, window hidden) when the user logs in.
    pub start_at_login: bool,
    /// Shows or hides the window from anywhere, e.g. `CmdOrCtrl+Shift+Space`; empty = none.
    pub global_shortcut: String,
    /// No desktop notifications at all.
    pub notifications_muted: bool,
    /// Schedules fire only while this is off (the tray's "Pause schedules").
    pub schedules_paused: bool,
    /// Event-log rows of finished runs older than this many days are dropped (their messages
    /// stay); 1 to 3650.
    pub event_retention_days: u32,
    /// The largest file that can be attached, in MB; 1 to 512.
    pub attachment_max_mb: u32,
    /// The `claude` CLI Claude Code sessions run; empty: `HEARTH_CLAUDE_PATH`, else `PATH`,
    /// else the copy `make` installs in the project's `.tools/`.
    pub claude_code_path: String,
    /// The `codex` CLI Codex sessions run; empty: `HEARTH_CODEX_PATH`, else `PATH`, else the
    /// copy `make` installs in the project's `.tools/`.
    pub codex_path: String,
    /// An agent CLI that says nothing for this many seconds (while no approval is waiting)
    /// ends its run in error; 5 to 86400.
    pub runtime_silence_secs: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            auto_title: true,
            close_to_tray: true,
            start_at_login: false,
            global_shortcut: "CmdOrCtrl+Shift+Space".into(),
            notifications_muted: false,
            schedules_paused: false,
            event_retention_days: 30,
            attachment_max_mb: 20,
            claude_code_path: String::new(),
            codex_path: String::new(),
            runtime_silence_secs: 600,
        }
    }
}

/// A partial change: absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SettingsPatch {
    #[ts(optional)]
    pub auto_title: Option<bool>,
    #[ts(optional)]
    pub close_to_tray: Option<bool>,
    #[ts(optional)]
    pub start_at_login: Option<bool>,
    #[ts(optional)]
    pub global_shortcut: Option<String>,
    #[ts(optional)]
    pub notifications_muted: Option<bool>,
    #[ts(optional)]
    pub schedules_paused: Option<bool>,
    #[ts(optional)]
    pub event_retention_days: Option<u32>,
    #[ts(optional)]
    pub attachment_max_mb: Option<u32>,
    #[ts(optional)]
    pub claude_code_path: Option<String>,
    #[ts(optional)]
    pub codex_path: Option<String>,
    #[ts(optional)]
    pub runtime_silence_secs: Option<u32>,
}

impl SettingsPatch {
    /// Refuses values no setting takes (the shell checks the shortcut's keys itself).
    pub fn validate(&self) -> Result<()> {
        if let Some(days) = self.event_retention_days
            && !(1..=3650).contains(&days)
        {
            return Err(StoreError::new(
                ErrorCode::InvalidInput,
                "event_retention_days must be 1 to 3650",
            ));
        }
        if let Some(mb) = self.attachment_max_mb
            && !(1..=512).contains(&mb)
        {
            return Err(StoreError::new(
                ErrorCode::InvalidInput,
                "attachment_max_mb must be 1 to 512",
            ));
        }
        if let Some(secs) = self.runtime_silence_secs
            && !(5..=86_400).contains(&secs)
        {
            return Err(StoreError::new(
                ErrorCode::InvalidInput,
                "runtime_silence_secs must be 5 to 86400",
            ));
        }
        for (name, path, program) in [
            ("claude_code_path", &self.claude_code_path, "claude"),
            ("codex_path", &self.codex_path, "codex"),
        ] {
            if let Some(path) = path
                && !path.is_empty()
                && (path.len() > 4096
                    || path.chars().any(char::is_control)
                    || !std::path::Path::new(path).is_absolute())
            {
                return Err(StoreError::new(
                    ErrorCode::InvalidInput,
                    format!("{name} must be empty or an absolute path to the {program} CLI"),
                ));
            }
        }
        if let Some(s) = &self.global_shortcut
            && (s.len() > 64 || s.chars().any(char::is_control))
        {
            return Err(StoreError::new(
                ErrorCode::InvalidInput,
                "global_shortcut must be a short key combination such as CmdOrCtrl+Shift+Space",
            ));
        }
        Ok(())
    }
}

/// The settings as stored, defaults filling what is not.
pub fn load(conn: &Connection) -> Result<Settings> {
    let mut stmt = conn.prepare("SELECT key, value FROM settings")?;
    let mut doc = serde_json::to_value(Settings::default()).unwrap_or_default();
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (key, value) = row?;
        if let (Some(slot), Ok(value)) = (doc.get_mut(&key), serde_json::from_str::<Value>(&value))
        {
            *slot = value;
        }
    }
    serde_json::from_value(doc).map_err(|e| {
        StoreError::new(ErrorCode::Storage, format!("the stored settings are unreadable: {e}"))
    })
}

/// Writes the fields the patch sets; returns the settings after it.
pub fn apply(tx: &Transaction<'_>, patch: &SettingsPatch, now: i64) -> Result<Settings> {
    patch.validate()?;
    let fields = serde_json::to_value(patch).unwrap_or_default();
    for (key, value) in fields.as_object().into_iter().flatten() {
        if value.is_null() {
            continue;
        }
        tx.execute(
            "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![key, value.to_string(), now],
        )?;
    }
    load(tx)
}
