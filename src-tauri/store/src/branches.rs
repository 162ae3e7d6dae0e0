//! Branches: editing a user message or regenerating a reply keeps what was there as a sibling.
//!
//! Every message that entered the conversation has a `parent_id` (the message before it then)
//! and an `active_at` (when it was last on screen). The timeline — messages with an ordinal —
//! is always exactly the active path, so history and the model's context read it unchanged.
//! Forking takes the timeline's tail out (ordinals cleared; the rows stay, linked by parent);
//! switching puts another sibling's path back, descending through the children last active.

pub use hearth_protocol::chat::BranchInfo;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::error::Result;

pub const MIGRATION_1: &str = "
ALTER TABLE messages ADD COLUMN parent_id TEXT;
ALTER TABLE messages ADD COLUMN active_at INTEGER;
UPDATE messages SET active_at = created_at WHERE ordinal IS NOT NULL;
UPDATE messages SET parent_id = (
    SELECT p.id FROM messages p
    WHERE p.session_id = messages.session_id AND p.ordinal = messages.ordinal - 1)
WHERE ordinal IS NOT NULL;
CREATE INDEX messages_by_parent ON messages (session_id, parent_id) WHERE active_at IS NOT NULL;
";

/// The last message of the timeline (the parent of whatever enters next).
pub fn tail(conn: &Connection, session_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT id FROM messages WHERE session_id = ?1 AND ordinal IS NOT NULL
             ORDER BY ordinal DESC LIMIT 1",
            [session_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// Takes the timeline from ordinal `from` on out; the messages stay, on their branch.
pub fn stash_from(tx: &Transaction<'_>, session_id: &str, from: i64) -> Result<usize> {
    Ok(tx.execute(
        "UPDATE messages SET ordinal = NULL WHERE session_id = ?1 AND ordinal >= ?2",
        params![session_id, from],
    )?)
}

/// Puts the branch that starts at `start` into the timeline from ordinal `from`: `start`, then
/// at each step the child that was on screen last.
pub fn activate(
    tx: &Transaction<'_>,
    session_id: &str,
    start: &str,
    from: i64,
    now: i64,
) -> Result<()> {
    let mut id = start.to_owned();
    let mut ordinal = from;
    loop {
        tx.execute(
            "UPDATE messages SET ordinal = ?2, active_at = ?3 WHERE id = ?1",
            params![id, ordinal, now],
        )?;
        ordinal += 1;
        let next: Option<String> = tx
            .query_row(
                "SELECT id FROM messages WHERE session_id = ?1 AND parent_id = ?2
                   AND active_at IS NOT NULL
                 ORDER BY active_at DESC, rowid DESC LIMIT 1",
                params![session_id, id],
                |r| r.get(0),
            )
            .optional()?;
        match next {
            Some(child) => id = child,
            None => return Ok(()),
        }
    }
}

/// The way to `target` from the message where its branch leaves the timeline: `[fork, …,
/// target]`, where `fork` is `target` or its nearest ancestor that has a version (a sibling, or
/// itself) in the timeline, with that version's ordinal. None when no ancestor's version is
/// shown (a message of another chat, or one that never entered).
pub fn path_from_timeline(
    conn: &Connection,
    session_id: &str,
    target: &str,
) -> Result<Option<(Vec<String>, i64)>> {
    let mut shown = conn.prepare_cached(
        "SELECT s.ordinal FROM messages m JOIN messages s
           ON s.session_id = m.session_id AND s.parent_id IS m.parent_id
         WHERE m.id = ?1 AND m.session_id = ?2 AND s.ordinal IS NOT NULL",
    )?;
    let mut parent = conn.prepare_cached(
        "SELECT parent_id FROM messages WHERE id = ?1 AND session_id = ?2 AND active_at IS NOT NULL",
    )?;
    let mut path = Vec::new();
    let mut id = target.to_owned();
    loop {
        let Some(up) = parent
            .query_row(params![id, session_id], |r| r.get::<_, Option<String>>(0))
            .optional()?
        else {
            return Ok(None);
        };
        path.push(id.clone());
        if let Some(ordinal) = shown.query_row(params![id, session_id], |r| r.get(0)).optional()? {
            path.reverse();
            return Ok(Some((path, ordinal)));
        }
        match up {
            Some(up) => id = up,
            None => return Ok(None),
        }
    }
}

/// Puts `path` (from `path_from_timeline`) into the timeline from ordinal `from`, then after its
/// last message the child that was on screen last, at each step.
pub fn activate_path(
    tx: &Transaction<'_>,
    session_id: &str,
    path: &[String],
    from: i64,
    now: i64,
) -> Result<()> {
    let Some((last, before)) = path.split_last() else { return Ok(()) };
    for (i, id) in before.iter().enumerate() {
        tx.execute(
            "UPDATE messages SET ordinal = ?2, active_at = ?3 WHERE id = ?1",
            params![id, from + i as i64, now],
        )?;
    }
    activate(tx, session_id, last, from + before.len() as i64, now)
}

/// The versions of a message: its siblings (same parent) that entered the conversation, oldest
/// first; None when it is the only one.
pub fn info(conn: &Connection, session_id: &str, message_id: &str) -> Result<Option<BranchInfo>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.id FROM messages m JOIN messages s
           ON s.session_id = m.session_id AND s.parent_id IS m.parent_id
          AND s.active_at IS NOT NULL
         WHERE m.id = ?1 AND m.session_id = ?2
         ORDER BY s.created_at, s.rowid",
    )?;
    let siblings: Vec<String> = stmt
        .query_map(params![message_id, session_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if siblings.len() < 2 {
        return Ok(None);
    }
    let index = siblings.iter().position(|s| s == message_id).unwrap_or(0) as u32;
    Ok(Some(BranchInfo { index, siblings }))
}
