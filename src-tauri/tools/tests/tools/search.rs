//! glob and grep: matching, sorting, .gitignore, caps and bad patterns.

use hearth_tools::ToolErrorCode;
use serde_json::json;

use crate::support::{Workspace, assert_code};

/// A small project: sources, an ignored build dir, a hidden config and a `.git` folder.
fn project() -> Workspace {
    let ws = Workspace::new();
    ws.put(".gitignore", "target/\n*.log\n");
    ws.put("src/main.rs", "fn main() {\n    helper();\n}\n");
    ws.put("src/util/helper.rs", "pub fn helper() {}\n// TODO: Helper docs\n");
    ws.put("README.md", "# Demo\nSee helper.\n");
    ws.put("target/debug/gen.rs", "fn helper() {}\n");
    ws.put("run.log", "helper ran\n");
    ws.put(".github/ci.yml", "helper: true\n");
    ws.put(".git/HEAD", "ref: refs/heads/main helper\n");
    ws
}

#[tokio::test]
async fn glob_matches_sorted_and_respects_gitignore() {
    let ws = project();
    let rust = ws.call("glob", json!({"pattern": "**/*.rs"})).await.unwrap();
    assert_eq!(rust, "src/main.rs\nsrc/util/helper.rs", "target/ is gitignored");
    let top = ws.call("glob", json!({"pattern": "*.md"})).await.unwrap();
    assert_eq!(top, "README.md", "`*` does not cross directories");
    let under = ws.call("glob", json!({"pattern": "*.rs", "path": "src/util"})).await.unwrap();
    assert_eq!(under, "src/util/helper.rs", "results are workspace-relative");
    let hidden = ws.call("glob", json!({"pattern": "**/*.yml"})).await.unwrap();
    assert_eq!(hidden, ".github/ci.yml", "hidden files are included");
    let git = ws.call("glob", json!({"pattern": "**/HEAD"})).await.unwrap();
    assert!(git.starts_with("(no files match"), ".git/ is never listed: {git}");
}

#[tokio::test]
async fn glob_errors_and_cap() {
    let ws = Workspace::new();
    let bad = ws.call("glob", json!({"pattern": "src/[a-"})).await;
    assert_code(&bad, ToolErrorCode::InvalidArguments, "an unclosed class is invalid");
    ws.put("file.txt", "");
    let not_dir = ws.call("glob", json!({"pattern": "*", "path": "file.txt"})).await;
    assert_code(&not_dir, ToolErrorCode::InvalidArguments, "path must be a directory");

    for n in 0..1005 {
        std::fs::write(ws.path().join(format!("f{n:04}.txt")), "").unwrap();
    }
    let many = ws.call("glob", json!({"pattern": "f*.txt"})).await.unwrap();
    assert_eq!(many.lines().filter(|line| line.starts_with('f')).count(), 1000);
    assert!(many.lines().next() == Some("f0000.txt"), "results are sorted");
    assert!(many.contains("[results capped at 1000 files"), "the cap must be said");
}

#[tokio::test]
async fn grep_prints_path_line_text_sorted_and_respects_gitignore() {
    let ws = project();
    let out = ws.call("grep", json!({"pattern": "helper"})).await.unwrap();
    let expected = [
        ".github/ci.yml:1:helper: true",
        "README.md:2:See helper.",
        "src/main.rs:2:    helper();",
        "src/util/helper.rs:1:pub fn helper() {}",
    ];
    assert_eq!(out, expected.join("\n"), "no target/, no *.log, no .git/");
}

#[tokio::test]
async fn grep_case_glob_and_path_filters() {
    let ws = project();
    let insensitive =
        ws.call("grep", json!({"pattern": "helper docs", "case_insensitive": true})).await.unwrap();
    assert_eq!(insensitive, "src/util/helper.rs:2:// TODO: Helper docs");
    let sensitive = ws.call("grep", json!({"pattern": "helper docs"})).await.unwrap();
    assert!(sensitive.starts_with("(no matches"), "{sensitive}");

    let by_name = ws.call("grep", json!({"pattern": "helper", "glob": "*.md"})).await.unwrap();
    assert_eq!(by_name, "README.md:2:See helper.");
    let by_path =
        ws.call("grep", json!({"pattern": "helper", "glob": "src/util/*.rs"})).await.unwrap();
    assert_eq!(by_path, "src/util/helper.rs:1:pub fn helper() {}");
    let one_file = ws.call("grep", json!({"pattern": "fn", "path": "src/main.rs"})).await.unwrap();
    assert_eq!(one_file, "src/main.rs:1:fn main() {");
}

#[tokio::test]
async fn grep_skips_binary_files_and_refuses_bad_regex() {
    let ws = Workspace::new();
    std::fs::write(ws.path().join("blob.bin"), b"needle\0\0\0binary").unwrap();
    ws.put("text.txt", "needle\n");
    let out = ws.call("grep", json!({"pattern": "needle"})).await.unwrap();
    assert_eq!(out, "text.txt:1:needle", "binary files are skipped");
    let bad = ws.call("grep", json!({"pattern": "(unclosed"})).await;
    assert_code(&bad, ToolErrorCode::InvalidArguments, "an invalid regex is the model's to fix");
    let missing = ws.call("grep", json!({"pattern": "x", "path": "nope"})).await;
    assert_code(&missing, ToolErrorCode::NotFound, "a missing path is NotFound");
}

#[tokio::test]
async fn grep_is_capped() {
    let ws = Workspace::new();
    let text: String = (1..=700).map(|n| format!("match {n}\n")).collect();
    ws.put("many.txt", &text);
    let out = ws.call("grep", json!({"pattern": "match"})).await.unwrap();
    assert_eq!(out.lines().filter(|line| line.starts_with("many.txt:")).count(), 500);
    assert!(
        out.ends_with("[results capped at 500 matching lines; narrow the pattern, path or glob]")
    );
}
