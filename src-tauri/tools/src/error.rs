//! The one error type every tool returns: a stable code the engine, UI and approval rules can
//! match on, plus a message written for the model (it reads it and tries again).

use serde::Serialize;

/// Why a tool call failed. The `as_str` spellings are a stable contract with the UI and the HTTP
/// API: rename a variant, never its string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ToolErrorCode {
    /// The input did not match the tool's schema, or a value in it is unusable.
    InvalidArguments,
    /// A file tool was called in a chat that has no workspace folder.
    NoWorkspace,
    /// A path (or a symlink along it) leads outside the workspace folder.
    OutsideWorkspace,
    /// The file or directory does not exist, or `old_string` is absent from the file.
    NotFound,
    /// `old_string` occurs more than once and `replace_all` was not set.
    NotUnique,
    /// The file is too large for the tool to handle in memory.
    TooLarge,
    /// Not a regular file or directory (a FIFO, a socket, a device), or, for a write, a file
    /// with more than one hard link.
    UnsupportedFile,
    /// The command or request ran past its time limit (its processes were killed).
    Timeout,
    /// The turn was cancelled while the tool ran.
    Aborted,
    /// The operating system refused an operation (permissions, a full disk, ...).
    Io,
    /// A request failed: DNS, connection, TLS, or an HTTP error status.
    Network,
    /// No built-in tool has that name.
    UnknownTool,
    /// The network policy refused a URL: a redirect hop no rule allows, a local or private
    /// address no rule names, or Hearth's own API.
    Refused,
}

impl ToolErrorCode {
    /// The stable SCREAMING_SNAKE spelling, the same as the serialized form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidArguments => "INVALID_ARGUMENTS",
            Self::NoWorkspace => "NO_WORKSPACE",
            Self::OutsideWorkspace => "OUTSIDE_WORKSPACE",
            Self::NotFound => "NOT_FOUND",
            Self::NotUnique => "NOT_UNIQUE",
            Self::TooLarge => "TOO_LARGE",
            Self::UnsupportedFile => "UNSUPPORTED_FILE",
            Self::Timeout => "TIMEOUT",
            Self::Aborted => "ABORTED",
            Self::Io => "IO",
            Self::Network => "NETWORK",
            Self::UnknownTool => "UNKNOWN_TOOL",
            Self::Refused => "REFUSED",
        }
    }
}

impl std::fmt::Display for ToolErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed tool call: `{code, message}` on the wire, like every other Hearth error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ToolError {
    pub code: ToolErrorCode,
    pub message: String,
}

impl ToolError {
    pub fn new(code: ToolErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(ToolErrorCode::InvalidArguments, message)
    }

    pub(crate) fn outside(message: impl Into<String>) -> Self {
        Self::new(ToolErrorCode::OutsideWorkspace, message)
    }

    pub(crate) fn aborted() -> Self {
        Self::new(ToolErrorCode::Aborted, "the tool call was cancelled")
    }

    /// Maps an OS error about `what` (a path as the model wrote it) to `NotFound` or `Io`.
    pub(crate) fn io(what: &str, err: &std::io::Error) -> Self {
        match err.kind() {
            std::io::ErrorKind::NotFound => {
                Self::new(ToolErrorCode::NotFound, format!("`{what}` does not exist"))
            }
            _ => Self::new(ToolErrorCode::Io, format!("`{what}`: {err}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialized_code_matches_as_str() {
        let codes = [
            ToolErrorCode::InvalidArguments,
            ToolErrorCode::NoWorkspace,
            ToolErrorCode::OutsideWorkspace,
            ToolErrorCode::NotFound,
            ToolErrorCode::NotUnique,
            ToolErrorCode::TooLarge,
            ToolErrorCode::UnsupportedFile,
            ToolErrorCode::Timeout,
            ToolErrorCode::Aborted,
            ToolErrorCode::Io,
            ToolErrorCode::Network,
            ToolErrorCode::UnknownTool,
        ];
        for code in codes {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, code.as_str(), "the wire form and as_str must never drift apart");
        }
    }
}
