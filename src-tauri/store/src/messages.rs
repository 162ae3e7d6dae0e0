//! `messages`: provider-neutral content blocks (JSON) of user and assistant messages.
//!
//! A message enters the conversation when it gets an `ordinal` (the session's next): a user
//! message when its run starts (a queued one is only in the queue), an assistant message when
//! its model call ends. History and the model's context are the messages by ordinal.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use crate::error::{ErrorCode, Result, StoreError};
use hearth_protocol::chat::{ContentBlock, Message, MessageSource, MessageStatus, Role};
use hearth_protocol::frames::Usage;

pub const MIGRATION_1: &str = "
CREATE TABLE messages (
    id            TEXT PRIMARY KEY NOT NULL,
    session_id    TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    run_id        TEXT REFERENCES runs(id) ON DELETE SET NULL,
    role          TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    source        TEXT NOT NULL DEFAULT 'user' CHECK (source IN ('user', 'model', 'external')),
    content       TEXT NOT NULL CHECK (json_valid(content)),
    status        TEXT NOT NULL DEFAULT 'complete'
                    CHECK (status IN ('complete', 'aborted', 'error', 'interrupted')),
    client_msg_id TEXT,
    ordinal       INTEGER,
    usage         TEXT,
    last_seq      INTEGER,
    created_at    INTEGER NOT NULL,
    UNIQUE (session_id, client_msg_id),
    UNIQUE (session_id, ordinal)
);
CREATE INDEX messages_by_session_ordinal ON messages (session_id, ordinal)
    WHERE ordinal IS NOT NULL;
";

fn role_str(role: Role) -> &'static str {
    match role {
        Role::User => "user",
        Role::Assistant => "assistant",
        Role::System => "system",
    }
}

fn status_str(status: MessageStatus) -> &'static str {
    match status {
        MessageStatus::Complete => "complete",
        MessageStatus::Aborted => "aborted",
        MessageStatus::Error => "error",
        MessageStatus::Interrupted => "interrupted",
    }
}

fn source_str(source: MessageSource) -> &'static str {
    match source {
        MessageSource::User => "user",
        MessageSource::Model => "model",
        MessageSource::External => "external",
    }
}

pub struct NewMessage<'a> {
    pub id: &'a str,
    pub session_id: &'a str,
    pub run_id: Option<&'a str>,
    pub role: Role,
    pub source: MessageSource,
    pub content: &'a [ContentBlock],
    pub status: MessageStatus,
    pub client_msg_id: Option<&'a str>,
    /// Enter the timeline now (true), or wait until a run starts (false: queued).
    pub in_timeline: bool,
    pub usage: Option<&'a Usage>,
    pub last_seq: Option<i64>,
}

impl<'a> NewMessage<'a> {
    /// A complete user message (no run, no usage, no seq yet).
    pub fn user(
        id: &'a str,
        session_id: &'a str,
        content: &'a [ContentBlock],
        in_timeline: bool,
    ) -> Self {
        NewMessage {
            id,
            session_id,
            run_id: None,
            role: Role::User,
            source: MessageSource::User,
            content,
            status: MessageStatus::Complete,
            client_msg_id: None,
            in_timeline,
            usage: None,
            last_seq: None,
        }
    }
}

/// Inserts a message and bumps its session's last activity, in the caller's transaction.
pub fn insert(tx: &Transaction<'_>, m: &NewMessage<'_>, now: i64) -> Result<()> {
    let changed = tx.execute(
        "UPDATE sessions SET last_message_at = ?2, updated_at = ?2
         WHERE id = ?1 AND deleted_at IS NULL",
        params![m.session_id, now],
    )?;
    if changed == 0 {
        return Err(StoreError::session_not_found(m.session_id));
    }
    let content = serde_json::to_string(m.content)
        .map_err(|e| StoreError::new(ErrorCode::Internal, format!("content: {e}")))?;
    let ordinal = if m.in_timeline { Some(next_ordinal(tx, m.session_id)?) } else { None };
    // In the conversation now: it follows the timeline's last message, on its branch.
    let parent = if m.in_timeline { crate::branches::tail(tx, m.session_id)? } else { None };
    let active_at = m.in_timeline.then_some(now);
    tx.execute(
        "INSERT INTO messages (id, session_id, run_id, role, source, content, status,
                               client_msg_id, ordinal, usage, last_seq, created_at, parent_id,
                               active_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            m.id,
            m.session_id,
            m.run_id,
            role_str(m.role),
            source_str(m.source),
            content,
            status_str(m.status),
            m.client_msg_id,
            ordinal,
            m.usage.and_then(|u| serde_json::to_string(u).ok()),
            m.last_seq,
            now,
            parent,
            active_at
        ],
    )?;
    Ok(())
}

fn next_ordinal(tx: &Transaction<'_>, session_id: &str) -> Result<i64> {
    Ok(tx.query_row(
        "SELECT COALESCE(MAX(ordinal), 0) + 1 FROM messages WHERE session_id = ?1",
        [session_id],
        |r| r.get(0),
    )?)
}

