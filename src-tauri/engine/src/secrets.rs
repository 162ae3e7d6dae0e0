//! Secrets live in the OS keyring only: never in SQLite, files, logs, frames or errors.
//!
//! Today: the loopback API's bearer token (`HEARTH_API_TOKEN` overrides it).

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
fn new_token() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

/// Compares without leaking where they differ through timing.
pub fn token_matches(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn account_entry(account_id: &str) -> Result<keyring::Entry> {
    entry(&format!("account:{account_id}"))
}

fn unavailable(e: keyring::Error) -> ApiError {
    ApiError::new(ErrorCode::KeyringUnavailable, format!("the OS keyring is not available: {e}"))
}

/// Stores an account's API key in the keyring.
pub fn set_account_key(account_id: &str, key: &str) -> Result<()> {
    account_entry(account_id)
        .map_err(|e| ApiError::new(ErrorCode::KeyringUnavailable, e.message))?
        .set_password(key)
        .map_err(unavailable)
}

/// An account's API key, if one is stored.
pub fn account_key(account_id: &str) -> Result<Option<String>> {
    match account_entry(account_id)
        .map_err(|e| ApiError::new(ErrorCode::KeyringUnavailable, e.message))?
        .get_password()
    {
        Ok(key) => Ok(Some(key)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(unavailable(e)),
    }
}

/// Forgets an account's key (absent is fine).
pub fn delete_account_key(account_id: &str) -> Result<()> {
    match account_entry(account_id)
        .map_err(|e| ApiError::new(ErrorCode::KeyringUnavailable, e.message))?
        .delete_credential()
    {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(unavailable(e)),
    }
}

/// A named secret of some part of Hearth (an MCP server's token, say): set, read, delete.
pub fn set_secret(name: &str, value: &str) -> Result<()> {
    entry(name)?.set_password(value).map_err(unavailable)
}

pub fn secret(name: &str) -> Result<Option<String>> {
    match entry(name)?.get_password() {
        Ok(value) => Ok(Some(value)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(unavailable(e)),
    }
}

pub fn delete_secret(name: &str) -> Result<()> {
    match entry(name)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(unavailable(e)),
    }
}
