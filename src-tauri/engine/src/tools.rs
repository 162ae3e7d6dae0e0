//! The tools a run offers the model: Hearth's built-ins (`hearth-tools`) and the tools of the
//! enabled MCP servers (`hearth-mcp`, named `<server>__<tool>`). Running one never fails the
//! run: every failure becomes an error result the model reads.

use std::path::PathBuf;
use std::time::Instant;

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::policy::ToolClass;
use crate::provider::ToolSpec;

/// What one call produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub content: String,
    pub is_error: bool,
    pub duration_ms: u64,
}

/// A tool the model can call, and how policy treats it.
#[derive(Debug, Clone)]
pub struct Offered {
    pub spec: ToolSpec,
    pub class: ToolClass,
}

/// A tool as settings lists it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct ToolInfo {
    pub name: String,
    pub description: String,
    /// `read_only`, `write`, `shell`, `network` or `mcp`.
    pub class: String,
    /// What happens without a rule.
    pub default: crate::policy::Decision,
    /// The MCP server it comes from (null for a built-in).
    pub server: Option<String>,
}

#[derive(Default)]
pub struct Tools {}

impl Tools {
    /// What the model is offered in a session: the built-ins, then every enabled MCP server's
    /// tools.
    pub async fn offered(&self) -> Vec<Offered> {
        hearth_tools::builtin()
            .into_iter()
            .map(|def| Offered {
                spec: ToolSpec {
                    name: def.name.to_owned(),
                    description: def.description.to_owned(),
                    input_schema: def.input_schema,
                },
                class: class_of(def.kind),
            })
            .collect()
    }

    pub async fn infos(&self) -> Vec<ToolInfo> {
        self.offered()
            .await
            .into_iter()
            .map(|o| ToolInfo {
                server: o.spec.name.split_once("__").map(|(s, _)| s.to_owned()),
                name: o.spec.name,
                description: o.spec.description,
                class: class_name(o.class).to_owned(),
                default: crate::policy::default_for(o.class),
            })
            .collect()
    }

    /// The string an approval rule's pattern is matched against.
    pub fn subject(&self, name: &str, input: &Value) -> Option<String> {
        hearth_tools::subject(name, input).or_else(|| {
            // An MCP tool: its arguments, compactly.
            name.contains("__").then(|| input.to_string())
        })
    }

    /// Runs a call. `workspace` confines the file tools; `cancel` stops it (the whole process
    /// group for a shell command).
    pub async fn run(
        &self,
        name: &str,
        input: &Value,
        workspace: Option<PathBuf>,
        cancel: CancellationToken,
    ) -> Outcome {
        let started = Instant::now();
        let ctx = hearth_tools::ToolContext { workspace, cancel };
        let (content, is_error) = match hearth_tools::run(name, input, &ctx).await {
            Ok(out) => (out.content, false),
            Err(e) => (format!("{} ({})", e.message, e.code.as_str()), true),
        };
        Outcome { content, is_error, duration_ms: started.elapsed().as_millis() as u64 }
    }
}

fn class_of(kind: hearth_tools::ToolKind) -> ToolClass {
    match kind {
        hearth_tools::ToolKind::ReadOnly => ToolClass::ReadOnly,
        hearth_tools::ToolKind::Write => ToolClass::Write,
        hearth_tools::ToolKind::Shell => ToolClass::Shell,
        hearth_tools::ToolKind::Network => ToolClass::Network,
    }
}

fn class_name(class: ToolClass) -> &'static str {
    match class {
        ToolClass::ReadOnly => "read_only",
        ToolClass::Write => "write",
        ToolClass::Shell => "shell",
        ToolClass::Network => "network",
        ToolClass::Mcp => "mcp",
    }
}

/// The class of a tool by name, from what was offered (an unknown one is treated as MCP: it
/// asks).
pub fn class_in(offered: &[Offered], name: &str) -> ToolClass {
    offered.iter().find(|o| o.spec.name == name).map_or(ToolClass::Mcp, |o| o.class)
}
