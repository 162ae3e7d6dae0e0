//! `write_file`: creates or overwrites a file, creating its parent directories. The new content
//! is renamed into place whole (see `fsio`); FIFOs, sockets, devices and hard-linked files are
//! refused.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::args::{blocking, parse};
use crate::error::ToolError;
use crate::{ToolContext, ToolDef, ToolKind, ToolOutput, confine, fsio};

pub const NAME: &str = "write_file";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Args {
    path: String,
    content: String,
}

pub fn def() -> ToolDef {
    ToolDef {
        name: NAME,
        description: "Create a file in the workspace, or overwrite it, with the given content. \
            Missing parent directories are created. Prefer edit_file for changing part of an \
            existing file.",
        input_schema: json!({
            "type": "object",
            "properties": {
                "path": {
                    "type": "string",
                    "description": "Path of the file, relative to the workspace folder."
                },
                "content": {
                    "type": "string",
                    "description": "The file's complete new content."
                }
            },
            "required": ["path", "content"],
            "additionalProperties": false
        }),
        kind: ToolKind::Write,
    }
}

pub async fn run(input: &Value, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
    let args: Args = parse(NAME, input)?;
    let workspace = ctx.workspace.clone();
    blocking(&ctx.cancel, move || {
        let root = super::workspace_root(workspace.as_deref())?;
        let path = confine::resolve(&root, &args.path)?;
        let raw = args.path.as_str();
        let io_err = |err: std::io::Error| ToolError::io(raw, &err);
        let existing = fsio::existing_target(&path, raw)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io_err)?;
        }
        fsio::replace(&path, raw, args.content.as_bytes(), existing.as_ref())?;
        let verb = if existing.is_some() { "Overwrote" } else { "Created" };
        Ok(ToolOutput::new(format!("{verb} `{raw}` ({} bytes)", args.content.len())))
    })
    .await
}
