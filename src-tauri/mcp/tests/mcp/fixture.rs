//! Our fixture server on the official TypeScript SDK: tool names providers refuse, and a tool
//! list that changes while the server runs.

use std::time::{Duration, Instant};

use hearth_mcp::{McpErrorCode, McpManager, McpTimeouts};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::support::{fixture_js, stdio};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_providers_refuse_are_not_offered() {
    let manager = McpManager::new();
    let server = stdio("fixture", "node", &[&fixture_js()]);
    let tools = manager.tools(&server).await.unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        ["add-tool", "wait-for-cancel", "cancelled-count", "environment"],
        "the dotted and the overlong names are skipped"
    );

    let error = manager
        .call(&server, "dotted.name", json!({}), CancellationToken::new(), None)
        .await
        .unwrap_err();
    assert_eq!(error.code, McpErrorCode::ToolNotFound, "a skipped tool cannot be called: {error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_tool_list_is_listed_again() {
    let manager = McpManager::new();
    let server = stdio("fixture", "node", &[&fixture_js()]);
    let call =
        |tool: &'static str| manager.call(&server, tool, json!({}), CancellationToken::new(), None);

    let before = manager.tools(&server).await.unwrap();
    assert!(before.iter().all(|t| t.name != "added"));
    assert_eq!(call("added").await.unwrap_err().code, McpErrorCode::ToolNotFound);

    assert_eq!(call("add-tool").await.unwrap().content, "added");
    // The server announces the change with a notification, handled on a task of its own.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let tools = manager.tools(&server).await.unwrap();
        if tools.iter().any(|t| t.name == "added") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "tools/list_changed must refresh the cached list: {tools:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(call("added").await.unwrap().content, "added works");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_hears_a_cancellation_and_an_abandoned_call() {
    let manager = McpManager::new();
    let server = stdio("fixture", "node", &[&fixture_js()]);
    let cancelled_count = || async {
        let outcome = manager
            .call(&server, "cancelled-count", json!({}), CancellationToken::new(), None)
            .await
            .unwrap();
        outcome.content
    };
    assert_eq!(cancelled_count().await, "0");
    let wait = |cancel: CancellationToken| {
        let (manager, server) = (manager.clone(), server.clone());
        tokio::spawn(async move {
            manager.call(&server, "wait-for-cancel", json!({}), cancel, None).await
        })
    };

    let cancel = CancellationToken::new();
    let waiting = wait(cancel.clone());
    tokio::time::sleep(Duration::from_millis(300)).await;
    cancel.cancel();
    let error = waiting.await.unwrap().unwrap_err();
    assert_eq!(error.code, McpErrorCode::Aborted, "{error}");
    let deadline = Instant::now() + Duration::from_secs(5);
    while cancelled_count().await != "1" {
        assert!(Instant::now() < deadline, "the server must receive notifications/cancelled");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A caller that simply stops waiting (its future dropped) cancels the call too.
    let abandoned = wait(CancellationToken::new());
    tokio::time::sleep(Duration::from_millis(300)).await;
    abandoned.abort();
    let deadline = Instant::now() + Duration::from_secs(5);
    while cancelled_count().await != "2" {
        assert!(Instant::now() < deadline, "an abandoned call must be cancelled on the server");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_that_goes_silent_times_out_and_is_cancelled_on_the_server() {
    let manager = McpManager::with_timeouts(McpTimeouts {
        call: Duration::from_millis(300),
        ..McpTimeouts::default()
    });
    let server = stdio("fixture", "node", &[&fixture_js()]);
    let error = manager
        .call(&server, "wait-for-cancel", json!({}), CancellationToken::new(), None)
        .await
        .unwrap_err();
    assert_eq!(error.code, McpErrorCode::Timeout, "{error}");
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let count = manager
            .call(&server, "cancelled-count", json!({}), CancellationToken::new(), None)
            .await
            .unwrap();
        if count.content == "1" {
            break;
        }
        assert!(Instant::now() < deadline, "a timed-out call must be cancelled on the server");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Prints the fixture server's environment. Run (with secrets in its environment) by
/// `a_server_sees_no_secret_of_hearths_but_its_own`, never on its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by a_server_sees_no_secret_of_hearths_but_its_own, with secrets in its environment"]
async fn prints_the_environment_a_server_sees() {
    let manager = McpManager::new();
    let mut server = stdio("fixture", "node", &[&fixture_js()]);
    if let hearth_mcp::Transport::Stdio { env, .. } = &mut server.transport {
        env.insert("SERVER_API_TOKEN".into(), "given-to-the-server-8e1".into());
    }
    let out = manager
        .call(&server, "environment", json!({}), CancellationToken::new(), None)
        .await
        .unwrap();
    println!("ENV-BEGIN\n{}\nENV-END", out.content);
}

#[test]
fn a_server_sees_no_secret_of_hearths_but_its_own() {
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "fixture::prints_the_environment_a_server_sees",
            "--nocapture",
        ])
        .env("HEARTH_API_TOKEN", "hearth-token-7f3a")
        .env("ANTHROPIC_API_KEY", "sk-ant-test-2b9")
        .env("PLAIN_SETTING", "plain-value-3b")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&child.stdout);
    assert!(child.status.success(), "the child test failed: {text}");
    let env = text.split("ENV-BEGIN").nth(1).expect("the child printed the server's environment");
    assert!(env.contains("PLAIN_SETTING=plain-value-3b"), "the rest is inherited: {env}");
    assert!(
        env.contains("SERVER_API_TOKEN=given-to-the-server-8e1"),
        "its configured secret is given: {env}"
    );
    for secret in ["hearth-token-7f3a", "sk-ant-test-2b9"] {
        assert!(!env.contains(secret), "an MCP server must not see {secret}: {env}");
    }
}
