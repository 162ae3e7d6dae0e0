//! Shared fixtures: a temp workspace with a context pointing at it, and a call helper.

use std::path::{Path, PathBuf};

use hearth_tools::{ToolContext, ToolError, ToolErrorCode};
use serde_json::Value;
use tempfile::TempDir;

/// A temporary workspace folder and a context whose workspace it is.
pub struct Workspace {
    pub dir: TempDir,
    pub ctx: ToolContext,
}

impl Workspace {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temp dir can be created");
        let ctx = ToolContext { workspace: Some(dir.path().to_path_buf()), ..Default::default() };
        Self { dir, ctx }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `content` to `relative`, creating parents.
    pub fn put(&self, relative: &str, content: &str) -> PathBuf {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        path
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path().join(relative)).unwrap()
    }

    pub async fn call(&self, tool: &str, input: Value) -> Result<String, ToolError> {
        call(&self.ctx, tool, input).await
    }
}

pub async fn call(ctx: &ToolContext, tool: &str, input: Value) -> Result<String, ToolError> {
    hearth_tools::run(tool, &input, ctx).await.map(|output| output.content)
}

/// Asserts that `result` failed with `code`, saying `why` it must.
#[track_caller]
pub fn assert_code(result: &Result<String, ToolError>, code: ToolErrorCode, why: &str) {
    match result {
        Err(err) => assert_eq!(err.code, code, "{why}: got {err}"),
        Ok(output) => panic!("{why}: expected {code}, got success:\n{output}"),
    }
}

/// The message of a failed call, for checking what the model is told.
#[track_caller]
pub fn message(result: Result<String, ToolError>) -> String {
    result.expect_err("the call should fail").message
}
