//! `runs`: one row per agent turn, from queued to a terminal status. A queued run's row is
//! its place in the session's queue (`queue_order`), so the queue survives a restart.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::error::Result;
use hearth_protocol::frames::{Priority, RunStatus, Usage};

pub const MIGRATION_1: &str = "
CREATE TABLE runs (
    id            TEXT PRIMARY KEY NOT NULL,
    session_id    TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    message_id    TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN
                    ('queued', 'running', 'done', 'error', 'aborted', 'interrupted')),
    priority      TEXT NOT NULL DEFAULT 'later' CHECK (priority IN ('now', 'next', 'later')),
    queue_order   INTEGER,
    model         TEXT,
    error_code    TEXT,
    error_message TEXT,
    usage         TEXT,
    created_at    INTEGER NOT NULL,
    started_at    INTEGER,
    ended_at      INTEGER
);
CREATE INDEX runs_by_session_status ON runs (session_id, status, queue_order);
CREATE INDEX runs_by_status ON runs (status) WHERE status IN ('queued', 'running');
";

/// What an agent CLI reports about its turn: the cost it counted itself, and the id of its
/// conversation when the turn ended (each run keeps the id it ran under, so a conversation
/// the CLI renamed on resume can still be found).
pub const MIGRATION_2: &str = "
ALTER TABLE runs ADD COLUMN cost_usd REAL;
ALTER TABLE runs ADD COLUMN runtime_session_id TEXT;
";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedRow {
    pub run_id: String,
    pub message_id: String,
    pub priority: Priority,
    pub queue_order: i64,
}

pub fn insert_queued(
    tx: &Transaction<'_>,
    run_id: &str,
    session_id: &str,
    message_id: &str,
    priority: Priority,
    now: i64,
) -> Result<()> {
    // `next` and `now` go to the front, `later` to the back.
    let order: i64 = if priority == Priority::Later {
        tx.query_row(
            "SELECT COALESCE(MAX(queue_order), 0) + 1 FROM runs
             WHERE session_id = ?1 AND status = 'queued'",
            [session_id],
            |r| r.get(0),
        )?
    } else {
        tx.query_row(
            "SELECT COALESCE(MIN(queue_order), 0) - 1 FROM runs
             WHERE session_id = ?1 AND status = 'queued'",
            [session_id],
            |r| r.get(0),
        )?
    };
    tx.execute(
        "INSERT INTO runs (id, session_id, message_id, status, priority, queue_order, created_at)
         VALUES (?1, ?2, ?3, 'queued', ?4, ?5, ?6)",
        params![run_id, session_id, message_id, priority.as_str(), order, now],
    )?;
    Ok(())
}

