//! The tools themselves, one module each, and the table that names them.

mod edit_file;
mod fetch_url;
mod glob;
mod grep;
mod list_dir;
mod read_file;
mod run_shell;
mod walk;
mod write_file;

use std::path::PathBuf;

use serde_json::Value;

use crate::error::{ToolError, ToolErrorCode};
use crate::{ToolContext, ToolDef, ToolOutput, confine};

/// Every built-in tool's definition, in the order the model is shown them.
pub fn defs() -> Vec<ToolDef> {
    vec![
        read_file::def(),
        write_file::def(),
        edit_file::def(),
        list_dir::def(),
        glob::def(),
        grep::def(),
        run_shell::def(),
        fetch_url::def(),
    ]
}

/// Runs the tool called `name`; `UnknownTool` when there is none.
pub async fn run(name: &str, input: &Value, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
    if ctx.cancel.is_cancelled() {
        return Err(ToolError::aborted());
    }
    match name {
        read_file::NAME => read_file::run(input, ctx).await,
        write_file::NAME => write_file::run(input, ctx).await,
        edit_file::NAME => edit_file::run(input, ctx).await,
        list_dir::NAME => list_dir::run(input, ctx).await,
        glob::NAME => glob::run(input, ctx).await,
        grep::NAME => grep::run(input, ctx).await,
        run_shell::NAME => run_shell::run(input, ctx).await,
        fetch_url::NAME => fetch_url::run(input, ctx).await,
        _ => Err(ToolError::new(
            ToolErrorCode::UnknownTool,
            format!("there is no built-in tool `{name}`"),
        )),
    }
}

/// The workspace as the file tools need it: the configured folder (or `NoWorkspace`), with
/// symlinks resolved. Blocking: call it inside [`crate::args::blocking`].
fn workspace_root(workspace: Option<&std::path::Path>) -> Result<PathBuf, ToolError> {
    confine::canonical_root(confine::workspace(workspace)?)
}
