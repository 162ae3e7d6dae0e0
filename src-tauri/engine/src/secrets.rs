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

/// What the API answers a challenge with: HMAC-SHA256 of it keyed with the per-start nonce
/// of `api.json`, hex. Whoever does not know the nonce can neither make one nor learn the
/// nonce from one (the CLI's challenge is fresh each time), so a listener that is not the
/// Hearth that wrote `api.json` cannot pass for it.
pub fn api_proof(nonce: &str, challenge: &str) -> String {
    use hmac::Mac;
    let mut mac = proof_mac(nonce);
    mac.update(challenge.as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `proof` is [`api_proof`] of `challenge` (compared in constant time).
pub fn api_proof_matches(nonce: &str, challenge: &str, proof: &str) -> bool {
    use hmac::Mac;
    let Some(bytes) = (0..proof.len())
        .step_by(2)
        .map(|i| proof.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect::<Option<Vec<u8>>>()
    else {
        return false;
    };
    let mut mac = proof_mac(nonce);
    mac.update(challenge.as_bytes());
    mac.verify_slice(&bytes).is_ok()
}

fn proof_mac(nonce: &str) -> hmac::Hmac<sha2::Sha256> {
    use hmac::Mac;
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(nonce.as_bytes()).expect("any key length");
    // Only ever a proof of api.json's nonce, never mistaken for another HMAC of ours.
    mac.update(b"hearth api.json proof v1\n");
    mac
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

#[cfg(test)]
mod proof_tests {
    use super::*;

    #[test]
    fn a_proof_holds_only_for_its_nonce_and_challenge() {
        let (nonce, challenge) = (new_token(), new_token());
        let proof = api_proof(&nonce, &challenge);
        assert!(api_proof_matches(&nonce, &challenge, &proof));
        assert!(!api_proof_matches(&new_token(), &challenge, &proof), "another nonce");
        assert!(!api_proof_matches(&nonce, &new_token(), &proof), "another challenge");
        for bad in ["", "0", &"0".repeat(64), &proof[..62], "zz"] {
            assert!(!api_proof_matches(&nonce, &challenge, bad), "{bad:?}");
        }
    }
}
