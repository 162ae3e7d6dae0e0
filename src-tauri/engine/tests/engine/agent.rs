//! The agent loop end to end inside the engine: a loopback model server that calls tools,
//! the real built-in tools in a temp workspace, approvals answered (or not), rules, the step
//! limit, abort and restart.

use std::sync::Arc;
use std::time::Duration;

use hearth_engine::chat::{ContentBlock, Role};
use hearth_engine::frames::{ApprovalOutcome, Frame, FrameBody, Phase, RunStatus};
use hearth_engine::policy::Decision;
use hearth_engine::store::approvals::{ApprovalAnswer, Remember};
use hearth_engine::store::rules::NewRule;
use hearth_engine::store::sessions::UpdateSession;
use hearth_engine::{CreateSession, Engine, EngineOptions, ErrorCode};
use hearth_testkit::{ModelServer, Reply, openai_stream, openai_tool_calls};

use crate::support::{frames_until, openai_options, text};

pub(crate) struct Setup {
    pub engine: Arc<Engine>,
    pub server: ModelServer,
    pub session: String,
    pub workspace: tempfile::TempDir,
    pub data: tempfile::TempDir,
}

fn options(server: &ModelServer) -> EngineOptions {
    openai_options(server, "test-model")
}

pub(crate) async fn setup() -> Setup {
    let server = ModelServer::start().await;
    let data = tempfile::tempdir().unwrap();
    let workspace = tempfile::tempdir().unwrap();
    std::fs::write(workspace.path().join("notes.txt"), "hello from the workspace\n").unwrap();
    let engine = Arc::new(Engine::open_with(data.path(), options(&server)).unwrap());
    let session = engine
        .create_session(&CreateSession {
            workspace: Some(workspace.path().to_string_lossy().into_owned()),
            ..Default::default()
        })
        .unwrap()
        .id;
    Setup { engine, server, session, workspace, data }
}

pub(crate) fn tool_calls(calls: &[(&str, &str, &str)]) -> Reply {
    Reply::split_at(openai_tool_calls(calls).as_bytes(), &[])
}

pub(crate) fn say(text: &str) -> Reply {
    Reply::split_at(openai_stream(&[text], true).as_bytes(), &[])
}

pub(crate) async fn send(engine: &Engine, session: &str, message: &str) -> String {
    engine.send(session, text(message)).await.unwrap().run_id
}

pub(crate) fn completed(frames: &[Frame]) -> bool {
    frames.iter().any(|f| matches!(f.body, FrameBody::RunCompleted { .. }))
}

pub(crate) fn approval_requested(frames: &[Frame]) -> bool {
    approval_in(frames).is_some()
}

/// The first approval asked for in `frames`.
pub(crate) fn approval_in(frames: &[Frame]) -> Option<hearth_engine::store::approvals::Approval> {
    frames.iter().find_map(|f| match &f.body {
        FrameBody::ApprovalRequested { approval } => Some((**approval).clone()),
        _ => None,
    })
}

