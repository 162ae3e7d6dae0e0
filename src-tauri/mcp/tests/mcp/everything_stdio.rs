//! The reference "everything" server over stdio: tools, calls, progress, cancellation, errors.

use std::time::{Duration, Instant};

use hearth_mcp::{McpErrorCode, McpManager};
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::support::everything;

/// The long-running tool of server-everything 2026.8.31, which reports progress per step.
const LONG_RUNNING: &str = "trigger-long-running-operation";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_the_servers_tools_ready_for_a_provider() {
    let manager = McpManager::new();
    let tools = manager.tools(&everything("everything")).await.expect("tools/list must succeed");
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
    for expected in ["echo", "get-sum", LONG_RUNNING, "get-tiny-image"] {
        assert!(names.contains(&expected), "`{expected}` must be listed; got {names:?}");
    }
    for tool in &tools {
        assert_eq!(tool.server, "everything");
        assert!(tool.qualified().len() <= 64, "{} is too long for providers", tool.qualified());
        assert!(
            tool.qualified().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
            "{} has characters providers refuse",
            tool.qualified()
        );
        assert_eq!(tool.input_schema["type"], "object", "{} needs an object schema", tool.name);
    }
    let echo = tools.iter().find(|t| t.name == "echo").unwrap();
    assert_eq!(echo.qualified(), "everything__echo");
    assert!(!echo.description.is_empty(), "the description is carried over");
    assert_eq!(echo.input_schema["properties"]["message"]["type"], "string");
    assert!(manager.is_running("everything"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_echo_sum_and_an_image_tool() {
    let manager = McpManager::new();
    let server = everything("everything");
    let call = |tool: &'static str, args| {
        manager.call(&server, tool, args, CancellationToken::new(), None)
    };

    let echo = call("echo", json!({"message": "hello from hearth"})).await.unwrap();
    assert_eq!(echo.content, "Echo: hello from hearth");
    assert!(!echo.is_error);

    let sum = call("get-sum", json!({"a": 2, "b": 40})).await.unwrap();
    assert!(sum.content.contains("42"), "2 + 40: {}", sum.content);

    let image = call("get-tiny-image", json!({})).await.unwrap();
    assert!(
        image.content.contains("[image image/png, ") && image.content.contains(" bytes]"),
        "an image is described, not dumped: {}",
        image.content
    );
    assert!(image.content.len() < 500, "no base64 reaches the model: {}", image.content.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_notifications_reach_the_caller() {
    let manager = McpManager::new();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let outcome = manager
        .call(
            &everything("everything"),
            LONG_RUNNING,
            json!({"duration": 1, "steps": 4}),
            CancellationToken::new(),
            Some(tx),
        )
        .await
        .unwrap();
    assert!(outcome.content.contains("completed"), "{}", outcome.content);
    let mut updates = Vec::new();
    while let Ok(update) = rx.try_recv() {
        updates.push(update);
    }
    // Notifications are handled on tasks of their own: the last may land just after the result.
    if updates.len() < 4 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        while let Ok(update) = rx.try_recv() {
            updates.push(update);
        }
    }
    let progress: Vec<f64> = updates.iter().map(|u| u.0).collect();
    assert!(!progress.is_empty(), "a 4-step operation must report progress");
    assert!(progress.windows(2).all(|w| w[0] < w[1]), "progress only increases: {progress:?}");
    assert!(updates.iter().all(|u| u.1 == Some(4.0)), "the total is 4 steps: {updates:?}");
    assert_eq!(progress.last(), Some(&4.0), "the last step is reported: {progress:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_a_call_aborts_it_quickly_and_the_server_keeps_working() {
    let manager = McpManager::new();
    let server = everything("everything");
    let (tx, mut rx) = mpsc::unbounded_channel();
    let cancel = CancellationToken::new();
    let call = tokio::spawn({
        let (manager, server, cancel) = (manager.clone(), server.clone(), cancel.clone());
        async move {
            manager
                .call(&server, LONG_RUNNING, json!({"duration": 30, "steps": 60}), cancel, Some(tx))
                .await
        }
    });
    let first = tokio::time::timeout(Duration::from_secs(10), rx.recv()).await;
    assert!(
        matches!(first, Ok(Some(_))),
        "the operation must be under way (progress) before cancelling"
    );
    let cancelled_at = Instant::now();
    cancel.cancel();
    let error = call.await.unwrap().expect_err("a cancelled call must not succeed");
    assert_eq!(error.code, McpErrorCode::Aborted, "{error}");
    assert!(
        cancelled_at.elapsed() < Duration::from_secs(2),
        "cancelling must not wait for the 30 s operation: {:?}",
        cancelled_at.elapsed()
    );
    let echo = manager
        .call(&server, "echo", json!({"message": "still here"}), CancellationToken::new(), None)
        .await
        .expect("the server must keep serving after a cancelled call");
    assert_eq!(echo.content, "Echo: still here");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_cancelled_before_it_starts_does_not_start_the_server() {
    let manager = McpManager::new();
    let cancel = CancellationToken::new();
    cancel.cancel();
    let error = manager
        .call(&everything("everything"), "echo", json!({"message": "x"}), cancel, None)
        .await
        .unwrap_err();
    assert_eq!(error.code, McpErrorCode::Aborted);
    assert!(!manager.is_running("everything"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_tool_says_so_clearly() {
    let manager = McpManager::new();
    // `echo` requires `message`: the server rejects the call, as a tool error or a JSON-RPC one.
    let result = manager
        .call(
            &everything("everything"),
            "echo",
            json!({"wrong": 1}),
            CancellationToken::new(),
            None,
        )
        .await;
    match result {
        Ok(outcome) => {
            assert!(outcome.is_error, "bad arguments must be reported as an error: {outcome:?}");
            assert!(
                outcome.content.contains("message"),
                "the error names the problem: {}",
                outcome.content
            );
        }
        Err(error) => {
            assert_eq!(error.code, McpErrorCode::CallFailed, "{error}");
            assert!(error.message.contains("echo"), "{error}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_tool_is_tool_not_found() {
    let manager = McpManager::new();
    let error = manager
        .call(&everything("everything"), "no-such-tool", json!({}), CancellationToken::new(), None)
        .await
        .unwrap_err();
    assert_eq!(error.code, McpErrorCode::ToolNotFound, "{error}");
    assert!(error.message.contains("no-such-tool"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arguments_must_be_an_object() {
    let manager = McpManager::new();
    let error = manager
        .call(&everything("everything"), "echo", json!(["hi"]), CancellationToken::new(), None)
        .await
        .unwrap_err();
    assert_eq!(error.code, McpErrorCode::CallFailed, "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_result_reaches_the_model_cut_to_its_limit_with_head_and_tail() {
    // The finding: MCP tool output was uncapped while built-in tools are capped.
    let manager = McpManager::new();
    let server = everything("everything");
    let message = format!("START{}END", "é".repeat(600_000));
    let echo = manager
        .call(&server, "echo", json!({"message": message}), CancellationToken::new(), None)
        .await
        .unwrap();
    let limit = hearth_protocol::limits::MAX_TOOL_RESULT_BYTES;
    assert!(echo.content.len() <= limit + 100, "{} bytes", echo.content.len());
    assert!(echo.content.starts_with("Echo: START") && echo.content.ends_with("END"));
    assert!(echo.content.contains("bytes of the tool's output cut from the middle"));
}
