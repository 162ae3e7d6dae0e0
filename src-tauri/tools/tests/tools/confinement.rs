//! Confinement: no path argument reaches outside the workspace folder — not by `..`, not by an
//! absolute path, not through a symlink — and nothing is ever written there.

use std::os::unix::fs::symlink;

use hearth_tools::ToolErrorCode;
use serde_json::json;
use tempfile::TempDir;

use crate::support::{Workspace, assert_code};

/// A workspace with symlinks into a separate `outside` folder holding `secret.txt`.
struct Escape {
    ws: Workspace,
    outside: TempDir,
}

impl Escape {
    fn new() -> Self {
        let ws = Workspace::new();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "top secret\n").unwrap();
        symlink(outside.path().join("secret.txt"), ws.path().join("file-link")).unwrap();
        symlink(outside.path(), ws.path().join("dir-link")).unwrap();
        symlink(outside.path().join("not-yet.txt"), ws.path().join("dangling")).unwrap();
        Self { ws, outside }
    }

    /// The outside folder's entries, to prove nothing was added or changed there.
    fn outside_state(&self) -> Vec<(String, String)> {
        let mut entries: Vec<_> = std::fs::read_dir(self.outside.path())
            .unwrap()
            .map(|entry| {
                let entry = entry.unwrap();
                let content = std::fs::read_to_string(entry.path()).unwrap_or_default();
                (entry.file_name().to_string_lossy().into_owned(), content)
            })
            .collect();
        entries.sort();
        entries
    }
}

#[tokio::test]
async fn reads_outside_are_refused() {
    let escape = Escape::new();
    let paths = ["../x", "a/../../x", "/etc/passwd", "file-link", "dir-link/secret.txt"];
    for path in paths {
        let result = escape.ws.call("read_file", json!({"path": path})).await;
        assert_code(&result, ToolErrorCode::OutsideWorkspace, &format!("read_file {path}"));
    }
    let listed = escape.ws.call("list_dir", json!({"path": "dir-link"})).await;
    assert_code(&listed, ToolErrorCode::OutsideWorkspace, "list_dir through a symlinked dir");
    let absolute = escape.ws.call("read_file", json!({"path": "/etc/passwd"})).await;
    assert!(absolute.unwrap_err().message.contains("relative"), "say what to do instead");
}

#[tokio::test]
async fn writes_outside_are_refused_and_write_nothing() {
    let escape = Escape::new();
    let before = escape.outside_state();
    let writes = [
        ("write_file", json!({"path": "../escaped.txt", "content": "x"})),
        ("write_file", json!({"path": "/tmp/hearth-escaped.txt", "content": "x"})),
        ("write_file", json!({"path": "file-link", "content": "overwritten"})),
        ("write_file", json!({"path": "dangling", "content": "created through a link"})),
        ("write_file", json!({"path": "dir-link/new/deep/file.txt", "content": "x"})),
        ("write_file", json!({"path": "dir-link/secret.txt", "content": "overwritten"})),
        ("edit_file", json!({"path": "file-link", "old_string": "top", "new_string": "no"})),
        (
            "edit_file",
            json!({"path": "dir-link/secret.txt", "old_string": "top", "new_string": "no"}),
        ),
    ];
    for (tool, input) in writes {
        let why = format!("{tool} {input}");
        let result = escape.ws.call(tool, input).await;
        assert_code(&result, ToolErrorCode::OutsideWorkspace, &why);
    }
    assert_eq!(escape.outside_state(), before, "nothing may be written outside the workspace");
    assert!(!std::path::Path::new("/tmp/hearth-escaped.txt").exists());
}

#[tokio::test]
async fn oversized_paths_are_invalid() {
    let ws = Workspace::new();
    let long = "a/".repeat(2500);
    let component = "x".repeat(300);
    for path in [long.as_str(), component.as_str()] {
        let calls = [
            ("read_file", json!({"path": path})),
            ("write_file", json!({"path": path, "content": "x"})),
        ];
        for (tool, input) in calls {
            let result = ws.call(tool, input).await;
            let why = format!("{tool} with a {}-byte path", path.len());
            assert_code(&result, ToolErrorCode::InvalidArguments, &why);
        }
    }
    assert_eq!(std::fs::read_dir(ws.path()).unwrap().count(), 0, "nothing may be created");
}

#[tokio::test]
async fn symlinks_and_dot_dot_that_stay_inside_are_fine() {
    let ws = Workspace::new();
    ws.put("real/file.txt", "inside\n");
    symlink(ws.path().join("real"), ws.path().join("alias")).unwrap();
    symlink("real/file.txt", ws.path().join("rel-link")).unwrap();
    for path in ["alias/file.txt", "rel-link", "real/../real/./file.txt"] {
        let out = ws.call("read_file", json!({"path": path})).await.unwrap();
        assert_eq!(out, "     1\tinside\n", "{path} stays inside the workspace");
    }
    ws.call("write_file", json!({"path": "alias/new/x.txt", "content": "y"})).await.unwrap();
    assert_eq!(ws.read("real/new/x.txt"), "y", "a write through an inside link lands inside");
}

#[tokio::test]
async fn a_symlinked_workspace_is_resolved_once() {
    // The workspace folder itself may be a symlink (e.g. /tmp on macOS); paths inside still work.
    let real = tempfile::tempdir().unwrap();
    let holder = tempfile::tempdir().unwrap();
    let linked = holder.path().join("ws");
    symlink(real.path(), &linked).unwrap();
    std::fs::write(real.path().join("a.txt"), "hi\n").unwrap();
    let ctx = hearth_tools::ToolContext { workspace: Some(linked), ..Default::default() };
    let out = crate::support::call(&ctx, "read_file", json!({"path": "a.txt"})).await.unwrap();
    assert_eq!(out, "     1\thi\n");
}

#[tokio::test]
async fn glob_and_grep_never_report_files_outside() {
    let escape = Escape::new();
    escape.ws.put("inside.txt", "top secret too\n");
    let globbed = escape.ws.call("glob", json!({"pattern": "**/*.txt"})).await.unwrap();
    assert_eq!(globbed, "inside.txt", "links out must not be listed");
    let grepped = escape.ws.call("grep", json!({"pattern": "secret"})).await.unwrap();
    assert_eq!(grepped, "inside.txt:1:top secret too", "links out must not be searched");
    let into = escape.ws.call("grep", json!({"pattern": "secret", "path": "dir-link"})).await;
    assert_code(&into, ToolErrorCode::OutsideWorkspace, "grep's path is confined too");
    let globbed_into = escape.ws.call("glob", json!({"pattern": "*", "path": "../"})).await;
    assert_code(&globbed_into, ToolErrorCode::OutsideWorkspace, "glob's path is confined too");
}