/// The session's queue, first to run first.
pub fn queued(conn: &Connection, session_id: &str) -> Result<Vec<QueuedRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, message_id, priority, queue_order FROM runs
         WHERE session_id = ?1 AND status = 'queued' ORDER BY queue_order, created_at, id",
    )?;
    let rows = stmt.query_map([session_id], |r| {
        let priority: String = r.get(2)?;
        Ok(QueuedRow {
            run_id: r.get(0)?,
            message_id: r.get(1)?,
            priority: match priority.as_str() {
                "now" => Priority::Now,
                "next" => Priority::Next,
                _ => Priority::Later,
            },
            queue_order: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn mark_running(tx: &Transaction<'_>, run_id: &str, model: &str, now: i64) -> Result<()> {
    tx.execute(
        "UPDATE runs SET status = 'running', queue_order = NULL, model = ?2, started_at = ?3
         WHERE id = ?1",
        params![run_id, model, now],
    )?;
    Ok(())
}

pub fn finish(
    tx: &Transaction<'_>,
    run_id: &str,
    status: RunStatus,
    error: Option<(&str, &str)>,
    usage: &Usage,
    now: i64,
) -> Result<()> {
    tx.execute(
        "UPDATE runs SET status = ?2, error_code = ?3, error_message = ?4, usage = ?5,
                ended_at = ?6, queue_order = NULL
         WHERE id = ?1",
        params![
            run_id,
            status.as_str(),
            error.map(|e| e.0),
            error.map(|e| e.1),
            serde_json::to_string(usage).ok(),
            now
        ],
    )?;
    Ok(())
}

/// An agent runtime's own account of a run: its cost (null: price it from usage) and the
/// conversation id it ran under.
pub fn record_runtime(
    tx: &Transaction<'_>,
    run_id: &str,
    cost_usd: Option<f64>,
    runtime_session_id: Option<&str>,
) -> Result<()> {
    tx.execute(
        "UPDATE runs SET cost_usd = ?2, runtime_session_id = COALESCE(?3, runtime_session_id)
         WHERE id = ?1",
        params![run_id, cost_usd, runtime_session_id],
    )?;
    Ok(())
}

/// Removes queued runs (not started ones): `clear queue`. Returns how many.
pub fn clear_queued(tx: &Transaction<'_>, session_id: &str, now: i64) -> Result<usize> {
    Ok(tx.execute(
        "UPDATE runs SET status = 'aborted', queue_order = NULL, ended_at = ?2,
                error_code = 'QUEUE_CLEARED', error_message = 'removed from the queue'
         WHERE session_id = ?1 AND status = 'queued'",
        params![session_id, now],
    )?)
}

/// Runs left `running` by a process that died: (session_id, run_id, message_id).
pub fn left_running(conn: &Connection) -> Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT session_id, id, message_id FROM runs WHERE status = 'running' ORDER BY created_at",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Sessions that have queued runs (their actors are started at boot so the queue drains).
pub fn sessions_with_queue(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT r.session_id FROM runs r JOIN sessions s ON s.id = r.session_id
         WHERE r.status = 'queued' AND s.deleted_at IS NULL",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The last run that answered `message_id`, with its status.
pub fn last_for_message(conn: &Connection, message_id: &str) -> Result<Option<(String, String)>> {
    Ok(conn
        .query_row(
            "SELECT id, status FROM runs WHERE message_id = ?1 ORDER BY created_at DESC, id DESC LIMIT 1",
            [message_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// The user message a run answers.
pub fn message_of(conn: &Connection, run_id: &str) -> Result<String> {
    Ok(conn.query_row("SELECT message_id FROM runs WHERE id = ?1", [run_id], |r| r.get(0))?)
}

/// One run's usage: its model, tokens, and the cost its runtime reported (if it did).
#[derive(Debug, Clone, PartialEq)]
pub struct RunUsage {
    pub model: String,
    pub usage: Usage,
    pub cost_usd: Option<f64>,
}

/// Every run's usage of a session, where it has usage (unreadable usage skipped).
pub fn usage_of_session(conn: &Connection, session_id: &str) -> Result<Vec<RunUsage>> {
    let mut stmt = conn.prepare_cached(
        "SELECT COALESCE(model, ''), usage, cost_usd FROM runs
         WHERE session_id = ?1 AND usage IS NOT NULL",
    )?;
    let rows = stmt.query_map([session_id], usage_row)?;
    collect_usage(rows)
}

/// Every run's usage, over all sessions, where it has a model and usage.
pub fn usage_of_all(conn: &Connection) -> Result<Vec<RunUsage>> {
    let mut stmt = conn.prepare(
        "SELECT COALESCE(model, ''), usage, cost_usd FROM runs
         WHERE usage IS NOT NULL AND model != ''",
    )?;
    let rows = stmt.query_map([], usage_row)?;
    collect_usage(rows)
}

type UsageRow = (String, String, Option<f64>);

fn usage_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UsageRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
}

fn collect_usage(rows: impl Iterator<Item = rusqlite::Result<UsageRow>>) -> Result<Vec<RunUsage>> {
    let mut out = Vec::new();
    for row in rows {
        let (model, usage, cost_usd) = row?;
        if let Ok(usage) = serde_json::from_str::<Usage>(&usage) {
            out.push(RunUsage { model, usage, cost_usd });
        }
    }
    Ok(out)
}

/// What is in flight: `(running runs, queued runs, approvals waiting for the user)`.
pub fn activity(conn: &Connection) -> Result<(u32, u32, u32)> {
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, u32>(0));
    Ok((
        count("SELECT COUNT(*) FROM runs WHERE status = 'running'")?,
        count("SELECT COUNT(*) FROM runs WHERE status = 'queued'")?,
        count("SELECT COUNT(*) FROM approvals WHERE status = 'pending'")?,
    ))
}
