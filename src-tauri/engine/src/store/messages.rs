//! `messages`: provider-neutral content blocks (JSON) of user and assistant messages.

use rusqlite::{Transaction, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ApiError, ErrorCode, Result};

pub const MIGRATION_1: &str = "
CREATE TABLE messages (
    id            TEXT PRIMARY KEY NOT NULL,
    session_id    TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    run_id        TEXT REFERENCES runs(id) ON DELETE SET NULL,
    role          TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    source        TEXT NOT NULL DEFAULT 'user' CHECK (source IN ('user', 'model', 'external')),
    content       TEXT NOT NULL CHECK (json_valid(content)),
    status        TEXT NOT NULL DEFAULT 'complete',
    client_msg_id TEXT,
    usage         TEXT,
    last_seq      INTEGER,
    created_at    INTEGER NOT NULL,
    UNIQUE (session_id, client_msg_id)
);
CREATE INDEX messages_by_session ON messages (session_id, created_at, id);
";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    User,
    Assistant,
    System,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::System => "system",
        }
    }
}

/// Inserts a message and bumps its session's last activity, in the caller's transaction.
pub fn insert(
    tx: &Transaction<'_>,
    session_id: &str,
    role: Role,
    content: &serde_json::Value,
    now: i64,
) -> Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    let changed = tx.execute(
        "UPDATE sessions SET last_message_at = ?2, updated_at = ?2
         WHERE id = ?1 AND deleted_at IS NULL",
        params![session_id, now],
    )?;
    if changed == 0 {
        return Err(ApiError::session_not_found(session_id));
    }
    let content = serde_json::to_string(content)
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("content: {e}")))?;
    tx.execute(
        "INSERT INTO messages (id, session_id, role, content, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, session_id, role.as_str(), content, now],
    )?;
    Ok(id)
}
