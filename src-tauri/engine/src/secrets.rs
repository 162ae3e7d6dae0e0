//! Secrets live in the OS keyring only: never in SQLite, files, logs, frames or errors.
//!
//! The loopback API's bearer token (`HEARTH_API_TOKEN` overrides it), accounts' API keys
//! (`account:<id>`) and MCP servers' secrets (`mcp:<server>:<KEY>`).

use crate::error::{ApiError, ErrorCode, Result};
use crate::paths::APP_IDENTIFIER;

const API_TOKEN: &str = "api-token";

fn entry(name: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(APP_IDENTIFIER, name).map_err(keyring_error)
}

fn keyring_error(e: keyring::Error) -> ApiError {
    // keyring errors never carry the secret itself.
    ApiError::new(ErrorCode::Storage, format!("the OS keyring is not available: {e}"))
}

/// The API token: `HEARTH_API_TOKEN`, or the keyring's, created on first use.
pub fn api_token() -> Result<String> {
    if let Some(token) = std::env::var("HEARTH_API_TOKEN").ok().filter(|t| !t.trim().is_empty()) {
        return Ok(token);
    }
    let entry = entry(API_TOKEN)?;
    match entry.get_password() {
        Ok(token) => Ok(token),
        Err(keyring::Error::NoEntry) => {
            let token = new_token();
            entry.set_password(&token).map_err(keyring_error)?;
            tracing::info!("created the API token in the OS keyring");
            Ok(token)
        }
        Err(e) => Err(keyring_error(e)),
    }
}

/// The API token if one exists (for the CLI: it never creates one).
pub fn existing_api_token() -> Result<String> {
    if let Some(token) = std::env::var("HEARTH_API_TOKEN").ok().filter(|t| !t.trim().is_empty()) {
        return Ok(token);
    }
    match entry(API_TOKEN)?.get_password() {
        Ok(token) => Ok(token),
        Err(keyring::Error::NoEntry) => Err(ApiError::new(
            ErrorCode::Unauthorized,
            "no API token yet: start Hearth (or `hearth serve`) once, or set HEARTH_API_TOKEN",
        )),
        Err(e) => Err(keyring_error(e)),
    }
}

/// 256 random bits, hex: two v4 UUIDs' random parts are plenty and need no extra crate.
pub fn new_token() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

/// Compares without leaking where they differ through timing.
pub fn token_matches(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn unavailable(e: keyring::Error) -> ApiError {
    ApiError::new(ErrorCode::KeyringUnavailable, format!("the OS keyring is not available: {e}"))
}

/// A named secret's entry; not reaching the keyring at all is `KEYRING_UNAVAILABLE` too.
fn secret_entry(name: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(APP_IDENTIFIER, name).map_err(unavailable)
}

/// Stores a named secret (an account's key, an MCP server's token).
pub fn set_secret(name: &str, value: &str) -> Result<()> {
    secret_entry(name)?.set_password(value).map_err(unavailable)
}

/// A named secret, if one is stored.
pub fn secret(name: &str) -> Result<Option<String>> {
    match secret_entry(name)?.get_password() {
        Ok(value) => Ok(Some(value)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(unavailable(e)),
    }
}

/// Forgets a named secret (absent is fine).
pub fn delete_secret(name: &str) -> Result<()> {
    match secret_entry(name)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(unavailable(e)),
    }
}

fn account_secret(account_id: &str) -> String {
    format!("account:{account_id}")
}

/// Stores an account's API key in the keyring.
pub fn set_account_key(account_id: &str, key: &str) -> Result<()> {
    set_secret(&account_secret(account_id), key)
}

/// An account's API key, if one is stored.
pub fn account_key(account_id: &str) -> Result<Option<String>> {
    secret(&account_secret(account_id))
}

/// Forgets an account's key (absent is fine).
pub fn delete_account_key(account_id: &str) -> Result<()> {
    delete_secret(&account_secret(account_id))
}
