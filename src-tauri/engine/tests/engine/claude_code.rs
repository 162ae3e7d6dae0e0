//! Claude Code sessions end to end: the real `claude` CLI (the pinned copy `scripts/deps.sh`
//! installs in `.tools/`, or one on `PATH`), offline against the loopback server speaking
//! Anthropic's Messages stream, with its config, home and temp dirs in a temp dir so nothing
//! on the machine is read or written. Also the faults a CLI can have (a fake CLI for those:
//! garbage, an early exit, silence) and the checks at session creation.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hearth_engine::chat::{ContentBlock, MessageStatus, Role};
use hearth_engine::frames::{Frame, FrameBody, RunStatus};
use hearth_engine::store::approvals::ApprovalAnswer;
use hearth_engine::store::settings::SettingsPatch;
use hearth_engine::{CreateSession, Engine, EngineOptions, ErrorCode, RuntimeKind, UpdateSession};
use hearth_testkit::{ModelServer, Reply, anthropic_text, anthropic_tool_use};
use serde_json::{Value, json};

use crate::support::{anthropic_options, frames_until, text};

struct Setup {
    engine: Arc<Engine>,
    server: ModelServer,
    session: String,
    workspace: tempfile::TempDir,
    dirs: tempfile::TempDir,
}

/// Whether the real CLI is here; when it is not, the test says why and passes.
fn have_claude() -> bool {
    match hearth_engine::runtimes::locate::locate(&hearth_engine::runtimes::locate::CLAUDE, "") {
        Ok(_) => true,
        Err(e) => {
            eprintln!("SKIPPED: no claude CLI ({}); `scripts/deps.sh test` installs it", e.message);
            false
        }
    }
}

async fn engine_for(server: &ModelServer, dirs: &Path) -> Arc<Engine> {
    let agent_env = ["cfg", "home", "tmp"].map(|d| {
        std::fs::create_dir_all(dirs.join(d)).unwrap();
        dirs.join(d).display().to_string()
    });
    let options = EngineOptions {
        agent_env: vec![
            ("CLAUDE_CONFIG_DIR".into(), agent_env[0].clone()),
            ("HOME".into(), agent_env[1].clone()),
            ("TMPDIR".into(), agent_env[2].clone()),
            ("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC".into(), "1".into()),
        ],
        ..anthropic_options(server, "test-model")
    };
    Arc::new(Engine::open_with(&dirs.join("data"), options).unwrap())
}

async fn setup() -> Setup {
    let server = ModelServer::start().await;
    let dirs = tempfile::tempdir().unwrap();
    let workspace = tempfile::tempdir().unwrap();
    let engine = engine_for(&server, dirs.path()).await;
    let session = engine
        .create_session(&CreateSession {
            runtime: Some(RuntimeKind::ClaudeCode),
            workspace: Some(workspace.path().display().to_string()),
            model: Some("env:anthropic/test-model".into()),
            ..CreateSession::default()
        })
        .unwrap()
        .id;
    Setup { engine, server, session, workspace, dirs }
}

fn completed(n: usize) -> impl Fn(&[Frame]) -> bool {
    move |f| f.iter().filter(|f| matches!(f.body, FrameBody::RunCompleted { .. })).count() >= n
}

fn approval_requested(f: &[Frame]) -> bool {
    f.iter().any(|f| matches!(f.body, FrameBody::ApprovalRequested { .. }))
}

