//! Which runtime a session's turns run on: Hearth's own agent loop, or a coding-agent CLI
//! driven as a child process.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A session's runtime, chosen when it is created and fixed for its life.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum RuntimeKind {
    /// The built-in loop: a provider, Hearth's tools, MCP servers.
    #[default]
    Hearth,
    /// The `claude` CLI (Claude Code), headless over stream-json.
    ClaudeCode,
    /// The `codex` CLI through `codex app-server`.
    Codex,
}

impl RuntimeKind {
    pub const ALL: [RuntimeKind; 3] =
        [RuntimeKind::Hearth, RuntimeKind::ClaudeCode, RuntimeKind::Codex];

    /// The name as stored and serialized (`claude-code`).
    pub fn as_str(self) -> &'static str {
        match self {
            RuntimeKind::Hearth => "hearth",
            RuntimeKind::ClaudeCode => "claude-code",
            RuntimeKind::Codex => "codex",
        }
    }

    pub fn parse(name: &str) -> Option<RuntimeKind> {
        RuntimeKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// An external agent CLI (needs a workspace, keeps its own conversation).
    pub fn is_external(self) -> bool {
        self != RuntimeKind::Hearth
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for kind in RuntimeKind::ALL {
            assert_eq!(RuntimeKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str(), "stored = wire name");
        }
        assert_eq!(RuntimeKind::parse("claude_code"), None, "only the exact names");
    }
}
