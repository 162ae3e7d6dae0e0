//! fetch_url against a real loopback HTTP server: HTML to text, caps, and refusals.

use axum::Router;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::response::IntoResponse;
use axum::routing::get;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use hearth_tools::ToolErrorCode;
use hearth_tools::net::{Hop, NetGate, Url};
use serde_json::json;

use crate::support::{Workspace, assert_code};

/// A gate that lets every URL go, local addresses included (the fixtures are on loopback).
#[derive(Debug)]
struct Anywhere;

impl NetGate for Anywhere {
    fn check(&self, _url: &Url) -> Hop {
        Hop::Go { local: true }
    }
}

/// A gate that allows one origin (local addresses included) and stops everything else.
#[derive(Debug)]
struct Only(String);

impl NetGate for Only {
    fn check(&self, url: &Url) -> Hop {
        if url.as_str().starts_with(&format!("{}/", self.0)) {
            Hop::Go { local: true }
        } else {
            Hop::Stop(format!("no rule allows {url}"))
        }
    }
}

/// A workspace whose fetches may reach the loopback fixtures.
fn local() -> Workspace {
    with_gate(Anywhere)
}

fn with_gate(gate: impl NetGate + 'static) -> Workspace {
    let mut ws = Workspace::new();
    ws.ctx.net = Some(Arc::new(gate));
    ws
}

/// A loopback server that counts its requests and serves a secret, and its base URL.
async fn internal() -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    let app = Router::new().fallback(move || {
        counted.fetch_add(1, Ordering::SeqCst);
        async { "internal-admin secret" }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, hits)
}

const PAGE: &str = "<!doctype html><html><head><title>T</title><style>p { color: red }</style>\
    <script>var tracking = 1;</script></head><body><h1>Welcome</h1>\
    <p>Hello <b>world</b>, see <a href=\"/docs\">the docs</a>.</p>\
    <ul><li>one</li><li>two</li></ul></body></html>";

