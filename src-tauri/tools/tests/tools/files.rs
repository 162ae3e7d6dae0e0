//! read_file, write_file, edit_file and list_dir: happy paths and their errors.

use hearth_tools::{ToolContext, ToolErrorCode};
use serde_json::json;

use crate::support::{Workspace, assert_code, call, message};

#[tokio::test]
async fn read_file_numbers_lines_like_cat_n() {
    let ws = Workspace::new();
    ws.put("a.txt", "first\nsecond\r\nthird");
    let out = ws.call("read_file", json!({"path": "a.txt"})).await.unwrap();
    assert_eq!(out, "     1\tfirst\n     2\tsecond\n     3\tthird\n");
}

#[tokio::test]
async fn read_file_offset_and_limit_select_a_window_and_say_how_to_continue() {
    let ws = Workspace::new();
    let text: String = (1..=10).map(|n| format!("line {n}\n")).collect();
    ws.put("a.txt", &text);
    let out = ws.call("read_file", json!({"path": "a.txt", "offset": 3, "limit": 2})).await;
    let out = out.unwrap();
    assert!(out.starts_with("     3\tline 3\n     4\tline 4\n"), "{out}");
    assert!(out.contains("offset=5"), "the model must be told where to read on: {out}");

    let past = ws.call("read_file", json!({"path": "a.txt", "offset": 50})).await.unwrap();
    assert!(past.contains("has 10 lines"), "{past}");

    let zero = ws.call("read_file", json!({"path": "a.txt", "offset": 0})).await;
    assert_code(&zero, ToolErrorCode::InvalidArguments, "offset is 1-based");
}

#[tokio::test]
async fn read_file_caps_output_and_says_where_it_stopped() {
    let ws = Workspace::new();
    let text: String = (1..=5000).map(|n| format!("{n:0>99}\n")).collect();
    ws.put("big.txt", &text);
    let out = ws.call("read_file", json!({"path": "big.txt"})).await.unwrap();
    assert!(out.len() <= 256 * 1024 + 200, "output must stay near the cap: {}", out.len());
    assert!(out.contains("[output truncated at 256 KiB"), "truncation must be said");
    assert!(out.contains("offset="), "the model must be told how to read on");
}

#[tokio::test]
async fn read_file_cuts_very_long_lines() {
    let ws = Workspace::new();
    ws.put("min.js", &"x".repeat(100_000));
    let out = ws.call("read_file", json!({"path": "min.js"})).await.unwrap();
    assert!(out.len() < 5 * 1024, "a minified line must not fill the budget: {}", out.len());
    assert!(out.contains("[... line cut]"), "{}", &out[out.len() - 40..]);
}

