//! Configurations that cannot work fail fast, with a code the UI can act on.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use hearth_mcp::{McpErrorCode, McpManager, McpTimeouts, ServerConfig, Transport};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::support::stdio;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_configs_are_invalid_config_before_anything_starts() {
    let manager = McpManager::new();
    let cases = [
        (stdio("empty", "", &[]), "an empty command"),
        (stdio("Bad Name", "node", &[]), "a name with capitals and a space"),
        (
            ServerConfig {
                name: "remote".into(),
                transport: Transport::Http {
                    url: "ftp://127.0.0.1/mcp".into(),
                    headers: BTreeMap::new(),
                },
            },
            "an ftp url",
        ),
    ];
    for (config, why) in cases {
        let error = manager.tools(&config).await.expect_err(why);
        assert_eq!(error.code, McpErrorCode::InvalidConfig, "{why}: {error}");
        let error = manager
            .call(&config, "echo", json!({}), CancellationToken::new(), None)
            .await
            .expect_err(why);
        assert_eq!(error.code, McpErrorCode::InvalidConfig, "{why}: {error}");
        assert!(!manager.is_running(&config.name), "{why}: nothing may run");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_command_is_spawn_failed() {
    let manager = McpManager::new();
    let error = manager.tools(&stdio("ghost", "hearth-no-such-mcp-server", &[])).await.unwrap_err();
    assert_eq!(error.code, McpErrorCode::SpawnFailed, "{error}");
    assert!(
        error.message.contains("hearth-no-such-mcp-server") && error.message.contains("not found"),
        "the message names the command and the cause: {error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_exits_at_startup_is_connect_failed_with_its_stderr() {
    let manager = McpManager::new();
    let server = stdio("broken", "sh", &["-c", "echo 'fatal: MY_API_KEY is not set' >&2; exit 3"]);
    let error = manager.tools(&server).await.unwrap_err();
    assert_eq!(error.code, McpErrorCode::ConnectFailed, "{error}");
    assert!(error.message.contains("exited"), "the message says the server exited: {error}");
    assert!(error.message.contains("fatal: MY_API_KEY is not set"), "stderr is quoted: {error}");
    assert!(!manager.is_running("broken"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_times_out() {
    let manager = McpManager::with_timeouts(McpTimeouts {
        connect: Duration::from_millis(500),
        ..McpTimeouts::default()
    });
    let started = Instant::now();
    let error = manager.tools(&stdio("silent", "sleep", &["30"])).await.unwrap_err();
    assert_eq!(error.code, McpErrorCode::Timeout, "{error}");
    assert!(started.elapsed() < Duration::from_secs(5), "the timeout is honoured");
}
