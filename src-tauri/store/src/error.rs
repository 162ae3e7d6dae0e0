//! What a store call fails with: a refusal with a stable code (a row that is not there, an
//! input that breaks a rule), or SQLite itself failing. Front doors see either as the
//! protocol's `{code, message}`; SQLite's own failures become `STORAGE`, logged once here.

use hearth_protocol::error::ApiError;
pub use hearth_protocol::error::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store refused: not found, invalid, locked. Its code is the one callers answer with.
    #[error("{}: {}", .0.code.name(), .0.message)]
    Refused(ApiError),
    /// SQLite failed (a full disk, a damaged file, a bug in a statement).
    #[error("storage error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl StoreError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        StoreError::Refused(ApiError::new(code, message))
    }

    pub fn session_not_found(id: &str) -> Self {
        StoreError::Refused(ApiError::session_not_found(id))
    }

    /// What a person is told (SQLite's own words for its failures).
    pub fn message(&self) -> String {
        match self {
            StoreError::Refused(e) => e.message.clone(),
            StoreError::Sqlite(e) => format!("storage error: {e}"),
        }
    }

    /// The code a front door answers with.
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::Refused(e) => e.code,
            StoreError::Sqlite(_) => ErrorCode::Storage,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Refused(e) => e,
            StoreError::Sqlite(e) => {
                tracing::error!(error = %e, "storage error");
                ApiError::new(ErrorCode::Storage, format!("storage error: {e}"))
            }
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