#[tokio::test]
async fn read_file_refuses_binary_directories_and_missing_files() {
    let ws = Workspace::new();
    std::fs::write(ws.path().join("img.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    std::fs::create_dir(ws.path().join("dir")).unwrap();
    ws.put("empty.txt", "");

    let binary = ws.call("read_file", json!({"path": "img.png"})).await;
    assert_code(&binary, ToolErrorCode::InvalidArguments, "binary files are refused");
    assert!(message(binary).contains("binary"), "the refusal must say why");

    let dir = ws.call("read_file", json!({"path": "dir"})).await;
    assert_code(&dir, ToolErrorCode::InvalidArguments, "a directory is not a file");
    let missing = ws.call("read_file", json!({"path": "nope.txt"})).await;
    assert_code(&missing, ToolErrorCode::NotFound, "a missing file is NotFound");
    let empty = ws.call("read_file", json!({"path": "empty.txt"})).await.unwrap();
    assert_eq!(empty, "(empty file)");
}

#[tokio::test]
async fn write_file_creates_parents_and_overwrites() {
    let ws = Workspace::new();
    let out = ws.call("write_file", json!({"path": "a/b/c.txt", "content": "hi"})).await.unwrap();
    assert!(out.starts_with("Created"), "{out}");
    assert_eq!(ws.read("a/b/c.txt"), "hi");

    let out = ws.call("write_file", json!({"path": "a/b/c.txt", "content": "bye"})).await.unwrap();
    assert!(out.starts_with("Overwrote"), "{out}");
    assert_eq!(ws.read("a/b/c.txt"), "bye");

    let dir = ws.call("write_file", json!({"path": "a", "content": "x"})).await;
    assert_code(&dir, ToolErrorCode::InvalidArguments, "a directory can't be overwritten");
}

#[tokio::test]
async fn edit_file_replaces_a_unique_string() {
    let ws = Workspace::new();
    ws.put("a.rs", "fn main() {\n    println!(\"hi\");\n}\n");
    let out = ws
        .call(
            "edit_file",
            json!({"path": "a.rs", "old_string": "\"hi\"", "new_string": "\"hello\""}),
        )
        .await
        .unwrap();
    assert_eq!(out, "Replaced 1 occurrence in `a.rs`");
    assert_eq!(ws.read("a.rs"), "fn main() {\n    println!(\"hello\");\n}\n");
}

#[tokio::test]
async fn edit_file_not_found_and_not_unique() {
    let ws = Workspace::new();
    ws.put("a.txt", "x = 1\nx = 1\nx = 1\n");

    let absent =
        ws.call("edit_file", json!({"path": "a.txt", "old_string": "y", "new_string": "z"}));
    let absent = absent.await;
    assert_code(&absent, ToolErrorCode::NotFound, "an absent old_string is NotFound");

    let ambiguous = ws
        .call("edit_file", json!({"path": "a.txt", "old_string": "x = 1", "new_string": "x = 2"}))
        .await;
    assert_code(&ambiguous, ToolErrorCode::NotUnique, "three occurrences are ambiguous");
    assert!(message(ambiguous).contains("3 times"), "the count must be given");
    assert_eq!(ws.read("a.txt"), "x = 1\nx = 1\nx = 1\n", "a refused edit changes nothing");

    let all = ws
        .call(
            "edit_file",
            json!({"path": "a.txt", "old_string": "x = 1", "new_string": "x = 2", "replace_all": true}),
        )
        .await
        .unwrap();
    assert_eq!(all, "Replaced 3 occurrences in `a.txt`");
    assert_eq!(ws.read("a.txt"), "x = 2\nx = 2\nx = 2\n");
}

#[tokio::test]
async fn edit_file_refuses_pointless_or_impossible_edits() {
    let ws = Workspace::new();
    ws.put("a.txt", "abc");
    let cases = [
        (json!({"path": "a.txt", "old_string": "", "new_string": "x"}), "empty old_string"),
        (json!({"path": "a.txt", "old_string": "a", "new_string": "a"}), "a no-op edit"),
    ];
    for (input, why) in cases {
        let result = ws.call("edit_file", input).await;
        assert_code(&result, ToolErrorCode::InvalidArguments, why);
    }
    let missing =
        ws.call("edit_file", json!({"path": "b.txt", "old_string": "a", "new_string": "b"})).await;
    assert_code(&missing, ToolErrorCode::NotFound, "a missing file is NotFound");
}

#[tokio::test]
async fn list_dir_sorts_and_marks_directories() {
    let ws = Workspace::new();
    ws.put("b.txt", "");
    ws.put("a/inner.txt", "");
    ws.put(".hidden", "");
    std::os::unix::fs::symlink("b.txt", ws.path().join("c-link")).unwrap();
    let out = ws.call("list_dir", json!({})).await.unwrap();
    assert_eq!(out, ".hidden\na/\nb.txt\nc-link@");
    let inner = ws.call("list_dir", json!({"path": "a"})).await.unwrap();
    assert_eq!(inner, "inner.txt");

    std::fs::create_dir(ws.path().join("void")).unwrap();
    let empty = ws.call("list_dir", json!({"path": "void"})).await.unwrap();
    assert!(empty.contains("empty"), "{empty}");
    let file = ws.call("list_dir", json!({"path": "b.txt"})).await;
    assert_code(&file, ToolErrorCode::InvalidArguments, "a file is not a directory");
    let missing = ws.call("list_dir", json!({"path": "nope"})).await;
    assert_code(&missing, ToolErrorCode::NotFound, "a missing directory is NotFound");
}

#[tokio::test]
async fn list_dir_is_capped() {
    let ws = Workspace::new();
    for n in 0..1010 {
        std::fs::write(ws.path().join(format!("f{n:04}")), "").unwrap();
    }
    let out = ws.call("list_dir", json!({})).await.unwrap();
    assert_eq!(out.lines().filter(|line| line.starts_with('f')).count(), 1000);
    assert!(out.ends_with("[... 10 more entries not shown; use glob to narrow down]"), "{out}");
}

#[tokio::test]
async fn file_tools_need_a_workspace() {
    let ctx = ToolContext::default();
    let calls = [
        ("read_file", json!({"path": "a"})),
        ("write_file", json!({"path": "a", "content": ""})),
        ("edit_file", json!({"path": "a", "old_string": "a", "new_string": "b"})),
        ("list_dir", json!({})),
        ("glob", json!({"pattern": "*"})),
        ("grep", json!({"pattern": "a"})),
    ];
    for (tool, input) in calls {
        let result = call(&ctx, tool, input).await;
        assert_code(&result, ToolErrorCode::NoWorkspace, tool);
        assert!(message(result).contains("choose one in the chat's settings"));
    }
}

#[tokio::test]
async fn a_cancelled_turn_runs_nothing() {
    let ws = Workspace::new();
    ws.ctx.cancel.cancel();
    let result = ws.call("write_file", json!({"path": "a.txt", "content": "x"})).await;
    assert_code(&result, ToolErrorCode::Aborted, "a cancelled turn must not start a tool");
    assert!(!ws.path().join("a.txt").exists(), "nothing may be written after cancellation");
}
