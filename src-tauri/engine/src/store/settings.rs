//! `settings`: the app's preferences, one JSON document per key. Unknown keys in the table
//! (from a newer Hearth) are kept and ignored; missing ones take their defaults.

use rusqlite::{Connection, Transaction, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::error::{ApiError, ErrorCode, Result};

pub const MIGRATION_1: &str = "
CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL CHECK (json_valid(value)),
    updated_at INTEGER NOT NULL
);
";

/// What the user can change in Settings (more arrives with the tray and schedules).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Settings {
    /// Name a chat from its first exchange while the user has not named it.
    pub auto_title: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { auto_title: true }
    }
}

/// A partial change: absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SettingsPatch {
    #[ts(optional)]
    pub auto_title: Option<bool>,
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
        ApiError::new(ErrorCode::Storage, format!("the stored settings are unreadable: {e}"))
    })
}

/// Writes the fields the patch sets; returns the settings after it.
pub fn apply(tx: &Transaction<'_>, patch: &SettingsPatch, now: i64) -> Result<Settings> {
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
