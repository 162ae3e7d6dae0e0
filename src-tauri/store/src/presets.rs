//! `presets`: assistant presets, named system prompts ("Translator", "Code reviewer") that a
//! chat takes as its own. Choosing one copies its prompt into the chat (`sessions.system_prompt`),
//! so a chat says exactly what its model is told, exports and imports with it, and does not
//! change under an earlier conversation when the preset is edited later.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorCode, Result, StoreError};
use hearth_protocol::limits::MAX_SYSTEM_PROMPT_CHARS;

pub const MIGRATION_1: &str = "
CREATE TABLE presets (
    id         TEXT PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL CHECK (length(name) > 0),
    prompt     TEXT NOT NULL CHECK (length(prompt) > 0),
    for_new_chats INTEGER NOT NULL DEFAULT 0 CHECK (for_new_chats IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX presets_name ON presets (name COLLATE NOCASE);
CREATE UNIQUE INDEX presets_for_new_chats ON presets (for_new_chats) WHERE for_new_chats = 1;
";

/// A preset's name is at most this many characters.
pub const MAX_NAME_CHARS: usize = 60;
/// Presets there may be (a picker lists them all).
pub const MAX_PRESETS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Preset {
    pub id: String,
    pub name: String,
    /// The system prompt a chat takes when the preset is chosen.
    pub prompt: String,
    /// New chats start with this preset's prompt (at most one preset is so marked).
    pub for_new_chats: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewPreset {
    pub name: String,
    pub prompt: String,
}

/// A partial change: absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PresetPatch {
    #[ts(optional)]
    pub name: Option<String>,
    #[ts(optional)]
    pub prompt: Option<String>,
    /// True: new chats start with this preset (and no longer with another); false: they don't.
    #[ts(optional)]
    pub for_new_chats: Option<bool>,
}

fn invalid(message: impl Into<String>) -> StoreError {
    StoreError::new(ErrorCode::InvalidInput, message)
}

fn not_found(id: &str) -> StoreError {
    StoreError::new(ErrorCode::NotFound, format!("no preset {id:?}"))
}

fn clean_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(invalid("a preset needs a name"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(invalid(format!("a preset's name is at most {MAX_NAME_CHARS} characters")));
    }
    if name.chars().any(char::is_control) {
        return Err(invalid("a preset's name is one line of text"));
    }
    Ok(name.to_owned())
}

/// The prompt as written (leading and trailing blank space dropped), not empty.
fn clean_prompt(prompt: &str) -> Result<String> {
    let prompt = prompt.trim();
    if prompt.is_empty() {
        return Err(invalid("a preset needs a prompt: what the model should be told"));
    }
    if prompt.chars().count() > MAX_SYSTEM_PROMPT_CHARS {
        return Err(invalid(format!(
            "a preset's prompt is at most {MAX_SYSTEM_PROMPT_CHARS} characters"
        )));
    }
    Ok(prompt.to_owned())
}

/// Refuses `name` when another preset has it (letter case aside).
fn name_is_free(conn: &Connection, name: &str, except: Option<&str>) -> Result<()> {
    let taken: Option<String> = conn
        .query_row(
            "SELECT id FROM presets WHERE name = ?1 COLLATE NOCASE AND id IS NOT ?2",
            params![name, except],
            |r| r.get(0),
        )
        .optional()?;
    match taken {
        Some(_) => Err(invalid(format!("there is already a preset named {name:?}"))),
        None => Ok(()),
    }
}

const COLUMNS: &str = "id, name, prompt, for_new_chats, created_at, updated_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Preset> {
    Ok(Preset {
        id: r.get(0)?,
        name: r.get(1)?,
        prompt: r.get(2)?,
        for_new_chats: r.get(3)?,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
    })
}

pub fn add(tx: &Transaction<'_>, new: &NewPreset, now: i64) -> Result<Preset> {
    let name = clean_name(&new.name)?;
    let prompt = clean_prompt(&new.prompt)?;
    let count: i64 = tx.query_row("SELECT COUNT(*) FROM presets", [], |r| r.get(0))?;
    if count as usize >= MAX_PRESETS {
        return Err(invalid(format!("there are already {MAX_PRESETS} presets; delete one first")));
    }
    name_is_free(tx, &name, None)?;
    let id = uuid::Uuid::now_v7().to_string();
    tx.execute(
        "INSERT INTO presets (id, name, prompt, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![id, name, prompt, now],
    )?;
    get(tx, &id)?.ok_or_else(|| not_found(&id))
}

pub fn get(conn: &Connection, id: &str) -> Result<Option<Preset>> {
    Ok(conn
        .query_row(&format!("SELECT {COLUMNS} FROM presets WHERE id = ?1"), [id], from_row)
        .optional()?)
}

pub fn update(tx: &Transaction<'_>, id: &str, patch: &PresetPatch, now: i64) -> Result<Preset> {
    let old = get(tx, id)?.ok_or_else(|| not_found(id))?;
    let name = patch.name.as_deref().map(clean_name).transpose()?;
    let prompt = patch.prompt.as_deref().map(clean_prompt).transpose()?;
    if let Some(name) = &name {
        name_is_free(tx, name, Some(id))?;
    }
    let for_new_chats = patch.for_new_chats.unwrap_or(old.for_new_chats);
    if for_new_chats {
        tx.execute(
            "UPDATE presets SET for_new_chats = 0 WHERE for_new_chats = 1 AND id != ?1",
            [id],
        )?;
    }
    tx.execute(
        "UPDATE presets SET name = ?2, prompt = ?3, for_new_chats = ?4, updated_at = ?5 WHERE id = ?1",
        params![id, name.unwrap_or(old.name), prompt.unwrap_or(old.prompt), for_new_chats, now],
    )?;
    get(tx, id)?.ok_or_else(|| not_found(id))
}

/// The prompt new chats start with, if a preset is marked for them.
pub fn for_new_chats(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT prompt FROM presets WHERE for_new_chats = 1", [], |r| r.get(0))
        .optional()?)
}

/// Deletes the preset; chats that took its prompt keep it.
pub fn delete(tx: &Transaction<'_>, id: &str) -> Result<()> {
    if tx.execute("DELETE FROM presets WHERE id = ?1", [id])? == 0 {
        return Err(not_found(id));
    }
    Ok(())
}

/// Every preset, by name.
pub fn list(conn: &Connection) -> Result<Vec<Preset>> {
    let mut stmt =
        conn.prepare(&format!("SELECT {COLUMNS} FROM presets ORDER BY name COLLATE NOCASE, id"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
