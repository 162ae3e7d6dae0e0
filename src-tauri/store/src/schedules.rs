//! `schedules` and `schedule_runs`: prompts that fire on a cron expression in a time zone, and
//! what each firing did. A firing is keyed by its due time, so one slot never fires twice.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;

pub const MIGRATION_1: &str = "
CREATE TABLE schedules (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    cron        TEXT NOT NULL,
    timezone    TEXT NOT NULL,
    prompt      TEXT NOT NULL,
    -- The chat each run goes to; NULL = a new chat per run. Not a foreign key: a schedule
    -- outlives its chat, and a run into a deleted chat is recorded as an error.
    session_id  TEXT,
    model       TEXT,
    catch_up    INTEGER NOT NULL DEFAULT 0,
    enabled     INTEGER NOT NULL DEFAULT 1,
    -- The next slot to fire (ms); a past value on start is a run missed while Hearth was closed.
    next_run_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE TABLE schedule_runs (
    id          TEXT PRIMARY KEY NOT NULL,
    schedule_id TEXT NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
    session_id  TEXT,
    run_id      TEXT,
    due_at      INTEGER NOT NULL,
    fired_at    INTEGER NOT NULL,
    status      TEXT NOT NULL
                  CHECK (status IN ('running', 'done', 'error', 'aborted', 'interrupted', 'skipped')),
    note        TEXT,
    UNIQUE (schedule_id, due_at)
);
CREATE INDEX schedule_runs_by_run ON schedule_runs (run_id) WHERE run_id IS NOT NULL;
";

/// A schedule as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Schedule {
    pub id: String,
    pub name: String,
    /// Five fields (minute hour day-of-month month day-of-week), or six with seconds first.
    pub cron: String,
    /// An IANA zone such as `Europe/Berlin`; `UTC` by default.
    pub timezone: String,
    pub prompt: String,
    /// The chat each run goes to; null = a new chat per run.
    pub session_id: Option<String>,
    /// The model for new chats (null = the default model).
    pub model: Option<String>,
    /// A run missed while Hearth was closed fires once on start (else it is skipped).
    pub catch_up: bool,
    pub enabled: bool,
    /// Milliseconds since the Unix epoch; null while disabled.
    pub next_run_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The most recent firing, if any.
    pub last_run: Option<ScheduleRun>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewSchedule {
    pub name: String,
    pub cron: String,
    #[ts(optional)]
    pub timezone: Option<String>,
    pub prompt: String,
    #[ts(optional)]
    pub session_id: Option<String>,
    #[ts(optional)]
    pub model: Option<String>,
    #[ts(optional)]
    pub catch_up: Option<bool>,
    #[ts(optional)]
    pub enabled: Option<bool>,
}

/// A partial change; `session_id: ""` (or `model: ""`) clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SchedulePatch {
    #[ts(optional)]
    pub name: Option<String>,
    #[ts(optional)]
    pub cron: Option<String>,
    #[ts(optional)]
    pub timezone: Option<String>,
    #[ts(optional)]
    pub prompt: Option<String>,
    #[ts(optional)]
    pub session_id: Option<String>,
    #[ts(optional)]
    pub model: Option<String>,
    #[ts(optional)]
    pub catch_up: Option<bool>,
    #[ts(optional)]
    pub enabled: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleRunStatus {
    Running,
    Done,
    Error,
    Aborted,
    Interrupted,
    /// Not run: the previous run was still going, schedules were paused, or it was missed
    /// while Hearth was closed (see `note`).
    Skipped,
}

impl ScheduleRunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ScheduleRunStatus::Running => "running",
            ScheduleRunStatus::Done => "done",
            ScheduleRunStatus::Error => "error",
            ScheduleRunStatus::Aborted => "aborted",
            ScheduleRunStatus::Interrupted => "interrupted",
            ScheduleRunStatus::Skipped => "skipped",
        }
    }

    fn parse(s: &str) -> ScheduleRunStatus {
        match s {
            "running" => ScheduleRunStatus::Running,
            "done" => ScheduleRunStatus::Done,
            "aborted" => ScheduleRunStatus::Aborted,
            "interrupted" => ScheduleRunStatus::Interrupted,
            "skipped" => ScheduleRunStatus::Skipped,
            _ => ScheduleRunStatus::Error,
        }
    }
}

