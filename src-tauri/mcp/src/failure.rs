//! Turning what rmcp and the OS report into errors a person can act on.

use std::time::Duration;

use rmcp::model::ServerResult;
use rmcp::service::ClientInitializeError;
use rmcp::transport::streamable_http_client::StreamableHttpError;

use crate::error::{McpError, McpErrorCode};

/// A crash as the connection first sees it; the manager replaces it with
/// [`Connection::crashed`], which quotes stderr and forgets the connection.
pub(crate) fn crash_marker(name: &str) -> McpError {
    McpError::new(McpErrorCode::ServerCrashed, format!("MCP server `{name}` exited unexpectedly"))
}

pub(crate) fn mentions_unknown_tool(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    message.contains("not found") || message.contains("unknown tool")
}

pub(crate) fn result_kind(result: &ServerResult) -> &'static str {
    match result {
        ServerResult::InputRequiredResult(_) => "a request for more input",
        ServerResult::CreateTaskResult(_) => "a task",
        _ => "another kind of result",
    }
}

pub(crate) fn spawn_failed(name: &str, command: &str, error: &std::io::Error) -> McpError {
    let why = match error.kind() {
        std::io::ErrorKind::NotFound => {
            "the command was not found (is it installed and on PATH?)".to_owned()
        }
        std::io::ErrorKind::PermissionDenied => "the command is not executable".to_owned(),
        _ => error.to_string(),
    };
    McpError::new(
        McpErrorCode::SpawnFailed,
        format!("could not start MCP server `{name}` with `{command}`: {why} ({error})"),
    )
}

/// Why the handshake failed. Over stdio, any transport failure during the handshake means the
/// process exited (the pipe broke), which is what the user needs to hear, next to its stderr.
pub(crate) fn handshake_failed(name: &str, error: &ClientInitializeError, stdio: bool) -> McpError {
    match error {
        ClientInitializeError::ConnectionClosed(_)
        | ClientInitializeError::TransportError { .. }
            if stdio =>
        {
            McpError::new(
                McpErrorCode::ConnectFailed,
                format!("MCP server `{name}` exited before completing the MCP handshake"),
            )
        }
        ClientInitializeError::ConnectionClosed(_) => McpError::new(
            McpErrorCode::ConnectFailed,
            format!("MCP server `{name}` closed the connection during the MCP handshake"),
        ),
        ClientInitializeError::TransportError { error, .. } => McpError::new(
            McpErrorCode::ConnectFailed,
            format!(
                "could not connect to MCP server `{name}`: {}",
                error_chain(error.error.as_ref())
            ),
        ),
        ClientInitializeError::JsonRpcError(data) => McpError::new(
            McpErrorCode::ConnectFailed,
            format!(
                "MCP server `{name}` refused the handshake: {} (JSON-RPC {})",
                data.message, data.code.0
            ),
        ),
        ClientInitializeError::Cancelled => McpError::new(
            McpErrorCode::Aborted,
            format!("starting MCP server `{name}` was cancelled"),
        ),
        other => McpError::new(
            McpErrorCode::Protocol,
            format!(
                "MCP server `{name}` answered the handshake with invalid MCP: {}",
                error_chain(other)
            ),
        ),
    }
}

pub(crate) fn handshake_timed_out(name: &str, after: Duration) -> McpError {
    McpError::new(
        McpErrorCode::Timeout,
        format!("MCP server `{name}` did not complete the MCP handshake within {after:?}"),
    )
}

/// An error and its causes, as one line: rmcp's outer errors rarely say what actually failed.
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = next_cause(error);
    while let Some(error) = cause {
        let line = error.to_string();
        if !text.contains(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        cause = next_cause(error);
    }
    text
}

/// Whether an HTTP failure was a failure to connect (nothing listening, DNS, TLS handshake),
/// which the user fixes differently from a server that answered badly.
pub(crate) fn is_connect_failure(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.downcast_ref::<reqwest::Error>().is_some_and(reqwest::Error::is_connect) {
            return true;
        }
        cause = next_cause(error);
    }
    false
}

/// An error's cause, including the reqwest error rmcp's HTTP client wraps without declaring it
/// as its source (it is what says "connection refused" or "certificate expired").
fn next_cause<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a (dyn std::error::Error + 'static)> {
    match error.downcast_ref::<StreamableHttpError<reqwest::Error>>() {
        Some(StreamableHttpError::Client(client)) => Some(client),
        _ => error.source(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_command_says_so_and_names_it() {
        let error = std::io::Error::from(std::io::ErrorKind::NotFound);
        let failure = spawn_failed("files", "mcp-files", &error);
        assert_eq!(failure.code, McpErrorCode::SpawnFailed);
        assert!(failure.message.contains("`mcp-files`") && failure.message.contains("not found"));
    }

    #[test]
    fn a_broken_pipe_during_a_stdio_handshake_is_an_exit() {
        let error = ClientInitializeError::ConnectionClosed("eof".into());
        let failure = handshake_failed("s", &error, true);
        assert_eq!(failure.code, McpErrorCode::ConnectFailed);
        assert!(failure.message.contains("exited"), "{}", failure.message);
        let failure = handshake_failed("s", &ClientInitializeError::Cancelled, true);
        assert_eq!(failure.code, McpErrorCode::Aborted);
    }

    #[test]
    fn the_chain_names_every_distinct_cause() {
        #[derive(Debug, thiserror::Error)]
        #[error("outer")]
        struct Outer(#[source] std::io::Error);
        let error = Outer(std::io::Error::other("connection refused"));
        assert_eq!(error_chain(&error), "outer: connection refused");
    }

    #[test]
    fn unknown_tool_messages_are_recognised() {
        assert!(mentions_unknown_tool("Tool foo not found"));
        assert!(mentions_unknown_tool("Unknown tool: foo"));
        assert!(!mentions_unknown_tool("Invalid arguments"));
    }
}
