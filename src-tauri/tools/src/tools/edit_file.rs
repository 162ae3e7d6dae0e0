//! `edit_file`: replaces an exact string in a file. Exact and unique by default, so an edit
//! never lands somewhere the model did not mean. The edited file is renamed into place whole
//! (see `fsio`); FIFOs, sockets, devices and hard-linked files are refused.

use std::io::Read;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::args::{blocking, parse};
use crate::error::{ToolError, ToolErrorCode};
use crate::{ToolContext, ToolDef, ToolKind, ToolOutput, confine, fsio};

pub const NAME: &str = "edit_file";

/// Largest file edited; the whole file is held in memory twice while it is rewritten.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Args {
    path: String,
    old_string: String,
    new_string: String,
    replace_all: Option<bool>,
}

pub fn def() -> ToolDef {
    ToolDef {
        name: NAME,
        description: "Replace an exact string in a text file in the workspace. old_string must \
            match the file exactly (whitespace and indentation included) and occur exactly once, \
            unless replace_all is true. Include enough surrounding lines to make it unique.",
        input_schema: json!({
            "type": "object",
            "properties": {
                "path": {
                    "type": "string",
                    "description": "Path of the file, relative to the workspace folder."
                },
                "old_string": {
                    "type": "string",
                    "description": "The exact text to replace; must not be empty."
                },
                "new_string": {
                    "type": "string",
                    "description": "The text to put in its place; must differ from old_string."
                },
                "replace_all": {
                    "type": "boolean",
                    "description": "Replace every occurrence instead of requiring exactly one. \
                        Default false."
                }
            },
            "required": ["path", "old_string", "new_string"],
            "additionalProperties": false
        }),
        kind: ToolKind::Write,
    }
}

pub async fn run(input: &Value, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
    let args: Args = parse(NAME, input)?;
    if args.old_string.is_empty() {
        return Err(ToolError::invalid(
            "old_string is empty; to create a file or replace all of it, use write_file",
        ));
    }
    if args.old_string == args.new_string {
        return Err(ToolError::invalid("old_string and new_string are the same; nothing to do"));
    }
    let workspace = ctx.workspace.clone();
    blocking(&ctx.cancel, move || {
        let root = super::workspace_root(workspace.as_deref())?;
        let path = confine::resolve(&root, &args.path)?;
        edit(&path, &args).map(ToolOutput::new)
    })
    .await
}

fn edit(path: &std::path::Path, args: &Args) -> Result<String, ToolError> {
    let raw = args.path.as_str();
    let io_err = |err: std::io::Error| ToolError::io(raw, &err);
    let fsio::Opened { file, meta } = fsio::open_read(path, raw)?;
    if meta.is_dir() {
        return Err(ToolError::invalid(format!("`{raw}` is a directory")));
    }
    fsio::check_single_link(&meta, raw)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(ToolError::new(
            ToolErrorCode::TooLarge,
            format!(
                "`{raw}` is {} bytes; edit_file handles files up to {MAX_FILE_BYTES} bytes",
                meta.len()
            ),
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // One more byte than the limit: a file that grew since it was measured is still refused.
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(io_err)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ToolError::new(
            ToolErrorCode::TooLarge,
            format!("`{raw}` grew past {MAX_FILE_BYTES} bytes while it was read"),
        ));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        ToolError::invalid(format!("`{raw}` is not UTF-8 text; edit_file only edits text"))
    })?;
    let count = text.matches(args.old_string.as_str()).count();
    let replace_all = args.replace_all.unwrap_or(false);
    match count {
        0 => {
            return Err(ToolError::new(
                ToolErrorCode::NotFound,
                format!(
                    "old_string was not found in `{raw}`; read the file and copy the text \
                     exactly, including whitespace"
                ),
            ));
        }
        1 => {}
        _ if replace_all => {}
        _ => {
            return Err(ToolError::new(
                ToolErrorCode::NotUnique,
                format!(
                    "old_string occurs {count} times in `{raw}`; include more surrounding text \
                     to pick one, or set replace_all to replace all {count}"
                ),
            ));
        }
    }
    let edited = text.replace(args.old_string.as_str(), &args.new_string);
    fsio::replace(path, raw, edited.as_bytes(), Some(&meta))?;
    let plural = if count == 1 { "occurrence" } else { "occurrences" };
    Ok(format!("Replaced {count} {plural} in `{raw}`"))
}