/// One firing of a schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScheduleRun {
    pub id: String,
    pub schedule_id: String,
    pub session_id: Option<String>,
    pub run_id: Option<String>,
    /// The slot it was for (ms).
    pub due_at: i64,
    pub fired_at: i64,
    pub status: ScheduleRunStatus,
    /// Why it was skipped or failed.
    pub note: Option<String>,
}

/// The stored columns of a schedule (without its last run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleRow {
    pub id: String,
    pub name: String,
    pub cron: String,
    pub timezone: String,
    pub prompt: String,
    pub session_id: Option<String>,
    pub model: Option<String>,
    pub catch_up: bool,
    pub enabled: bool,
    pub next_run_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, name, cron, timezone, prompt, session_id, model, catch_up, enabled,
    next_run_at, created_at, updated_at";

fn row_from(row: &Row<'_>) -> rusqlite::Result<ScheduleRow> {
    Ok(ScheduleRow {
        id: row.get(0)?,
        name: row.get(1)?,
        cron: row.get(2)?,
        timezone: row.get(3)?,
        prompt: row.get(4)?,
        session_id: row.get(5)?,
        model: row.get(6)?,
        catch_up: row.get(7)?,
        enabled: row.get(8)?,
        next_run_at: row.get(9)?,
        created_at: row.get(10)?,
        updated_at: row.get(11)?,
    })
}

const RUN_COLUMNS: &str = "id, schedule_id, session_id, run_id, due_at, fired_at, status, note";

fn run_from(row: &Row<'_>) -> rusqlite::Result<ScheduleRun> {
    let status: String = row.get(6)?;
    Ok(ScheduleRun {
        id: row.get(0)?,
        schedule_id: row.get(1)?,
        session_id: row.get(2)?,
        run_id: row.get(3)?,
        due_at: row.get(4)?,
        fired_at: row.get(5)?,
        status: ScheduleRunStatus::parse(&status),
        note: row.get(7)?,
    })
}

impl ScheduleRow {
    pub fn with_last_run(self, last_run: Option<ScheduleRun>) -> Schedule {
        Schedule {
            id: self.id,
            name: self.name,
            cron: self.cron,
            timezone: self.timezone,
            prompt: self.prompt,
            session_id: self.session_id,
            model: self.model,
            catch_up: self.catch_up,
            enabled: self.enabled,
            next_run_at: self.next_run_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
            last_run,
        }
    }
}