/// Puts a queued user message into the timeline (its run starts now).
pub fn enter_timeline(
    tx: &Transaction<'_>,
    message_id: &str,
    session_id: &str,
    now: i64,
) -> Result<()> {
    let ordinal = next_ordinal(tx, session_id)?;
    let parent = crate::branches::tail(tx, session_id)?;
    // Only a queued message enters (one that never did): a stashed branch is not revived here.
    tx.execute(
        "UPDATE messages SET ordinal = ?2, parent_id = ?3, active_at = ?4
         WHERE id = ?1 AND ordinal IS NULL AND active_at IS NULL",
        params![message_id, ordinal, parent, now],
    )?;
    Ok(())
}

/// (message_id, run_id) of an earlier send with this `client_msg_id`.
pub fn by_client_msg_id(
    conn: &Connection,
    session_id: &str,
    client_msg_id: &str,
) -> Result<Option<(String, Option<String>)>> {
    Ok(conn
        .query_row(
            "SELECT id, run_id FROM messages WHERE session_id = ?1 AND client_msg_id = ?2",
            params![session_id, client_msg_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

const COLUMNS: &str =
    "id, session_id, run_id, role, source, content, status, usage, last_seq, created_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Message> {
    let parse_err = |i, e: serde_json::Error| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    };
    let role: String = row.get(3)?;
    let source: String = row.get(4)?;
    let content: String = row.get(5)?;
    let status: String = row.get(6)?;
    let usage: Option<String> = row.get(7)?;
    Ok(Message {
        id: row.get(0)?,
        session_id: row.get(1)?,
        run_id: row.get(2)?,
        role: match role.as_str() {
            "assistant" => Role::Assistant,
            "system" => Role::System,
            _ => Role::User,
        },
        source: match source.as_str() {
            "model" => MessageSource::Model,
            "external" => MessageSource::External,
            _ => MessageSource::User,
        },
        content: serde_json::from_str(&content).map_err(|e| parse_err(5, e))?,
        status: match status.as_str() {
            "aborted" => MessageStatus::Aborted,
            "error" => MessageStatus::Error,
            "interrupted" => MessageStatus::Interrupted,
            _ => MessageStatus::Complete,
        },
        usage: usage.and_then(|u| serde_json::from_str(&u).ok()),
        last_seq: row.get(8)?,
        created_at: row.get(9)?,
        branch: None,
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<Option<Message>> {
    Ok(conn
        .query_row(&format!("SELECT {COLUMNS} FROM messages WHERE id = ?1"), [id], from_row)
        .optional()?)
}

/// The last `limit` timeline messages before ordinal `before` (all if None), oldest first,
/// and whether older ones exist.
pub fn timeline(
    conn: &Connection,
    session_id: &str,
    limit: usize,
    before: Option<i64>,
) -> Result<(Vec<Message>, bool)> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM messages
         WHERE session_id = ?1 AND ordinal IS NOT NULL AND ordinal < ?2
         ORDER BY ordinal DESC LIMIT ?3"
    ))?;
    let rows = stmt
        .query_map(params![session_id, before.unwrap_or(i64::MAX), limit as i64 + 1], from_row)?;
    let mut messages = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    let has_more = messages.len() > limit;
    messages.truncate(limit);
    messages.reverse();
    Ok((messages, has_more))
}

/// The highest frame seq the session's messages reflect (history's watermark).
pub fn watermark(conn: &Connection, session_id: &str) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(last_seq), 0) FROM messages WHERE session_id = ?1",
        [session_id],
        |r| r.get(0),
    )?)
}

/// The ordinal of a message (to page history by `before`).
pub fn ordinal_of(conn: &Connection, id: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row("SELECT ordinal FROM messages WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .flatten())
}

/// The text of a user message (what a queued run will send).
pub fn text_of(message: &Message) -> String {
    message
        .content
        .iter()
        .filter_map(|b| match b {
            ContentBlock::Text { text } => Some(text.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}
/// Links a user message to the run that answers it.
pub fn set_run(tx: &Transaction<'_>, message_id: &str, run_id: &str) -> Result<()> {
    tx.execute("UPDATE messages SET run_id = ?2 WHERE id = ?1", params![message_id, run_id])?;
    Ok(())
}
/// A page of the timeline (`limit` messages before the ordinal `before`, oldest first) with
/// each message's versions, and the watermark, read in one transaction so they agree.
pub fn history(
    conn: &Connection,
    session_id: &str,
    limit: usize,
    before: Option<i64>,
) -> Result<hearth_protocol::chat::History> {
    let tx = conn.unchecked_transaction()?;
    let watermark = watermark(&tx, session_id)?;
    let (mut messages, has_more) = timeline(&tx, session_id, limit, before)?;
    for m in &mut messages {
        m.branch = crate::branches::info(&tx, session_id, &m.id)?;
    }
    tx.finish()?;
    Ok(hearth_protocol::chat::History { messages, watermark, has_more })
}
