//! `accounts`: model accounts added in settings. Never a secret here: the API key is in the
//! OS keyring under the account's id.

use rusqlite::{Connection, Transaction, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;

pub const MIGRATION_1: &str = "
CREATE TABLE accounts (
    id            TEXT PRIMARY KEY NOT NULL,
    label         TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('anthropic', 'openai', 'openai_compatible')),
    base_url      TEXT NOT NULL,
    default_model TEXT,
    created_at    INTEGER NOT NULL
);
";

pub use hearth_protocol::model::AccountKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AccountSource {
    /// From environment variables: shown, used, never written anywhere, not removable here.
    Env,
    /// Added in settings.
    Settings,
}

/// An account as the UI sees it (never its key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AccountInfo {
    /// What model ids start with: `<id>/<model>`.
    pub id: String,
    pub label: String,
    pub kind: AccountKind,
    pub base_url: String,
    pub default_model: Option<String>,
    pub source: AccountSource,
    /// Whether a key is stored (in the keyring) or set in the environment.
    pub has_key: bool,
}

/// What the settings form sends to add an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    pub label: String,
    pub kind: AccountKind,
    /// Required for `openai_compatible`; defaults to https://api.openai.com/v1 for `openai`
    /// and https://api.anthropic.com for `anthropic`.
    #[ts(optional)]
    pub base_url: Option<String>,
    /// Goes to the OS keyring only.
    #[ts(optional)]
    pub api_key: Option<String>,
    #[ts(optional)]
    pub default_model: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AccountRow {
    pub id: String,
    pub label: String,
    pub kind: AccountKind,
    pub base_url: String,
    pub default_model: Option<String>,
}

pub fn all(conn: &Connection) -> Result<Vec<AccountRow>> {
    let mut stmt = conn.prepare(
        "SELECT id, label, kind, base_url, default_model FROM accounts ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([], |r| {
        let kind: String = r.get(2)?;
        Ok(AccountRow {
            id: r.get(0)?,
            label: r.get(1)?,
            kind: if kind == "openai" {
                AccountKind::Openai
            } else {
                AccountKind::OpenaiCompatible
            },
            base_url: r.get(3)?,
            default_model: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert(tx: &Transaction<'_>, row: &AccountRow, now: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO accounts (id, label, kind, base_url, default_model, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![row.id, row.label, row.kind.as_str(), row.base_url, row.default_model, now],
    )?;
    Ok(())
}

pub fn delete(tx: &Transaction<'_>, id: &str) -> Result<bool> {
    Ok(tx.execute("DELETE FROM accounts WHERE id = ?1", [id])? > 0)
}

/// Changes to an account: absent fields stay; `api_key` replaces the key in the keyring
/// (rotation), an empty one removes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    #[ts(optional)]
    pub label: Option<String>,
    #[ts(optional)]
    pub base_url: Option<String>,
    #[ts(optional)]
    pub api_key: Option<String>,
    /// Empty clears it.
    #[ts(optional)]
    pub default_model: Option<String>,
}

/// What testing an account found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AccountCheck {
    /// How many models the account's server lists.
    pub models: u32,
}

pub fn update(tx: &Transaction<'_>, row: &AccountRow) -> Result<bool> {
    Ok(tx.execute(
        "UPDATE accounts SET label = ?2, base_url = ?3, default_model = ?4 WHERE id = ?1",
        params![row.id, row.label, row.base_url, row.default_model],
    )? > 0)
}
