//! `sessions`: create, rename, pin, soft delete, restore, and a keyset-paginated list.
//!
//! The list order is `pinned DESC, COALESCE(last_message_at, created_at) DESC, id DESC`, and a
//! cursor encodes exactly that key of the last row served (plus the listing's query, so a
//! cursor from another listing is refused): no row is skipped or repeated across pages, ties
//! and sessions without messages included.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Store;
use crate::error::{ErrorCode, Result, StoreError};
use hearth_protocol::runtime::RuntimeKind;

pub const MIGRATION_1: &str = "
CREATE TABLE sessions (
    id              TEXT PRIMARY KEY NOT NULL,
    title           TEXT NOT NULL,
    title_source    TEXT NOT NULL DEFAULT 'default'
                      CHECK (title_source IN ('default', 'user', 'auto')),
    pinned          INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    model           TEXT,
    system_prompt   TEXT,
    workspace       TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    last_message_at INTEGER,
    deleted_at      INTEGER,
    last_seq        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_by_list_order
    ON sessions (pinned DESC, COALESCE(last_message_at, created_at) DESC, id DESC)
    WHERE deleted_at IS NULL;
CREATE INDEX sessions_by_deleted_at ON sessions (deleted_at) WHERE deleted_at IS NOT NULL;
";

/// Per-session settings added after the first release: the thinking budget (null = off).
pub const MIGRATION_2: &str = "
ALTER TABLE sessions ADD COLUMN thinking_budget INTEGER;
";

/// The agent's step limit per run (null = the default, 50).
pub const MIGRATION_3: &str = "
ALTER TABLE sessions ADD COLUMN max_steps INTEGER;
";

/// Inbox threads: the chat proactive messages of one `thread` go to, made on first use.
pub const MIGRATION_4: &str = "
ALTER TABLE sessions ADD COLUMN inbox_thread TEXT;
CREATE UNIQUE INDEX sessions_by_inbox_thread ON sessions (inbox_thread)
    WHERE inbox_thread IS NOT NULL AND deleted_at IS NULL;
";

/// A session's runtime (`hearth`, or a coding-agent CLI) and, for a CLI, the id of its own
/// conversation (chosen before its first turn, replaced when the CLI hands back another).
pub const MIGRATION_5: &str = "
ALTER TABLE sessions ADD COLUMN runtime TEXT NOT NULL DEFAULT 'hearth'
    CHECK (runtime IN ('hearth', 'claude-code', 'codex'));
ALTER TABLE sessions ADD COLUMN runtime_session_id TEXT;
";

mod check;

use check::{
    Cursor, validate_limit, validate_max_steps, validate_query, validate_system_prompt,
    validate_thinking_budget, validate_workspace,
};
pub use check::{
    DEFAULT_PAGE, DEFAULT_TITLE, MAX_MODEL_CHARS, MAX_PAGE, MAX_QUERY_CHARS, MAX_STEPS_LIMIT,
    MAX_SYSTEM_PROMPT_CHARS, MAX_THINKING_BUDGET, MAX_TITLE_CHARS, MIN_THINKING_BUDGET,
    validate_model, validate_title,
};

/// Who chose the title: nobody yet, the user (never overwritten by auto-title), or auto-title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TitleSource {
    Default,
    User,
    Auto,
}

