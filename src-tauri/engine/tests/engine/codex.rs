//! Codex sessions end to end: the real `codex` CLI's `app-server` (the pinned copy
//! `scripts/deps.sh` installs in `.tools/`, or one on `PATH`), offline against the loopback
//! server speaking OpenAI's Responses stream, on a Hearth account (so its `CODEX_HOME` is
//! Hearth's, in the temp data dir) with `HOME` in a temp dir: nothing on the machine is read
//! or written. Also a CLI that fails (a fake one) and the checks at session creation.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hearth_engine::chat::{ContentBlock, MessageStatus, Role};
use hearth_engine::frames::{Frame, FrameBody, RunStatus};
use hearth_engine::store::approvals::ApprovalAnswer;
use hearth_engine::store::settings::SettingsPatch;
use hearth_engine::{CreateSession, Engine, EngineOptions, ErrorCode, RuntimeKind};
use hearth_testkit::{ModelServer, Reply, responses_call, responses_text};
use serde_json::{Value, json};

use crate::support::{frames_until, openai_options, text};

struct Setup {
    engine: Arc<Engine>,
    server: ModelServer,
    session: String,
    workspace: tempfile::TempDir,
    dirs: tempfile::TempDir,
}

/// Whether the real CLI is here; when it is not, the test says why and passes.
fn have_codex() -> bool {
    use hearth_engine::runtimes::locate;
    match locate::locate(&locate::CODEX, "") {
        Ok(_) => true,
        Err(e) => {
            eprintln!("SKIPPED: no codex CLI ({}); `scripts/deps.sh test` installs it", e.message);
            false
        }
    }
}

fn engine_for(server: &ModelServer, dirs: &Path) -> Arc<Engine> {
    let home = dirs.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let options = EngineOptions {
        agent_env: vec![("HOME".into(), home.display().to_string())],
        ..openai_options(server, "test-model")
    };
    Arc::new(Engine::open_with(&dirs.join("data"), options).unwrap())
}

