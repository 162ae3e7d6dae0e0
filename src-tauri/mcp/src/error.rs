//! The one error type of this crate: a stable code for the UI and the API, and a message for a
//! person.

use serde::Serialize;

/// What went wrong, as a stable code the UI and the HTTP API can match on (mirrored in
/// TypeScript by the engine's error codes); never match on [`McpError::message`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum McpErrorCode {
    /// The server's configuration is unusable (bad name, empty command, non-http url, ...).
    InvalidConfig,
    /// The server's process could not be started (command not found, not executable, ...).
    SpawnFailed,
    /// The server started (or was reached) but the MCP handshake failed.
    ConnectFailed,
    /// The server exited or its connection closed while in use; it restarts on the next use.
    ServerCrashed,
    /// The server has no tool of that name (or one this client refuses to offer).
    ToolNotFound,
    /// The server refused or failed the request itself (a JSON-RPC error, bad arguments).
    CallFailed,
    /// The server did not answer in time.
    Timeout,
    /// The caller cancelled, or the server was stopped while the call ran.
    Aborted,
    /// The server sent something that is not valid MCP.
    Protocol,
}

impl McpErrorCode {
    /// The code as it crosses to the UI and the API: stable, SCREAMING_SNAKE.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidConfig => "INVALID_CONFIG",
            Self::SpawnFailed => "SPAWN_FAILED",
            Self::ConnectFailed => "CONNECT_FAILED",
            Self::ServerCrashed => "SERVER_CRASHED",
            Self::ToolNotFound => "TOOL_NOT_FOUND",
            Self::CallFailed => "CALL_FAILED",
            Self::Timeout => "TIMEOUT",
            Self::Aborted => "ABORTED",
            Self::Protocol => "PROTOCOL",
        }
    }
}

impl std::fmt::Display for McpErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error from an MCP server or from talking to one: `{code, message}` as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct McpError {
    pub code: McpErrorCode,
    pub message: String,
}

impl McpError {
    pub(crate) fn new(code: McpErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }

    pub(crate) fn invalid_config(message: impl Into<String>) -> Self {
        Self::new(McpErrorCode::InvalidConfig, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_stable_strings() {
        for code in [
            McpErrorCode::InvalidConfig,
            McpErrorCode::SpawnFailed,
            McpErrorCode::ConnectFailed,
            McpErrorCode::ServerCrashed,
            McpErrorCode::ToolNotFound,
            McpErrorCode::CallFailed,
            McpErrorCode::Timeout,
            McpErrorCode::Aborted,
            McpErrorCode::Protocol,
        ] {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, code.as_str(), "serde and as_str must agree for {code:?}");
        }
    }

    #[test]
    fn an_error_serializes_as_code_and_message() {
        let error = McpError::new(McpErrorCode::ToolNotFound, "no tool `x`");
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({"code": "TOOL_NOT_FOUND", "message": "no tool `x`"})
        );
        assert_eq!(error.to_string(), "TOOL_NOT_FOUND: no tool `x`");
    }
}
