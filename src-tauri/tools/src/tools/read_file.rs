//! `read_file`: a text file with line numbers, like `cat -n`, a window of lines at a time.

use std::io::{BufRead, BufReader};
use std::path::Path;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::args::{blocking, parse};
use crate::error::ToolError;
use crate::{ToolContext, ToolDef, ToolKind, ToolOutput, confine, fsio};

pub const NAME: &str = "read_file";

/// Most text returned by one call; the rest is reached with `offset`.
const OUTPUT_CAP: usize = 256 * 1024;
/// Longest line shown; minified files would otherwise spend the whole budget on one line.
const LINE_CAP: usize = 4 * 1024;
/// How much of the file's start is checked for NUL bytes to tell binary files apart.
const SNIFF_BYTES: usize = 8 * 1024;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Args {
    path: String,
    offset: Option<u64>,
    limit: Option<u64>,
}

pub fn def() -> ToolDef {
    ToolDef {
        name: NAME,
        description: "Read a text file in the workspace. Lines are numbered like `cat -n`. \
            Output is capped at 256 KiB and lines longer than 4 KiB are cut; use offset and \
            limit to read a large file in parts. Binary files are refused.",
        input_schema: json!({
            "type": "object",
            "properties": {
                "path": {
                    "type": "string",
                    "description": "Path of the file, relative to the workspace folder."
                },
                "offset": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "Line number to start reading at (1-based). Default 1."
                },
                "limit": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "Maximum number of lines to return. Default: until the cap."
                }
            },
            "required": ["path"],
            "additionalProperties": false
        }),
        kind: ToolKind::ReadOnly,
    }
}

pub async fn run(input: &Value, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
    let args: Args = parse(NAME, input)?;
    if args.offset == Some(0) || args.limit == Some(0) {
        return Err(ToolError::invalid("offset and limit start at 1"));
    }
    let workspace = ctx.workspace.clone();
    blocking(&ctx.cancel, move || {
        let root = super::workspace_root(workspace.as_deref())?;
        let path = confine::resolve(&root, &args.path)?;
        read(&path, &args).map(ToolOutput::new)
    })
    .await
}

fn read(path: &Path, args: &Args) -> Result<String, ToolError> {
    let raw = args.path.as_str();
    let io_err = |err: std::io::Error| ToolError::io(raw, &err);
    let fsio::Opened { file, meta } = fsio::open_read(path, raw)?;
    if meta.is_dir() {
        return Err(ToolError::invalid(format!("`{raw}` is a directory; use list_dir")));
    }
    let mut reader = BufReader::with_capacity(SNIFF_BYTES, file);
    if reader.fill_buf().map_err(io_err)?.contains(&0) {
        return Err(ToolError::invalid(format!(
            "`{raw}` looks like a binary file (it contains NUL bytes); read_file only shows text"
        )));
    }

    let first = args.offset.unwrap_or(1);
    let limit = args.limit.unwrap_or(u64::MAX);
    let mut out = String::new();
    let mut line = Vec::new();
    let mut number = 0u64;
    let mut shown = 0u64;
    loop {
        line.clear();
        let Some(cut) = read_line_capped(&mut reader, &mut line).map_err(io_err)? else {
            break;
        };
        number += 1;
        if number < first {
            continue;
        }
        if shown == limit {
            out.push_str(&format!(
                "[showed lines {first}-{}; the file continues: read on with offset={number}]\n",
                number - 1
            ));
            return Ok(out);
        }
        let text = String::from_utf8_lossy(strip_newline(&line));
        let marker = if cut { " [... line cut]" } else { "" };
        let entry = format!("{number:>6}\t{text}{marker}\n");
        if out.len() + entry.len() > OUTPUT_CAP {
            out.push_str(&format!(
                "[output truncated at 256 KiB after line {}; read on with offset={number}]\n",
                number - 1
            ));
            return Ok(out);
        }
        out.push_str(&entry);
        shown += 1;
    }
    if number == 0 {
        return Ok("(empty file)".to_owned());
    }
    if shown == 0 {
        return Ok(format!("(the file has {number} lines; offset {first} is past its end)"));
    }
    Ok(out)
}

/// Reads one line (with its `\n`) into `line`, keeping at most [`LINE_CAP`] bytes of it and
/// skipping the rest. `None` at the end of the file; otherwise whether the line was cut.
fn read_line_capped(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
) -> std::io::Result<Option<bool>> {
    let mut consumed_any = false;
    let mut cut = false;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(consumed_any.then_some(cut));
        }
        consumed_any = true;
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(at) => (&buf[..=at], true),
            None => (buf, false),
        };
        let room = LINE_CAP.saturating_sub(line.len());
        if chunk.len() > room {
            cut = true;
        }
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let used = chunk.len();
        reader.consume(used);
        if done {
            return Ok(Some(cut));
        }
    }
}

fn strip_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}
