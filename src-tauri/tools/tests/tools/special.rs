//! Files that are not plain files: a FIFO, a socket, a hard link to a file outside the
//! workspace. Every tool that opens a file refuses them at once (a FIFO would block a read or a
//! write forever, a hard link would carry a write out of the workspace). And writes replace a
//! file by renaming a finished temporary file over it, so no one ever sees half a file.

use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::Path;
use std::time::Duration;

use hearth_tools::ToolError;
use serde_json::{Value, json};

use crate::support::Workspace;

/// The refusal for anything that is not a regular file or a directory (as its wire spelling,
/// so this file also compiled before the code existed).
const UNSUPPORTED: &str = "UNSUPPORTED_FILE";

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(status.success(), "mkfifo {} failed", path.display());
}

/// Calls `tool` but gives up after 5 s; then opens `unblock` read-write (which never blocks on
/// Linux and satisfies a FIFO's other end) so a tool stuck in `open` returns and the test
/// process can end, and fails.
async fn call_quickly(
    ws: &Workspace,
    tool: &str,
    input: Value,
    unblock: &Path,
) -> Result<String, ToolError> {
    match tokio::time::timeout(Duration::from_secs(5), ws.call(tool, input.clone())).await {
        Ok(result) => result,
        Err(_) => {
            let _ = std::fs::OpenOptions::new().read(true).write(true).open(unblock);
            panic!("{tool} {input} was still blocked after 5 s: it must refuse a FIFO at once");
        }
    }
}

#[track_caller]
fn assert_unsupported(result: &Result<String, ToolError>, why: &str) {
    match result {
        Err(err) => assert_eq!(err.code.as_str(), UNSUPPORTED, "{why}: got {err}"),
        Ok(output) => panic!("{why}: expected {UNSUPPORTED}, got success:\n{output}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_file_tool_refuses_a_fifo_at_once() {
    let ws = Workspace::new();
    let fifo = ws.path().join("pipe");
    mkfifo(&fifo);
    std::fs::create_dir(ws.path().join("dir")).unwrap();
    mkfifo(&ws.path().join("dir/inner-pipe"));
    ws.put("dir/a.txt", "needle\n");

    let calls = [
        ("read_file", json!({"path": "pipe"})),
        ("write_file", json!({"path": "pipe", "content": "x"})),
        ("edit_file", json!({"path": "pipe", "old_string": "a", "new_string": "b"})),
        ("grep", json!({"pattern": "needle", "path": "pipe"})),
    ];
    for (tool, input) in calls {
        let result = call_quickly(&ws, tool, input.clone(), &fifo).await;
        assert_unsupported(&result, &format!("{tool} {input}"));
        assert!(result.unwrap_err().message.contains("FIFO"), "{tool}: say what the file is");
    }
    assert!(
        std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(),
        "write_file must not have replaced the FIFO with a file"
    );

    // A search over a folder holding a FIFO skips it and still finds the rest.
    let found = call_quickly(&ws, "grep", json!({"pattern": "needle"}), &fifo).await.unwrap();
    assert_eq!(found, "dir/a.txt:1:needle");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_socket_is_refused_as_not_a_file() {
    let ws = Workspace::new();
    let socket = ws.path().join("agent.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    for (tool, input) in [
        ("read_file", json!({"path": "agent.sock"})),
        ("write_file", json!({"path": "agent.sock", "content": "x"})),
        ("edit_file", json!({"path": "agent.sock", "old_string": "a", "new_string": "b"})),
        ("grep", json!({"pattern": "x", "path": "agent.sock"})),
    ] {
        let result = call_quickly(&ws, tool, input.clone(), &socket).await;
        assert_unsupported(&result, &format!("{tool} {input}"));
        assert!(result.unwrap_err().message.contains("socket"), "{tool}: say what the file is");
    }
}

#[tokio::test]
async fn a_hard_link_to_a_file_outside_is_never_written_through() {
    let ws = Workspace::new();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("config");
    std::fs::write(&secret, "owner = me\n").unwrap();
    std::fs::hard_link(&secret, ws.path().join("linked")).unwrap();

    let write =
        ws.call("write_file", json!({"path": "linked", "content": "owner = model\n"})).await;
    assert_unsupported(&write, "write_file on a file with a second link");
    assert!(write.unwrap_err().message.contains("hard link"), "say why");
    let edit = ws
        .call("edit_file", json!({"path": "linked", "old_string": "me", "new_string": "model"}))
        .await;
    assert_unsupported(&edit, "edit_file on a file with a second link");

    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "owner = me\n", "outside is unchanged");
    assert_eq!(ws.read("linked"), "owner = me\n", "and so is the link");
    // Reading is allowed: it is the same bytes the user could already read (and package
    // managers such as pnpm fill node_modules with hard links).
    let read = ws.call("read_file", json!({"path": "linked"})).await.unwrap();
    assert!(read.contains("owner = me"), "{read}");
}

#[tokio::test]
async fn writes_rename_a_finished_file_into_place_and_keep_its_mode() {
    let ws = Workspace::new();
    let script = ws.put("run.sh", "#!/bin/sh\necho one\n");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o750)).unwrap();
    let before = std::fs::metadata(&script).unwrap().ino();

    ws.call("write_file", json!({"path": "run.sh", "content": "#!/bin/sh\necho two\n"}))
        .await
        .unwrap();
    let after = std::fs::metadata(&script).unwrap();
    assert_ne!(after.ino(), before, "a new file was renamed over the old one, not written into it");
    assert_eq!(after.mode() & 0o7777, 0o750, "an existing file's permissions are kept");
    assert_eq!(ws.read("run.sh"), "#!/bin/sh\necho two\n");

    ws.call("edit_file", json!({"path": "run.sh", "old_string": "two", "new_string": "three"}))
        .await
        .unwrap();
    let edited = std::fs::metadata(&script).unwrap();
    assert_ne!(edited.ino(), after.ino(), "edit_file renames into place too");
    assert_eq!(edited.mode() & 0o7777, 0o750, "edit_file keeps the permissions");
    assert_eq!(ws.read("run.sh"), "#!/bin/sh\necho three\n");

    let names: Vec<_> = std::fs::read_dir(ws.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["run.sh"], "no temporary file is left behind");
}