/// What the session is doing now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    Idle,
    Running,
    Queued,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Session {
    pub id: String,
    pub title: String,
    pub title_source: TitleSource,
    pub pinned: bool,
    /// `<account>/<model>`, or null for the default model.
    pub model: Option<String>,
    pub system_prompt: Option<String>,
    /// An absolute directory the session's file tools are confined to.
    pub workspace: Option<String>,
    /// Tokens the model may spend thinking before it answers (null = no extended thinking).
    pub thinking_budget: Option<u32>,
    /// Model calls one run may make before it stops (null = 50).
    pub max_steps: Option<u32>,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub updated_at: i64,
    pub last_message_at: Option<i64>,
    pub deleted_at: Option<i64>,
    pub status: SessionStatus,
    pub queue_depth: u32,
    /// The seq of the last frame in the session's event log (0 = none yet).
    pub last_seq: i64,
    /// What runs the session's turns: `hearth` (the built-in loop) or an agent CLI.
    pub runtime: RuntimeKind,
    /// The agent CLI's own id for this conversation (what `claude --resume` takes), once its
    /// first turn started; null for `hearth`.
    pub runtime_session_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ListSessions {
    #[ts(optional)]
    pub limit: Option<u32>,
    #[ts(optional)]
    pub cursor: Option<String>,
    /// Only sessions whose title contains this text (case-insensitive for ASCII).
    #[ts(optional)]
    pub q: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SessionPage {
    pub sessions: Vec<Session>,
    /// Pass back as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CreateSession {
    #[ts(optional)]
    pub title: Option<String>,
    #[ts(optional)]
    pub model: Option<String>,
    /// The chat's instructions; absent: those of the preset for new chats (if one is marked),
    /// empty: none.
    #[ts(optional)]
    pub system_prompt: Option<String>,
    /// The agent's working folder; required for a runtime other than `hearth`.
    #[ts(optional)]
    pub workspace: Option<String>,
    /// `hearth` (default), `claude-code` or `codex`; fixed for the session's life.
    #[ts(optional)]
    pub runtime: Option<RuntimeKind>,
}

/// A partial update: absent (or null) fields are left as they are; an empty `model` or
/// `system_prompt` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateSession {
    #[ts(optional)]
    pub title: Option<String>,
    #[ts(optional)]
    pub pinned: Option<bool>,
    #[ts(optional)]
    pub model: Option<String>,
    #[ts(optional)]
    pub system_prompt: Option<String>,
    /// 0 turns thinking off; otherwise 1,024 to 64,000 tokens.
    #[ts(optional)]
    pub thinking_budget: Option<u32>,
    /// The agent's step limit per run: 1 to 500; 0 goes back to the default (50).
    #[ts(optional)]
    pub max_steps: Option<u32>,
    /// The folder the chat's file tools are confined to (an absolute directory); "" clears it.
    #[ts(optional)]
    pub workspace: Option<String>,
}

/// What a `Session` is read from (public so the benchmark's baseline reads the same rows).
pub const COLUMNS: &str = "s.id, s.title, s.title_source, s.pinned, s.model, s.system_prompt,
    s.workspace, s.created_at, s.updated_at, s.last_message_at, s.deleted_at, s.last_seq,
    s.thinking_budget, s.max_steps,
    (SELECT COUNT(*) FROM runs r WHERE r.session_id = s.id AND r.status = 'running'),
    (SELECT COUNT(*) FROM runs r WHERE r.session_id = s.id AND r.status = 'queued'),
    s.runtime, s.runtime_session_id";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Session> {
    let title_source: String = row.get(2)?;
    let running: i64 = row.get(14)?;
    let queued: i64 = row.get(15)?;
    Ok(Session {
        id: row.get(0)?,
        title: row.get(1)?,
        title_source: match title_source.as_str() {
            "user" => TitleSource::User,
            "auto" => TitleSource::Auto,
            _ => TitleSource::Default,
        },
        pinned: row.get(3)?,
        model: row.get(4)?,
        system_prompt: row.get(5)?,
        workspace: row.get(6)?,
        thinking_budget: row.get(12)?,
        max_steps: row.get(13)?,
        created_at: row.get(7)?,
        updated_at: row.get(8)?,
        last_message_at: row.get(9)?,
        deleted_at: row.get(10)?,
        last_seq: row.get(11)?,
        status: if running > 0 {
            SessionStatus::Running
        } else if queued > 0 {
            SessionStatus::Queued
        } else {
            SessionStatus::Idle
        },
        queue_depth: queued as u32,
        runtime: RuntimeKind::parse(&row.get::<_, String>(16)?).unwrap_or_default(),
        runtime_session_id: row.get(17)?,
    })
}

/// One row by id; `include_deleted` decides whether soft-deleted rows count.
fn fetch(conn: &Connection, id: &str, include_deleted: bool) -> Result<Session> {
    let sql = format!(
        "SELECT {COLUMNS} FROM sessions s WHERE s.id = ?1 {}",
        if include_deleted { "" } else { "AND s.deleted_at IS NULL" }
    );
    conn.query_row(&sql, params![id], from_row)
        .optional()?
        .ok_or_else(|| StoreError::session_not_found(id))
}

/// A live session by id (for callers that hold a connection).
pub fn get(conn: &Connection, id: &str) -> Result<Session> {
    fetch(conn, id, false)
}

