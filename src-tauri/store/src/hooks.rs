//! `hooks`: named webhooks. A POST to `/v1/hooks/{name}` that proves it knows the hook's secret
//! (kept in the keyring as `hook:<name>`, never here) the way its `auth` says maps its JSON
//! payload through `template` into a background turn in the hook's chat.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;

pub const MIGRATION_1: &str = "
CREATE TABLE hooks (
    name          TEXT PRIMARY KEY NOT NULL,
    -- The chat its turns go to; NULL = the hook's own inbox thread (`hook:<name>`).
    session_id    TEXT,
    template      TEXT NOT NULL,
    enabled       INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    last_fired_at INTEGER
);
";

/// How deliveries prove they know the secret; hooks made before it take a bearer secret.
pub const MIGRATION_2: &str = "
ALTER TABLE hooks ADD COLUMN auth TEXT NOT NULL DEFAULT 'bearer';
";

/// How a delivery proves it knows the hook's secret.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum HookAuth {
    /// The secret itself, as `Authorization: Bearer …` or `X-Hearth-Hook-Secret`.
    #[default]
    Bearer,
    /// GitHub's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`.
    Github,
    /// Standard Webhooks: `webhook-id`, `webhook-timestamp` (within five minutes) and
    /// `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the
    /// bytes of a `whsec_<base64>` secret.
    StandardWebhooks,
}

impl HookAuth {
    pub fn as_str(self) -> &'static str {
        match self {
            HookAuth::Bearer => "bearer",
            HookAuth::Github => "github",
            HookAuth::StandardWebhooks => "standard_webhooks",
        }
    }

    fn parse(s: &str) -> Option<HookAuth> {
        [HookAuth::Bearer, HookAuth::Github, HookAuth::StandardWebhooks]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Hook {
    /// Letters, digits, `-` and `_`; the last part of its URL.
    pub name: String,
    /// The chat its turns go to; null = its own chat, made on first use.
    pub session_id: Option<String>,
    /// The prompt, with `{{path.to.field}}` (or `{{payload}}` for all of it) replaced by the
    /// payload's values, each quoted as untrusted content.
    pub template: String,
    pub enabled: bool,
    /// How its deliveries prove they know its secret.
    pub auth: HookAuth,
    pub created_at: i64,
    pub last_fired_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewHook {
    pub name: String,
    pub template: String,
    #[ts(optional)]
    pub session_id: Option<String>,
    #[ts(optional)]
    pub enabled: Option<bool>,
    /// Default `bearer`.
    #[ts(optional)]
    pub auth: Option<HookAuth>,
    /// The sender's own secret (a `whsec_…` one for Standard Webhooks); without it Hearth
    /// makes one and answers it once.
    #[ts(optional)]
    pub secret: Option<String>,
}

/// A partial change; `session_id: ""` sends its turns to its own chat again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct HookPatch {
    #[ts(optional)]
    pub template: Option<String>,
    #[ts(optional)]
    pub session_id: Option<String>,
    #[ts(optional)]
    pub enabled: Option<bool>,
    /// Switching to `standard_webhooks` needs a `whsec_` secret: `secret` or `rotate_secret`.
    #[ts(optional)]
    pub auth: Option<HookAuth>,
    /// True: a new secret replaces the old one (returned once).
    #[ts(optional)]
    pub rotate_secret: Option<bool>,
    /// The sender's own secret replaces the old one (not answered back).
    #[ts(optional)]
    pub secret: Option<String>,
}

/// A hook with its secret: returned only when the secret is made (create, rotate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HookWithSecret {
    pub hook: Hook,
    #[ts(optional)]
    pub secret: Option<String>,
}

/// What a webhook call started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HookReceipt {
    pub session_id: String,
    pub message_id: String,
    pub run_id: String,
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Hook> {
    let auth: String = row.get(6)?;
    Ok(Hook {
        name: row.get(0)?,
        session_id: row.get(1)?,
        template: row.get(2)?,
        enabled: row.get(3)?,
        created_at: row.get(4)?,
        last_fired_at: row.get(5)?,
        auth: HookAuth::parse(&auth).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                6,
                rusqlite::types::Type::Text,
                format!("unknown hook auth {auth:?}").into(),
            )
        })?,
    })
}

const COLUMNS: &str = "name, session_id, template, enabled, created_at, last_fired_at, auth";

pub fn all(conn: &Connection) -> Result<Vec<Hook>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM hooks ORDER BY name"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, name: &str) -> Result<Option<Hook>> {
    Ok(conn
        .query_row(&format!("SELECT {COLUMNS} FROM hooks WHERE name = ?1"), [name], from_row)
        .optional()?)
}

pub fn upsert(tx: &Transaction<'_>, h: &Hook) -> Result<()> {
    tx.execute(
        "INSERT INTO hooks (name, session_id, template, enabled, created_at, last_fired_at, auth)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (name) DO UPDATE SET session_id = excluded.session_id,
             template = excluded.template, enabled = excluded.enabled,
             last_fired_at = excluded.last_fired_at, auth = excluded.auth",
        params![
            h.name,
            h.session_id,
            h.template,
            h.enabled,
            h.created_at,
            h.last_fired_at,
            h.auth.as_str()
        ],
    )?;
    Ok(())
}

pub fn delete(tx: &Transaction<'_>, name: &str) -> Result<bool> {
    Ok(tx.execute("DELETE FROM hooks WHERE name = ?1", [name])? > 0)
}

pub fn fired(tx: &Transaction<'_>, name: &str, now: i64) -> Result<()> {
    tx.execute("UPDATE hooks SET last_fired_at = ?2 WHERE name = ?1", params![name, now])?;
    Ok(())
}