/// Writes past the file-size limit it is run under and reports what is left. Run by
/// `an_interrupted_write_leaves_the_old_file_whole` (under `ulimit -f`), never on its own.
#[tokio::test]
#[ignore = "run by an_interrupted_write_leaves_the_old_file_whole, under a file-size limit"]
async fn writes_past_the_file_size_limit() {
    let ws = Workspace::new();
    ws.put("keep.txt", "old content\n");
    ws.put("edit.txt", "first line\nneedle\n");
    let write = ws.call("write_file", json!({"path": "keep.txt", "content": "new ".repeat(4000)}));
    let write = write.await;
    let edit = ws.call(
        "edit_file",
        json!({"path": "edit.txt", "old_string": "needle", "new_string": "y".repeat(16000)}),
    );
    let edit = edit.await;
    let mut names: Vec<_> = std::fs::read_dir(ws.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let report = json!({
        "write_failed": write.is_err(),
        "edit_failed": edit.is_err(),
        "keep": ws.read("keep.txt"),
        "edit": ws.read("edit.txt"),
        "names": names,
    });
    println!("REPORT {report}");
}

#[test]
fn an_interrupted_write_leaves_the_old_file_whole() {
    // This test binary again, with files limited to 4 KiB and SIGXFSZ ignored, so a write past
    // the limit fails half way (EFBIG) as a full disk or a crash would leave it.
    let child = std::process::Command::new("bash")
        .args(["-c", "trap '' XFSZ; ulimit -f 4; exec \"$0\" \"$@\""])
        .arg(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "special::writes_past_the_file_size_limit", "--nocapture"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&child.stdout);
    assert!(child.status.success(), "the child test failed: {text}");
    let line = text.lines().find_map(|l| l.strip_prefix("REPORT ")).expect("the child reported");
    let report: Value = serde_json::from_str(line).unwrap();
    assert_eq!(report["write_failed"], true, "the write can't succeed past the limit: {report}");
    assert_eq!(report["edit_failed"], true, "nor the edit: {report}");
    assert_eq!(report["keep"], "old content\n", "the old file is whole, not half new");
    assert_eq!(report["edit"], "first line\nneedle\n", "the edited file is whole too");
    assert_eq!(report["names"], json!(["edit.txt", "keep.txt"]), "no temporary file is left");
}

/// The walker reads each folder's `.gitignore` itself: one that is a FIFO would block it.
#[tokio::test(flavor = "multi_thread")]
async fn a_fifo_named_like_an_ignore_file_does_not_hang_a_search() {
    let ws = Workspace::new();
    ws.put("a.txt", "needle\n");
    ws.put("sub/b.txt", "needle\n");
    let fifo = ws.path().join("sub/.gitignore");
    mkfifo(&fifo);
    let found = call_quickly(&ws, "grep", json!({"pattern": "needle"}), &fifo).await.unwrap();
    assert_eq!(found, "a.txt:1:needle", "the folder whose ignore rules can't be read is skipped");
    let globbed = call_quickly(&ws, "glob", json!({"pattern": "**/*.txt"}), &fifo).await.unwrap();
    assert_eq!(globbed, "a.txt");
    for (tool, input) in [
        ("grep", json!({"pattern": "needle", "path": "sub"})),
        ("glob", json!({"pattern": "*", "path": "sub"})),
        ("grep", json!({"pattern": "needle", "path": "sub/b.txt"})),
    ] {
        let result = call_quickly(&ws, tool, input.clone(), &fifo).await;
        assert_unsupported(&result, &format!("{tool} {input} starts under the FIFO"));
    }
}
