//! `mcp_servers`: the MCP servers added in settings. Their transport (command, args, plain env
//! or URL and plain headers) is here; secret env values and headers are in the OS keyring
//! (`mcp:<server>:<KEY>`), and only their names are here.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;

pub const MIGRATION_1: &str = "
CREATE TABLE mcp_servers (
    name        TEXT PRIMARY KEY NOT NULL,
    transport   TEXT NOT NULL CHECK (json_valid(transport)),
    enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    secret_keys TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(secret_keys)),
    created_at  INTEGER NOT NULL
);
";

/// How Hearth reaches a server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum McpTransport {
    /// A command Hearth starts, speaking MCP on stdin/stdout.
    Stdio {
        command: String,
        #[serde(default)]
        args: Vec<String>,
        /// Plain environment values (secret ones go in `secrets`).
        #[serde(default)]
        env: BTreeMap<String, String>,
    },
    /// A server at a URL, over streamable HTTP.
    Http {
        url: String,
        /// Plain headers (secret ones, like Authorization, go in `secrets`).
        #[serde(default)]
        headers: BTreeMap<String, String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct McpServerRow {
    pub name: String,
    pub transport: McpTransport,
    pub enabled: bool,
    pub secret_keys: Vec<String>,
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<McpServerRow> {
    let transport: String = row.get(1)?;
    let keys: String = row.get(3)?;
    Ok(McpServerRow {
        name: row.get(0)?,
        transport: serde_json::from_str(&transport).unwrap_or(McpTransport::Stdio {
            command: String::new(),
            args: Vec::new(),
            env: BTreeMap::new(),
        }),
        enabled: row.get(2)?,
        secret_keys: serde_json::from_str(&keys).unwrap_or_default(),
    })
}

pub fn all(conn: &Connection) -> Result<Vec<McpServerRow>> {
    let mut stmt = conn.prepare(
        "SELECT name, transport, enabled, secret_keys FROM mcp_servers ORDER BY created_at, name",
    )?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, name: &str) -> Result<Option<McpServerRow>> {
    Ok(conn
        .query_row(
            "SELECT name, transport, enabled, secret_keys FROM mcp_servers WHERE name = ?1",
            params![name],
            from_row,
        )
        .optional()?)
}

pub fn upsert(tx: &Transaction<'_>, row: &McpServerRow, now: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO mcp_servers (name, transport, enabled, secret_keys, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (name) DO UPDATE SET transport = excluded.transport,
             enabled = excluded.enabled, secret_keys = excluded.secret_keys",
        params![
            row.name,
            serde_json::to_string(&row.transport).unwrap_or_default(),
            row.enabled,
            serde_json::to_string(&row.secret_keys).unwrap_or_default(),
            now
        ],
    )?;
    Ok(())
}

pub fn delete(tx: &Transaction<'_>, name: &str) -> Result<bool> {
    Ok(tx.execute("DELETE FROM mcp_servers WHERE name = ?1", params![name])? > 0)
}

/// An MCP server added in settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewMcpServer {
    /// 1 to 32 of a-z, 0-9, `_`, `-`: it prefixes the server's tools (`<name>__<tool>`).
    pub name: String,
    pub transport: McpTransport,
    /// Env vars (stdio) or headers (http) whose values go to the OS keyring, never here.
    #[ts(optional)]
    pub secrets: Option<BTreeMap<String, String>>,
    #[ts(optional)]
    pub enabled: Option<bool>,
}

/// A change to a server: absent fields stay; `secrets` replaces all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct McpServerPatch {
    #[ts(optional)]
    pub enabled: Option<bool>,
    #[ts(optional)]
    pub transport: Option<McpTransport>,
    #[ts(optional)]
    pub secrets: Option<BTreeMap<String, String>>,
}
