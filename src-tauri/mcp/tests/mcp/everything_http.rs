//! The reference "everything" server over streamable HTTP, started on a free loopback port.

use std::collections::BTreeMap;
use std::time::Duration;

use hearth_mcp::{McpErrorCode, McpManager, McpTimeouts, ServerConfig, Transport};
use serde_json::json;
use tokio::process::{Child, Command};
use tokio_util::sync::CancellationToken;

use crate::support::{eventually, everything_js};

/// The everything server in its `streamableHttp` mode, listening on `PORT`; killed on drop.
struct HttpServer {
    _child: Child,
    port: u16,
    url: String,
}

async fn start_http_server() -> HttpServer {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    start_http_server_on(port).await
}

async fn start_http_server_on(port: u16) -> HttpServer {
    // A server just dropped is killed but may hold the port a moment longer: wait until it is
    // gone, or the check below would find the dying server and the test the closed port.
    eventually(Duration::from_secs(10), "the previous server must let go of the port", || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
    })
    .await;
    let child = Command::new("node")
        .args([&everything_js(), "streamableHttp"])
        .env("PORT", port.to_string())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start the everything server in streamableHttp mode");
    eventually(Duration::from_secs(10), "the HTTP server must start listening", || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    })
    .await;
    HttpServer { _child: child, port, url: format!("http://127.0.0.1:{port}/mcp") }
}

fn http(name: &str, url: &str) -> ServerConfig {
    ServerConfig {
        name: name.into(),
        transport: Transport::Http {
            url: url.into(),
            headers: BTreeMap::from([("X-Hearth-Test".into(), "1".into())]),
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_and_calls_over_streamable_http() {
    let server = start_http_server().await;
    let manager = McpManager::new();
    let config = http("remote", &server.url);

    let tools = manager.tools(&config).await.expect("tools/list over HTTP");
    assert!(tools.iter().any(|t| t.qualified() == "remote__echo"), "{tools:?}");

    let echo = manager
        .call(&config, "echo", json!({"message": "over http"}), CancellationToken::new(), None)
        .await
        .expect("tools/call over HTTP");
    assert_eq!(echo.content, "Echo: over http");
    assert!(manager.is_running("remote"));
    manager.stop("remote").await;
    assert!(!manager.is_running("remote"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_listening_is_connect_failed() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let manager = McpManager::new();
    let error =
        manager.tools(&http("remote", &format!("http://127.0.0.1:{port}/mcp"))).await.unwrap_err();
    assert_eq!(error.code, McpErrorCode::ConnectFailed, "{error}");
    assert!(error.message.contains("Connection refused"), "the message gives the cause: {error}");
    assert!(!manager.is_running("remote"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_server_that_goes_away_is_connect_failed_then_used_again_when_back() {
    let server = start_http_server().await;
    let manager = McpManager::new();
    let config = http("remote", &server.url);
    let echo = || {
        manager.call(&config, "echo", json!({"message": "again"}), CancellationToken::new(), None)
    };
    echo().await.expect("the first call works");

    let port = server.port;
    drop(server);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let error = echo().await.expect_err("a call to a server that is gone fails");
    assert_eq!(error.code, McpErrorCode::ConnectFailed, "{error}");
    assert!(error.message.contains("Connection refused"), "{error}");

    let _back = start_http_server_on(port).await;
    let outcome = tokio::time::timeout(Duration::from_secs(10), echo())
        .await
        .expect("a call to the restarted server must not hang on the lost session")
        .expect("the restarted server is used with a new session");
    assert_eq!(outcome.content, "Echo: again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_server_restarted_while_idle_gets_a_new_session() {
    let server = start_http_server().await;
    // Probe before every use; by default only sessions idle for 30 s are.
    let manager =
        McpManager::with_timeouts(McpTimeouts { idle_probe: Duration::ZERO, ..Default::default() });
    let config = http("remote", &server.url);
    let echo = || {
        manager.call(&config, "echo", json!({"message": "again"}), CancellationToken::new(), None)
    };
    echo().await.expect("the first call works");

    let port = server.port;
    drop(server);
    let _back = start_http_server_on(port).await;
    // Let the client notice the old server's connections are gone, as it would over a real pause.
    tokio::time::sleep(Duration::from_millis(500)).await;
    // The restarted server answers the old session with an error that names no request, so
    // without the probe this call would wait for the call timeout.
    let outcome = tokio::time::timeout(Duration::from_secs(15), echo())
        .await
        .expect("a call after the server restarted must not hang on the forgotten session")
        .expect("a new session serves it");
    assert_eq!(outcome.content, "Echo: again");
}
