//! `permission_rules`: the user's standing answers (allow, ask, deny) per tool, MCP server or
//! pattern, global or for one session. Listed and revocable in settings.

use rusqlite::{Connection, Row, Transaction, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use hearth_protocol::approvals::{Decision, Rule};

pub const MIGRATION_1: &str = "
CREATE TABLE permission_rules (
    id         TEXT PRIMARY KEY NOT NULL,
    tool       TEXT NOT NULL,
    pattern    TEXT,
    decision   TEXT NOT NULL CHECK (decision IN ('allow', 'ask', 'deny')),
    session_id TEXT REFERENCES sessions(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
);
CREATE INDEX permission_rules_by_session ON permission_rules (session_id);
";

/// A rule made in settings (not from an approval card).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewRule {
    /// A tool name, `<server>__*` for every tool of an MCP server, or `*`.
    pub tool: String,
    #[ts(optional)]
    pub pattern: Option<String>,
    pub decision: Decision,
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Rule> {
    let decision: String = row.get(3)?;
    Ok(Rule {
        id: row.get(0)?,
        tool: row.get(1)?,
        pattern: row.get(2)?,
        decision: Decision::parse(&decision).unwrap_or(Decision::Ask),
        session_id: row.get(4)?,
        created_at: row.get(5)?,
    })
}

/// Every rule, newest first.
pub fn all(conn: &Connection) -> Result<Vec<Rule>> {
    let mut stmt = conn.prepare(
        "SELECT id, tool, pattern, decision, session_id, created_at FROM permission_rules
         ORDER BY created_at DESC, id DESC",
    )?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert(tx: &Transaction<'_>, rule: &Rule) -> Result<()> {
    tx.execute(
        "INSERT INTO permission_rules (id, tool, pattern, decision, session_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            rule.id,
            rule.tool,
            rule.pattern,
            rule.decision.as_str(),
            rule.session_id,
            rule.created_at
        ],
    )?;
    Ok(())
}

/// False when there was no such rule.
pub fn delete(tx: &Transaction<'_>, id: &str) -> Result<bool> {
    Ok(tx.execute("DELETE FROM permission_rules WHERE id = ?1", params![id])? > 0)
}
