//! `approvals`: tool calls waiting for the user, and how each was answered. A pending row is
//! what a reloaded window gets back from subscribe; a run that ends or a restart expires it.

pub use hearth_protocol::approvals::{Approval, ApprovalAnswer, Remember};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use crate::error::Result;

pub const MIGRATION_1: &str = "
CREATE TABLE approvals (
    id          TEXT PRIMARY KEY NOT NULL,
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    run_id      TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    tool_use_id TEXT NOT NULL,
    tool        TEXT NOT NULL,
    input       TEXT NOT NULL CHECK (json_valid(input)),
    subject     TEXT,
    status      TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'allowed', 'denied', 'expired')),
    remember    TEXT CHECK (remember IN ('session', 'always')),
    message     TEXT,
    created_at  INTEGER NOT NULL,
    resolved_at INTEGER
);
CREATE INDEX approvals_pending ON approvals (session_id) WHERE status = 'pending';
CREATE INDEX approvals_by_run ON approvals (run_id);
";

const COLUMNS: &str = "id, session_id, run_id, tool_use_id, tool, input, subject, created_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Approval> {
    let input: String = row.get(5)?;
    Ok(Approval {
        id: row.get(0)?,
        session_id: row.get(1)?,
        run_id: row.get(2)?,
        tool_use_id: row.get(3)?,
        tool: row.get(4)?,
        input: serde_json::from_str(&input).unwrap_or(serde_json::Value::Null),
        subject: row.get(6)?,
        created_at: row.get(7)?,
    })
}

pub fn insert(tx: &Transaction<'_>, a: &Approval) -> Result<()> {
    tx.execute(
        "INSERT INTO approvals (id, session_id, run_id, tool_use_id, tool, input, subject, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            a.id,
            a.session_id,
            a.run_id,
            a.tool_use_id,
            a.tool,
            a.input.to_string(),
            a.subject,
            a.created_at
        ],
    )?;
    Ok(())
}

pub fn pending_for_session(conn: &Connection, session_id: &str) -> Result<Vec<Approval>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM approvals WHERE session_id = ?1 AND status = 'pending'
         ORDER BY created_at, id"
    ))?;
    let rows = stmt.query_map(params![session_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The oldest `limit` approvals waiting in live chats, each with its chat's title (the
/// tray's list).
pub fn pending_all(conn: &Connection, limit: u32) -> Result<Vec<(Approval, String)>> {
    let columns: String =
        COLUMNS.split(", ").map(|c| format!("a.{c}")).collect::<Vec<_>>().join(", ");
    let mut stmt = conn.prepare(&format!(
        "SELECT {columns}, s.title FROM approvals a JOIN sessions s ON s.id = a.session_id
         WHERE a.status = 'pending' AND s.deleted_at IS NULL
         ORDER BY a.created_at, a.id LIMIT ?1"
    ))?;
    let rows = stmt.query_map(params![limit], |row| Ok((from_row(row)?, row.get(8)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn pending(conn: &Connection, id: &str) -> Result<Option<Approval>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM approvals WHERE id = ?1 AND status = 'pending'"),
            params![id],
            from_row,
        )
        .optional()?)
}

/// Records the answer; false when the approval was no longer pending.
pub fn resolve(tx: &Transaction<'_>, id: &str, answer: &ApprovalAnswer, now: i64) -> Result<bool> {
    let status = if answer.allow { "allowed" } else { "denied" };
    Ok(tx.execute(
        "UPDATE approvals SET status = ?2, remember = ?3, message = ?4, resolved_at = ?5
         WHERE id = ?1 AND status = 'pending'",
        params![id, status, answer.remember.map(Remember::as_str), answer.message, now],
    )? > 0)
}

/// Expires what a run left pending (it ended, or the process died); returns their
/// (approval id, tool call id).
pub fn expire_for_run(
    tx: &Transaction<'_>,
    run_id: &str,
    now: i64,
) -> Result<Vec<(String, String)>> {
    let ids: Vec<(String, String)> = {
        let mut stmt = tx.prepare(
            "SELECT id, tool_use_id FROM approvals WHERE run_id = ?1 AND status = 'pending'",
        )?;
        stmt.query_map(params![run_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    tx.execute(
        "UPDATE approvals SET status = 'expired', resolved_at = ?2
         WHERE run_id = ?1 AND status = 'pending'",
        params![run_id, now],
    )?;
    Ok(ids)
}