async fn setup() -> Setup {
    let server = ModelServer::start().await;
    let dirs = tempfile::tempdir().unwrap();
    let workspace = tempfile::tempdir().unwrap();
    let engine = engine_for(&server, dirs.path());
    let session = engine
        .create_session(&CreateSession {
            runtime: Some(RuntimeKind::Codex),
            workspace: Some(workspace.path().display().to_string()),
            model: Some("env:openai/test-model".into()),
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

/// The `input` items the model was sent in the last request so far (Codex sends the whole
/// history every time).
fn last_input(server: &ModelServer) -> Vec<Value> {
    let requests = server.requests();
    let last = requests.last().expect("a request was made");
    last["input"].as_array().cloned().unwrap_or_default()
}

fn outputs(input: &[Value]) -> Vec<String> {
    input
        .iter()
        .filter(|i| i["type"] == "function_call_output")
        .map(|i| i["output"].to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_codex_turn_streams_text_deltas_and_is_stored_with_its_usage() {
    if !have_codex() {
        return;
    }
    let s = setup().await;
    s.server.push(Reply::events(&responses_text(&["Hel", "lo from", " Codex"]), Duration::ZERO));
    let sent = Instant::now();
    s.engine.send(&s.session, text("Say hello")).await.unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, completed(1)).await;
    eprintln!("codex: text turn over after {:?}", sent.elapsed());
    assert_eq!(run_status(&frames).0, RunStatus::Done, "{:?}", run_status(&frames));
    assert_eq!(streamed_text(&frames), "Hello from Codex", "the text arrives as text_delta frames");
    let kinds: Vec<&str> = frames.iter().map(|f| f.body.kind()).collect();
    for k in
        ["user_message", "run_started", "message_start", "text_start", "text_end", "message_end"]
    {
        assert!(kinds.contains(&k), "{k} is among the frames: {kinds:?}");
    }
    let history = s.engine.history(&s.session, None, None).unwrap();
    let reply =
        history.messages.iter().find(|m| m.role == Role::Assistant).expect("the reply is stored");
    assert_eq!(reply.content, vec![ContentBlock::Text { text: "Hello from Codex".into() }]);
    assert_eq!(reply.status, MessageStatus::Complete);

    assert_eq!(
        s.server.auth_headers().first().map(String::as_str),
        Some("Bearer test-key"),
        "the account's key reached Codex, through its environment"
    );
    assert!(last_input(&s.server).iter().any(|i| i.to_string().contains("Say hello")));
    let config = std::fs::read_to_string(s.dirs.path().join("data/codex/home/config.toml"))
        .expect("Codex runs with Hearth's config for a Hearth account");
    assert!(!config.contains("test-key"), "the key is in no file: {config}");
    assert!(
        s.engine.get_session(&s.session).unwrap().runtime_session_id.is_some(),
        "the thread id is kept"
    );
    let usage = s.engine.session_usage(&s.session).unwrap();
    assert!(usage.usage.output_tokens > 0, "usage from Codex's token counts: {usage:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approved_command_runs_and_its_output_reaches_the_model_without_the_key() {
    if !have_codex() {
        return;
    }
    let s = setup().await;
    let cmd = json!({"cmd": "echo hearth > out.txt && echo wrote && env"});
    s.server.push(Reply::events(&responses_call("call_1", "exec_command", &cmd), Duration::ZERO));
    s.server.push(Reply::events(&responses_text(&["Done."]), Duration::ZERO));
    s.engine.send(&s.session, text("write out.txt")).await.unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, approval_requested).await;
    let FrameBody::ApprovalRequested { approval } = &frames.last().unwrap().body else { panic!() };
    assert_eq!(approval.tool, "shell");
    assert_eq!(
        approval.subject.as_deref(),
        Some("echo hearth > out.txt && echo wrote && env"),
        "the card shows the command as the model wrote it"
    );
    assert!(
        frames
            .iter()
            .any(|f| matches!(&f.body, FrameBody::ToolCallStart { name, .. } if name == "shell"))
    );
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
        FrameBody::ToolResult { content, is_error, .. } => Some((content.clone(), *is_error)),
        _ => None,
    });
    let (content, is_error) = result.expect("the tool card gets the result");
    assert!(content.contains("wrote") && !is_error, "{content}");
    let sent = outputs(&last_input(&s.server));
    assert!(sent.iter().any(|o| o.contains("wrote")), "the model got the output: {sent:?}");
    assert!(sent.iter().any(|o| o.contains("HOME=")), "with the command's environment: {sent:?}");
    assert!(
        !sent.iter().any(|o| o.contains("test-key")) && !content.contains("test-key"),
        "the account's key is not in the command's environment"
    );
    assert_eq!(streamed_text(&frames), "Done.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_command_does_not_run_and_the_model_is_told_why() {
    if !have_codex() {
        return;
    }
    let s = setup().await;
    let cmd = json!({"cmd": "touch denied.txt"});
    s.server.push(Reply::events(&responses_call("call_2", "exec_command", &cmd), Duration::ZERO));
    s.server.set_fallback(Reply::events(&responses_text(&["Understood."]), Duration::ZERO));
    s.engine.send(&s.session, text("touch a file")).await.unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, approval_requested).await;
    let FrameBody::ApprovalRequested { approval } = &frames.last().unwrap().body else { panic!() };
    let edit = ApprovalAnswer {
        allow: true,
        input: Some(json!({"command": "touch other.txt"})),
        ..Default::default()
    };
    assert_eq!(
        s.engine.answer_approval(&approval.id, &edit).unwrap_err().code,
        ErrorCode::InvalidInput,
        "Codex cannot run an edited command; the approval still waits"
    );
    let answer = ApprovalAnswer {
        allow: false,
        message: Some("not in this folder".into()),
        ..Default::default()
    };
    s.engine.answer_approval(&approval.id, &answer).unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, completed(1)).await;
    assert_eq!(run_status(&frames).0, RunStatus::Done, "{:?}", run_status(&frames));
    assert!(!s.workspace.path().join("denied.txt").exists(), "a denied command never runs");
    let input = last_input(&s.server);
    assert_eq!(outputs(&input).len(), 1, "the model is answered for its call: {input:?}");
    assert!(
        input.iter().any(|i| i.to_string().contains("not in this folder")),
        "with the user's reason: {input:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hearths_rules_answer_codex_without_asking() {
    if !have_codex() {
        return;
    }
    let s = setup().await;
    s.engine
        .add_rule(&hearth_engine::store::rules::NewRule {
            tool: "shell".into(),
            pattern: Some("touch".into()),
            decision: hearth_engine::policy::Decision::Deny,
        })
        .unwrap();
    let cmd = json!({"cmd": "touch ruled.txt"});
    s.server.push(Reply::events(&responses_call("call_3", "exec_command", &cmd), Duration::ZERO));
    s.server.set_fallback(Reply::events(&responses_text(&["OK."]), Duration::ZERO));
    s.engine.send(&s.session, text("touch it")).await.unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, completed(1)).await;
    assert_eq!(run_status(&frames).0, RunStatus::Done, "{:?}", run_status(&frames));
    assert!(!approval_requested(&frames), "a deny rule answers for the user");
    assert!(!s.workspace.path().join("ruled.txt").exists(), "and the command never runs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abort_stops_a_codex_turn_within_a_second_and_keeps_the_partial_reply() {
    if !have_codex() {
        return;
    }
    let s = setup().await;
    let words: Vec<String> = (0..60).map(|i| format!("word{i} ")).collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    s.server.push(Reply::events(&responses_text(&words), Duration::from_millis(150)));
    s.engine.send(&s.session, text("talk slowly")).await.unwrap();
    frames_until(&s.engine, &s.session, 0, |f| streamed_text(f).contains("word2")).await;
    let asked = Instant::now();
    assert!(s.engine.abort(&s.session).await.unwrap(), "there was a run to abort");
    let frames = frames_until(&s.engine, &s.session, 0, completed(1)).await;
    let took = asked.elapsed();
    eprintln!("codex: abort took {took:?}");
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
async fn the_next_message_resumes_the_same_thread() {
    if !have_codex() {
        return;
    }
    let s = setup().await;
    s.engine
        .update_session(
            &s.session,
            &hearth_engine::UpdateSession {
                system_prompt: Some("Answer like a lighthouse keeper.".into()),
                ..Default::default()
            },
        )
        .unwrap();
    s.server.push(Reply::events(&responses_text(&["The answer is 42."]), Duration::ZERO));
    s.server.push(Reply::events(&responses_text(&["You asked about 42."]), Duration::ZERO));
    s.engine.send(&s.session, text("What is the answer?")).await.unwrap();
    frames_until(&s.engine, &s.session, 0, completed(1)).await;
    let thread = s.engine.get_session(&s.session).unwrap().runtime_session_id;
    s.engine.send(&s.session, text("What did I ask?")).await.unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, completed(2)).await;
    assert_eq!(run_status(&frames).0, RunStatus::Done, "{:?}", run_status(&frames));
    let second = serde_json::to_string(&last_input(&s.server)).unwrap();
    assert!(
        second.contains("What is the answer?") && second.contains("The answer is 42."),
        "the second turn's model call carries the first exchange: {second}"
    );
    assert_eq!(s.engine.get_session(&s.session).unwrap().runtime_session_id, thread, "one thread");
    assert!(
        second.contains("lighthouse keeper"),
        "the chat's system prompt is Codex's instructions"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hearth_stopping_mid_turn_leaves_it_interrupted_and_the_next_turn_resumes_the_thread() {
    if !have_codex() {
        return;
    }
    let s = setup().await;
    let words: Vec<String> = (0..60).map(|i| format!("w{i} ")).collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    s.server.push(Reply::events(&responses_text(&words), Duration::from_millis(150)));
    s.engine.send(&s.session, text("Remember the word fjord")).await.unwrap();
    frames_until(&s.engine, &s.session, 0, |f| streamed_text(f).contains("w2")).await;
    s.engine.shutdown().await;
    let Setup { engine, server, session, dirs, workspace: _workspace, .. } = s;
    drop(engine);

    let engine = engine_for(&server, dirs.path());
    let frames = frames_until(&engine, &session, 0, completed(1)).await;
    assert_eq!(
        run_status(&frames).0,
        RunStatus::Interrupted,
        "a run cut by Hearth stopping is interrupted"
    );
    server.push(Reply::events(&responses_text(&["It was fjord."]), Duration::ZERO));
    engine.send(&session, text("Which word?")).await.unwrap();
    let frames = frames_until(&engine, &session, 0, completed(2)).await;
    assert_eq!(run_status(&frames).0, RunStatus::Done, "{:?}", run_status(&frames));
    let resumed = serde_json::to_string(&last_input(&server)).unwrap();
    assert!(
        resumed.contains("Remember the word fjord"),
        "Codex resumed the interrupted thread: {resumed}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codex_sessions_are_checked_and_a_crash_quotes_its_stderr() {
    let server = ModelServer::start().await;
    let dirs = tempfile::tempdir().unwrap();
    let engine = engine_for(&server, dirs.path());
    let dir = dirs.path().display().to_string();
    let make = |model: Option<&str>| CreateSession {
        runtime: Some(RuntimeKind::Codex),
        workspace: Some(dir.clone()),
        model: model.map(str::to_owned),
        ..CreateSession::default()
    };
    engine
        .update_settings(&SettingsPatch {
            codex_path: Some(dirs.path().join("no-codex-here").display().to_string()),
            ..Default::default()
        })
        .unwrap();
    let err = engine.create_session(&make(None)).unwrap_err();
    assert_eq!(err.code, ErrorCode::RuntimeNotFound, "a missing CLI is refused at creation");
    assert!(err.message.contains("0.171.0"), "saying which version is wanted: {}", err.message);
    assert!(
        engine.list_sessions(&Default::default()).unwrap().sessions.is_empty(),
        "nothing stored"
    );

    // A stand-in that crashes (the real one does not on demand).
    let fake = dirs.path().join("codex");
    std::fs::write(
        &fake,
        "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'codex-cli 0.171.0'; exit 0; fi\n\
         echo 'thread main panicked at sandbox.rs' >&2; exit 101\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    engine
        .update_settings(&SettingsPatch {
            codex_path: Some(fake.display().to_string()),
            ..Default::default()
        })
        .unwrap();
    let session = engine.create_session(&make(None)).unwrap().id;
    engine.send(&session, text("hi")).await.unwrap();
    let frames = frames_until(&engine, &session, 0, completed(1)).await;
    let (status, error) = run_status(&frames);
    let error = error.expect("an error");
    assert_eq!((status, error.code), (RunStatus::Error, ErrorCode::RuntimeFailed));
    assert!(
        error.message.contains("panicked at sandbox.rs"),
        "the stderr tail is quoted: {}",
        error.message
    );

    // A model Codex cannot serve: an Anthropic account's, refused at creation.
    let anthropic = ModelServer::start().await;
    let options = crate::support::anthropic_options(&anthropic, "m");
    let engine = Engine::open_with(&dirs.path().join("data2"), options).unwrap();
    engine
        .update_settings(&SettingsPatch {
            codex_path: Some(fake.display().to_string()),
            ..Default::default()
        })
        .unwrap();
    let err = engine.create_session(&make(Some("env:anthropic/m"))).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidModel, "{err:?}");
}
