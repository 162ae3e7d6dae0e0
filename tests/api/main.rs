//! Black-box tests of `hearth serve`: the real binary, its HTTP API and CLI, against a real
//! loopback model server. Also: kill -9 mid-stream and SIGTERM, then a restart.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use hearth_testkit::{ModelServer, Reply};
use rand::Rng;
use serde_json::{Value, json};

mod doors;
mod runtimes;

const BIN: &str = env!("CARGO_BIN_EXE_hearth");
const TOKEN: &str = "test-token-0123456789";

/// Waits (10 s at most) until `done` holds.
async fn wait_for(done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "timed out");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Runs the `hearth` CLI against the server whose data dir is `data` (its API file says where).
fn run_cli(
    data: &std::path::Path,
    args: &[&str],
) -> impl Future<Output = std::process::Output> + use<> {
    let data = data.to_owned();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    async move {
        tokio::task::spawn_blocking(move || {
            Command::new(BIN)
                .args(&args)
                .env("HEARTH_DATA_DIR", data)
                .env("HEARTH_API_TOKEN", TOKEN)
                .output()
                .unwrap()
        })
        .await
        .unwrap()
    }
}

struct Serve {
    child: Child,
    url: String,
    http: reqwest::Client,
}

impl Serve {
    fn start(data: &std::path::Path, model: &ModelServer) -> Serve {
        let mut child = Command::new(BIN)
            .args(["serve", "--port", "0", "--data-dir"])
            .arg(data)
            .env("HEARTH_API_TOKEN", TOKEN)
            .env("OPENAI_BASE_URL", model.base_url())
            .env("OPENAI_API_KEY", "sk-test")
            .env("HEARTH_MODEL", "env:openai/test-model")
            .env("HEARTH_LOG", "warn")
            .env("HEARTH_AUTO_TITLE", "0")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start hearth serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let Some(url) = line.trim().strip_prefix("listening on ").map(str::to_owned) else {
            let mut err = String::new();
            let _ = std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err);
            panic!("hearth serve did not start: {line:?}; stderr: {err}");
        };
        assert!(url.starts_with("http://127.0.0.1:"), "serves on loopback only: {url}");
        Serve { child, url, http: reqwest::Client::new() }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.url)).bearer_auth(TOKEN);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> Value {
        let (status, v) = self.call(reqwest::Method::GET, path, None).await;
        assert_eq!(status, 200, "GET {path}: {v}");
        v
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let (status, v) = self.call(reqwest::Method::POST, path, Some(body)).await;
        assert!((200..300).contains(&status), "POST {path}: {status} {v}");
        v
    }

    /// Every frame so far (a replay with `follow=false`).
    async fn all_events(&self, session: &str) -> Vec<(i64, Value)> {
        self.read_events(&format!("/v1/sessions/{session}/events?follow=false"), 0, usize::MAX)
            .await
    }

    /// Reads up to `max` SSE events from `after` (by Last-Event-ID), then disconnects.
    async fn events(&self, session: &str, after: i64, max: usize) -> Vec<(i64, Value)> {
        self.read_events(&format!("/v1/sessions/{session}/events"), after, max).await
    }

    async fn read_events(&self, path: &str, after: i64, max: usize) -> Vec<(i64, Value)> {
        let resp = self
            .http
            .get(format!("{}{path}", self.url))
            .bearer_auth(TOKEN)
            .header("Last-Event-ID", after.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["content-type"], "text/event-stream");
        let mut stream = eventsource_stream::EventStream::new(resp.bytes_stream());
        let mut out = Vec::new();
        while out.len() < max {
            match tokio::time::timeout(Duration::from_secs(10), stream.next()).await {
                Ok(Some(Ok(ev))) => {
                    let frame: Value = serde_json::from_str(&ev.data).unwrap();
                    assert_eq!(ev.id, frame["seq"].to_string(), "the SSE id is the persisted seq");
                    assert_eq!(
                        ev.event,
                        frame["type"].as_str().unwrap(),
                        "the SSE event is the frame type"
                    );
                    let last = frame["type"] == "run_completed";
                    out.push((frame["seq"].as_i64().unwrap(), frame));
                    if last {
                        break; // these tests run one turn at a time: nothing follows it yet
                    }
                }
                _ => break,
            }
        }
        out
    }

    fn kill9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn session(s: &Serve) -> String {
    let (status, v) =
        s.call(reqwest::Method::POST, "/v1/sessions", Some(json!({"title": "API"}))).await;
    assert_eq!(status, 201);
    v["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_routes_and_bad_input() {
    let model = ModelServer::start().await;
    let data = tempfile::tempdir().unwrap();
    let s = Serve::start(data.path(), &model);
    let info: Value =
        serde_json::from_str(&std::fs::read_to_string(data.path().join("api.json")).unwrap())
            .unwrap();
    assert_eq!(format!("http://127.0.0.1:{}", info["port"]), s.url, "api.json names the port");

    let health: Value =
        s.http.get(format!("{}/v1/health", s.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(health["ok"], true, "health needs no token");
    for auth in [None, Some("Bearer wrong"), Some(TOKEN)] {
        let mut req = s.http.get(format!("{}/v1/sessions", s.url));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), 401, "{auth:?} is not a bearer token");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["code"], "UNAUTHORIZED");
    }

    let id = session(&s).await;
    let cases: Vec<(reqwest::Method, String, Option<Value>, u16, &str)> = vec![
        (reqwest::Method::GET, "/v1/sessions?limit=abc".into(), None, 400, "INVALID_LIMIT"),
        (reqwest::Method::GET, "/v1/sessions?limit=0".into(), None, 400, "INVALID_LIMIT"),
        (reqwest::Method::GET, "/v1/sessions?cursor=nope".into(), None, 400, "INVALID_CURSOR"),
        (reqwest::Method::GET, "/v1/sessions?bogus=1".into(), None, 400, "INVALID_INPUT"),
        (reqwest::Method::GET, "/v1/sessions/nope".into(), None, 404, "SESSION_NOT_FOUND"),
        (
            reqwest::Method::POST,
            "/v1/sessions".into(),
            Some(json!({"title": "x".repeat(201)})),
            400,
            "INVALID_TITLE",
        ),
        (
            reqwest::Method::POST,
            "/v1/sessions".into(),
            Some(json!({"colour": "red"})),
            400,
            "INVALID_INPUT",
        ),
        (
            reqwest::Method::PATCH,
            format!("/v1/sessions/{id}"),
            Some(json!({"title": ""})),
            400,
            "INVALID_TITLE",
        ),
        (
            reqwest::Method::POST,
            format!("/v1/sessions/{id}/messages"),
            Some(json!({"text": ""})),
            400,
            "MESSAGE_EMPTY",
        ),
        (
            reqwest::Method::POST,
            format!("/v1/sessions/{id}/messages"),
            Some(json!({"text": "x".repeat(1_000_001)})),
            400,
            "MESSAGE_TOO_LONG",
        ),
        (
            reqwest::Method::POST,
            format!("/v1/sessions/{id}/messages"),
            Some(json!({"text": "hi", "priority": "soon"})),
            400,
            "INVALID_INPUT",
        ),
        (
            reqwest::Method::POST,
            format!("/v1/sessions/{id}/messages"),
            Some(json!({"txt": "hi"})),
            400,
            "INVALID_INPUT",
        ),
        (
            reqwest::Method::POST,
            "/v1/sessions/nope/messages".into(),
            Some(json!({"text": "hi"})),
            404,
            "SESSION_NOT_FOUND",
        ),
        (
            reqwest::Method::GET,
            format!("/v1/sessions/{id}/events?after_seq=-1"),
            None,
            400,
            "SEQ_OUT_OF_RANGE",
        ),
        (
            reqwest::Method::GET,
            format!("/v1/sessions/{id}/events?after_seq=99"),
            None,
            400,
            "SEQ_OUT_OF_RANGE",
        ),
        (
            reqwest::Method::GET,
            format!("/v1/sessions/{id}/events?after_seq=x"),
            None,
            400,
            "SEQ_OUT_OF_RANGE",
        ),
        (reqwest::Method::GET, "/v1/nothing-here".into(), None, 404, "NOT_FOUND"),
    ];
    for (method, path, body, status, code) in cases {
        let (got, v) = s.call(method.clone(), &path, body).await;
        assert_eq!(
            (got, v["error"]["code"].as_str()),
            (status, Some(code)),
            "{method} {path}: {v}"
        );
        assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let bad_header = s
        .http
        .get(format!("{}/v1/sessions/{id}/events", s.url))
        .bearer_auth(TOKEN)
        .header("Last-Event-ID", "twelve")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_header.status(), 400, "a malformed Last-Event-ID is refused");
    let history = s.get(&format!("/v1/sessions/{id}/history")).await;
    assert_eq!(
        history,
        json!({"messages": [], "watermark": 0, "has_more": false}),
        "nothing was written"
    );
    assert!(model.requests().is_empty());

    // Sessions: patch, pin, soft delete, restore.
    let patched = s
        .call(
            reqwest::Method::PATCH,
            &format!("/v1/sessions/{id}"),
            Some(json!({"pinned": true, "title": "Renamed"})),
        )
        .await
        .1;
    assert_eq!(
        (patched["title"].as_str(), patched["pinned"].as_bool()),
        (Some("Renamed"), Some(true))
    );
    let (status, _) = s.call(reqwest::Method::DELETE, &format!("/v1/sessions/{id}"), None).await;
    assert_eq!(status, 204);
    assert_eq!(s.get("/v1/sessions").await["sessions"].as_array().unwrap().len(), 0);
    s.post(&format!("/v1/sessions/{id}/restore"), json!({})).await;
    assert_eq!(s.get("/v1/sessions").await["sessions"][0]["status"], "idle");
    assert_eq!(s.get("/v1/models").await["models"][0]["id"], "env:openai/test-model");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sse_resume_with_last_event_id_is_exact_over_200_reconnects() {
    let model = ModelServer::start().await;
    let words: Vec<String> = (0..400).map(|i| format!("{i} ")).collect();
    let refs: Vec<&str> = words.iter().map(String::as_str).collect();
    model.push(Reply::slow_text(&refs, Duration::from_millis(3)));
    let data = tempfile::tempdir().unwrap();
    let s = Serve::start(data.path(), &model);
    let id = session(&s).await;
    let receipt = s
        .post(
            &format!("/v1/sessions/{id}/messages"),
            json!({"text": "count", "client_msg_id": "c1"}),
        )
        .await;
    assert!(receipt["run_id"].is_string());

    let (mut last, mut reconnects, mut text, mut done) = (0i64, 0, String::new(), false);
    while !done || reconnects < 200 {
        let take = rand::rng().random_range(1..=4);
        let start = if done { rand::rng().random_range(0..last) } else { last };
        // Once the run is over, never ask for more than the log holds (that would wait).
        let take = if done { take.min((last - start) as usize) } else { take };
        let got = s.events(&id, start, take).await;
        let mut expect = start;
        for (seq, frame) in &got {
            assert_eq!(*seq, expect + 1, "after {expect} comes {} (no gap, no repeat)", expect + 1);
            expect = *seq;
            if !done && *seq > last {
                if frame["type"] == "text_delta" {
                    text += frame["text"].as_str().unwrap();
                }
                if frame["type"] == "run_completed" {
                    assert_eq!(frame["status"], "done");
                    done = true;
                }
                last = *seq;
            }
        }
        reconnects += 1;
        assert!(reconnects < 5000, "the run never completed");
    }
    assert_eq!(text, words.concat(), "the reply streamed over SSE is exact");

    // A finished run replays with follow=false and the stream closes by itself.
    let resp = s
        .http
        .get(format!("{}/v1/sessions/{id}/events?after_seq=0&follow=false", s.url))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    let body = tokio::time::timeout(Duration::from_secs(10), resp.text())
        .await
        .expect("follow=false ends")
        .unwrap();
    assert_eq!(
        body.matches("\nevent: ").count() + usize::from(body.starts_with("event: ")),
        last as usize
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_stream_then_restart_leaves_an_interrupted_run_and_loses_nothing() {
    let model = ModelServer::start().await;
    let words: Vec<String> = (0..200).map(|i| format!("k{i} ")).collect();
    let refs: Vec<&str> = words.iter().map(String::as_str).collect();
    model.push(Reply::slow_text(&refs, Duration::from_millis(20)));
    model.set_fallback(Reply::text(&["after ", "restart"]));
    let data = tempfile::tempdir().unwrap();
    let s = Serve::start(data.path(), &model);
    let id = session(&s).await;
    s.post(&format!("/v1/sessions/{id}/messages"), json!({"text": "long story"})).await;
    // Read frames until some text has streamed; everything seen was committed.
    let mut seen: Vec<(i64, Value)> = Vec::new();
    while seen.iter().filter(|(_, f)| f["type"] == "text_delta").count() < 10 {
        let after = seen.last().map_or(0, |s| s.0);
        seen.extend(s.events(&id, after, 5).await);
    }
    s.kill9();

    let s = Serve::start(data.path(), &model);
    let frames = s.all_events(&id).await;
    let seen_seqs: Vec<i64> = seen.iter().map(|f| f.0).collect();
    for (seq, frame) in &seen {
        assert_eq!(
            frames.iter().find(|f| f.0 == *seq).map(|f| &f.1),
            Some(frame),
            "committed frame {seq} survives the crash"
        );
    }
    let completed = frames
        .iter()
        .find(|f| f.1["type"] == "run_completed")
        .expect("a terminal frame was written");
    assert_eq!(completed.1["status"], "interrupted");
    assert!(completed.0 > *seen_seqs.last().unwrap());

    let history = s.get(&format!("/v1/sessions/{id}/history")).await;
    let messages = history["messages"].as_array().unwrap();
    assert_eq!(messages[0]["role"], "user", "the user message is there");
    assert_eq!(messages[1]["status"], "interrupted");
    let kept = messages[1]["content"][0]["text"].as_str().unwrap();
    let streamed: String = frames
        .iter()
        .filter(|f| f.1["type"] == "text_delta")
        .map(|f| f.1["text"].as_str().unwrap())
        .collect();
    assert_eq!(kept, streamed, "the interrupted reply keeps every committed word");
    assert_eq!(s.get(&format!("/v1/sessions/{id}")).await["status"], "idle");

    // The next send works.
    s.post(&format!("/v1/sessions/{id}/messages"), json!({"text": "and now?"})).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let h = s.get(&format!("/v1/sessions/{id}/history")).await;
        if h["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["content"][0]["text"] == "after restart")
        {
            break;
        }
        assert!(Instant::now() < deadline, "the send after the restart never finished: {h}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_exits_cleanly_and_leaves_the_run_interrupted() {
    let model = ModelServer::start().await;
    let words: Vec<String> = (0..200).map(|i| format!("t{i} ")).collect();
    let refs: Vec<&str> = words.iter().map(String::as_str).collect();
    model.push(Reply::slow_text(&refs, Duration::from_millis(20)));
    let data = tempfile::tempdir().unwrap();
    let mut s = Serve::start(data.path(), &model);
    let id = session(&s).await;
    s.post(&format!("/v1/sessions/{id}/messages"), json!({"text": "go"})).await;
    let mut seen = 0;
    while seen < 5 {
        seen = s.all_events(&id).await.iter().filter(|f| f.1["type"] == "text_delta").count();
    }
    let started = Instant::now();
    Command::new("kill").args(["-TERM", &s.child.id().to_string()]).status().unwrap();
    let status = s.child.wait().unwrap();
    assert!(status.success(), "SIGTERM exits cleanly: {status:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "and promptly ({:?})", started.elapsed());
    assert!(!data.path().join("api.json").exists(), "api.json is removed on exit");

    let s = Serve::start(data.path(), &model);
    let history = s.get(&format!("/v1/sessions/{id}/history")).await;
    assert_eq!(history["messages"][1]["status"], "interrupted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_sends_waits_and_lists() {
    let model = ModelServer::start().await;
    model.set_fallback(Reply::text(&["Hi ", "from ", "the CLI"]));
    let data = tempfile::tempdir().unwrap();
    let s = Serve::start(data.path(), &model);
    let id = session(&s).await;
    let cli = |args: &[&str]| run_cli(data.path(), args);
    let out = cli(&["send", &id, "hello", "--wait"]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Hi from the CLI\n",
        "--wait streams the reply"
    );

    let out = cli(&["sessions", "--json"]).await;
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list["sessions"][0]["id"], id.as_str());

    let out = cli(&["send", "no-such-session", "hi"]).await;
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("SESSION_NOT_FOUND"),
        "the error code is on stderr"
    );

    let out = cli(&["token"]).await;
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), TOKEN);
    let out = cli(&["frobnicate"]).await;
    assert_eq!(out.status.code(), Some(2), "an unknown subcommand is a usage error");
}

/// The agent's routes: approvals, rules, tools, MCP servers, and the models list's refresh.
#[tokio::test(flavor = "multi_thread")]
async fn agent_routes_answer_and_refuse_bad_input() {
    use reqwest::Method;
    let model = ModelServer::start().await;
    let data = tempfile::tempdir().unwrap();
    let s = Serve::start(data.path(), &model);

    let unauthorized = s.http.post(format!("{}/v1/approvals/x", s.url)).send().await.unwrap();
    assert_eq!(unauthorized.status(), 401);
    let cases = [
        (
            Method::POST,
            "/v1/approvals/nope",
            Some(json!({"allow": true})),
            404,
            "APPROVAL_NOT_FOUND",
        ),
        (Method::POST, "/v1/approvals/nope", Some(json!({"allow": "yes"})), 400, "INVALID_INPUT"),
        (
            Method::POST,
            "/v1/approvals/nope",
            Some(json!({"allow": true, "remember": "forever"})),
            400,
            "INVALID_INPUT",
        ),
        (
            Method::POST,
            "/v1/rules",
            Some(json!({"tool": "a b", "decision": "allow"})),
            400,
            "INVALID_RULE",
        ),
        (
            Method::POST,
            "/v1/rules",
            Some(json!({"tool": "x", "decision": "maybe"})),
            400,
            "INVALID_INPUT",
        ),
        (Method::DELETE, "/v1/rules/nope", None, 404, "RULE_NOT_FOUND"),
        (Method::GET, "/v1/models?refresh=maybe", None, 400, "INVALID_INPUT"),
        (
            Method::POST,
            "/v1/mcp/servers",
            Some(json!({"name": "Bad!", "transport": {"type": "stdio", "command": "x"}})),
            400,
            "INVALID_MCP_SERVER",
        ),
        (
            Method::POST,
            "/v1/mcp/servers",
            Some(json!({"name": "x", "transport": {"type": "pipe"}})),
            400,
            "INVALID_INPUT",
        ),
        (Method::DELETE, "/v1/mcp/servers/nope", None, 404, "MCP_SERVER_NOT_FOUND"),
    ];
    for (method, path, body, status, code) in cases {
        let (got, v) = s.call(method.clone(), path, body.clone()).await;
        assert_eq!(
            (got, v["error"]["code"].as_str()),
            (status, Some(code)),
            "{method} {path} {body:?}: {v}"
        );
    }
    assert_eq!(s.get("/v1/rules").await["rules"], json!([]), "nothing was stored");
    assert_eq!(s.get("/v1/mcp/servers").await["servers"], json!([]));

    let rule = s
        .post(
            "/v1/rules",
            json!({"tool": "run_shell", "pattern": "git status", "decision": "allow"}),
        )
        .await;
    assert_eq!(rule["pattern"], "git status");
    let rules = s.get("/v1/rules").await;
    assert_eq!(rules["rules"].as_array().unwrap().len(), 1);
    let (status, _) =
        s.call(Method::DELETE, &format!("/v1/rules/{}", rule["id"].as_str().unwrap()), None).await;
    assert_eq!(status, 200);

    let tools = s.get("/v1/tools").await;
    let names: Vec<&str> =
        tools["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"read_file") && names.contains(&"run_shell"), "{names:?}");
    let shell =
        tools["tools"].as_array().unwrap().iter().find(|t| t["name"] == "run_shell").unwrap();
    assert_eq!(shell["default"], "ask");
    assert_eq!(s.get("/v1/models?refresh=true").await["models"].as_array().unwrap().len(), 2);
}

/// Outside the window: the inbox (and `hearth post`), webhooks, schedules and logs over HTTP.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbox_webhooks_schedules_and_logs_over_http_and_the_cli() {
    use reqwest::Method;
    let model = ModelServer::start().await;
    model.set_fallback(Reply::text(&["on it"]));
    let data = tempfile::tempdir().unwrap();
    let s = Serve::start(data.path(), &model);
    let id = session(&s).await;

    // Inbox: 401 without the token, 400 for a bad body, 404 for an unknown chat.
    let anon = s
        .http
        .post(format!("{}/v1/inbox", s.url))
        .json(&json!({"text": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(anon.status(), 401);
    for (body, status, code) in [
        (json!({"text": ""}), 400, "MESSAGE_EMPTY"),
        (json!({"txt": "x"}), 400, "INVALID_INPUT"),
        (json!({"text": "x", "thread": "a b"}), 400, "INVALID_INPUT"),
        (json!({"text": "x", "session_id": "nope"}), 404, "SESSION_NOT_FOUND"),
    ] {
        let (got, v) = s.call(Method::POST, "/v1/inbox", Some(body.clone())).await;
        assert_eq!((got, v["error"]["code"].as_str()), (status, Some(code)), "{body}");
    }
    let (status, receipt) = s
        .call(Method::POST, "/v1/inbox", Some(json!({"text": "Deploy finished", "session_id": id})))
        .await;
    assert_eq!(status, 201);
    assert_eq!(receipt["session_id"], id.as_str());
    let history = s.get(&format!("/v1/sessions/{id}/history")).await;
    let last = history["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["role"].as_str(), last["source"].as_str()),
        (Some("assistant"), Some("external"))
    );
    assert_eq!(last["id"], receipt["message_id"]);
    let frames = s.all_events(&id).await;
    let proactive =
        frames.iter().find(|(_, f)| f["type"] == "proactive_message").expect("on the stream");
    assert_eq!(proactive.1["text"], "Deploy finished");

    // `hearth post`: into a thread's own chat, made once.
    let cli = |args: &[&str]| run_cli(data.path(), args);
    let out = cli(&["post", "nightly build is green", "--thread", "ci", "--json"]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let first: Value = serde_json::from_slice(&out.stdout).unwrap();
    let out = cli(&["post", "and again", "--thread", "ci", "--json"]).await;
    let second: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(first["session_id"], second["session_id"]);
    let thread = s.get(&format!("/v1/sessions/{}", first["session_id"].as_str().unwrap())).await;
    assert_eq!(thread["title"], "Inbox: ci");
    let out = cli(&["post", " "]).await;
    assert!(
        !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("MESSAGE_EMPTY")
    );

    // Webhooks: the secret is shown once; a wrong one is refused; the payload is quoted.
    let (status, made) = s
        .call(
            Method::POST,
            "/v1/webhooks",
            Some(json!({"name": "gh", "template": "Triage this issue: {{issue.title}}", "session_id": id})),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let secret = made["secret"].as_str().unwrap().to_owned();
    assert!(s.get("/v1/webhooks").await["hooks"][0].get("secret").is_none(), "never listed");
    let deliver = |secret: &str| {
        s.http
            .post(format!("{}/v1/hooks/gh", s.url))
            .bearer_auth(secret)
            .header("X-GitHub-Delivery", "d-1")
            .json(&json!({"issue": {"title": "App crashes on start"}}))
            .send()
    };
    assert_eq!(deliver("wrong").await.unwrap().status(), 401);
    let resp = deliver(&secret).await.unwrap();
    assert_eq!(resp.status(), 202);
    let fired: Value = resp.json().await.unwrap();
    let again: Value = deliver(&secret).await.unwrap().json().await.unwrap();
    assert_eq!(fired["message_id"], again["message_id"], "a redelivery changes nothing");
    let unknown = s
        .http
        .post(format!("{}/v1/hooks/nope", s.url))
        .bearer_auth(&secret)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let unknown_status = unknown.status();
    let unknown_body = unknown.text().await.unwrap();
    let wrong = deliver("wrong").await.unwrap();
    assert_eq!(
        (unknown_status, unknown_body),
        (wrong.status(), wrong.text().await.unwrap()),
        "an unknown hook looks like a wrong secret"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while s.get(&format!("/v1/sessions/{id}")).await["status"] != "idle"
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let request = model.requests().pop().unwrap();
    let sent = request["messages"].to_string();
    assert!(
        sent.contains(
            "Triage this issue: <untrusted source=\\\"webhook:gh\\\">\\nApp crashes on start"
        ),
        "{sent}"
    );
    let (status, _) = s.call(Method::DELETE, "/v1/webhooks/gh", None).await;
    assert_eq!(status, 204);

    // Schedules: made, refused when bad, run now, listed with their runs.
    let (status, bad) = s
        .call(
            Method::POST,
            "/v1/schedules",
            Some(json!({"name": "x", "cron": "99 * * * *", "prompt": "p"})),
        )
        .await;
    assert_eq!((status, bad["error"]["code"].as_str()), (400, Some("INVALID_SCHEDULE")));
    let (status, sched) = s
        .call(
            Method::POST,
            "/v1/schedules",
            Some(json!({"name": "Digest", "cron": "0 9 * * 1-5", "timezone": "Europe/Berlin", "prompt": "Morning digest"})),
        )
        .await;
    assert_eq!(status, 201, "{sched}");
    assert!(sched["next_run_at"].as_i64().unwrap() > 0);
    let sid = sched["id"].as_str().unwrap();
    let (status, run) = s.call(Method::POST, &format!("/v1/schedules/{sid}/run"), None).await;
    assert_eq!(status, 202, "{run}");
    let runs = s.get(&format!("/v1/schedules/{sid}/runs")).await;
    assert_eq!(runs["runs"][0]["id"], run["id"]);
    let (status, _) = s.call(Method::GET, "/v1/schedules/nope", None).await;
    assert_eq!(status, 404);
    // In real time: a schedule every two seconds fires by itself through the scheduler loop,
    // into a new chat, and its firing ends `done`.
    let (status, tick) = s
        .call(
            Method::POST,
            "/v1/schedules",
            Some(json!({"name": "Tick", "cron": "*/2 * * * * *", "prompt": "tick"})),
        )
        .await;
    assert_eq!(status, 201, "{tick}");
    let tid = tick["id"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(15);
    let done = loop {
        let runs = s.get(&format!("/v1/schedules/{tid}/runs")).await;
        if let Some(r) = runs["runs"].as_array().unwrap().iter().find(|r| r["status"] == "done") {
            break r.clone();
        }
        assert!(Instant::now() < deadline, "no firing finished: {runs}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let chat = s.get(&format!("/v1/sessions/{}", done["session_id"].as_str().unwrap())).await;
    assert_eq!(chat["title"], "Tick");
    let (status, _) = s
        .call(Method::PATCH, &format!("/v1/schedules/{tid}"), Some(json!({"enabled": false})))
        .await;
    assert_eq!(status, 200);

    // Logs: the ring, filtered; a bad level is refused.
    let logs = s.get("/v1/logs?level=warn&limit=50").await;
    assert!(
        logs["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["level"] == "warn" || l["level"] == "error")
    );
    let (status, _) = s.call(Method::GET, "/v1/logs?level=loud", None).await;
    assert_eq!(status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_over_http_and_the_cli() {
    use reqwest::Method;
    let model = ModelServer::start().await;
    let data = tempfile::tempdir().unwrap();
    let s = Serve::start(data.path(), &model);
    let id = session(&s).await;
    for text in ["The zebra crossing is closed", "Lunch at noon"] {
        let (status, _) =
            s.call(Method::POST, "/v1/inbox", Some(json!({"text": text, "session_id": id}))).await;
        assert_eq!(status, 201);
    }

    let anon = s.http.get(format!("{}/v1/search?q=zebra", s.url)).send().await.unwrap();
    assert_eq!(anon.status(), 401);
    for (path, code) in [
        ("/v1/search", "INVALID_INPUT"),
        ("/v1/search?q=x&limit=0", "INVALID_LIMIT"),
        ("/v1/search?q=x&limit=ten", "INVALID_LIMIT"),
        ("/v1/search?q=x&sort=new", "INVALID_INPUT"),
    ] {
        let (status, v) = s.call(Method::GET, path, None).await;
        assert_eq!((status, v["error"]["code"].as_str()), (400, Some(code)), "{path}");
    }
    let found = s.get("/v1/search?q=zeb%20cross").await;
    let hits = found["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 1, "{found}");
    assert_eq!(hits[0]["session_id"], id.as_str());
    let marked: Vec<&str> = hits[0]["snippet"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["hit"] == true)
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(marked, ["zebra", "crossing"]);
    assert_eq!(s.get("/v1/search?q=").await["hits"], json!([]));

    let out = run_cli(data.path(), &["search", "noon"]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.starts_with(&id) && printed.contains("Lunch at *noon*"), "{printed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_and_import_over_http() {
    use reqwest::Method;
    let model = ModelServer::start().await;
    let data = tempfile::tempdir().unwrap();
    let s = Serve::start(data.path(), &model);
    let id = session(&s).await;
    s.post("/v1/inbox", json!({"text": "Backup **done**", "session_id": id})).await;

    let export = |path: String| {
        let req = s.http.get(format!("{}{path}", s.url)).bearer_auth(TOKEN);
        async move {
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            let kind = resp.headers()["content-type"].to_str().unwrap().to_owned();
            (status, kind, resp.text().await.unwrap())
        }
    };
    let (status, kind, md) = export(format!("/v1/sessions/{id}/export?format=md")).await;
    assert_eq!((status, kind.as_str()), (200, "text/markdown; charset=utf-8"));
    assert!(md.contains("## External message (not from the assistant)\n\nBackup **done**"), "{md}");
    let (status, kind, doc) = export(format!("/v1/sessions/{id}/export?format=json")).await;
    assert_eq!((status, kind.as_str()), (200, "application/json"));

    let (status, imported) =
        s.call(Method::POST, "/v1/import", Some(serde_json::from_str(&doc).unwrap())).await;
    assert_eq!(status, 201, "{imported}");
    let new_id = imported["id"].as_str().unwrap();
    assert_ne!(new_id, id);
    let (_, _, again) = export(format!("/v1/sessions/{new_id}/export?format=json")).await;
    assert_eq!(again, doc, "export → import → export is the same document");

    for (method, path, body, status, code) in [
        (Method::GET, format!("/v1/sessions/{id}/export?format=pdf"), None, 400, "INVALID_INPUT"),
        (Method::GET, format!("/v1/sessions/{id}/export?fmt=md"), None, 400, "INVALID_INPUT"),
        (Method::GET, "/v1/sessions/nope/export".into(), None, 404, "SESSION_NOT_FOUND"),
        (Method::POST, "/v1/import".into(), Some(json!({"format": "x"})), 400, "INVALID_INPUT"),
    ] {
        let (got, v) = s.call(method, &path, body).await;
        assert_eq!((got, v["error"]["code"].as_str()), (status, Some(code)), "{path}");
    }
    let sessions = s.get("/v1/sessions").await;
    assert_eq!(sessions["sessions"].as_array().unwrap().len(), 2, "bad imports made nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_upload_as_multipart_and_reach_the_model_byte_for_byte() {
    use base64::Engine as _;
    use reqwest::multipart::{Form, Part};
    let model = ModelServer::start().await;
    model.set_fallback(Reply::text(&["A small chart."]));
    let data = tempfile::tempdir().unwrap();
    let s = Serve::start(data.path(), &model);
    let id = session(&s).await;
    let upload = |form: Form, session: String| {
        let req = s
            .http
            .post(format!("{}/v1/sessions/{session}/attachments", s.url))
            .bearer_auth(TOKEN)
            .multipart(form);
        async move {
            let resp = req.send().await.unwrap();
            (resp.status().as_u16(), resp.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let file = |bytes: Vec<u8>, name: &str| {
        Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()))
    };

    let png = hearth_testkit::files::png(12, 7, 9);
    let (status, info) = upload(file(png.clone(), "chart.txt"), id.clone()).await;
    assert_eq!(status, 201, "{info}");
    assert_eq!(
        (info["mime"].as_str(), info["size"].as_u64()),
        (Some("image/png"), Some(png.len() as u64))
    );
    let attachment = info["attachment_id"].as_str().unwrap().to_owned();

    // Its bytes come back as they went in, with the sniffed type.
    let resp = s
        .http
        .get(format!("{}/v1/attachments/{attachment}", s.url))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-type"], "image/png");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), png.as_slice());

    s.post(
        &format!("/v1/sessions/{id}/messages"),
        json!({"text": "What is this?", "attachments": [attachment]}),
    )
    .await;
    wait_for(|| model.requests().len() == 1).await;
    let user = model.requests()[0]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "user")
        .cloned()
        .unwrap();
    let url = user["content"][0]["image_url"]["url"].as_str().unwrap().to_owned();
    let sent = base64::engine::general_purpose::STANDARD
        .decode(url.strip_prefix("data:image/png;base64,").unwrap())
        .unwrap();
    assert_eq!(sent, png, "the model server received the exact bytes");

    // Refusals: each with its code, none storing anything.
    let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00zip".to_vec();
    let (status, v) = upload(file(zip, "a.txt"), id.clone()).await;
    assert_eq!((status, v["error"]["code"].as_str()), (415, Some("UNSUPPORTED_ATTACHMENT")));
    let (status, v) = upload(Form::new().text("other", "x"), id.clone()).await;
    assert_eq!((status, v["error"]["code"].as_str()), (400, Some("INVALID_INPUT")));
    let (status, v) = upload(file(b"hi".to_vec(), "a.txt"), "nope".into()).await;
    assert_eq!((status, v["error"]["code"].as_str()), (404, Some("SESSION_NOT_FOUND")));
    let (status, v) = s
        .call(reqwest::Method::POST, &format!("/v1/sessions/{id}/attachments"), Some(json!({})))
        .await;
    assert_eq!((status, v["error"]["code"].as_str()), (400, Some("INVALID_INPUT")));
    let (status, v) =
        s.call(reqwest::Method::PATCH, "/v1/settings", Some(json!({"attachment_max_mb": 1}))).await;
    assert_eq!((status, v["attachment_max_mb"].as_u64()), (200, Some(1)));
    let (status, v) = upload(file(vec![b'a'; 2 * 1024 * 1024], "big.txt"), id.clone()).await;
    assert_eq!((status, v["error"]["code"].as_str()), (413, Some("ATTACHMENT_TOO_LARGE")), "{v}");
    let (status, v) = s.call(reqwest::Method::GET, "/v1/attachments/nope", None).await;
    assert_eq!((status, v["error"]["code"].as_str()), (404, Some("ATTACHMENT_NOT_FOUND")));

    // The CLI attaches files too.
    let notes = data.path().join("notes.md");
    std::fs::write(&notes, "# Plan\nShip it.\n").unwrap();
    let out =
        run_cli(data.path(), &["send", &id, "Summarise", "--attach", notes.to_str().unwrap()])
            .await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    wait_for(|| model.requests().len() == 2).await;
    assert!(
        model.requests()[1]
            .to_string()
            .contains("<document name=\\\"notes.md\\\">\\n# Plan\\nShip it.")
    );
    let out = run_cli(data.path(), &["send", &id, "x", "--attach", "/no/such/file"]).await;
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_regenerate_and_switch_over_http() {
    use reqwest::Method;
    let model = ModelServer::start().await;
    for reply in ["one", "two", "three"] {
        model.push(Reply::text(&[reply]));
    }
    let data = tempfile::tempdir().unwrap();
    let s = Serve::start(data.path(), &model);
    let id = session(&s).await;
    let history =
        || async { s.get(&format!("/v1/sessions/{id}/history")).await["messages"].clone() };
    s.post(&format!("/v1/sessions/{id}/messages"), json!({"text": "question"})).await;
    wait_for(|| model.requests().len() == 1).await;
    let mut h = history().await;
    for _ in 0..200 {
        if h.as_array().unwrap().len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        h = history().await;
    }
    let (question, reply) =
        (h[0]["id"].as_str().unwrap().to_owned(), h[1]["id"].as_str().unwrap().to_owned());

    let (status, v) = s
        .call(
            Method::POST,
            &format!("/v1/sessions/{id}/messages/{question}/edit"),
            Some(json!({"text": "better question"})),
        )
        .await;
    assert_eq!(status, 202, "{v}");
    wait_for(|| model.requests().len() == 2).await;
    let sent = model.requests()[1]["messages"].to_string();
    assert!(sent.contains("better question") && !sent.contains("\"question\""), "{sent}");
    let h = history().await;
    assert_eq!(h[0]["branch"]["index"], 1);
    assert_eq!(h[0]["branch"]["siblings"][0], question.as_str());

    for (path, code) in [
        (format!("/v1/sessions/{id}/messages/{question}/regenerate"), "INVALID_INPUT"),
        (format!("/v1/sessions/nope/messages/{question}/switch"), "SESSION_NOT_FOUND"),
    ] {
        let (_, v) = s.call(Method::POST, &path, None).await;
        assert_eq!(v["error"]["code"], code, "{path}");
    }
    let mut switched = (0, Value::Null);
    for _ in 0..200 {
        // The edited turn may still be finishing: switching waits for it.
        switched = s
            .call(Method::POST, &format!("/v1/sessions/{id}/messages/{question}/switch"), None)
            .await;
        if switched.0 == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(switched.0, 200, "{}", switched.1);
    let h = history().await;
    assert_eq!(
        (h[0]["id"].as_str(), h[1]["id"].as_str()),
        (Some(question.as_str()), Some(reply.as_str()))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memories_over_http() {
    use reqwest::Method;
    let model = ModelServer::start().await;
    let data = tempfile::tempdir().unwrap();
    let s = Serve::start(data.path(), &model);
    let made = s
        .post("/v1/memories", json!({"kind": "profile", "tier": "core", "text": "Name: Ada"}))
        .await;
    let id = made["id"].as_str().unwrap().to_owned();
    s.post(
        "/v1/memories",
        json!({"kind": "fact", "tier": "archival", "text": "Rides a red bicycle"}),
    )
    .await;
    assert_eq!(s.get("/v1/memories").await["memories"].as_array().unwrap().len(), 2);
    let core = s.get("/v1/memories?tier=core").await;
    assert_eq!(core["memories"][0]["text"], "Name: Ada");
    let found = s.get("/v1/memories?q=bicycle").await;
    assert_eq!(found["memories"][0]["text"], "Rides a red bicycle");

    let (status, v) = s
        .call(Method::PATCH, &format!("/v1/memories/{id}"), Some(json!({"text": "Name: Ada L."})))
        .await;
    assert_eq!((status, v["text"].as_str()), (200, Some("Name: Ada L.")));
    for (method, path, body, status, code) in [
        (
            Method::POST,
            "/v1/memories".to_owned(),
            Some(json!({"kind": "mood", "tier": "core", "text": "x"})),
            400,
            "INVALID_INPUT",
        ),
        (
            Method::POST,
            "/v1/memories".to_owned(),
            Some(json!({"kind": "fact", "tier": "core", "text": ""})),
            400,
            "INVALID_INPUT",
        ),
        (Method::GET, "/v1/memories?tier=hot".to_owned(), None, 400, "INVALID_INPUT"),
        (Method::PATCH, "/v1/memories/nope".to_owned(), Some(json!({})), 404, "NOT_FOUND"),
    ] {
        let (got, v) = s.call(method, &path, body).await;
        assert_eq!((got, v["error"]["code"].as_str()), (status, Some(code)), "{path}");
    }
    let (status, _) = s.call(Method::DELETE, &format!("/v1/memories/{id}"), None).await;
    assert_eq!(status, 204);
    assert_eq!(s.get("/v1/memories").await["memories"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presets_over_http_and_a_chat_taking_one() {
    use reqwest::Method;
    let model = ModelServer::start().await;
    let data = tempfile::tempdir().unwrap();
    let s = Serve::start(data.path(), &model);
    let made =
        s.post("/v1/presets", json!({"name": "Pirate", "prompt": "Talk like a pirate."})).await;
    let id = made["id"].as_str().unwrap().to_owned();
    s.post("/v1/presets", json!({"name": "brief", "prompt": "Be brief."})).await;
    let listed = s.get("/v1/presets").await;
    let names: Vec<_> =
        listed["presets"].as_array().unwrap().iter().map(|p| p["name"].clone()).collect();
    assert_eq!(names, [json!("brief"), json!("Pirate")]);

    // A chat takes the preset's prompt through its own system_prompt.
    let session = s.post("/v1/sessions", json!({"system_prompt": made["prompt"]})).await;
    assert_eq!(session["system_prompt"], "Talk like a pirate.");

    let (status, v) = s
        .call(
            Method::PATCH,
            &format!("/v1/presets/{id}"),
            Some(json!({"prompt": "Talk like a poet."})),
        )
        .await;
    assert_eq!(
        (status, v["prompt"].as_str(), v["name"].as_str()),
        (200, Some("Talk like a poet."), Some("Pirate"))
    );
    for (method, path, body, status, code) in [
        (
            Method::POST,
            "/v1/presets".to_owned(),
            Some(json!({"name": "", "prompt": "x"})),
            400,
            "INVALID_INPUT",
        ),
        (
            Method::POST,
            "/v1/presets".to_owned(),
            Some(json!({"name": "PIRATE", "prompt": "x"})),
            400,
            "INVALID_INPUT",
        ),
        (
            Method::POST,
            "/v1/presets".to_owned(),
            Some(json!({"name": "X", "prompt": "x", "extra": 1})),
            400,
            "INVALID_INPUT",
        ),
        (
            Method::PATCH,
            format!("/v1/presets/{id}"),
            Some(json!({"prompt": "  "})),
            400,
            "INVALID_INPUT",
        ),
        (Method::PATCH, "/v1/presets/nope".to_owned(), Some(json!({})), 404, "NOT_FOUND"),
        (Method::DELETE, "/v1/presets/nope".to_owned(), None, 404, "NOT_FOUND"),
    ] {
        let (got, v) = s.call(method, &path, body).await;
        assert_eq!((got, v["error"]["code"].as_str()), (status, Some(code)), "{path}");
    }
    // Marked for new chats: a chat made without instructions of its own takes it.
    let (status, v) = s
        .call(Method::PATCH, &format!("/v1/presets/{id}"), Some(json!({"for_new_chats": true})))
        .await;
    assert_eq!((status, v["for_new_chats"].as_bool()), (200, Some(true)));
    let fresh = s.post("/v1/sessions", json!({})).await;
    assert_eq!(fresh["system_prompt"], "Talk like a poet.");
    let plain = s.post("/v1/sessions", json!({"system_prompt": ""})).await;
    assert_eq!(plain["system_prompt"], Value::Null);
    let (status, _) = s.call(Method::DELETE, &format!("/v1/presets/{id}"), None).await;
    assert_eq!(status, 204);
    assert_eq!(s.get("/v1/presets").await["presets"].as_array().unwrap().len(), 1);
    let kept = s.get(&format!("/v1/sessions/{}", session["id"].as_str().unwrap())).await;
    assert_eq!(kept["system_prompt"], "Talk like a pirate.", "the chat keeps what it took");
}
