//! `grep`: regex search over the workspace's files with ripgrep's engine, as `path:line:text`.

use globset::{GlobBuilder, GlobMatcher};
use grep_regex::RegexMatcherBuilder;
use grep_searcher::sinks::Lossy;
use grep_searcher::{BinaryDetection, SearcherBuilder};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::args::{blocking, parse};
use crate::cap::truncate_str;
use crate::error::ToolError;
use crate::{ToolContext, ToolDef, ToolKind, ToolOutput, confine, fsio};

use super::walk;

pub const NAME: &str = "grep";

/// Most matching lines returned.
const MAX_MATCHES: usize = 500;
/// Most bytes of output; long matching lines eat it fast.
const OUTPUT_CAP: usize = 64 * 1024;
/// Longest line text shown per match.
const LINE_CAP: usize = 500;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Args {
    pattern: String,
    path: Option<String>,
    glob: Option<String>,
    case_insensitive: Option<bool>,
}

pub fn def() -> ToolDef {
    ToolDef {
        name: NAME,
        description: "Search file contents in the workspace with a regular expression (Rust \
            regex syntax, as in ripgrep). Prints `path:line:text` for each matching line, \
            sorted by path, at most 500. Files ignored by .gitignore and binary files are \
            skipped.",
        input_schema: json!({
            "type": "object",
            "properties": {
                "pattern": {
                    "type": "string",
                    "description": "Regular expression to search for."
                },
                "path": {
                    "type": "string",
                    "description": "File or directory to search, relative to the workspace \
                        folder. Default: the workspace folder."
                },
                "glob": {
                    "type": "string",
                    "description": "Only search files matching this glob, e.g. `*.rs` (matched \
                        against the file name) or `src/**/*.ts` (matched against the path \
                        relative to `path` when it contains a `/`)."
                },
                "case_insensitive": {
                    "type": "boolean",
                    "description": "Ignore case. Default false."
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
    let matcher = RegexMatcherBuilder::new()
        .case_insensitive(args.case_insensitive.unwrap_or(false))
        .line_terminator(Some(b'\n'))
        .build(&args.pattern)
        .map_err(|err| ToolError::invalid(format!("invalid regular expression: {err}")))?;
    let filter = args.glob.as_deref().map(FileFilter::new).transpose()?;
    let workspace = ctx.workspace.clone();
    let cancel = ctx.cancel.clone();
    blocking(&ctx.cancel, move || {
        let root = super::workspace_root(workspace.as_deref())?;
        let raw = args.path.as_deref().unwrap_or(".");
        let start = confine::resolve(&root, raw)?;
        // A FIFO, socket or device named directly is refused (one met in a walk is skipped).
        fsio::open_read(&start, raw)?;
        let mut searcher = SearcherBuilder::new()
            .binary_detection(BinaryDetection::quit(0))
            .line_number(true)
            .build();
        let mut out = String::new();
        let mut matches = 0usize;
        let mut capped = false;
        for entry in walk::walk(&start)?.flatten() {
            if cancel.is_cancelled() {
                return Err(ToolError::aborted());
            }
            if capped {
                break;
            }
            let Some(real) = walk::confined_file(&entry, &root) else {
                continue;
            };
            if let Some(filter) = &filter {
                let relative = entry.path().strip_prefix(&start).unwrap_or(entry.path());
                if !filter.accepts(relative, entry.path()) {
                    continue;
                }
            }
            let shown = confine::display(&root, entry.path());
            let sink = Lossy(|number, line: &str| {
                let line = line.trim_end_matches(['\n', '\r']);
                let text = truncate_str(line, LINE_CAP);
                let more = if text.len() < line.len() { " [... line cut]" } else { "" };
                let entry = format!("{shown}:{number}:{text}{more}\n");
                if matches == MAX_MATCHES || out.len() + entry.len() > OUTPUT_CAP {
                    capped = true;
                    return Ok(false);
                }
                out.push_str(&entry);
                matches += 1;
                Ok(true)
            });
            // A file that can't be read (permissions, vanished or swapped for a FIFO mid-walk)
            // is skipped, as rg does.
            let searched =
                fsio::open_read(&real, &shown).map_err(|err| err.message).and_then(|opened| {
                    searcher.search_file(&matcher, &opened.file, sink).map_err(|e| e.to_string())
                });
            if let Err(err) = searched {
                tracing::debug!(path = %shown, %err, "grep skipped a file");
            }
        }
        if out.is_empty() {
            return Ok(ToolOutput::new(format!("(no matches for `{}`)", args.pattern)));
        }
        if capped {
            out.push_str(&format!(
                "[results capped at {matches} matching lines; narrow the pattern, path or glob]"
            ));
        }
        Ok(ToolOutput::new(out.trim_end().to_owned()))
    })
    .await
}

/// The `glob` argument: gitignore-style, so `*.rs` matches by file name anywhere and a pattern
/// with a `/` matches the path relative to the search root.
struct FileFilter {
    matcher: GlobMatcher,
    by_name: bool,
}

impl FileFilter {
    fn new(pattern: &str) -> Result<Self, ToolError> {
        let matcher = GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|err| ToolError::invalid(format!("invalid glob: {err}")))?
            .compile_matcher();
        Ok(Self { matcher, by_name: !pattern.contains('/') })
    }

    fn accepts(&self, relative: &std::path::Path, full: &std::path::Path) -> bool {
        if self.by_name {
            full.file_name().is_some_and(|name| self.matcher.is_match(name))
        } else {
            self.matcher.is_match(relative)
        }
    }
}
