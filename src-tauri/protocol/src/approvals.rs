//! Approvals and permission rules, as data: a tool call waiting for the user, the user's
//! answer, and the standing rules (allow, ask, deny) that decide calls without asking. How a
//! rule matches a call is the engine's (`policy`); here is only what crosses the wire.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A tool call waiting for the user: everything the approval card shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Approval {
    pub id: String,
    pub session_id: String,
    pub run_id: String,
    pub tool_use_id: String,
    pub tool: String,
    /// The call's full arguments.
    #[ts(type = "unknown")]
    pub input: serde_json::Value,
    /// The command, path or URL an "Always" rule's pattern would match.
    pub subject: Option<String>,
    pub created_at: i64,
}

/// How long an answer is remembered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Remember {
    /// Allow this tool in this session from now on.
    Session,
    /// A rule in settings (optionally only for a pattern).
    Always,
}

impl Remember {
    pub fn as_str(self) -> &'static str {
        match self {
            Remember::Session => "session",
            Remember::Always => "always",
        }
    }
}

/// `POST /v1/approvals/{id}` and the approval card: Allow once (no `remember`), Allow for
/// this session, Always (with an optional `pattern`), or Deny with a message for the model.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ApprovalAnswer {
    pub allow: bool,
    #[ts(optional)]
    pub remember: Option<Remember>,
    /// With `remember: "always"`: a command prefix (`run_shell`), URL rule (`fetch_url`)
    /// or path glob (file tools) the rule is limited to.
    #[ts(optional)]
    pub pattern: Option<String>,
    /// With a denial: what the model is told.
    #[ts(optional)]
    pub message: Option<String>,
    /// With an allow: the tool's input as the user edited it (a JSON object); the call runs
    /// with it instead of the model's. Not for Codex, whose protocol cannot take it.
    #[ts(optional, type = "Record<string, unknown>")]
    pub input: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Allow,
    Ask,
    Deny,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Ask => "ask",
            Decision::Deny => "deny",
        }
    }

    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "allow" => Some(Decision::Allow),
            "ask" => Some(Decision::Ask),
            "deny" => Some(Decision::Deny),
            _ => None,
        }
    }

    /// Which wins a tie: the safer one (higher is safer).
    pub fn caution(self) -> u8 {
        match self {
            Decision::Allow => 0,
            Decision::Ask => 1,
            Decision::Deny => 2,
        }
    }
}

/// What a tool does, which sets its default and how a pattern is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolClass {
    ReadOnly,
    /// Writes files: patterns are path globs.
    Write,
    /// Runs commands: patterns are command prefixes.
    Shell,
    /// Reaches the network: patterns are URL rules (scheme, host, port, path prefix).
    Network,
    /// A tool of an MCP server: patterns are prefixes of its JSON arguments.
    Mcp,
    /// Writes or forgets Hearth's memory of the user: patterns are the tier touched (`core`
    /// or `archival`). Core memories reach every chat, so touching one asks by default.
    Memory,
}

/// A stored rule, as settings lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Rule {
    pub id: String,
    /// A tool name, `<server>__*`, or `*`.
    pub tool: String,
    pub pattern: Option<String>,
    pub decision: Decision,
    /// Set for "allow for this session" rules: they apply to that session only.
    pub session_id: Option<String>,
    pub created_at: i64,
}
