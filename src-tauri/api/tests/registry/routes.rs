//! The router serves every declared route, and only those: checked by what it was built
//! from, and by asking a real loopback server each route with and without the token.

use std::collections::BTreeSet;
use std::sync::Arc;

use hearth_api::ops;
use hearth_api::ops::schema::{Auth, Door};
use hearth_engine::{Engine, EngineOptions};
use serde_json::Value;

pub(crate) const TOKEN: &str = "registry-test-token";

#[test]
fn the_router_is_built_from_every_declared_route_once() {
    let served = hearth_api::server::served_operations();
    let unique: BTreeSet<&str> = served.iter().copied().collect();
    assert_eq!(unique.len(), served.len(), "a route is added twice: {served:?}");
    let declared: BTreeSet<&str> =
        ops::all().filter(|op| op.http.is_some()).map(|op| op.name).collect();
    let missing: Vec<_> = declared.difference(&unique).collect();
    let extra: Vec<_> = unique.difference(&declared).collect();
    assert!(missing.is_empty(), "declared with a route but not served: {missing:?}");
    assert!(extra.is_empty(), "served without a declared route: {extra:?}");
}

#[test]
fn a_path_is_filled_in_order() {
    let edit = ops::turns::chat_edit::HTTP;
    assert_eq!(edit.fill(&["s1", "m1"]), "/v1/sessions/s1/messages/m1/edit");
    let list = ops::sessions::session_list::HTTP;
    assert_eq!(list.fill(&[]), "/v1/sessions", "a path without parameters stays");
}

/// A server on a fresh data dir (no accounts, no background work), and its base URL.
async fn serve() -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let options = EngineOptions { background: false, ..EngineOptions::default() };
    let base = serve_with(options, dir.path()).await;
    (base, dir)
}

/// The API of an engine opened on `data` with `options`, on a free loopback port: its base URL.
pub(crate) async fn serve_with(options: EngineOptions, data: &std::path::Path) -> String {
    let engine = Arc::new(Engine::open_with(data, options).unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel();
    let data = data.to_owned();
    tokio::spawn(async move {
        hearth_api::server::serve(
            engine,
            TOKEN.into(),
            0,
            &data,
            |addr| tx.send(addr).unwrap(),
            std::future::pending(),
        )
        .await
        .unwrap();
    });
    format!("http://{}", rx.await.unwrap())
}

/// A route's path with each parameter filled in (with an id nothing has).
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| if seg.starts_with('{') { "nothing-has-this-id" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

async fn ask(
    client: &reqwest::Client,
    base: &str,
    method: &str,
    path: &str,
    token: bool,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = client.request(method, format!("{base}{path}"));
    if token {
        req = req.bearer_auth(TOKEN);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let is_json = resp
        .headers()
        .get("content-type")
        .is_some_and(|t| t.to_str().unwrap_or("").starts_with("application/json"));
    let body = if is_json { resp.json().await.unwrap_or(Value::Null) } else { Value::Null };
    (status, body)
}

/// The router's own answers for what it does not serve.
fn unrouted(status: u16, body: &Value) -> bool {
    status == 405 || status == 404 && body["error"]["message"] == "no such route"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_declared_route_is_served_with_its_auth_and_answers_only_declared_codes() {
    let (base, _dir) = serve().await;
    let client = reqwest::Client::new();
    for op in ops::all() {
        let Some(http) = &op.http else { continue };
        let (method, path) = (http.method.as_str(), concrete(http.path));
        let route = format!("{} {} ({})", method, http.path, op.name);

        // Without the token: refused before anything runs, unless the route needs none.
        let (status, body) = ask(&client, &base, method, &path, false).await;
        assert!(!unrouted(status, &body), "{route} is not served: {status} {body}");
        // (A webhook's own refusal is a 401 too, but not the token's: it never asks for it.)
        let refused = status == 401
            && body["error"]["code"] == "UNAUTHORIZED"
            && body["error"]["message"].as_str().is_some_and(|m| m.contains("API token"));
        assert_eq!(refused, http.auth == Auth::Token, "{route}: the token check: {status} {body}");

        // With it (no body, ids nothing has): the handler answers, with a declared code.
        let (status, body) = ask(&client, &base, method, &path, true).await;
        assert!(!unrouted(status, &body), "{route} is not served: {status} {body}");
        if (200..300).contains(&status) {
            assert_eq!(status, http.status, "{route}: the declared success status");
        } else {
            let code = body["error"]["code"]
                .as_str()
                .unwrap_or_else(|| panic!("{route}: an error without a code: {status} {body}"));
            let declared: Vec<String> =
                op.all_errors(Door::Http).iter().map(|c| c.name()).collect();
            assert!(
                declared.iter().any(|d| d == code),
                "{route} answered {code}, which its declaration does not list ({declared:?})"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routes_nobody_declared_are_not_served() {
    let (base, _dir) = serve().await;
    let client = reqwest::Client::new();
    let declared: BTreeSet<(&str, &str)> =
        ops::all().filter_map(|op| op.http.as_ref()).map(|h| (h.method.as_str(), h.path)).collect();
    // Each declared path with each method it does not declare, and paths nobody declared.
    let mut probes: Vec<(String, String)> = Vec::new();
    for (_, path) in &declared {
        for method in ["GET", "POST", "PATCH", "DELETE", "PUT"] {
            if !declared.contains(&(method, path)) {
                probes.push((method.to_owned(), concrete(path)));
            }
        }
    }
    for path in ["/v1", "/v1/nothing", "/v2/sessions", "/v1/sessions/x/y/z", "/health"] {
        probes.push(("GET".to_owned(), path.to_owned()));
    }
    for (method, path) in probes {
        let (status, body) = ask(&client, &base, &method, &path, true).await;
        assert!(unrouted(status, &body), "{method} {path} is served: {status} {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_body_is_413_with_the_limit_and_changes_nothing() {
    // The finding: an oversized body got 400, as if it were malformed.
    let (base, _dir) = serve().await;
    let client = reqwest::Client::new();
    let title = "t".repeat(hearth_api::ops::schema::DEFAULT_BODY_LIMIT + 1);
    let resp = client
        .post(format!("{base}/v1/sessions"))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({ "title": title }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 413);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "BODY_TOO_LARGE");
    assert!(body["error"]["message"].as_str().unwrap().contains("4 MiB"), "{body}");
    let (_, listed) = ask(&client, &base, "GET", "/v1/sessions", true).await;
    assert_eq!(listed["sessions"].as_array().map(Vec::len), Some(0), "nothing was created");
}