impl Store {
    pub fn create_session(&self, req: &CreateSession) -> Result<Session> {
        let (title, source) = match req.title.as_deref() {
            Some(t) => (validate_title(t)?, "user"),
            None => (DEFAULT_TITLE.to_owned(), "default"),
        };
        let model = match req.model.as_deref() {
            Some(m) => validate_model(m)?,
            None => None,
        };
        let system_prompt = match req.system_prompt.as_deref() {
            Some(p) => validate_system_prompt(p)?,
            None => None,
        };
        let workspace = req.workspace.as_deref().map(validate_workspace).transpose()?;
        let runtime = req.runtime.unwrap_or_default();
        if runtime.is_external() && workspace.is_none() {
            return Err(StoreError::new(
                ErrorCode::InvalidWorkspace,
                format!(
                    "a {} session needs a workspace: the folder its agent works in",
                    runtime.as_str()
                ),
            ));
        }
        let id = uuid::Uuid::now_v7().to_string();
        let now = self.now();
        self.write(|tx| {
            // Without instructions of its own, a new chat takes those of the preset for new chats.
            let system_prompt = match (&req.system_prompt, system_prompt) {
                (None, _) => crate::presets::for_new_chats(tx)?,
                (Some(_), prompt) => prompt,
            };
            tx.execute(
                "INSERT INTO sessions (id, title, title_source, model, system_prompt, workspace,
                                       runtime, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                params![id, title, source, model, system_prompt, workspace, runtime.as_str(), now],
            )?;
            fetch(tx, &id, false)
        })
    }

    /// The chat of an inbox `thread`, made (titled `title`, else after the thread) on first use.
    pub fn inbox_session(&self, thread: &str, title: Option<&str>) -> Result<Session> {
        let title = match title {
            Some(t) => validate_title(t)?,
            None if thread == "inbox" => "Inbox".to_owned(),
            None => validate_title(&format!("Inbox: {thread}"))?,
        };
        let id = uuid::Uuid::now_v7().to_string();
        let now = self.now();
        self.write(|tx| {
            let existing: Option<String> = tx
                .query_row(
                    "SELECT id FROM sessions WHERE inbox_thread = ?1 AND deleted_at IS NULL",
                    [thread],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(existing) = existing {
                return fetch(tx, &existing, false);
            }
            tx.execute(
                "INSERT INTO sessions (id, title, title_source, inbox_thread, created_at,
                                       updated_at)
                 VALUES (?1, ?2, 'user', ?3, ?4, ?4)",
                params![id, title, thread, now],
            )?;
            fetch(tx, &id, false)
        })
    }

    pub fn get_session(&self, id: &str) -> Result<Session> {
        self.read(|conn| fetch(conn, id, false))
    }

    pub fn update_session(&self, id: &str, patch: &UpdateSession) -> Result<Session> {
        // Validate everything before touching the row: a bad field changes nothing.
        let title = patch.title.as_deref().map(validate_title).transpose()?;
        let model = patch.model.as_deref().map(validate_model).transpose()?;
        let system_prompt =
            patch.system_prompt.as_deref().map(validate_system_prompt).transpose()?;
        let thinking_budget = patch.thinking_budget.map(validate_thinking_budget).transpose()?;
        let max_steps = patch.max_steps.map(validate_max_steps).transpose()?;
        let workspace = patch
            .workspace
            .as_deref()
            .map(|w| if w.is_empty() { Ok(None) } else { validate_workspace(w).map(Some) })
            .transpose()?;
        let now = self.now();
        self.write(|tx| {
            let before = fetch(tx, id, false)?;
            if let Some(workspace) = &workspace
                && before.runtime.is_external()
                && workspace != &before.workspace
            {
                if before.runtime_session_id.is_some() {
                    return Err(StoreError::new(
                        ErrorCode::WorkspaceFixed,
                        format!(
                            "this {} chat's workspace is fixed since its first turn (its agent \
                             finds the conversation by folder); start a new chat in the other folder",
                            before.runtime.as_str()
                        ),
                    ));
                }
                if workspace.is_none() {
                    return Err(StoreError::new(
                        ErrorCode::InvalidWorkspace,
                        format!("a {} session needs a workspace", before.runtime.as_str()),
                    ));
                }
            }
            if let Some(title) = &title {
                tx.execute(
                    "UPDATE sessions SET title = ?2, title_source = 'user' WHERE id = ?1",
                    params![id, title],
                )?;
            }
            if let Some(pinned) = patch.pinned {
                tx.execute("UPDATE sessions SET pinned = ?2 WHERE id = ?1", params![id, pinned])?;
            }
            if let Some(model) = &model {
                tx.execute("UPDATE sessions SET model = ?2 WHERE id = ?1", params![id, model])?;
            }
            if let Some(prompt) = &system_prompt {
                tx.execute(
                    "UPDATE sessions SET system_prompt = ?2 WHERE id = ?1",
                    params![id, prompt],
                )?;
            }
            if let Some(steps) = max_steps {
                tx.execute("UPDATE sessions SET max_steps = ?2 WHERE id = ?1", params![id, steps])?;
            }
            if let Some(workspace) = &workspace {
                tx.execute(
                    "UPDATE sessions SET workspace = ?2 WHERE id = ?1",
                    params![id, workspace],
                )?;
            }
            if let Some(budget) = thinking_budget {
                tx.execute(
                    "UPDATE sessions SET thinking_budget = ?2 WHERE id = ?1",
                    params![id, budget],
                )?;
            }
            tx.execute("UPDATE sessions SET updated_at = ?2 WHERE id = ?1", params![id, now])?;
            fetch(tx, id, false)
        })
    }

