//! `events`: the durable frame log, keyed by (session_id, seq). Only the writer appends.

pub const MIGRATION_1: &str = "
CREATE TABLE events (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL CHECK (seq > 0),
    run_id     TEXT,
    ts         INTEGER NOT NULL,
    type       TEXT NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;
";

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::error::{ErrorCode, Result, StoreError};
use hearth_protocol::frames::{Frame, FrameBody};

/// Appends one numbered frame to the log (the writer's, in its batch transaction).
pub fn append(tx: &Transaction<'_>, frame: &Frame) -> Result<()> {
    let body = serde_json::to_string(&frame.body)
        .map_err(|e| StoreError::new(ErrorCode::Internal, e.to_string()))?;
    tx.prepare_cached(
        "INSERT INTO events (session_id, seq, run_id, ts, type, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        frame.session_id,
        frame.seq,
        frame.run_id,
        frame.ts,
        frame.body.kind(),
        body
    ])?;
    Ok(())
}

/// Records the session's last seq (after a batch appended up to it).
pub fn set_last_seq(tx: &Transaction<'_>, session_id: &str, seq: i64) -> Result<()> {
    tx.execute("UPDATE sessions SET last_seq = ?2 WHERE id = ?1", params![session_id, seq])?;
    Ok(())
}

/// The session's last seq (0 when it has none, or is unknown).
pub fn last_seq(conn: &Connection, session_id: &str) -> Result<i64> {
    Ok(conn
        .query_row("SELECT last_seq FROM sessions WHERE id = ?1", [session_id], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

/// Up to `limit` frames of a session with `seq > after`, in seq order.
pub fn read_after(
    conn: &Connection,
    session_id: &str,
    after: i64,
    limit: usize,
) -> Result<Vec<Frame>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, run_id, ts, body FROM events
         WHERE session_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![session_id, after, limit as i64], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut frames = Vec::new();
    for row in rows {
        let (seq, run_id, ts, body) = row?;
        let body: FrameBody = serde_json::from_str(&body).map_err(|e| {
            StoreError::new(
                ErrorCode::Storage,
                format!("event {seq} of {session_id} is unreadable: {e}"),
            )
        })?;
        frames.push(Frame { session_id: session_id.to_owned(), seq, run_id, ts, body });
    }
    Ok(frames)
}

/// Every frame of one run, in order (for folding an interrupted run into a message).
pub fn read_run(conn: &Connection, session_id: &str, run_id: &str) -> Result<Vec<Frame>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, ts, body FROM events WHERE session_id = ?1 AND run_id = ?2 ORDER BY seq",
    )?;
    let rows = stmt.query_map(params![session_id, run_id], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?))
    })?;
    let mut frames = Vec::new();
    for row in rows {
        let (seq, ts, body) = row?;
        if let Ok(body) = serde_json::from_str::<FrameBody>(&body) {
            frames.push(Frame {
                session_id: session_id.to_owned(),
                seq,
                run_id: Some(run_id.to_owned()),
                ts,
                body,
            });
        }
    }
    Ok(frames)
}
