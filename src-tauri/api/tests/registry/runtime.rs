//! A Claude Code session through the HTTP API, on a real loopback server: the real `claude`
//! CLI (skipped, saying why, only when it is absent), offline against the testkit's Anthropic
//! stream, its config and home in a temp dir. Made by `POST /v1/sessions`, its text streams as
//! `text_delta` events, its tool request is an `approval_requested` answered by
//! `POST /v1/approvals/{id}`, and the next message resumes the conversation.

use std::time::Duration;

use futures_util::StreamExt;
use hearth_engine::EngineOptions;
use hearth_engine::accounts::{AccountConfig, AccountsConfig};
use hearth_testkit::{ModelServer, Reply, anthropic_text, anthropic_tool_use};
use serde_json::{Value, json};

use crate::routes::TOKEN;

struct Api {
    base: String,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl Api {
    async fn start(model: &ModelServer) -> Api {
        let dir = tempfile::tempdir().unwrap();
        let env = ["cfg", "home", "tmp"].map(|d| {
            std::fs::create_dir_all(dir.path().join(d)).unwrap();
            dir.path().join(d).display().to_string()
        });
        let options = EngineOptions {
            background: false,
            auto_title: false,
            accounts: AccountsConfig {
                anthropic: vec![AccountConfig {
                    id: "env:anthropic".into(),
                    base_url: model.root_url(),
                    api_key: Some("sk-ant-http".into()),
                }],
                ..Default::default()
            },
            agent_env: vec![
                ("CLAUDE_CONFIG_DIR".into(), env[0].clone()),
                ("HOME".into(), env[1].clone()),
                ("TMPDIR".into(), env[2].clone()),
                ("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC".into(), "1".into()),
            ],
            ..EngineOptions::default()
        };
        let base = crate::routes::serve_with(options, &dir.path().join("data")).await;
        Api { base, http: reqwest::Client::new(), _dir: dir }
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let resp = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// SSE frames after `after` until `stop` holds for the last one (20 s at most).
    async fn frames_until(
        &self,
        session: &str,
        after: i64,
        stop: impl Fn(&Value) -> bool,
    ) -> Vec<Value> {
        let resp = self
            .http
            .get(format!("{}/v1/sessions/{session}/events?after_seq={after}", self.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        let mut events = eventsource_stream::EventStream::new(resp.bytes_stream());
        let mut out = Vec::new();
        loop {
            let next = tokio::time::timeout(Duration::from_secs(20), events.next()).await;
            let Ok(Some(Ok(event))) = next else {
                panic!(
                    "the stream ended or stalled; frames: {:?}",
                    out.iter().map(|f: &Value| f["type"].clone()).collect::<Vec<_>>()
                )
            };
            let frame: Value = serde_json::from_str(&event.data).unwrap();
            assert_eq!(event.event, frame["type"].as_str().unwrap());
            let done = stop(&frame);
            out.push(frame);
            if done {
                return out;
            }
        }
    }
}

fn text_of(frames: &[Value]) -> String {
    frames
        .iter()
        .filter(|f| f["type"] == "text_delta")
        .map(|f| f["text"].as_str().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claude_code_session_over_http_streams_asks_and_resumes() {
    if let Err(e) =
        hearth_engine::runtimes::locate::locate(&hearth_engine::runtimes::locate::CLAUDE, "")
    {
        eprintln!("SKIPPED: no claude CLI ({}); `scripts/deps.sh test` installs it", e.message);
        return;
    }
    let model = ModelServer::start().await;
    let api = Api::start(&model).await;
    let workspace = tempfile::tempdir().unwrap();
    let ws = workspace.path().display().to_string();

    let (status, refused) =
        api.post("/v1/sessions", json!({"runtime": "claude", "workspace": ws})).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (400, Some("INVALID_INPUT")),
        "an unknown runtime: {refused}"
    );
    let (status, refused) = api.post("/v1/sessions", json!({"runtime": "codex"})).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (400, Some("INVALID_WORKSPACE")),
        "a codex session needs a workspace: {refused}"
    );
    let (status, refused) = api
        .post("/v1/sessions", json!({"runtime": "claude-code", "workspace": "/no/such/dir"}))
        .await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (400, Some("INVALID_WORKSPACE")),
        "{refused}"
    );

    let (status, session) = api
        .post(
            "/v1/sessions",
            json!({"runtime": "claude-code", "workspace": ws, "model": "env:anthropic/test-model"}),
        )
        .await;
    assert_eq!(status, 201, "{session}");
    assert_eq!(session["runtime"], "claude-code");
    let id = session["id"].as_str().unwrap().to_owned();

    let input = json!({"command": "echo via-http > http.txt", "description": "write"});
    model.push(Reply::events(&anthropic_text(&["Hi ", "over HTTP."]), Duration::ZERO));
    model.push(Reply::events(&anthropic_tool_use("toolu_h1", "Bash", &input), Duration::ZERO));
    model.push(Reply::events(&anthropic_text(&["Wrote it."]), Duration::ZERO));

    let (status, _) =
        api.post(&format!("/v1/sessions/{id}/messages"), json!({"text": "Greet me"})).await;
    assert_eq!(status, 202);
    let first = api.frames_until(&id, 0, |f| f["type"] == "run_completed").await;
    assert_eq!(first.last().unwrap()["status"], "done", "{:?}", first.last());
    assert_eq!(text_of(&first), "Hi over HTTP.", "the model's text arrives as text_delta events");
    let after = first.last().unwrap()["seq"].as_i64().unwrap();

    let (status, _) =
        api.post(&format!("/v1/sessions/{id}/messages"), json!({"text": "Now write a file"})).await;
    assert_eq!(status, 202);
    let asked = api.frames_until(&id, after, |f| f["type"] == "approval_requested").await;
    let approval = &asked.last().unwrap()["approval"];
    assert_eq!(approval["tool"], "Bash");
    let (status, ok) = api
        .post(
            &format!("/v1/approvals/{}", approval["id"].as_str().unwrap()),
            json!({"allow": true}),
        )
        .await;
    assert_eq!((status, ok["ok"].as_bool()), (200, Some(true)), "{ok}");
    let second = api.frames_until(&id, after, |f| f["type"] == "run_completed").await;
    assert_eq!(second.last().unwrap()["status"], "done", "{:?}", second.last());
    assert_eq!(std::fs::read_to_string(workspace.path().join("http.txt")).unwrap(), "via-http\n");

    let requests = model.requests();
    assert_eq!(requests.len(), 3, "one model call per reply");
    let resumed = requests[1]["messages"].to_string();
    assert!(
        resumed.contains("Greet me") && resumed.contains("Hi over HTTP."),
        "the second message resumed the first exchange: {resumed}"
    );
    let results = requests[2]["messages"].to_string();
    assert!(
        results.contains("toolu_h1") && results.contains("tool_result"),
        "the approved tool's result reached the model"
    );
}
