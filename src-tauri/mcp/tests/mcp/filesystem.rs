//! The reference filesystem server over stdio, confined to a temporary directory.

use hearth_mcp::McpManager;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::support::{filesystem_js, stdio};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_and_reads_files_in_its_directory_only() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(root.join("notes.txt"), "the kettle is on\n").unwrap();
    std::fs::create_dir(root.join("sub")).unwrap();
    let server = stdio("files", "node", &[&filesystem_js(), root.to_str().unwrap()]);
    let manager = McpManager::new();

    let tools = manager.tools(&server).await.unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
    for expected in ["list_directory", "read_text_file", "write_file"] {
        assert!(names.contains(&expected), "`{expected}` must be listed: {names:?}");
    }

    let call = |tool: &'static str, args| {
        manager.call(&server, tool, args, CancellationToken::new(), None)
    };
    let listing = call("list_directory", json!({"path": root})).await.unwrap();
    assert!(!listing.is_error, "{}", listing.content);
    assert!(listing.content.contains("[FILE] notes.txt"), "{}", listing.content);
    assert!(listing.content.contains("[DIR] sub"), "{}", listing.content);

    let read = call("read_text_file", json!({"path": root.join("notes.txt")})).await.unwrap();
    assert_eq!(read.content.trim_end(), "the kettle is on");

    let outside = dir.path().parent().unwrap().join("hearth-mcp-not-allowed.txt");
    let refused = call("read_text_file", json!({"path": outside})).await;
    match refused {
        Ok(outcome) => {
            assert!(outcome.is_error, "a path outside the root must be refused: {outcome:?}")
        }
        Err(error) => assert_eq!(error.code, hearth_mcp::McpErrorCode::CallFailed, "{error}"),
    }
}