    /// Soft delete: the session leaves every listing until restored (or purged by the sweep).
    pub fn delete_session(&self, id: &str) -> Result<Session> {
        let now = self.now();
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE sessions SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL",
                params![id, now],
            )?;
            if changed == 0 {
                return Err(StoreError::session_not_found(id));
            }
            fetch(tx, id, true)
        })
    }

    /// Undoes a soft delete; restoring a live session is a no-op that returns it.
    pub fn restore_session(&self, id: &str) -> Result<Session> {
        self.write(|tx| {
            fetch(tx, id, true)?;
            tx.execute("UPDATE sessions SET deleted_at = NULL WHERE id = ?1", params![id])?;
            fetch(tx, id, false)
        })
    }

    pub fn list_sessions(&self, req: &ListSessions) -> Result<SessionPage> {
        let limit = validate_limit(req.limit)?;
        let q = validate_query(req.q.as_deref())?;
        let after = req.cursor.as_deref().map(|c| Cursor::decode(c, &q)).transpose()?;
        let like = (!q.is_empty()).then(|| format!("%{}%", escape_like(&q)));
        let want = limit as usize + 1; // one more than a page tells whether another follows

        // Keyset pages as index range seeks. `pinned` has two values, so a page is at most
        // two seeks: the rest of the cursor's group, then (after a pinned cursor) the
        // unpinned group from its start. A single row-value comparison over all three keys
        // would only seek on `pinned` and scan the group from its top on every page.
        let mut sessions = self.read(|conn| -> Result<_> {
            let mut rows = Vec::with_capacity(want);
            match &after {
                None => page_query(conn, "", &like, None, want, &mut rows)?,
                Some(c) => {
                    page_query(
                        conn,
                        &format!("AND s.pinned = {} AND ({ACTIVITY} < ?2 OR ({ACTIVITY} = ?2 AND s.id < ?3))", i32::from(c.p)),
                        &like,
                        Some((c.a, c.i.as_str())),
                        want,
                        &mut rows,
                    )?;
                    if c.p && rows.len() < want {
                        page_query(conn, "AND s.pinned = 0", &like, None, want, &mut rows)?;
                    }
                }
            }
            Ok(rows)
        })?;
        let next_cursor = if sessions.len() > limit as usize {
            sessions.truncate(limit as usize);
            sessions.last().map(|s| {
                Cursor {
                    q: q.clone(),
                    p: s.pinned,
                    a: s.last_message_at.unwrap_or(s.created_at),
                    i: s.id.clone(),
                }
                .encode()
            })
        } else {
            None
        };
        Ok(SessionPage { sessions, next_cursor })
    }
}

const ACTIVITY: &str = "COALESCE(s.last_message_at, s.created_at)";

