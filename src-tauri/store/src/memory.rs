//! `memories`: what Hearth remembers about the user across chats. Core memories go into every
//! chat's system prompt; archival ones are searched (FTS5) when the agent looks for them.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorCode, Result, StoreError};

pub const MIGRATION_1: &str = "
CREATE TABLE memories (
    id         TEXT PRIMARY KEY NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('profile', 'preference', 'relationship', 'fact')),
    tier       TEXT NOT NULL CHECK (tier IN ('core', 'archival')),
    text       TEXT NOT NULL CHECK (length(text) > 0),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE VIRTUAL TABLE memories_fts USING fts5(text, content = 'memories', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
    INSERT INTO memories_fts (rowid, text) VALUES (NEW.rowid, NEW.text);
END;
CREATE TRIGGER memories_fts_update AFTER UPDATE OF text ON memories BEGIN
    INSERT INTO memories_fts (memories_fts, rowid, text) VALUES ('delete', OLD.rowid, OLD.text);
    INSERT INTO memories_fts (rowid, text) VALUES (NEW.rowid, NEW.text);
END;
CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
    INSERT INTO memories_fts (memories_fts, rowid, text) VALUES ('delete', OLD.rowid, OLD.text);
END;
";

/// A memory's text is at most this many characters.
pub const MAX_TEXT_CHARS: usize = 2_000;
/// Core memories are in every system prompt: they are kept few.
pub const MAX_CORE: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MemoryKind {
    /// Who the user is: name, work, where they live.
    Profile,
    /// How they like things: tone, formats, tools.
    Preference,
    /// People and pets in their life.
    Relationship,
    /// Anything else worth remembering.
    Fact,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MemoryTier {
    /// Always in the system prompt.
    Core,
    /// Found by searching.
    Archival,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Memory {
    pub id: String,
    pub kind: MemoryKind,
    pub tier: MemoryTier,
    pub text: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewMemory {
    pub kind: MemoryKind,
    pub tier: MemoryTier,
    pub text: String,
}

/// A partial change: absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemoryPatch {
    #[ts(optional)]
    pub kind: Option<MemoryKind>,
    #[ts(optional)]
    pub tier: Option<MemoryTier>,
    #[ts(optional)]
    pub text: Option<String>,
}

pub fn kind_str(k: MemoryKind) -> &'static str {
    match k {
        MemoryKind::Profile => "profile",
        MemoryKind::Preference => "preference",
        MemoryKind::Relationship => "relationship",
        MemoryKind::Fact => "fact",
    }
}

pub fn tier_str(t: MemoryTier) -> &'static str {
    match t {
        MemoryTier::Core => "core",
        MemoryTier::Archival => "archival",
    }
}

fn invalid(message: impl Into<String>) -> StoreError {
    StoreError::new(ErrorCode::InvalidInput, message)
}

fn clean_text(text: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(invalid("a memory needs text"));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(invalid(format!("a memory is at most {MAX_TEXT_CHARS} characters")));
    }
    Ok(text.to_owned())
}

const COLUMNS: &str = "id, kind, tier, text, created_at, updated_at";

fn parse<T: serde::de::DeserializeOwned>(i: usize, v: String) -> rusqlite::Result<T> {
    serde_json::from_value(serde_json::Value::String(v)).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Memory> {
    Ok(Memory {
        id: r.get(0)?,
        kind: parse(1, r.get(1)?)?,
        tier: parse(2, r.get(2)?)?,
        text: r.get(3)?,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
    })
}

fn not_found(id: &str) -> StoreError {
    StoreError::new(ErrorCode::NotFound, format!("no memory {id:?}"))
}

fn core_is_full(tx: &Transaction<'_>) -> Result<()> {
    let core: i64 =
        tx.query_row("SELECT COUNT(*) FROM memories WHERE tier = 'core'", [], |r| r.get(0))?;
    if core as usize >= MAX_CORE {
        return Err(invalid(format!(
            "there are already {MAX_CORE} core memories; make this one archival, or forget one"
        )));
    }
    Ok(())
}

pub fn add(tx: &Transaction<'_>, new: &NewMemory, now: i64) -> Result<Memory> {
    let text = clean_text(&new.text)?;
    if new.tier == MemoryTier::Core {
        core_is_full(tx)?;
    }
    let id = uuid::Uuid::now_v7().to_string();
    tx.execute(
        "INSERT INTO memories (id, kind, tier, text, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![id, kind_str(new.kind), tier_str(new.tier), text, now],
    )?;
    get(tx, &id)?.ok_or_else(|| not_found(&id))
}

pub fn get(conn: &Connection, id: &str) -> Result<Option<Memory>> {
    Ok(conn
        .query_row(&format!("SELECT {COLUMNS} FROM memories WHERE id = ?1"), [id], from_row)
        .optional()?)
}

pub fn update(tx: &Transaction<'_>, id: &str, patch: &MemoryPatch, now: i64) -> Result<Memory> {
    let old = get(tx, id)?.ok_or_else(|| not_found(id))?;
    let text = patch.text.as_deref().map(clean_text).transpose()?;
    if patch.tier == Some(MemoryTier::Core) && old.tier != MemoryTier::Core {
        core_is_full(tx)?;
    }
    tx.execute(
        "UPDATE memories SET kind = ?2, tier = ?3, text = ?4, updated_at = ?5 WHERE id = ?1",
        params![
            id,
            kind_str(patch.kind.unwrap_or(old.kind)),
            tier_str(patch.tier.unwrap_or(old.tier)),
            text.unwrap_or(old.text),
            now
        ],
    )?;
    get(tx, id)?.ok_or_else(|| not_found(id))
}

pub fn delete(tx: &Transaction<'_>, id: &str) -> Result<()> {
    if tx.execute("DELETE FROM memories WHERE id = ?1", [id])? == 0 {
        return Err(not_found(id));
    }
    Ok(())
}

/// Every memory of a tier (all when None), core first, newest first within a tier.
pub fn list(conn: &Connection, tier: Option<MemoryTier>) -> Result<Vec<Memory>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM memories WHERE ?1 IS NULL OR tier = ?1
         ORDER BY tier = 'archival', updated_at DESC, id DESC"
    ))?;
    let rows = stmt.query_map([tier.map(tier_str)], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Memories matching any word of `q`, best first (bm25).
pub fn search(conn: &Connection, q: &str, limit: usize) -> Result<Vec<Memory>> {
    let terms = crate::search::fts_terms(q)?;
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM memories_fts JOIN memories m ON m.rowid = memories_fts.rowid
         WHERE memories_fts MATCH ?1 ORDER BY rank LIMIT ?2",
        COLUMNS.split(", ").map(|c| format!("m.{c}")).collect::<Vec<_>>().join(", ")
    ))?;
    let rows = stmt.query_map(params![terms.join(" OR "), limit as i64], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
