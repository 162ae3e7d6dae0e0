//! Hearth's built-in agent tools: reading, writing and editing files, listing, globbing and
//! grepping, running shell commands, and fetching URLs.
//!
//! What this crate owns: each tool's JSON schema ([`builtin`]), argument validation, the tool's
//! work ([`run`]), and the string approval rules match against ([`subject`]).
//!
//! What it must never do: touch a path outside the chat's workspace folder (see `confine`),
//! leave a timed-out or cancelled command's processes running, or do any IO beyond what the
//! called tool is for. It knows nothing of tauri, the store, or approvals themselves.

mod args;
mod cap;
mod confine;
mod error;
mod fsio;
pub mod net;
mod tools;

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

pub use error::{ToolError, ToolErrorCode};

/// What a tool may do, so approval policy can treat classes of tools alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolKind {
    /// Reads inside the workspace; changes nothing.
    ReadOnly,
    /// Creates or changes files inside the workspace.
    Write,
    /// Runs an arbitrary shell command.
    Shell,
    /// Talks to the network.
    Network,
}

/// A tool as offered to the model.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolDef {
    pub name: &'static str,
    pub description: &'static str,
    /// A JSON Schema object; `additionalProperties` is always false.
    pub input_schema: Value,
    pub kind: ToolKind,
}

/// Where and under what cancellation a call runs.
#[derive(Debug, Clone, Default)]
pub struct ToolContext {
    /// The chat's workspace folder; file tools refuse to run without one.
    pub workspace: Option<PathBuf>,
    /// Cancelled when the turn is stopped; running tools return `Aborted`.
    pub cancel: CancellationToken,
    /// Decides each URL `fetch_url` requests (redirect hops included); without one, only
    /// public addresses are reached.
    pub net: Option<Arc<dyn net::NetGate>>,
}

/// What the model reads back from a successful call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolOutput {
    pub content: String,
}

impl ToolOutput {
    pub(crate) fn new(content: impl Into<String>) -> Self {
        Self { content: content.into() }
    }
}

/// Every built-in tool's definition, in a stable order.
pub fn builtin() -> Vec<ToolDef> {
    tools::defs()
}

/// Runs the built-in tool `name` with the model's `input`.
pub async fn run(name: &str, input: &Value, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
    tools::run(name, input, ctx).await
}

/// For approval rules: the string a rule pattern is matched against — the command for
/// `run_shell`, the URL for `fetch_url`, the path (normalized, `.` when omitted) for file tools.
/// `None` for an unknown tool or input without that field.
pub fn subject(name: &str, input: &Value) -> Option<String> {
    let field = |key: &str| input.get(key).and_then(Value::as_str);
    match name {
        "run_shell" => field("command").map(str::to_owned),
        "fetch_url" => field("url").map(str::to_owned),
        "read_file" | "write_file" | "edit_file" => field("path").map(subject_path),
        "list_dir" | "glob" | "grep" => match input.get("path") {
            None | Some(Value::Null) => Some(".".to_owned()),
            Some(_) => field("path").map(subject_path),
        },
        _ => None,
    }
}

/// `./src//a.rs` and `src/x/../a.rs` should match the same rule as `src/a.rs`; a path the tool
/// would refuse is passed through unchanged (the tool refuses it anyway).
fn subject_path(raw: &str) -> String {
    match confine::normalize(raw) {
        Ok(parts) if parts.is_empty() => ".".to_owned(),
        Ok(parts) => parts.iter().map(|p| p.to_string_lossy()).collect::<Vec<_>>().join("/"),
        Err(_) => raw.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn subject_picks_the_field_rules_match_against() {
        assert_eq!(subject("run_shell", &json!({"command": "ls -la"})).as_deref(), Some("ls -la"));
        assert_eq!(
            subject("fetch_url", &json!({"url": "https://a.test/"})).as_deref(),
            Some("https://a.test/")
        );
        assert_eq!(
            subject("read_file", &json!({"path": "./src//x/../a.rs"})).as_deref(),
            Some("src/a.rs")
        );
        assert_eq!(subject("list_dir", &json!({})).as_deref(), Some("."));
        assert_eq!(subject("edit_file", &json!({"path": "../x"})).as_deref(), Some("../x"));
        assert_eq!(subject("nope", &json!({"path": "a"})), None);
        assert_eq!(subject("write_file", &json!({})), None);
    }

    #[test]
    fn tool_kind_serializes_snake_case() {
        assert_eq!(serde_json::to_value(ToolKind::ReadOnly).unwrap(), "read_only");
    }
}
