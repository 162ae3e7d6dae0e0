//! Crashes, restarts, stops and configuration changes of stdio servers.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use hearth_mcp::{McpErrorCode, McpManager, Transport};
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::support::{alive, eventually, everything_with_pid, kill, read_pid, started_pids};

fn echo_args() -> serde_json::Value {
    json!({"message": "ping"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_while_idle_is_reported_once_then_restarted() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let server = everything_with_pid("crashy", &pid_file);
    let manager = McpManager::new();
    let echo = || manager.call(&server, "echo", echo_args(), CancellationToken::new(), None);

    echo().await.expect("the first call works");
    let first_pid = read_pid(&pid_file).await;
    kill(first_pid);
    eventually(Duration::from_secs(5), "the killed server must be noticed", || {
        !manager.is_running("crashy")
    })
    .await;

    let error = echo().await.expect_err("the call after a crash reports it");
    assert_eq!(error.code, McpErrorCode::ServerCrashed, "{error}");
    assert!(
        error.message.contains("hearth-test: server starting"),
        "the message quotes the server's stderr: {error}"
    );

    let again = echo().await.expect("the call after that restarts the server");
    assert_eq!(again.content, "Echo: ping");
    assert_ne!(read_pid(&pid_file).await, first_pid, "a new process serves it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_during_a_call_fails_that_call_as_crashed() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let server = everything_with_pid("crashy", &pid_file);
    let manager = McpManager::new();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let call = tokio::spawn({
        let (manager, server) = (manager.clone(), server.clone());
        async move {
            manager
                .call(
                    &server,
                    "trigger-long-running-operation",
                    json!({"duration": 30, "steps": 60}),
                    CancellationToken::new(),
                    Some(tx),
                )
                .await
        }
    });
    let first = tokio::time::timeout(Duration::from_secs(10), rx.recv()).await;
    assert!(matches!(first, Ok(Some(_))), "the operation must be under way before the kill");
    kill(read_pid(&pid_file).await);
    let killed_at = Instant::now();
    let error = call.await.unwrap().expect_err("a call whose server died must fail");
    assert_eq!(error.code, McpErrorCode::ServerCrashed, "{error}");
    assert!(killed_at.elapsed() < Duration::from_secs(3), "the crash is noticed at once");

    let again = manager
        .call(&server, "echo", echo_args(), CancellationToken::new(), None)
        .await
        .expect("the next call restarts the server");
    assert_eq!(again.content, "Echo: ping");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_config_restarts_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let mut server = everything_with_pid("changing", &pid_file);
    let manager = McpManager::new();
    manager.tools(&server).await.unwrap();
    let first_pid = read_pid(&pid_file).await;
    manager.tools(&server).await.unwrap();
    assert_eq!(started_pids(&pid_file), [first_pid], "the same config reuses the running server");

    if let Transport::Stdio { env, .. } = &mut server.transport {
        *env = BTreeMap::from([("HEARTH_TEST_SETTING".into(), "2".into())]);
    }
    let echo = manager.call(&server, "echo", echo_args(), CancellationToken::new(), None).await;
    assert_eq!(echo.unwrap().content, "Echo: ping");
    let second_pid = read_pid(&pid_file).await;
    assert_ne!(second_pid, first_pid, "a changed config runs a new process");
    eventually(Duration::from_secs(10), "the old process must be stopped", || !alive(first_pid))
        .await;
    assert!(manager.is_running("changing"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_ends_the_process_and_the_next_use_starts_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let server = everything_with_pid("stoppable", &pid_file);
    let manager = McpManager::new();
    manager.tools(&server).await.unwrap();
    let pid = read_pid(&pid_file).await;
    assert!(manager.is_running("stoppable"));

    manager.stop("stoppable").await;
    assert!(!manager.is_running("stoppable"));
    eventually(Duration::from_secs(10), "a stopped server's process must exit", || !alive(pid))
        .await;

    manager.stop("never-started").await;
    manager.tools(&server).await.expect("a stopped server starts again when used");
    assert!(manager.is_running("stoppable"));
    manager.stop_all().await;
    assert!(!manager.is_running("stoppable"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_manager_ends_its_servers() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let manager = McpManager::new();
    manager.tools(&everything_with_pid("dropped", &pid_file)).await.unwrap();
    let pid = read_pid(&pid_file).await;
    assert!(alive(pid));
    drop(manager);
    eventually(Duration::from_secs(10), "the server must exit when its manager drops", || {
        !alive(pid)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_uses_start_the_server_once() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let server = everything_with_pid("shared", &pid_file);
    let manager = McpManager::new();
    let uses: Vec<_> = (0..4)
        .map(|i| {
            let (manager, server) = (manager.clone(), server.clone());
            tokio::spawn(async move {
                manager
                    .call(
                        &server,
                        "echo",
                        json!({"message": i.to_string()}),
                        CancellationToken::new(),
                        None,
                    )
                    .await
            })
        })
        .collect();
    for (i, used) in uses.into_iter().enumerate() {
        assert_eq!(used.await.unwrap().unwrap().content, format!("Echo: {i}"));
    }
    assert_eq!(started_pids(&pid_file).len(), 1, "one process serves concurrent first uses");
}