/// Appends to `rows`, in list order, up to `want` rows in total that match `range`.
fn page_query(
    conn: &Connection,
    range: &str,
    like: &Option<String>,
    after: Option<(i64, &str)>,
    want: usize,
    rows: &mut Vec<Session>,
) -> Result<()> {
    let sql = format!(
        "SELECT {COLUMNS} FROM sessions s
         WHERE s.deleted_at IS NULL {query} {range} {no_after}
         ORDER BY s.pinned DESC, {ACTIVITY} DESC, s.id DESC
         LIMIT ?4",
        query = if like.is_some() { "AND s.title LIKE ?1 ESCAPE '\\'" } else { "AND ?1 IS NULL" },
        no_after = if after.is_some() { "" } else { "AND ?2 IS NULL AND ?3 IS NULL" },
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let (a, i) = after.unzip();
    let found = stmt.query_map(params![like, a, i, (want - rows.len()) as i64], from_row)?;
    for row in found {
        rows.push(row?);
    }
    Ok(())
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Sets a title made by the auto-titler, unless the session has one already (the user's, or
/// an earlier auto title) or is deleted. True when it was set.
pub fn set_auto_title(
    tx: &rusqlite::Transaction<'_>,
    id: &str,
    title: &str,
    now: i64,
) -> Result<bool> {
    Ok(tx.execute(
        "UPDATE sessions SET title = ?2, title_source = 'auto', updated_at = ?3
         WHERE id = ?1 AND title_source = 'default' AND deleted_at IS NULL",
        params![id, title, now],
    )? > 0)
}

/// A session as an import brings it (a new id; titled by the user, as exported).
pub struct ImportedSession<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub pinned: bool,
    pub model: Option<&'a str>,
    pub system_prompt: Option<&'a str>,
    pub thinking_budget: Option<u32>,
    pub max_steps: Option<u32>,
    pub created_at: i64,
}

pub fn insert_imported(
    tx: &rusqlite::Transaction<'_>,
    s: &ImportedSession<'_>,
    now: i64,
) -> Result<()> {
    tx.execute(
        "INSERT INTO sessions (id, title, title_source, pinned, model, system_prompt,
                               thinking_budget, max_steps, created_at, updated_at)
         VALUES (?1, ?2, 'user', ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            s.id,
            s.title,
            s.pinned,
            s.model,
            s.system_prompt,
            s.thinking_budget,
            s.max_steps,
            s.created_at,
            now
        ],
    )?;
    Ok(())
}

/// After an import's messages are in: the chat's activity is its last message's, as it was;
/// `updated_at` is the import.
pub fn touch_imported(tx: &rusqlite::Transaction<'_>, id: &str, now: i64) -> Result<()> {
    tx.execute(
        "UPDATE sessions SET updated_at = ?2,
                last_message_at = (SELECT MAX(created_at) FROM messages WHERE session_id = ?1)
         WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

/// Records the agent CLI's conversation id for a session (before its turn runs, and again
/// when the CLI reports another one).
pub fn set_runtime_session_id(tx: &rusqlite::Transaction<'_>, id: &str, value: &str) -> Result<()> {
    tx.execute("UPDATE sessions SET runtime_session_id = ?2 WHERE id = ?1", params![id, value])?;
    Ok(())
}

/// How many sessions the file holds, deleted ones included (the health check's probe).
pub fn count_all(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM sessions", [], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn titles_are_trimmed_and_bounded() {
        assert_eq!(validate_title("  Plans  ").unwrap(), "Plans");
        assert_eq!(validate_title(&"é".repeat(200)).unwrap().chars().count(), 200);
        for bad in ["", "   ", "a\nb", &"x".repeat(201)] {
            assert_eq!(
                validate_title(bad).unwrap_err().code(),
                ErrorCode::InvalidTitle,
                "{bad:?} must be refused as a title"
            );
        }
    }

    #[test]
    fn models_need_an_account_and_a_name() {
        assert_eq!(
            validate_model("env:openai/gpt-4o-mini").unwrap().as_deref(),
            Some("env:openai/gpt-4o-mini")
        );
        assert_eq!(validate_model("").unwrap(), None, "empty means the default model");
        for bad in ["gpt-4o", "/gpt", "acct/", "a b/c"] {
            assert_eq!(validate_model(bad).unwrap_err().code(), ErrorCode::InvalidModel, "{bad:?}");
        }
    }

    #[test]
    fn cursors_round_trip_and_reject_foreign_or_malformed_ones() {
        let c = Cursor { q: "".into(), p: true, a: 42, i: "abc".into() };
        assert_eq!(Cursor::decode(&c.encode(), "").unwrap(), c);
        let err = Cursor::decode(&c.encode(), "other").unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidCursor, "a cursor of another query is foreign");
        for bad in ["", "s1.", "s1.!!!", "xyz", "s1.e30"] {
            assert_eq!(
                Cursor::decode(bad, "").unwrap_err().code(),
                ErrorCode::InvalidCursor,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn limits_outside_the_range_are_refused() {
        assert_eq!(validate_limit(None).unwrap(), DEFAULT_PAGE);
        assert_eq!(validate_limit(Some(1)).unwrap(), 1);
        assert_eq!(validate_limit(Some(200)).unwrap(), 200);
        for bad in [0, 201, u32::MAX] {
            assert_eq!(validate_limit(Some(bad)).unwrap_err().code(), ErrorCode::InvalidLimit);
        }
    }

    #[test]
    fn like_wildcards_in_queries_match_literally() {
        assert_eq!(escape_like(r"50%_a\b"), r"50\%\_a\\b");
    }
}
