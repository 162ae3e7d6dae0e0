//! `attachments`: metadata of content-addressed files stored beside the database.

pub const MIGRATION_1: &str = "
CREATE TABLE attachments (
    id         TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    message_id TEXT REFERENCES messages(id) ON DELETE CASCADE,
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
    mime       TEXT NOT NULL,
    name       TEXT,
    size       INTEGER NOT NULL CHECK (size >= 0),
    created_at INTEGER NOT NULL
);
CREATE INDEX attachments_by_session ON attachments (session_id);
CREATE INDEX attachments_by_hash ON attachments (sha256);
";

use std::path::{Path, PathBuf};

use base64::Engine as _;
use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;
use crate::provider::ImageData;

/// Where attachment files live: `attachments/<first two hex digits>/<sha256>` beside the
/// database, so one file serves every attachment with the same bytes.
pub fn file_path(data_dir: &Path, sha256: &str) -> PathBuf {
    data_dir.join("attachments").join(&sha256[..2.min(sha256.len())]).join(sha256)
}

/// An image attachment's bytes for a model request; None when the row or its file is gone.
pub fn load_image(conn: &Connection, data_dir: &Path, id: &str) -> Result<Option<ImageData>> {
    let row: Option<(String, String)> = conn
        .query_row("SELECT sha256, mime FROM attachments WHERE id = ?1", params![id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((sha256, mime)) = row else { return Ok(None) };
    Ok(std::fs::read(file_path(data_dir, &sha256)).ok().map(|bytes| ImageData {
        mime,
        base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    }))
}
