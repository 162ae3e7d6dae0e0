//! The one error type every front door (IPC, HTTP, CLI) returns: a stable code and a message.
//!
//! Messages are for people and may change; codes are a contract (mirrored in TypeScript by
//! ts-rs, and in the HTTP API). A message never contains a secret.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Stable, SCREAMING_SNAKE_CASE error codes shared by the webview, the HTTP API and the CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// No live session has that id (never existed, or soft-deleted where a live one is needed).
    SessionNotFound,
    /// A title that is empty, too long or contains control characters.
    InvalidTitle,
    /// A cursor that is not one of ours, or belongs to another listing.
    InvalidCursor,
    /// A page size outside 1..=200.
    InvalidLimit,
    /// A model id that is not `<account>/<model>`.
    InvalidModel,
    /// A workspace that is not an existing absolute directory.
    InvalidWorkspace,
    /// Any other malformed argument.
    InvalidInput,
    /// Another Hearth process already has this data directory open.
    DataDirLocked,
    /// The database could not be read or written.
    Storage,
    /// A bug: something that should not happen.
    Internal,
}

impl ErrorCode {
    /// The HTTP status the loopback API answers with for this code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::SessionNotFound => 404,
            ErrorCode::InvalidTitle
            | ErrorCode::InvalidCursor
            | ErrorCode::InvalidLimit
            | ErrorCode::InvalidModel
            | ErrorCode::InvalidWorkspace
            | ErrorCode::InvalidInput => 400,
            ErrorCode::DataDirLocked => 409,
            ErrorCode::Storage | ErrorCode::Internal => 500,
        }
    }
}

/// `{code, message}`: what every fallible engine call returns on failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into() }
    }

    pub fn session_not_found(id: &str) -> Self {
        ApiError::new(ErrorCode::SessionNotFound, format!("no session with id {id:?}"))
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        tracing::error!(error = %e, "storage error");
        ApiError::new(ErrorCode::Storage, format!("storage error: {e}"))
    }
}

pub type Result<T, E = ApiError> = std::result::Result<T, E>;
