//! `list_dir`: one directory's entries, like `ls -AF`.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::args::{blocking, parse};
use crate::error::ToolError;
use crate::{ToolContext, ToolDef, ToolKind, ToolOutput, confine};

pub const NAME: &str = "list_dir";

/// Most entries listed; a huge directory is better explored with glob.
const MAX_ENTRIES: usize = 1000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Args {
    path: Option<String>,
}

pub fn def() -> ToolDef {
    ToolDef {
        name: NAME,
        description: "List a directory in the workspace, sorted by name. Directories end in \
            `/`, symbolic links in `@`. Hidden entries are included; at most 1000 are shown.",
        input_schema: json!({
            "type": "object",
            "properties": {
                "path": {
                    "type": "string",
                    "description": "Directory relative to the workspace folder. Default: the \
                        workspace folder itself."
                }
            },
            "required": [],
            "additionalProperties": false
        }),
        kind: ToolKind::ReadOnly,
    }
}

pub async fn run(input: &Value, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
    let args: Args = parse(NAME, input)?;
    let workspace = ctx.workspace.clone();
    blocking(&ctx.cancel, move || {
        let root = super::workspace_root(workspace.as_deref())?;
        let raw = args.path.as_deref().unwrap_or(".");
        let dir = confine::resolve(&root, raw)?;
        let io_err = |err: std::io::Error| ToolError::io(raw, &err);
        if !std::fs::metadata(&dir).map_err(io_err)?.is_dir() {
            return Err(ToolError::invalid(format!("`{raw}` is a file; use read_file")));
        }
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&dir).map_err(io_err)? {
            let entry = entry.map_err(io_err)?;
            let mut name = entry.file_name().to_string_lossy().into_owned();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => name.push('/'),
                Ok(kind) if kind.is_symlink() => name.push('@'),
                _ => {}
            }
            names.push(name);
        }
        if names.is_empty() {
            return Ok(ToolOutput::new(format!("(`{raw}` is empty)")));
        }
        names.sort_unstable();
        let total = names.len();
        let mut out = names.into_iter().take(MAX_ENTRIES).collect::<Vec<_>>().join("\n");
        if total > MAX_ENTRIES {
            out.push_str(&format!(
                "\n[... {} more entries not shown; use glob to narrow down]",
                total - MAX_ENTRIES
            ));
        }
        Ok(ToolOutput::new(out))
    })
    .await
}
