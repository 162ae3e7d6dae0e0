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

/// The text of a PDF, extracted once when it is attached (NULL for images and text files, whose
/// file is their text).
pub const MIGRATION_2: &str = "ALTER TABLE attachments ADD COLUMN text TEXT;";

use std::path::{Path, PathBuf};

use base64::Engine as _;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::error::{ErrorCode, Result, StoreError};
use hearth_protocol::chat::ContentBlock;
use hearth_protocol::model::{DocumentData, ImageData};

/// An uploaded attachment, as the upload answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AttachmentInfo {
    pub attachment_id: String,
    /// Sniffed from the content: `image/png|jpeg|gif|webp`, `application/pdf`, `text/plain`.
    pub mime: String,
    pub name: String,
    #[ts(type = "number")]
    pub size: u64,
}

impl AttachmentInfo {
    /// The block a message shows it as.
    pub fn block(&self) -> ContentBlock {
        if self.mime.starts_with("image/") {
            ContentBlock::Image {
                attachment_id: self.attachment_id.clone(),
                mime: self.mime.clone(),
            }
        } else {
            ContentBlock::File {
                attachment_id: self.attachment_id.clone(),
                mime: self.mime.clone(),
                name: self.name.clone(),
                size: self.size,
            }
        }
    }
}

/// Writes `bytes` to their content address (once: the same bytes share one file); returns the
/// sha256.
pub fn write_file(data_dir: &Path, bytes: &[u8]) -> Result<String> {
    let sha256 = format!("{:x}", Sha256::digest(bytes));
    let path = file_path(data_dir, &sha256);
    if !path.exists() {
        let storage = |e: std::io::Error| {
            StoreError::new(ErrorCode::Storage, format!("cannot store an attachment: {e}"))
        };
        let parent = path.parent().expect("attachment paths have a parent");
        crate::private::create_dir_all(parent).map_err(storage)?;
        // Written beside (0600 from the start), flushed, then renamed: a crash never leaves a
        // short file at the address.
        let partial = parent.join(format!("{sha256}.{}.partial", uuid::Uuid::new_v4()));
        let written = (|| {
            use std::io::Write;
            let mut file =
                crate::private::file_options().write(true).create_new(true).open(&partial)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            std::fs::rename(&partial, &path)
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&partial);
            return Err(storage(e));
        }
    }
    Ok(sha256)
}

/// A new attachment row, not yet part of a message.
pub struct NewAttachment<'a> {
    pub id: &'a str,
    pub session_id: &'a str,
    pub message_id: Option<&'a str>,
    pub sha256: &'a str,
    pub mime: &'a str,
    pub name: &'a str,
    pub size: u64,
    pub text: Option<&'a str>,
}

pub fn insert(tx: &Transaction<'_>, a: &NewAttachment<'_>, now: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO attachments (id, session_id, message_id, sha256, mime, name, size, text,
                                  created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            a.id,
            a.session_id,
            a.message_id,
            a.sha256,
            a.mime,
            a.name,
            a.size as i64,
            a.text,
            now
        ],
    )?;
    Ok(())
}

/// The blocks for the uploads `ids` (of this chat, not sent yet), in the order given; an error
/// names the first that is not one.
pub fn pending_blocks(
    tx: &Transaction<'_>,
    session_id: &str,
    ids: &[String],
) -> Result<Vec<ContentBlock>> {
    let mut blocks = Vec::with_capacity(ids.len());
    for id in ids {
        let info: Option<AttachmentInfo> = tx
            .query_row(
                "SELECT id, mime, name, size FROM attachments
                 WHERE id = ?1 AND session_id = ?2 AND message_id IS NULL",
                params![id, session_id],
                |r| {
                    Ok(AttachmentInfo {
                        attachment_id: r.get(0)?,
                        mime: r.get(1)?,
                        name: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                        size: r.get::<_, i64>(3)? as u64,
                    })
                },
            )
            .optional()?;
        let info = info.ok_or_else(|| {
            StoreError::new(
                ErrorCode::AttachmentNotFound,
                format!("no attachment {id:?} waiting to be sent in this chat"),
            )
        })?;
        if blocks.iter().any(|b: &ContentBlock| b.attachment_id() == Some(id.as_str())) {
            return Err(StoreError::new(
                ErrorCode::InvalidInput,
                format!("attachment {id:?} is listed twice"),
            ));
        }
        blocks.push(info.block());
    }
    Ok(blocks)
}

/// Gives the uploads `ids` to the message that shows them.
pub fn claim(tx: &Transaction<'_>, message_id: &str, ids: &[String]) -> Result<()> {
    for id in ids {
        tx.execute(
            "UPDATE attachments SET message_id = ?2 WHERE id = ?1",
            params![id, message_id],
        )?;
    }
    Ok(())
}

/// An attachment's type and bytes (for showing it); None when the row or its file is gone.
pub fn read(conn: &Connection, data_dir: &Path, id: &str) -> Result<Option<(String, Vec<u8>)>> {
    let row: Option<(String, String)> = conn
        .query_row("SELECT sha256, mime FROM attachments WHERE id = ?1", params![id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((sha256, mime)) = row else { return Ok(None) };
    Ok(std::fs::read(file_path(data_dir, &sha256)).ok().map(|bytes| (mime, bytes)))
}

/// A file attachment for a model request: a PDF's bytes and extracted text, a text file's
/// text; None when the row or its file is gone.
pub fn load_document(conn: &Connection, data_dir: &Path, id: &str) -> Result<Option<DocumentData>> {
    let row: Option<(String, String, Option<String>, Option<String>)> = conn
        .query_row(
            "SELECT sha256, mime, name, text FROM attachments WHERE id = ?1",
            params![id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((sha256, mime, name, text)) = row else { return Ok(None) };
    let Ok(bytes) = std::fs::read(file_path(data_dir, &sha256)) else { return Ok(None) };
    let name = name.unwrap_or_default();
    Ok(Some(if mime == "application/pdf" {
        DocumentData {
            mime,
            name,
            base64: Some(base64::engine::general_purpose::STANDARD.encode(&bytes)),
            text: text.unwrap_or_default(),
        }
    } else {
        DocumentData {
            mime,
            name,
            base64: None,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }))
}

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
/// An attachment's row as an export reads it.
pub struct StoredFile {
    pub id: String,
    pub sha256: String,
    pub mime: String,
    pub name: Option<String>,
}

/// Every attachment of a session, in id order (for export).
pub fn files_of_session(conn: &Connection, session_id: &str) -> Result<Vec<StoredFile>> {
    let mut stmt = conn.prepare(
        "SELECT id, sha256, mime, name FROM attachments WHERE session_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([session_id], |r| {
        Ok(StoredFile { id: r.get(0)?, sha256: r.get(1)?, mime: r.get(2)?, name: r.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
