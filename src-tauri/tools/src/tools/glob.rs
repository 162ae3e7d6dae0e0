//! `glob`: files whose workspace-relative path matches a glob pattern.

use globset::GlobBuilder;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::args::{blocking, parse};
use crate::error::ToolError;
use crate::{ToolContext, ToolDef, ToolKind, ToolOutput, confine};

use super::walk;

pub const NAME: &str = "glob";

/// Most paths returned.
const MAX_RESULTS: usize = 1000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Args {
    pattern: String,
    path: Option<String>,
}

pub fn def() -> ToolDef {
    ToolDef {
        name: NAME,
        description: "Find files in the workspace by glob pattern, e.g. `**/*.rs` or \
            `src/*.{ts,tsx}`. The pattern is matched against paths relative to `path`: `*` stays \
            within a directory, `**` crosses directories. Files ignored by .gitignore are \
            skipped. Returns sorted workspace-relative paths, at most 1000.",
        input_schema: json!({
            "type": "object",
            "properties": {
                "pattern": {
                    "type": "string",
                    "description": "Glob pattern, relative to `path`."
                },
                "path": {
                    "type": "string",
                    "description": "Directory to search in, relative to the workspace folder. \
                        Default: the workspace folder."
                }
            },
            "required": ["pattern"],
            "additionalProperties": false
        }),
        kind: ToolKind::ReadOnly,
    }
}

pub async fn run(input: &Value, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
    let args: Args = parse(NAME, input)?;
    let matcher = GlobBuilder::new(&args.pattern)
        .literal_separator(true)
        .build()
        .map_err(|err| ToolError::invalid(format!("invalid glob pattern: {err}")))?
        .compile_matcher();
    let workspace = ctx.workspace.clone();
    let cancel = ctx.cancel.clone();
    blocking(&ctx.cancel, move || {
        let root = super::workspace_root(workspace.as_deref())?;
        let raw = args.path.as_deref().unwrap_or(".");
        let start = confine::resolve(&root, raw)?;
        if !std::fs::metadata(&start).map_err(|err| ToolError::io(raw, &err))?.is_dir() {
            return Err(ToolError::invalid(format!("`{raw}` is not a directory")));
        }
        let mut found = Vec::new();
        let mut capped = false;
        for entry in walk::walk(&start)?.flatten() {
            if cancel.is_cancelled() {
                return Err(ToolError::aborted());
            }
            let Ok(relative) = entry.path().strip_prefix(&start) else { continue };
            if !matcher.is_match(relative) || !walk::is_confined_file(&entry, &root) {
                continue;
            }
            if found.len() == MAX_RESULTS {
                capped = true;
                break;
            }
            found.push(confine::display(&root, entry.path()));
        }
        if found.is_empty() {
            return Ok(ToolOutput::new(format!("(no files match `{}`)", args.pattern)));
        }
        found.sort_unstable();
        let mut out = found.join("\n");
        if capped {
            out.push_str(&format!(
                "\n[results capped at {MAX_RESULTS} files; use a narrower pattern or path]"
            ));
        }
        Ok(ToolOutput::new(out))
    })
    .await
}