fn run_status(frames: &[Frame]) -> (RunStatus, Option<ErrorCode>) {
    frames
        .iter()
        .find_map(|f| match &f.body {
            FrameBody::RunCompleted { status, error, .. } => {
                Some((*status, error.as_ref().map(|e| e.code)))
            }
            _ => None,
        })
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_tool_runs_at_once_and_its_result_goes_back_to_the_model() {
    let s = setup().await;
    s.server.push(tool_calls(&[
        ("call_1", "read_file", r#"{"path": "notes.txt"}"#),
        ("call_2", "list_dir", "{}"),
    ]));
    s.server.push(say("The note says hello."));
    send(&s.engine, &s.session, "what does my note say?").await;
    let frames = frames_until(&s.engine, &s.session, 0, completed).await;
    assert_eq!(run_status(&frames), (RunStatus::Done, None));
    let kinds: Vec<&str> = frames.iter().map(|f| f.body.kind()).collect();
    assert!(!kinds.contains(&"approval_requested"), "reads do not ask: {kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "tool_call_end").count(), 2);
    let results: Vec<(&str, &str, bool)> = frames
        .iter()
        .filter_map(|f| match &f.body {
            FrameBody::ToolResult { tool_use_id, content, is_error, .. } => {
                Some((tool_use_id.as_str(), content.as_str(), *is_error))
            }
            _ => None,
        })
        .collect();
    assert_eq!(results.len(), 2);
    assert!(
        results
            .iter()
            .any(|(id, c, e)| *id == "call_1" && c.contains("hello from the workspace") && !e)
    );
    assert!(frames.iter().any(|f| matches!(f.body, FrameBody::Phase { phase: Phase::Tool })));

    // The second model call got the calls and both results, in the calls' order.
    let second = &s.server.requests()[1];
    assert!(
        second["tools"].as_array().unwrap().iter().any(|t| t["function"]["name"] == "run_shell")
    );
    let m = second["messages"].as_array().unwrap();
    let roles: Vec<&str> = m.iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["user", "assistant", "tool", "tool"]);
    assert_eq!(m[1]["tool_calls"][0]["function"]["arguments"], r#"{"path":"notes.txt"}"#);
    assert_eq!(m[2]["tool_call_id"], "call_1");
    assert_eq!(m[3]["tool_call_id"], "call_2");

    // History tells the same story: call, results, answer.
    let history = s.engine.history(&s.session, None, None).unwrap().messages;
    let shape: Vec<(Role, &str)> = history
        .iter()
        .map(|m| {
            let kind = match &m.content[0] {
                ContentBlock::Text { .. } => "text",
                ContentBlock::ToolUse { .. } => "tool_use",
                ContentBlock::ToolResult { .. } => "tool_result",
                _ => "other",
            };
            (m.role, kind)
        })
        .collect();
    assert_eq!(
        shape,
        [
            (Role::User, "text"),
            (Role::Assistant, "tool_use"),
            (Role::User, "tool_result"),
            (Role::Assistant, "text")
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_waits_for_approval_across_resubscribes_and_a_denial_reaches_the_model() {
    let s = setup().await;
    s.server.push(tool_calls(&[("w1", "write_file", r#"{"path": "out.txt", "content": "x"}"#)]));
    s.server.push(say("Understood."));
    send(&s.engine, &s.session, "write a file").await;
    let frames = frames_until(&s.engine, &s.session, 0, approval_requested).await;
    let approval = approval_in(&frames).unwrap();
    assert_eq!(approval.tool, "write_file");
    assert_eq!(approval.input["content"], "x", "the card shows the full arguments");
    assert_eq!(approval.subject.as_deref(), Some("out.txt"));

    // A reloaded window gets it back, and the run is waiting, without a timeout.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (snapshot, _) = s.engine.subscribe(&s.session, 0).await.unwrap();
    assert_eq!(snapshot.phase, Phase::WaitingApproval);
    assert_eq!(snapshot.pending_approvals, std::slice::from_ref(&approval));
    assert_eq!(s.server.requests().len(), 1);

    let deny =
        ApprovalAnswer { allow: false, message: Some("not now".into()), ..Default::default() };
    s.engine.answer_approval(&approval.id, &deny).unwrap();
    assert_eq!(
        s.engine.answer_approval(&approval.id, &deny).unwrap_err().code,
        ErrorCode::ApprovalNotFound,
        "an approval is answered once"
    );
    let frames = frames_until(&s.engine, &s.session, 0, completed).await;
    assert!(frames.iter().any(|f| matches!(
        &f.body,
        FrameBody::ApprovalResolved { outcome: ApprovalOutcome::Denied, .. }
    )));
    assert!(!s.workspace.path().join("out.txt").exists(), "nothing was written");
    let second = &s.server.requests()[1];
    let result = &second["messages"][2];
    assert_eq!(result["role"], "tool");
    assert!(result["content"].as_str().unwrap().contains("not now"), "{result}");
    let (snapshot, _) = s.engine.subscribe(&s.session, 0).await.unwrap();
    assert!(snapshot.pending_approvals.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allow_for_this_session_makes_a_revocable_rule() {
    let s = setup().await;
    let write = |n: &str| {
        tool_calls(&[(n, "write_file", &format!(r#"{{"path": "{n}.txt", "content": "{n}"}}"#))])
    };
    s.server.push(write("a"));
    s.server.push(say("Wrote a."));
    send(&s.engine, &s.session, "write a").await;
    let frames = frames_until(&s.engine, &s.session, 0, approval_requested).await;
    let FrameBody::ApprovalRequested { approval } = &frames.last().unwrap().body else { panic!() };
    let answer =
        ApprovalAnswer { allow: true, remember: Some(Remember::Session), ..Default::default() };
    s.engine.answer_approval(&approval.id, &answer).unwrap();
    let done = frames_until(&s.engine, &s.session, 0, completed).await;
    let last = done.last().unwrap().seq;
    assert_eq!(std::fs::read_to_string(s.workspace.path().join("a.txt")).unwrap(), "a");
    let rules = s.engine.rules().unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!((rules[0].tool.as_str(), rules[0].decision), ("write_file", Decision::Allow));
    assert_eq!(rules[0].session_id.as_deref(), Some(s.session.as_str()));

    // The same tool in the same chat no longer asks.
    s.server.push(write("b"));
    s.server.push(say("Wrote b."));
    send(&s.engine, &s.session, "write b").await;
    let frames = frames_until(&s.engine, &s.session, last, completed).await;
    assert!(!approval_requested(&frames));
    assert!(s.workspace.path().join("b.txt").exists());
    let last = frames.last().unwrap().seq;

    // Revoked, it asks again.
    s.engine.remove_rule(&rules[0].id).unwrap();
    assert_eq!(s.engine.remove_rule(&rules[0].id).unwrap_err().code, ErrorCode::RuleNotFound);
    s.server.push(write("c"));
    send(&s.engine, &s.session, "write c").await;
    frames_until(&s.engine, &s.session, last, approval_requested).await;
    s.engine.abort(&s.session).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_from_settings_deny_and_bad_rules_are_refused() {
    let s = setup().await;
    for bad in [
        NewRule { tool: "a b".into(), pattern: None, decision: Decision::Allow },
        NewRule {
            tool: "run_shell".into(),
            pattern: Some("x\n".into()),
            decision: Decision::Allow,
        },
        NewRule {
            tool: "fetch_url".into(),
            pattern: Some("https://docs.rs@127.0.0.1".into()),
            decision: Decision::Allow,
        },
    ] {
        assert_eq!(s.engine.add_rule(&bad).unwrap_err().code, ErrorCode::InvalidRule);
    }
    assert!(s.engine.rules().unwrap().is_empty(), "nothing was stored");
    s.engine
        .add_rule(&NewRule { tool: "read_file".into(), pattern: None, decision: Decision::Deny })
        .unwrap();
    s.server.push(tool_calls(&[("r", "read_file", r#"{"path": "notes.txt"}"#)]));
    s.server.push(say("I may not read it."));
    send(&s.engine, &s.session, "read it").await;
    let frames = frames_until(&s.engine, &s.session, 0, completed).await;
    let denied = frames.iter().find_map(|f| match &f.body {
        FrameBody::ToolResult { content, is_error: true, .. } => Some(content.clone()),
        _ => None,
    });
    // A refusal is not run, so there is no tool_result frame; the model reads why.
    assert_eq!(denied, None);
    let second = &s.server.requests()[1];
    assert!(second["messages"][2]["content"].as_str().unwrap().contains("do not allow"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_step_limit_stops_an_agent_that_never_ends() {
    let s = setup().await;
    let patch = UpdateSession { max_steps: Some(3), ..Default::default() };
    s.engine.update_session(&s.session, &patch).unwrap();
    s.server.set_fallback(tool_calls(&[("loop", "list_dir", "{}")]));
    send(&s.engine, &s.session, "go").await;
    let frames = frames_until(&s.engine, &s.session, 0, completed).await;
    assert_eq!(run_status(&frames), (RunStatus::Error, Some(ErrorCode::StepLimit)));
    assert_eq!(s.server.requests().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abort_while_waiting_expires_the_approval_and_answers_the_call() {
    let s = setup().await;
    s.server.push(tool_calls(&[("w", "run_shell", r#"{"command": "echo hi"}"#)]));
    s.server.set_fallback(say("ok"));
    send(&s.engine, &s.session, "run it").await;
    let frames = frames_until(&s.engine, &s.session, 0, approval_requested).await;
    let FrameBody::ApprovalRequested { approval } = &frames.last().unwrap().body else { panic!() };
    let waiting = s.engine.waiting_approvals(10).unwrap();
    assert_eq!(waiting.len(), 1, "the tray lists the approval waiting: {waiting:?}");
    assert_eq!(waiting[0].0.id, approval.id);
    assert_eq!(
        waiting[0].1,
        s.engine.get_session(&s.session).unwrap().title,
        "with its chat's title"
    );
    assert!(s.engine.abort(&s.session).await.unwrap());
    let frames = frames_until(&s.engine, &s.session, 0, completed).await;
    assert_eq!(run_status(&frames).0, RunStatus::Aborted);
    assert!(frames.iter().any(|f| matches!(
        &f.body,
        FrameBody::ApprovalResolved { outcome: ApprovalOutcome::Expired, .. }
    )));
    let allow = ApprovalAnswer { allow: true, ..Default::default() };
    assert_eq!(
        s.engine.answer_approval(&approval.id, &allow).unwrap_err().code,
        ErrorCode::ApprovalNotFound
    );
    assert!(s.engine.waiting_approvals(10).unwrap().is_empty(), "an expired one is not listed");

    // The next turn's request is well-formed: the call has its (stopped) result.
    let last = frames.last().unwrap().seq;
    send(&s.engine, &s.session, "never mind").await;
    frames_until(&s.engine, &s.session, last, completed).await;
    let next = s.server.requests().last().unwrap().clone();
    let m = next["messages"].as_array().unwrap();
    assert_eq!(m[1]["tool_calls"][0]["id"], "w");
    assert_eq!(m[2]["role"], "tool");
    assert_eq!(m[3]["role"], "user");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_expires_a_pending_approval() {
    let s = setup().await;
    s.server.push(tool_calls(&[("w", "write_file", r#"{"path": "x", "content": "y"}"#)]));
    send(&s.engine, &s.session, "write").await;
    frames_until(&s.engine, &s.session, 0, approval_requested).await;
    s.engine.shutdown().await;
    let Setup { engine, server, session, data, workspace: _w, .. } = s;
    drop(engine);
    let engine = Engine::open_with(data.path(), options(&server)).unwrap();
    let (snapshot, _) = engine.subscribe(&session, 0).await.unwrap();
    assert!(snapshot.pending_approvals.is_empty(), "{:?}", snapshot.pending_approvals);
    assert_eq!(snapshot.phase, Phase::Idle);
}

/// An installed `@modelcontextprotocol/server-*` package's entry point (installed by
/// `make test` with `npm ci --prefix src-tauri/mcp/tests/servers`).
fn npm_server(package: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../mcp/tests/servers/node_modules/@modelcontextprotocol")
        .join(package)
        .join("dist/index.js");
    assert!(
        path.is_file(),
        "{} is missing: run `npm ci --prefix src-tauri/mcp/tests/servers` (make test does)",
        path.display()
    );
    path.display().to_string()
}

fn stdio_server(name: &str, args: Vec<String>) -> hearth_engine::store::mcp_servers::NewMcpServer {
    hearth_engine::store::mcp_servers::NewMcpServer {
        name: name.into(),
        transport: hearth_engine::store::mcp_servers::McpTransport::Stdio {
            command: "node".into(),
            args,
            env: Default::default(),
        },
        secrets: None,
        enabled: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_calls_the_tools_of_real_mcp_servers() {
    let s = setup().await;
    let everything = npm_server("server-everything");
    let filesystem = npm_server("server-filesystem");
    s.engine
        .add_mcp_server(&stdio_server("everything", vec![everything, "stdio".into()]))
        .await
        .unwrap();
    let root = s.workspace.path().to_string_lossy().into_owned();
    s.engine.add_mcp_server(&stdio_server("fs", vec![filesystem, root.clone()])).await.unwrap();

    let tools: Vec<String> = s.engine.tools().await.into_iter().map(|t| t.name).collect();
    for name in ["read_file", "everything__echo", "everything__get-sum", "fs__read_text_file"] {
        assert!(tools.contains(&name.to_owned()), "{name} in {tools:?}");
    }
    let servers = s.engine.mcp_servers();
    assert!(servers.iter().all(|s| s.error.is_none()), "{servers:?}");

    // MCP tools ask by default; a server-wide rule lets `everything` run, `fs` still asks.
    s.engine
        .add_rule(&NewRule {
            tool: "everything__*".into(),
            pattern: None,
            decision: Decision::Allow,
        })
        .unwrap();
    let notes = format!(r#"{{"path": "{root}/notes.txt"}}"#);
    s.server.push(tool_calls(&[
        ("e1", "everything__echo", r#"{"message": "hi from the model"}"#),
        ("e2", "everything__get-sum", r#"{"a": 2, "b": 40}"#),
        ("f1", "fs__read_text_file", &notes),
    ]));
    s.server.push(say("Done."));
    send(&s.engine, &s.session, "use your tools").await;
    let frames = frames_until(&s.engine, &s.session, 0, approval_requested).await;
    let FrameBody::ApprovalRequested { approval } = &frames.last().unwrap().body else { panic!() };
    assert_eq!(approval.tool, "fs__read_text_file");
    s.engine
        .answer_approval(&approval.id, &ApprovalAnswer { allow: true, ..Default::default() })
        .unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, completed).await;
    assert_eq!(run_status(&frames), (RunStatus::Done, None));
    let result = |id: &str| {
        frames
            .iter()
            .find_map(|f| match &f.body {
                FrameBody::ToolResult { tool_use_id, content, is_error, .. }
                    if tool_use_id == id =>
                {
                    Some((content.clone(), *is_error))
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("no result for {id}"))
    };
    assert!(result("e1").0.contains("hi from the model"), "{:?}", result("e1"));
    assert!(result("e2").0.contains("42"), "{:?}", result("e2"));
    assert!(result("f1").0.contains("hello from the workspace"), "{:?}", result("f1"));
    assert!(!result("e1").1 && !result("e2").1 && !result("f1").1);

    // Disabled, a server's tools leave the list; removed, it is gone.
    let off = hearth_engine::store::mcp_servers::McpServerPatch {
        enabled: Some(false),
        ..Default::default()
    };
    s.engine.update_mcp_server("everything", &off).await.unwrap();
    let tools: Vec<String> = s.engine.tools().await.into_iter().map(|t| t.name).collect();
    assert!(!tools.iter().any(|t| t.starts_with("everything__")));
    s.engine.remove_mcp_server("fs").await.unwrap();
    assert_eq!(
        s.engine.remove_mcp_server("fs").await.unwrap_err().code,
        ErrorCode::McpServerNotFound
    );
    s.engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_mcp_servers_are_refused_and_a_broken_one_says_why() {
    let s = setup().await;
    let mut bad = stdio_server("Bad Name", vec![]);
    assert_eq!(s.engine.add_mcp_server(&bad).await.unwrap_err().code, ErrorCode::InvalidMcpServer);
    bad.name = "ok".into();
    bad.transport = hearth_engine::store::mcp_servers::McpTransport::Http {
        url: "ftp://example.com".into(),
        headers: Default::default(),
    };
    assert_eq!(s.engine.add_mcp_server(&bad).await.unwrap_err().code, ErrorCode::InvalidMcpServer);
    assert!(s.engine.mcp_servers().is_empty(), "nothing was added");

    let missing = hearth_engine::store::mcp_servers::NewMcpServer {
        transport: hearth_engine::store::mcp_servers::McpTransport::Stdio {
            command: "/nonexistent/mcp-server".into(),
            args: vec![],
            env: Default::default(),
        },
        ..stdio_server("ghost", vec![])
    };
    s.engine.add_mcp_server(&missing).await.unwrap();
    let info = s.engine.test_mcp_server("ghost").await.unwrap();
    assert_eq!(info.status, hearth_engine::tools::McpStatus::Error);
    assert!(info.error.unwrap().contains("/nonexistent/mcp-server"));
    // The chat still works without it.
    let tools: Vec<String> = s.engine.tools().await.into_iter().map(|t| t.name).collect();
    assert!(tools.contains(&"read_file".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approval_answered_with_an_edited_input_runs_the_edit_and_says_so() {
    let s = setup().await;
    s.server.push(tool_calls(&[(
        "e1",
        "write_file",
        r#"{"path": "out.txt", "content": "model"}"#,
    )]));
    s.server.push(say("Done."));
    send(&s.engine, &s.session, "write a file").await;
    let frames = frames_until(&s.engine, &s.session, 0, approval_requested).await;
    let approval = approval_in(&frames).unwrap();

    // Bad edits are refused and change nothing.
    let edit = |input: serde_json::Value, allow: bool| ApprovalAnswer {
        allow,
        input: Some(input),
        ..Default::default()
    };
    for (bad, why) in [
        (edit(serde_json::json!("out.txt"), true), "not an object"),
        (edit(serde_json::json!({"path": "out.txt"}), false), "an edit goes with allow"),
        (edit(serde_json::json!({"x": "y".repeat(300 * 1024)}), true), "too big"),
    ] {
        assert_eq!(
            s.engine.answer_approval(&approval.id, &bad).unwrap_err().code,
            ErrorCode::InvalidInput,
            "{why}"
        );
    }
    let edited = serde_json::json!({"path": "out.txt", "content": "edited by the user"});
    s.engine.answer_approval(&approval.id, &edit(edited, true)).unwrap();
    frames_until(&s.engine, &s.session, 0, completed).await;
    assert_eq!(
        std::fs::read_to_string(s.workspace.path().join("out.txt")).unwrap(),
        "edited by the user",
        "the edit is what ran"
    );
    let result = s.server.requests()[1]["messages"][2]["content"].to_string();
    assert!(
        result.contains("edited this call") && result.contains("edited by the user"),
        "the model is told: {result}"
    );
}