pub fn all(conn: &Connection) -> Result<Vec<ScheduleRow>> {
    let mut stmt =
        conn.prepare(&format!("SELECT {COLUMNS} FROM schedules ORDER BY created_at, id"))?;
    let rows = stmt.query_map([], row_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, id: &str) -> Result<Option<ScheduleRow>> {
    Ok(conn
        .query_row(&format!("SELECT {COLUMNS} FROM schedules WHERE id = ?1"), [id], row_from)
        .optional()?)
}

pub fn upsert(tx: &Transaction<'_>, s: &ScheduleRow) -> Result<()> {
    tx.execute(
        "INSERT INTO schedules (id, name, cron, timezone, prompt, session_id, model, catch_up,
                                enabled, next_run_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, cron = excluded.cron,
             timezone = excluded.timezone, prompt = excluded.prompt,
             session_id = excluded.session_id, model = excluded.model,
             catch_up = excluded.catch_up, enabled = excluded.enabled,
             next_run_at = excluded.next_run_at, updated_at = excluded.updated_at",
        params![
            s.id,
            s.name,
            s.cron,
            s.timezone,
            s.prompt,
            s.session_id,
            s.model,
            s.catch_up,
            s.enabled,
            s.next_run_at,
            s.created_at,
            s.updated_at
        ],
    )?;
    Ok(())
}

pub fn set_next_run(tx: &Transaction<'_>, id: &str, next_run_at: Option<i64>) -> Result<()> {
    tx.execute("UPDATE schedules SET next_run_at = ?2 WHERE id = ?1", params![id, next_run_at])?;
    Ok(())
}

/// False when there was no such schedule (its runs go with it).
pub fn delete(tx: &Transaction<'_>, id: &str) -> Result<bool> {
    Ok(tx.execute("DELETE FROM schedules WHERE id = ?1", [id])? > 0)
}

/// Records a firing; false when this slot of this schedule was recorded already.
pub fn insert_run(tx: &Transaction<'_>, run: &ScheduleRun) -> Result<bool> {
    Ok(tx.execute(
        "INSERT OR IGNORE INTO schedule_runs
             (id, schedule_id, session_id, run_id, due_at, fired_at, status, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            run.id,
            run.schedule_id,
            run.session_id,
            run.run_id,
            run.due_at,
            run.fired_at,
            run.status.as_str(),
            run.note
        ],
    )? > 0)
}

/// Fills in what a firing started (or why it could not).
pub fn update_run(
    tx: &Transaction<'_>,
    id: &str,
    session_id: Option<&str>,
    run_id: Option<&str>,
    status: ScheduleRunStatus,
    note: Option<&str>,
) -> Result<()> {
    tx.execute(
        "UPDATE schedule_runs SET session_id = COALESCE(?2, session_id),
             run_id = COALESCE(?3, run_id), status = ?4, note = COALESCE(?5, note)
         WHERE id = ?1",
        params![id, session_id, run_id, status.as_str(), note],
    )?;
    Ok(())
}

/// A model run ended: its firing takes the run's status. The firing, if it was one.
pub fn finish_run(
    tx: &Transaction<'_>,
    run_id: &str,
    status: ScheduleRunStatus,
    note: Option<&str>,
) -> Result<Option<ScheduleRun>> {
    tx.execute(
        "UPDATE schedule_runs SET status = ?2, note = COALESCE(?3, note)
         WHERE run_id = ?1 AND status = 'running'",
        params![run_id, status.as_str(), note],
    )?;
    Ok(tx
        .query_row(
            &format!("SELECT {RUN_COLUMNS} FROM schedule_runs WHERE run_id = ?1"),
            [run_id],
            run_from,
        )
        .optional()?)
}

/// Whether the schedule has a firing still going (its run queued or running).
pub fn has_running(conn: &Connection, schedule_id: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM schedule_runs r
             LEFT JOIN runs ON runs.id = r.run_id
             WHERE r.schedule_id = ?1 AND r.status = 'running'
               AND (r.run_id IS NULL OR runs.status IN ('queued', 'running'))
             LIMIT 1",
            [schedule_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Firings still marked running whose run has ended (a crash between the two writes): they
/// take the run's final status.
pub fn settle(tx: &Transaction<'_>) -> Result<usize> {
    Ok(tx.execute(
        "UPDATE schedule_runs SET status = COALESCE(
             (SELECT CASE runs.status WHEN 'done' THEN 'done' WHEN 'aborted' THEN 'aborted'
                                      WHEN 'interrupted' THEN 'interrupted' ELSE 'error' END
              FROM runs WHERE runs.id = schedule_runs.run_id
                AND runs.status NOT IN ('queued', 'running')),
             CASE WHEN run_id IS NULL THEN 'interrupted' END, status)
         WHERE status = 'running'",
        [],
    )?)
}

/// The newest firings first.
pub fn runs(conn: &Connection, schedule_id: &str, limit: u32) -> Result<Vec<ScheduleRun>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {RUN_COLUMNS} FROM schedule_runs WHERE schedule_id = ?1
         ORDER BY due_at DESC, fired_at DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![schedule_id, limit], run_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// When the next enabled schedule is due, if any.
pub fn next_due(conn: &Connection) -> Result<Option<i64>> {
    Ok(conn
        .query_row("SELECT MIN(next_run_at) FROM schedules WHERE enabled = 1", [], |r| r.get(0))?)
}