/// Serves the fixtures on 127.0.0.1 and returns the base URL.
async fn serve() -> String {
    let app = Router::new()
        .route("/page", get(|| async { ([(CONTENT_TYPE, "text/html; charset=utf-8")], PAGE) }))
        .route("/sniffed", get(untyped_page))
        .route(
            "/json",
            get(|| async { ([(CONTENT_TYPE, "application/json")], r#"{"a": [1, 2]}"#) }),
        )
        .route(
            "/latin1",
            get(|| async { ([(CONTENT_TYPE, "text/plain; charset=iso-8859-1")], &b"caf\xe9"[..]) }),
        )
        .route("/big", get(|| async { ([(CONTENT_TYPE, "text/plain")], "a".repeat(100_000)) }))
        .route("/png", get(|| async { ([(CONTENT_TYPE, "image/png")], &b"\x89PNG\r\n\x1a\n"[..]) }))
        .route(
            "/octets",
            get(|| async {
                ([(CONTENT_TYPE, "application/octet-stream")], &b"\x7fELF\0\0\x01\0binary"[..])
            }),
        )
        .route("/missing", get(|| async { (StatusCode::NOT_FOUND, "no such page") }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(std::time::Duration::from_secs(20)).await;
                "too late"
            }),
        )
        .route("/redirect", get(|| async { (StatusCode::FOUND, [(LOCATION, "/page")]) }))
        .route(
            "/away",
            get(|q: axum::extract::RawQuery| async move {
                (StatusCode::FOUND, [(LOCATION, q.0.unwrap_or_default())])
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

/// The page without a Content-Type header, to exercise sniffing.
async fn untyped_page() -> axum::response::Response {
    let mut response = PAGE.into_response();
    response.headers_mut().remove(CONTENT_TYPE);
    response
}

#[tokio::test]
async fn html_becomes_readable_text() {
    let base = serve().await;
    let ws = local();
    for route in ["page", "sniffed"] {
        let out = ws.call("fetch_url", json!({"url": format!("{base}/{route}")})).await.unwrap();
        for expected in ["Welcome", "Hello", "world", "the docs", "one", "two"] {
            assert!(out.contains(expected), "{route}: `{expected}` must survive:\n{out}");
        }
        for markup in ["<p>", "<b>", "var tracking", "color: red"] {
            assert!(!out.contains(markup), "{route}: `{markup}` must not leak:\n{out}");
        }
        assert!(out.starts_with(&format!("URL: {base}/{route}\n")), "{out}");
    }
}

#[tokio::test]
async fn text_types_are_returned_as_is_and_decoded() {
    let base = serve().await;
    let ws = local();
    let json = ws.call("fetch_url", json!({"url": format!("{base}/json")})).await.unwrap();
    assert!(json.ends_with("\n\n{\"a\": [1, 2]}"), "{json}");
    let latin1 = ws.call("fetch_url", json!({"url": format!("{base}/latin1")})).await.unwrap();
    assert!(latin1.ends_with("café"), "the declared charset is honoured: {latin1}");
    let redirected = ws.call("fetch_url", json!({"url": format!("{base}/redirect")})).await;
    assert!(redirected.unwrap().starts_with(&format!("URL: {base}/page\n")), "redirects followed");
}

#[tokio::test]
async fn download_stops_at_max_bytes() {
    let base = serve().await;
    let ws = local();
    let out = ws
        .call("fetch_url", json!({"url": format!("{base}/big"), "max_bytes": 1000}))
        .await
        .unwrap();
    let body = out.split("\n\n").nth(1).unwrap();
    assert!(body.starts_with(&"a".repeat(1000)) && !body.starts_with(&"a".repeat(1001)));
    assert!(out.ends_with("[download stopped at max_bytes = 1000 bytes]"), "{}", &out[1000..]);
    let too_big = ws.call("fetch_url", json!({"url": format!("{base}/big"), "max_bytes": 0})).await;
    assert_code(&too_big, ToolErrorCode::InvalidArguments, "max_bytes must be positive");
}

#[tokio::test]
async fn binary_content_is_refused() {
    let base = serve().await;
    let ws = local();
    for route in ["png", "octets"] {
        let result = ws.call("fetch_url", json!({"url": format!("{base}/{route}")})).await;
        assert_code(&result, ToolErrorCode::InvalidArguments, route);
        assert!(result.unwrap_err().message.contains("binary"), "the refusal must say why");
    }
}

#[tokio::test]
async fn only_http_urls_are_fetched() {
    let ws = local();
    for url in ["file:///etc/passwd", "ftp://example.com/x", "not a url", "javascript:alert(1)"] {
        let result = ws.call("fetch_url", json!({"url": url})).await;
        assert_code(&result, ToolErrorCode::InvalidArguments, url);
    }
}

#[tokio::test]
async fn http_errors_and_unreachable_hosts_are_network_errors() {
    let base = serve().await;
    let ws = local();
    let missing = ws.call("fetch_url", json!({"url": format!("{base}/missing")})).await;
    assert_code(&missing, ToolErrorCode::Network, "HTTP 404");
    assert!(missing.unwrap_err().message.contains("404"), "the status must be given");

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let refused = ws.call("fetch_url", json!({"url": format!("http://127.0.0.1:{port}/")})).await;
    assert_code(&refused, ToolErrorCode::Network, "a refused connection");
}

#[tokio::test]
async fn cancellation_stops_a_hanging_request() {
    let base = serve().await;
    let ws = local();
    let ctx = ws.ctx.clone();
    let url = format!("{base}/slow");
    let running =
        tokio::spawn(
            async move { crate::support::call(&ctx, "fetch_url", json!({"url": url})).await },
        );
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    ws.ctx.cancel.cancel();
    let result = tokio::time::timeout(std::time::Duration::from_secs(2), running)
        .await
        .expect("a cancelled fetch must return promptly")
        .unwrap();
    assert_code(&result, ToolErrorCode::Aborted, "a cancelled fetch is Aborted");
}

#[tokio::test]
async fn every_redirect_hop_goes_through_the_gate() {
    let base = serve().await;
    let (admin, hits) = internal().await;
    let ws = with_gate(Only(base.clone()));
    let same = ws.call("fetch_url", json!({"url": format!("{base}/redirect")})).await;
    assert!(same.unwrap().contains("Welcome"), "a hop the gate allows is followed");
    let away = format!("{base}/away?{admin}/internal-admin");
    let result = ws.call("fetch_url", json!({"url": away})).await;
    assert_code(&result, ToolErrorCode::Refused, "a hop the gate stops");
    assert!(result.unwrap_err().message.contains("/internal-admin"), "the model is told where");
    for target in ["http://[::1]:9/x", "file:///etc/passwd"] {
        let url = format!("{base}/away?{target}");
        assert!(ws.call("fetch_url", json!({"url": url})).await.is_err(), "{target}");
    }
    assert_eq!(hits.load(Ordering::SeqCst), 0, "the internal server saw no request");
}

#[tokio::test]
async fn local_addresses_need_a_gate_that_names_them() {
    let (admin, hits) = internal().await;
    let port = admin.rsplit(':').next().unwrap();
    let ws = Workspace::new();
    for url in [
        format!("{admin}/x"),
        format!("http://localhost:{port}/x"),
        format!("http://[::ffff:127.0.0.1]:{port}/x"),
        format!("http://2130706433:{port}/x"),
    ] {
        let result = ws.call("fetch_url", json!({"url": url})).await;
        assert_code(&result, ToolErrorCode::Refused, &url);
    }
    assert_eq!(hits.load(Ordering::SeqCst), 0, "refused before connecting");
    assert!(local().call("fetch_url", json!({"url": format!("{admin}/x")})).await.is_ok());
}

#[tokio::test]
async fn userinfo_in_a_url_is_refused() {
    let (admin, hits) = internal().await;
    let tricked = admin.replace("http://", "http://allowed.example:80@");
    let result = local().call("fetch_url", json!({"url": tricked})).await;
    assert_code(&result, ToolErrorCode::InvalidArguments, "userinfo");
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn hearths_own_port_is_never_reached() {
    #[derive(Debug)]
    struct Own(u16);
    impl NetGate for Own {
        fn check(&self, _url: &Url) -> Hop {
            Hop::Go { local: true }
        }
        fn own_port(&self) -> Option<u16> {
            Some(self.0)
        }
    }
    let (admin, hits) = internal().await;
    let port: u16 = admin.rsplit(':').next().unwrap().parse().unwrap();
    let ws = with_gate(Own(port));
    for url in [format!("{admin}/v1/sessions"), format!("http://localhost:{port}/")] {
        let result = ws.call("fetch_url", json!({"url": url})).await;
        assert_code(&result, ToolErrorCode::Refused, &url);
    }
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}