fn streamed_text(frames: &[Frame]) -> String {
    frames
        .iter()
        .filter_map(|f| match &f.body {
            FrameBody::TextDelta { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

fn run_status(frames: &[Frame]) -> (RunStatus, Option<hearth_engine::ApiError>) {
    frames
        .iter()
        .rev()
        .find_map(|f| match &f.body {
            FrameBody::RunCompleted { status, error, .. } => Some((*status, error.clone())),
            _ => None,
        })
        .expect("a run_completed frame")
}

/// The text of every message the model was sent in request `n` (tool results included).
fn request_text(server: &ModelServer, n: usize) -> String {
    let requests = server.requests();
    let Some(request) = requests.get(n) else {
        panic!("there is no request {n}; {} were made", requests.len())
    };
    request["messages"].to_string()
}

/// The tool_result blocks the model was sent in request `n`.
fn tool_results(server: &ModelServer, n: usize) -> Vec<Value> {
    server.requests()[n]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["content"].as_array().cloned().unwrap_or_default())
        .filter(|b| b["type"] == "tool_result")
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claude_code_turn_streams_text_deltas_and_is_stored_with_its_cost() {
    if !have_claude() {
        return;
    }
    let s = setup().await;
    s.server
        .push(Reply::events(&anthropic_text(&["Hel", "lo from", " Claude Code"]), Duration::ZERO));
    let sent = Instant::now();
    s.engine.send(&s.session, text("Say hello")).await.unwrap();
    let first = frames_until(&s.engine, &s.session, 0, |f| {
        f.iter().any(|f| matches!(f.body, FrameBody::TextDelta { .. }))
    })
    .await;
    let to_first_delta = sent.elapsed();
    let frames = frames_until(&s.engine, &s.session, 0, completed(1)).await;
    eprintln!(
        "claude code: first text_delta after {to_first_delta:?}, run over after {:?}",
        sent.elapsed()
    );
    assert!(!first.is_empty());

    assert_eq!(
        run_status(&frames).0,
        RunStatus::Done,
        "the turn ends done: {:?}",
        run_status(&frames)
    );
    assert_eq!(
        streamed_text(&frames),
        "Hello from Claude Code",
        "the model's text arrives as text_delta frames"
    );
    let kinds: Vec<&str> = frames.iter().map(|f| f.body.kind()).collect();
    for k in
        ["user_message", "run_started", "message_start", "text_start", "text_end", "message_end"]
    {
        assert!(kinds.contains(&k), "{k} is among the frames: {kinds:?}");
    }
    let history = s.engine.history(&s.session, None, None).unwrap();
    let reply =
        history.messages.iter().find(|m| m.role == Role::Assistant).expect("the reply is stored");
    assert_eq!(reply.content, vec![ContentBlock::Text { text: "Hello from Claude Code".into() }]);
    assert_eq!(reply.status, MessageStatus::Complete);

    assert_eq!(
        s.server.api_keys(),
        ["sk-ant-test"],
        "the account's key reached the CLI, through its environment"
    );
    assert!(request_text(&s.server, 0).contains("Say hello"), "the user's text reached the model");
    let session = s.engine.get_session(&s.session).unwrap();
    assert!(
        session.runtime_session_id.is_some(),
        "the CLI's conversation id is kept on the session"
    );
    let usage = s.engine.session_usage(&s.session).unwrap();
    assert!(
        usage.cost_usd.is_some_and(|c| c > 0.0),
        "the CLI's own cost is the run's cost: {usage:?}"
    );
    assert!(usage.usage.output_tokens > 0, "usage from the result: {usage:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approved_tool_runs_and_its_result_reaches_the_model() {
    if !have_claude() {
        return;
    }
    let s = setup().await;
    let input =
        json!({"command": "echo hearth > out.txt && echo wrote", "description": "write a file"});
    s.server.push(Reply::events(&anthropic_tool_use("toolu_01", "Bash", &input), Duration::ZERO));
    s.server.push(Reply::events(&anthropic_text(&["Done."]), Duration::ZERO));
    s.engine.send(&s.session, text("write out.txt")).await.unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, approval_requested).await;
    let FrameBody::ApprovalRequested { approval } = &frames.last().unwrap().body else { panic!() };
    assert_eq!((approval.tool.as_str(), approval.tool_use_id.as_str()), ("Bash", "toolu_01"));
    assert_eq!(
        approval.subject.as_deref(),
        Some("echo hearth > out.txt && echo wrote"),
        "the card shows the command"
    );
    assert!(frames.iter().any(|f| matches!(&f.body, FrameBody::ToolCallStart { id, name, .. } if id == "toolu_01" && name == "Bash")));
    assert!(!s.workspace.path().join("out.txt").exists(), "nothing runs before the answer");

    s.engine
        .answer_approval(&approval.id, &ApprovalAnswer { allow: true, ..Default::default() })
        .unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, completed(1)).await;
    assert_eq!(run_status(&frames).0, RunStatus::Done, "{:?}", run_status(&frames));
    assert_eq!(
        std::fs::read_to_string(s.workspace.path().join("out.txt")).unwrap(),
        "hearth\n",
        "it ran in the workspace"
    );
    let result = frames.iter().find_map(|f| match &f.body {
        FrameBody::ToolResult { tool_use_id, content, is_error, .. }
            if tool_use_id == "toolu_01" =>
        {
            Some((content.clone(), *is_error))
        }
        _ => None,
    });
    assert_eq!(result, Some(("wrote".into(), false)), "the tool card gets the result");
    let sent = tool_results(&s.server, 1);
    assert_eq!(sent.len(), 1, "the model got the tool's result: {sent:?}");
    assert!(sent[0].to_string().contains("wrote"), "with its output: {sent:?}");
    assert_eq!(streamed_text(&frames), "Done.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_tool_does_not_run_and_the_model_is_told_why() {
    if !have_claude() {
        return;
    }
    let s = setup().await;
    let input = json!({"command": "touch denied.txt", "description": "touch"});
    s.server.push(Reply::events(&anthropic_tool_use("toolu_02", "Bash", &input), Duration::ZERO));
    s.server.push(Reply::events(&anthropic_text(&["Understood."]), Duration::ZERO));
    s.engine.send(&s.session, text("touch a file")).await.unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, approval_requested).await;
    let FrameBody::ApprovalRequested { approval } = &frames.last().unwrap().body else { panic!() };
    let answer = ApprovalAnswer {
        allow: false,
        message: Some("not in this folder".into()),
        ..Default::default()
    };
    s.engine.answer_approval(&approval.id, &answer).unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, completed(1)).await;
    assert_eq!(run_status(&frames).0, RunStatus::Done, "{:?}", run_status(&frames));
    assert!(!s.workspace.path().join("denied.txt").exists(), "a denied command never runs");
    let sent = tool_results(&s.server, 1);
    assert_eq!(sent.len(), 1, "the model is answered for its call: {sent:?}");
    assert_eq!(sent[0]["is_error"], true, "as an error: {sent:?}");
    assert!(sent[0].to_string().contains("not in this folder"), "with the user's reason: {sent:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hearths_rules_answer_the_cli_without_asking() {
    if !have_claude() {
        return;
    }
    let s = setup().await;
    s.engine
        .add_rule(&hearth_engine::store::rules::NewRule {
            tool: "Bash".into(),
            pattern: Some("rm".into()),
            decision: hearth_engine::policy::Decision::Deny,
        })
        .unwrap();
    let input = json!({"command": "rm -rf build", "description": "clean"});
    s.server.push(Reply::events(&anthropic_tool_use("toolu_03", "Bash", &input), Duration::ZERO));
    s.server.push(Reply::events(&anthropic_text(&["OK."]), Duration::ZERO));
    s.engine.send(&s.session, text("clean up")).await.unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, completed(1)).await;
    assert!(!approval_requested(&frames), "a deny rule answers for the user");
    let sent = tool_results(&s.server, 1);
    assert!(
        sent[0].to_string().contains("permission rules"),
        "the model is told a rule refused it: {sent:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abort_stops_a_claude_code_turn_within_a_second_and_keeps_the_partial_reply() {
    if !have_claude() {
        return;
    }
    let s = setup().await;
    let words: Vec<String> = (0..60).map(|i| format!("word{i} ")).collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    s.server.push(Reply::events(&anthropic_text(&words), Duration::from_millis(150)));
    s.engine.send(&s.session, text("talk slowly")).await.unwrap();
    frames_until(&s.engine, &s.session, 0, |f| streamed_text(f).contains("word2")).await;
    let asked = Instant::now();
    assert!(s.engine.abort(&s.session).await.unwrap(), "there was a run to abort");
    let frames = frames_until(&s.engine, &s.session, 0, completed(1)).await;
    let took = asked.elapsed();
    eprintln!("claude code: abort took {took:?}");
    assert_eq!(run_status(&frames).0, RunStatus::Aborted);
    assert!(
        took < Duration::from_millis(1500),
        "abort ends the run within about a second, took {took:?}"
    );
    assert!(!streamed_text(&frames).contains("word59"), "the reply was cut");
    let history = s.engine.history(&s.session, None, None).unwrap();
    let reply = history
        .messages
        .iter()
        .find(|m| m.role == Role::Assistant)
        .expect("the partial reply is kept");
    assert_eq!(reply.status, MessageStatus::Aborted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_message_resumes_the_same_conversation_and_fixes_the_workspace() {
    if !have_claude() {
        return;
    }
    let s = setup().await;
    s.server.push(Reply::events(&anthropic_text(&["The answer is 42."]), Duration::ZERO));
    s.server.push(Reply::events(&anthropic_text(&["You asked about 42."]), Duration::ZERO));
    s.engine.send(&s.session, text("What is the answer?")).await.unwrap();
    frames_until(&s.engine, &s.session, 0, completed(1)).await;
    let conversation = s.engine.get_session(&s.session).unwrap().runtime_session_id;

    let other = tempfile::tempdir().unwrap();
    let moved = s.engine.update_session(
        &s.session,
        &UpdateSession {
            workspace: Some(other.path().display().to_string()),
            ..Default::default()
        },
    );
    assert_eq!(
        moved.unwrap_err().code,
        ErrorCode::WorkspaceFixed,
        "the CLI finds its conversation by folder"
    );

    s.engine.send(&s.session, text("What did I ask?")).await.unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, completed(2)).await;
    assert_eq!(run_status(&frames).0, RunStatus::Done, "{:?}", run_status(&frames));
    let second = request_text(&s.server, 1);
    assert!(
        second.contains("What is the answer?") && second.contains("The answer is 42."),
        "the second turn's model call carries the first exchange: {second}"
    );
    assert_eq!(
        s.engine.get_session(&s.session).unwrap().runtime_session_id,
        conversation,
        "one conversation"
    );
}

/// A stand-in for the CLI that misbehaves as told (the real one does not on demand).
fn fake_cli(dir: &Path, body: &str) -> String {
    let path = dir.join("claude");
    let script = format!(
        "#!/bin/sh\nif [ \"$1\" = --version ]; then echo '2.1.332 (Claude Code)'; exit 0; fi\n{body}\n"
    );
    std::fs::write(&path, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

async fn faulty(
    body: &str,
    silence: Option<u32>,
) -> (RunStatus, hearth_engine::ApiError, Duration) {
    let server = ModelServer::start().await;
    let dirs = tempfile::tempdir().unwrap();
    let engine = engine_for(&server, dirs.path()).await;
    let cli = fake_cli(dirs.path(), body);
    engine
        .update_settings(&SettingsPatch {
            claude_code_path: Some(cli),
            runtime_silence_secs: silence,
            ..Default::default()
        })
        .unwrap();
    let session = engine
        .create_session(&CreateSession {
            runtime: Some(RuntimeKind::ClaudeCode),
            workspace: Some(dirs.path().display().to_string()),
            ..CreateSession::default()
        })
        .unwrap()
        .id;
    let started = Instant::now();
    engine.send(&session, text("hi")).await.unwrap();
    let frames = frames_until(&engine, &session, 0, completed(1)).await;
    let (status, error) = run_status(&frames);
    // The session is intact: it answers and takes the next message.
    assert!(engine.get_session(&session).is_ok());
    (status, error.expect("an error"), started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cli_that_crashes_prints_garbage_or_falls_silent_ends_the_run_with_a_typed_error() {
    let (status, error, _) = faulty("echo 'segfault in module x' >&2; exit 3", None).await;
    assert_eq!((status, error.code), (RunStatus::Error, ErrorCode::RuntimeFailed));
    assert!(
        error.message.contains("segfault in module x"),
        "the stderr tail is quoted: {}",
        error.message
    );

    let (status, error, _) = faulty("echo 'Welcome!'; sleep 30", None).await;
    assert_eq!((status, error.code), (RunStatus::Error, ErrorCode::RuntimeFailed));
    assert!(error.message.contains("not stream-json"), "{}", error.message);

    let (status, error, took) = faulty("sleep 60", Some(5)).await;
    assert_eq!((status, error.code), (RunStatus::Error, ErrorCode::RuntimeFailed));
    assert!(error.message.contains("said nothing for 5 s"), "{}", error.message);
    assert!(took < Duration::from_secs(9), "the watchdog fired after the silence, took {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runtime_sessions_are_checked_before_anything_is_stored() {
    let server = ModelServer::start().await;
    let dirs = tempfile::tempdir().unwrap();
    let engine = engine_for(&server, dirs.path()).await;
    let make = |runtime, workspace: Option<String>| CreateSession {
        runtime: Some(runtime),
        workspace,
        ..CreateSession::default()
    };
    let dir = dirs.path().display().to_string();
    let file = dirs.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let cases = [
        (make(RuntimeKind::ClaudeCode, None), ErrorCode::InvalidWorkspace, "no workspace"),
        (
            make(RuntimeKind::ClaudeCode, Some(dirs.path().join("missing").display().to_string())),
            ErrorCode::InvalidWorkspace,
            "a missing folder",
        ),
        (
            make(RuntimeKind::ClaudeCode, Some(file.display().to_string())),
            ErrorCode::InvalidWorkspace,
            "a file",
        ),
        (
            CreateSession {
                model: Some("env:nobody/x".into()),
                ..make(RuntimeKind::ClaudeCode, Some(dir.clone()))
            },
            ErrorCode::InvalidModel,
            "a model of no account",
        ),
    ];
    for (req, code, why) in cases {
        if code == ErrorCode::InvalidModel && !have_claude() {
            continue;
        }
        assert_eq!(engine.create_session(&req).unwrap_err().code, code, "{why}");
    }
    engine
        .update_settings(&SettingsPatch {
            claude_code_path: Some(dirs.path().join("no-claude-here").display().to_string()),
            ..Default::default()
        })
        .unwrap();
    let err = engine.create_session(&make(RuntimeKind::ClaudeCode, Some(dir.clone()))).unwrap_err();
    assert_eq!(err.code, ErrorCode::RuntimeNotFound, "a missing CLI is refused at creation");
    assert!(
        err.message.contains("2.1.0"),
        "the message says which version is wanted: {}",
        err.message
    );
    let listed = engine.list_sessions(&Default::default()).unwrap();
    assert!(listed.sessions.is_empty(), "nothing was stored: {:?}", listed.sessions);

    let plain = engine.create_session(&CreateSession::default()).unwrap();
    assert_eq!(
        (plain.runtime, plain.runtime_session_id),
        (RuntimeKind::Hearth, None),
        "hearth is the default"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hearth_stopping_mid_turn_leaves_it_interrupted_and_the_next_start_resumes_the_conversation()
 {
    if !have_claude() {
        return;
    }
    let server = ModelServer::start().await;
    let dirs = tempfile::tempdir().unwrap();
    let workspace = tempfile::tempdir().unwrap();
    let engine = engine_for(&server, dirs.path()).await;
    let session = engine
        .create_session(&CreateSession {
            runtime: Some(RuntimeKind::ClaudeCode),
            workspace: Some(workspace.path().display().to_string()),
            model: Some("env:anthropic/test-model".into()),
            ..CreateSession::default()
        })
        .unwrap()
        .id;
    let words: Vec<String> = (0..60).map(|i| format!("w{i} ")).collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    server.push(Reply::events(&anthropic_text(&words), Duration::from_millis(150)));
    engine.send(&session, text("Remember the word fjord")).await.unwrap();
    frames_until(&engine, &session, 0, |f| streamed_text(f).contains("w2")).await;
    engine.shutdown().await;
    drop(engine);

    let engine = engine_for(&server, dirs.path()).await;
    let frames = frames_until(&engine, &session, 0, completed(1)).await;
    assert_eq!(
        run_status(&frames).0,
        RunStatus::Interrupted,
        "a run cut by Hearth stopping is interrupted"
    );
    server.push(Reply::events(&anthropic_text(&["It was fjord."]), Duration::ZERO));
    engine.send(&session, text("Which word?")).await.unwrap();
    let frames = frames_until(&engine, &session, 0, completed(2)).await;
    assert_eq!(run_status(&frames).0, RunStatus::Done, "{:?}", run_status(&frames));
    let resumed = request_text(&server, 1);
    assert!(
        resumed.contains("Remember the word fjord"),
        "the CLI resumed the interrupted conversation: {resumed}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn steered_text_is_the_clis_next_message_in_the_same_run() {
    if !have_claude() {
        return;
    }
    let s = setup().await;
    let words: Vec<String> = (0..12).map(|i| format!("a{i} ")).collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    s.server.push(Reply::events(&anthropic_text(&words), Duration::from_millis(100)));
    s.server.push(Reply::events(&anthropic_text(&["Noted the steer."]), Duration::ZERO));
    s.engine.send(&s.session, text("Count slowly")).await.unwrap();
    frames_until(&s.engine, &s.session, 0, |f| streamed_text(f).contains("a1")).await;
    let receipt = s.engine.steer(&s.session, "also mention steering").await.unwrap();
    assert_eq!(
        receipt.mode,
        hearth_engine::SteerMode::Steer,
        "a running claude-code turn takes steered text"
    );
    let frames = frames_until(&s.engine, &s.session, 0, completed(1)).await;
    assert_eq!(run_status(&frames).0, RunStatus::Done, "{:?}", run_status(&frames));
    assert!(frames.iter().any(|f| matches!(f.body, FrameBody::Steered { .. })), "a steered frame");
    assert!(
        streamed_text(&frames).ends_with("Noted the steer."),
        "the run went on to answer it: {}",
        streamed_text(&frames)
    );
    assert!(
        request_text(&s.server, 1).contains("also mention steering"),
        "the model got the steered text"
    );
    assert!(!completed(2)(&frames), "one run, not two");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chats_system_prompt_and_step_limit_reach_the_cli() {
    if !have_claude() {
        return;
    }
    let s = setup().await;
    s.engine
        .update_session(
            &s.session,
            &UpdateSession {
                system_prompt: Some("Answer like a lighthouse keeper.".into()),
                max_steps: Some(1),
                ..Default::default()
            },
        )
        .unwrap();
    let input = json!({"command": "echo one", "description": "one"});
    s.server.push(Reply::events(&anthropic_tool_use("toolu_09", "Bash", &input), Duration::ZERO));
    s.server.set_fallback(Reply::events(&anthropic_text(&["again"]), Duration::ZERO));
    s.engine.send(&s.session, text("go")).await.unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, completed(1)).await;
    let (status, error) = run_status(&frames);
    assert_eq!(
        (status, error.map(|e| e.code)),
        (RunStatus::Error, Some(ErrorCode::StepLimit)),
        "one step (--max-turns 1): the CLI stops at the tool call, as the built-in loop would"
    );
    assert!(!approval_requested(&frames), "nothing is asked past the limit");
    assert_eq!(s.server.requests().len(), 1, "one model call");
    assert!(
        s.server.requests()[0]["system"].to_string().contains("lighthouse keeper"),
        "the chat's system prompt reached the model"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clis_own_allow_rules_and_hooks_do_not_get_past_hearths_approvals() {
    if !have_claude() {
        return;
    }
    let s = setup().await;
    // Allow rules and a hook in every settings file the CLI would read: user, project, local.
    let settings = json!({
        "permissions": {"allow": ["Bash(touch:*)", "Bash"]},
        "hooks": {"PreToolUse": [{"matcher": "Bash",
            "hooks": [{"type": "command", "command": "touch hook-ran.txt"}]}]}
    })
    .to_string();
    std::fs::write(s.dirs.path().join("cfg/settings.json"), &settings).unwrap();
    std::fs::create_dir_all(s.workspace.path().join(".claude")).unwrap();
    std::fs::write(s.workspace.path().join(".claude/settings.json"), &settings).unwrap();
    std::fs::write(s.workspace.path().join(".claude/settings.local.json"), &settings).unwrap();
    let input = json!({"command": "touch allowed-by-the-cli.txt", "description": "touch"});
    s.server.push(Reply::events(&anthropic_tool_use("toolu_10", "Bash", &input), Duration::ZERO));
    s.server.set_fallback(Reply::events(&anthropic_text(&["OK."]), Duration::ZERO));
    s.engine.send(&s.session, text("touch it")).await.unwrap();
    let frames =
        frames_until(&s.engine, &s.session, 0, |f| approval_requested(f) || completed(1)(f)).await;
    assert!(
        approval_requested(&frames),
        "the CLI's own allow rules do not answer for Hearth: {:?}",
        frames.iter().map(|f| f.body.kind()).collect::<Vec<_>>()
    );
    assert!(!s.workspace.path().join("allowed-by-the-cli.txt").exists());
    assert!(!s.workspace.path().join("hook-ran.txt").exists(), "no settings hook ran");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_command_is_what_the_cli_runs() {
    if !have_claude() {
        return;
    }
    let s = setup().await;
    let input = json!({"command": "echo model > edited.txt", "description": "write"});
    s.server.push(Reply::events(&anthropic_tool_use("toolu_11", "Bash", &input), Duration::ZERO));
    s.server.push(Reply::events(&anthropic_text(&["Done."]), Duration::ZERO));
    s.engine.send(&s.session, text("write it")).await.unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, approval_requested).await;
    let FrameBody::ApprovalRequested { approval } = &frames.last().unwrap().body else { panic!() };
    let edited = json!({"command": "echo user > edited.txt", "description": "write"});
    let answer = ApprovalAnswer { allow: true, input: Some(edited), ..Default::default() };
    s.engine.answer_approval(&approval.id, &answer).unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, completed(1)).await;
    assert_eq!(run_status(&frames).0, RunStatus::Done, "{:?}", run_status(&frames));
    assert_eq!(
        std::fs::read_to_string(s.workspace.path().join("edited.txt")).unwrap(),
        "user\n",
        "the CLI ran the user's edit (updatedInput)"
    );
}
