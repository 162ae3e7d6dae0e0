//! Turns end to end inside the engine, against a real loopback server speaking the OpenAI
//! streaming protocol: persistence, history and watermark, the claim race, priorities, steer,
//! abort, retries, failures after the first token, idempotent sends and bad input.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hearth_engine::chat::{MessageStatus, Role};
use hearth_engine::frames::{Frame, FrameBody, Priority, RunStatus};
use hearth_engine::{CreateSession, Engine, EngineOptions, ErrorCode, SendMessage};
use hearth_testkit::{ModelServer, Reply, openai_deltas, openai_stream};

use crate::support::{anthropic_options, frames_until, openai_options, text};

struct Setup {
    engine: Arc<Engine>,
    server: ModelServer,
    session: String,
    _dir: tempfile::TempDir,
}

async fn setup() -> Setup {
    let server = ModelServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let options = openai_options(&server, "test-model");
    let engine = Arc::new(Engine::open_with(dir.path(), options).unwrap());
    let session = engine.create_session(&CreateSession::default()).unwrap().id;
    Setup { engine, server, session, _dir: dir }
}

fn completed(n: usize) -> impl Fn(&[Frame]) -> bool {
    move |f| f.iter().filter(|f| matches!(f.body, FrameBody::RunCompleted { .. })).count() >= n
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_turn_streams_is_stored_and_history_matches_the_frames() {
    let s = setup().await;
    s.server.push(Reply::text(&["Hel", "lo", " world"]));
    let receipt = s.engine.send(&s.session, text("Say hello")).await.unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, completed(1)).await;

    assert_eq!(streamed_text(&frames), "Hello world");
    let kinds: Vec<_> = frames.iter().map(|f| f.body.kind()).collect();
    for k in [
        "run_queued",
        "user_message",
        "run_started",
        "message_start",
        "text_start",
        "text_end",
        "message_end",
        "run_completed",
    ] {
        assert!(kinds.contains(&k), "the run must emit {k}: {kinds:?}");
    }
    assert!(frames.windows(2).all(|w| w[1].seq == w[0].seq + 1), "seqs are dense and ordered");
    let FrameBody::RunCompleted { status, usage, .. } = &frames.last().unwrap().body else {
        panic!()
    };
    assert_eq!((*status, usage.input_tokens, usage.output_tokens), (RunStatus::Done, 11, 3));

    let history = s.engine.history(&s.session, None, None).unwrap();
    assert_eq!(history.messages.len(), 2);
    assert_eq!(
        (history.messages[0].role, history.messages[0].id.as_str()),
        (Role::User, receipt.message_id.as_str())
    );
    let reply = &history.messages[1];
    assert_eq!((reply.role, reply.status), (Role::Assistant, MessageStatus::Complete));
    assert_eq!(hearth_engine::store::messages::text_of(reply), "Hello world");
    let end_seq = frames.iter().find(|f| f.body.kind() == "message_end").unwrap().seq;
    assert_eq!(history.watermark, end_seq, "the watermark is the seq of the reply's last frame");

    let request = &s.server.requests()[0];
    assert_eq!(request["model"], "test-model");
    assert_eq!(request["stream"], true);
    assert_eq!(request["messages"].as_array().unwrap().last().unwrap()["content"], "Say hello");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_client_msg_id_returns_the_first_receipt_and_creates_nothing() {
    let s = setup().await;
    s.server.set_fallback(Reply::text(&["ok"]));
    let req = SendMessage {
        text: "once".into(),
        client_msg_id: Some("c-1".into()),
        ..Default::default()
    };
    let first = s.engine.send(&s.session, req.clone()).await.unwrap();
    let second = s.engine.send(&s.session, req).await.unwrap();
    assert_eq!(
        (first.message_id.as_str(), first.run_id.as_str()),
        (second.message_id.as_str(), second.run_id.as_str())
    );
    frames_until(&s.engine, &s.session, 0, completed(1)).await;
    let history = s.engine.history(&s.session, None, None).unwrap();
    assert_eq!(
        history.messages.iter().filter(|m| m.role == Role::User).count(),
        1,
        "one user message"
    );
    assert_eq!(s.server.requests().len(), 1, "one model call");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_hundred_concurrent_sends_run_one_at_a_time_in_priority_order() {
    let s = setup().await;
    s.server.set_fallback(Reply::slow_text(&["a", "b"], Duration::from_millis(2)));
    let mut tasks = Vec::new();
    for i in 0..100 {
        let (engine, sid) = (s.engine.clone(), s.session.clone());
        tasks.push(tokio::spawn(async move {
            let priority = if i % 10 == 3 { Priority::Next } else { Priority::Later };
            let req = SendMessage {
                text: format!("m{i}"),
                client_msg_id: None,
                priority: Some(priority),
                ..SendMessage::default()
            };
            // The queue holds 20: a QUEUE_FULL answer is a valid, typed refusal; retry it.
            loop {
                match engine.send(&sid, req.clone()).await {
                    Ok(r) => return r,
                    Err(e) if e.code == ErrorCode::QueueFull => {
                        tokio::time::sleep(Duration::from_millis(20)).await
                    }
                    Err(e) => panic!("send failed: {e:?}"),
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let frames = frames_until(&s.engine, &s.session, 0, completed(100)).await;

    // Never two runs at once.
    let mut running: Option<String> = None;
    for f in &frames {
        match &f.body {
            FrameBody::RunStarted { .. } => {
                assert!(
                    running.is_none(),
                    "run {:?} started while {running:?} was running",
                    f.run_id
                );
                running = f.run_id.clone();
            }
            FrameBody::RunCompleted { status, .. } => {
                assert_eq!(running.take(), f.run_id, "a run ends only after it started");
                assert_eq!(*status, RunStatus::Done);
            }
            _ => {}
        }
    }
    // The queue is what the priorities say, replayed over the queueing order: at every
    // queue_changed the actor's queue equals the replay, and what leaves its head runs next.
    let mut queue: std::collections::VecDeque<String> = Default::default();
    let (mut popped, mut started_ids) = (Vec::new(), Vec::new());
    for f in &frames {
        match &f.body {
            FrameBody::RunQueued { message_id, priority, .. } => match priority {
                Priority::Later => queue.push_back(message_id.clone()),
                _ => queue.push_front(message_id.clone()),
            },
            FrameBody::QueueChanged { queue: now } => {
                let ids: Vec<String> = now.iter().map(|q| q.message_id.clone()).collect();
                if queue.len() == ids.len() + 1 {
                    popped.push(queue.pop_front().unwrap());
                }
                assert_eq!(
                    Vec::from(queue.clone()),
                    ids,
                    "the actor's queue follows the priorities"
                );
            }
            FrameBody::RunStarted { message_id, .. } => started_ids.push(message_id.clone()),
            _ => {}
        }
    }
    assert_eq!(popped, started_ids, "runs start in queue order");
    let started = started_ids.len();
    assert_eq!(started, 100, "all 100 sends ran");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn steered_text_lands_before_the_next_model_call() {
    let s = setup().await;
    s.server
        .push(Reply::slow_text(&["one ", "two ", "three ", "four"], Duration::from_millis(100)));
    s.server.push(Reply::text(&["noted"]));
    s.engine.send(&s.session, text("Count")).await.unwrap();
    frames_until(&s.engine, &s.session, 0, |f| f.iter().any(|f| f.body.kind() == "text_delta"))
        .await;
    let receipt = s.engine.steer(&s.session, "also count backwards").await.unwrap();
    assert_eq!(receipt.mode, hearth_engine::SteerMode::Steer);
    let frames = frames_until(&s.engine, &s.session, 0, completed(1)).await;

    let steered = frames.iter().position(|f| f.body.kind() == "steered").expect("a steered frame");
    let second_start = frames.iter().rposition(|f| f.body.kind() == "message_start").unwrap();
    assert!(steered < second_start, "the steer enters between the two model calls");
    let requests = s.server.requests();
    assert_eq!(requests.len(), 2, "the model is called again after the steer");
    let last = requests[1]["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["role"].as_str(), last["content"].as_str()),
        (Some("user"), Some("also count backwards"))
    );
    let history = s.engine.history(&s.session, None, None).unwrap();
    let roles: Vec<_> = history.messages.iter().map(|m| m.role).collect();
    assert_eq!(roles, [Role::User, Role::Assistant, Role::User, Role::Assistant]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abort_returns_within_a_second_and_keeps_the_partial_text() {
    let s = setup().await;
    let deltas: Vec<String> = (0..200).map(|i| format!("w{i} ")).collect();
    let refs: Vec<&str> = deltas.iter().map(String::as_str).collect();
    s.server.push(Reply::slow_text(&refs, Duration::from_millis(50)));
    s.engine.send(&s.session, text("Write a lot")).await.unwrap();
    frames_until(&s.engine, &s.session, 0, |f| {
        f.iter().filter(|f| f.body.kind() == "text_delta").count() >= 3
    })
    .await;

    let started = Instant::now();
    assert!(s.engine.abort(&s.session).await.unwrap(), "a running run is aborted");
    assert!(started.elapsed() < Duration::from_secs(1), "abort took {:?}", started.elapsed());

    let frames = frames_until(&s.engine, &s.session, 0, completed(1)).await;
    let FrameBody::RunCompleted { status, .. } = &frames.last().unwrap().body else { panic!() };
    assert_eq!(*status, RunStatus::Aborted);
    let history = s.engine.history(&s.session, None, None).unwrap();
    let reply = history.messages.last().unwrap();
    assert_eq!(reply.status, MessageStatus::Aborted);
    let kept = hearth_engine::store::messages::text_of(reply);
    assert!(
        !kept.is_empty() && kept == streamed_text(&frames),
        "the partial text is kept exactly as streamed: {kept:?}"
    );
    assert!(!s.engine.abort(&s.session).await.unwrap(), "nothing to abort when idle");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_with_retry_after_is_retried_after_that_long() {
    let s = setup().await;
    s.server.push(Reply::status(429, &[("retry-after", "1")], "slow down"));
    s.server.push(Reply::text(&["fine"]));
    let started = Instant::now();
    s.engine.send(&s.session, text("hi")).await.unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, completed(1)).await;
    let retrying = frames.iter().find_map(|f| match &f.body {
        FrameBody::Retrying { attempt, delay_ms, .. } => Some((*attempt, *delay_ms)),
        _ => None,
    });
    assert_eq!(retrying, Some((2, 1000)), "one retry announced, honouring Retry-After");
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(streamed_text(&frames), "fine");
    assert_eq!(s.server.requests().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_after_the_first_token_end_the_run_with_the_partial_reply() {
    let s = setup().await;
    // An in-band error object after some text.
    let body = format!(
        "{}data: {{\"error\":{{\"message\":\"Token limit reached\",\"code\":400}}}}\n\n",
        openai_deltas(&["partial ", "answer"])
    );
    s.server.push(Reply::split_at(body.as_bytes(), &[7, 100, 101, 250]));
    s.engine.send(&s.session, text("go")).await.unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, completed(1)).await;
    let FrameBody::RunCompleted { status, error, .. } = &frames.last().unwrap().body else {
        panic!()
    };
    assert_eq!(*status, RunStatus::Error);
    assert_eq!(error.as_ref().unwrap().code, ErrorCode::ProviderError);
    assert!(error.as_ref().unwrap().message.contains("Token limit reached"));
    let reply = s.engine.history(&s.session, None, None).unwrap().messages.pop().unwrap();
    assert_eq!(
        (reply.status, hearth_engine::store::messages::text_of(&reply).as_str()),
        (MessageStatus::Error, "partial answer")
    );
    assert_eq!(s.server.requests().len(), 1, "never retried after content: no silent duplicate");

    // A connection cut mid-stream after content.
    let cut = openai_stream(&["half ", "way ", "there"], false);
    let upto = cut.find("way").unwrap() + 10;
    s.server.push(Reply::Stream {
        pieces: vec![cut.as_bytes()[..upto].to_vec().into()],
        gap: Duration::ZERO,
        cut: true,
    });
    s.engine.send(&s.session, text("again")).await.unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, completed(2)).await;
    let FrameBody::RunCompleted { status, error, .. } = &frames.last().unwrap().body else {
        panic!()
    };
    assert_eq!(
        (*status, error.as_ref().unwrap().code),
        (RunStatus::Error, ErrorCode::StreamInterrupted)
    );
    assert_eq!(s.server.requests().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_before_the_first_token_is_retried() {
    let s = setup().await;
    s.server.push(Reply::Stream {
        pieces: vec![": keepalive\n\n".into()],
        gap: Duration::ZERO,
        cut: true,
    });
    s.server.push(Reply::text(&["recovered"]));
    s.engine.send(&s.session, text("hi")).await.unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, completed(1)).await;
    assert!(frames.iter().any(|f| f.body.kind() == "retrying"));
    assert_eq!(streamed_text(&frames), "recovered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_typed_error_and_writes_nothing() {
    let s = setup().await;
    let cases = [("", ErrorCode::MessageEmpty), ("   \n", ErrorCode::MessageEmpty)];
    for (t, code) in cases {
        assert_eq!(s.engine.send(&s.session, text(t)).await.unwrap_err().code, code, "{t:?}");
    }
    let huge = "x".repeat(1_000_001);
    assert_eq!(
        s.engine.send(&s.session, text(&huge)).await.unwrap_err().code,
        ErrorCode::MessageTooLong
    );
    assert_eq!(
        s.engine.send("no-such-session", text("hi")).await.unwrap_err().code,
        ErrorCode::SessionNotFound
    );
    assert_eq!(
        s.engine.subscribe(&s.session, -1).await.err().unwrap().code,
        ErrorCode::SeqOutOfRange
    );
    assert_eq!(
        s.engine.subscribe(&s.session, 1).await.err().unwrap().code,
        ErrorCode::SeqOutOfRange,
        "beyond last_seq (0)"
    );
    assert_eq!(s.engine.steer(&s.session, "").await.unwrap_err().code, ErrorCode::MessageEmpty);
    assert_eq!(s.engine.retry(&s.session).await.unwrap_err().code, ErrorCode::NothingToRetry);
    assert_eq!(
        s.engine.history(&s.session, Some(0), None).unwrap_err().code,
        ErrorCode::InvalidLimit
    );

    let history = s.engine.history(&s.session, None, None).unwrap();
    assert!(history.messages.is_empty(), "nothing was written");
    assert_eq!(s.engine.get_session(&s.session).unwrap().last_seq, 0, "no frame was written");
    assert!(s.server.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_is_bounded_and_can_be_cleared() {
    let s = setup().await;
    s.server.push(Reply::slow_text(&["a", "b", "c", "d"], Duration::from_millis(300)));
    s.server.set_fallback(Reply::text(&["x"]));
    s.engine.send(&s.session, text("first")).await.unwrap();
    for i in 0..20 {
        let r = s.engine.send(&s.session, text(&format!("q{i}"))).await.unwrap();
        assert_eq!(r.queue_position, i + 1, "positions count the runs ahead");
    }
    let err = s.engine.send(&s.session, text("one too many")).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::QueueFull);
    assert_eq!(s.engine.clear_queue(&s.session).await.unwrap(), 20);
    let frames = frames_until(&s.engine, &s.session, 0, completed(1)).await;
    assert!(
        frames
            .iter()
            .any(|f| matches!(&f.body, FrameBody::QueueChanged { queue } if queue.is_empty()))
    );
    assert_eq!(s.server.requests().len(), 1, "cleared sends never run");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_sends_survive_a_restart_and_run_in_order() {
    let server = ModelServer::start().await;
    server.push(Reply::slow_text(&["long ", "long ", "long ", "long"], Duration::from_millis(400)));
    server.set_fallback(Reply::text(&["ok"]));
    let dir = tempfile::tempdir().unwrap();
    let options = || openai_options(&server, "test-model");
    let engine = Engine::open_with(dir.path(), options()).unwrap();
    let session = engine.create_session(&CreateSession::default()).unwrap().id;
    engine.send(&session, text("running")).await.unwrap();
    for t in ["second", "third"] {
        engine.send(&session, text(t)).await.unwrap();
    }
    let urgent = SendMessage {
        text: "first of the queue".into(),
        client_msg_id: None,
        priority: Some(Priority::Next),
        ..SendMessage::default()
    };
    engine.send(&session, urgent).await.unwrap();
    frames_until(&engine, &session, 0, |f| f.iter().any(|f| f.body.kind() == "text_delta")).await;
    engine.shutdown().await;
    drop(engine);

    let engine = Engine::open_with(dir.path(), options()).unwrap();
    let frames = frames_until(&engine, &session, 0, completed(4)).await;
    let statuses: Vec<RunStatus> = frames
        .iter()
        .filter_map(|f| match &f.body {
            FrameBody::RunCompleted { status, .. } => Some(*status),
            _ => None,
        })
        .collect();
    assert_eq!(
        statuses,
        [RunStatus::Interrupted, RunStatus::Done, RunStatus::Done, RunStatus::Done]
    );
    let texts: Vec<String> = frames
        .iter()
        .filter_map(|f| match &f.body {
            FrameBody::UserMessage { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        texts,
        ["running", "first of the queue", "second", "third"],
        "the queue ran in its order after the restart"
    );
}

/// An Anthropic account end to end: a recorded Anthropic stream (thinking with a signature,
/// then text) through the real HTTP client; the signed thinking is stored and sent back
/// verbatim on the next request, with prompt caching on the conversation prefix.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anthropic_turn_keeps_signed_thinking_for_the_next_request() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/streams");
    let Ok(recorded) = std::fs::read(dir.join("anthropic_rec_thinking_signature_text.sse")) else {
        eprintln!("SKIP: ../shared/conformance/streams is absent");
        return;
    };
    let server = ModelServer::start().await;
    server.push(Reply::split_at(&recorded, &[17, 400, 401, 2000]));
    server.set_fallback(Reply::split_at(
        &std::fs::read(dir.join("anthropic_sdk_text_ping.sse")).unwrap(),
        &[],
    ));
    let data = tempfile::tempdir().unwrap();
    let options = anthropic_options(&server, "claude-test");
    let engine = Engine::open_with(data.path(), options).unwrap();
    let session = engine
        .create_session(&CreateSession {
            system_prompt: Some("Be brief.".into()),
            ..Default::default()
        })
        .unwrap()
        .id;
    engine.send(&session, text("How do I cross the street?")).await.unwrap();
    frames_until(&engine, &session, 0, completed(1)).await;
    let reply = engine.history(&session, None, None).unwrap().messages.pop().unwrap();
    let hearth_engine::chat::ContentBlock::Thinking { signature: Some(sig), .. } =
        &reply.content[0]
    else {
        panic!("the reply starts with signed thinking: {:?}", reply.content)
    };
    assert!(sig.starts_with("EvMC"));
    assert_eq!(reply.usage.map(|u| (u.input_tokens, u.output_tokens)), Some((43, 282)));

    engine.send(&session, text("Thanks")).await.unwrap();
    frames_until(&engine, &session, 0, completed(2)).await;
    let second = &server.requests()[1];
    assert_eq!(
        second["system"][0]["cache_control"]["type"], "ephemeral",
        "the system prompt is cached"
    );
    let assistant = &second["messages"][1];
    assert_eq!(assistant["role"], "assistant");
    assert_eq!(assistant["content"][0]["type"], "thinking");
    assert_eq!(
        assistant["content"][0]["signature"].as_str(),
        Some(sig.as_str()),
        "the signature goes back verbatim"
    );
    let last = second["messages"].as_array().unwrap().last().unwrap();
    assert_eq!(
        last["content"].as_array().unwrap().last().unwrap()["cache_control"]["type"],
        "ephemeral",
        "the prefix is cached"
    );
    assert_eq!(
        server.auth_headers()[0],
        "",
        "Anthropic takes the key in x-api-key, not Authorization"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_reply_titles_an_unnamed_session_but_never_a_named_one() {
    let server = ModelServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let options = EngineOptions { auto_title: true, ..openai_options(&server, "test-model") };
    let engine = Engine::open_with(dir.path(), options).unwrap();
    let unnamed = engine.create_session(&CreateSession::default()).unwrap().id;
    server.push(Reply::text(&["Hi there"]));
    server.push(Reply::text(&["\"Greeting ", "a friend.\""]));
    engine.send(&unnamed, text("hello")).await.unwrap();
    let frames =
        frames_until(&engine, &unnamed, 0, |f| f.iter().any(|f| f.body.kind() == "title_updated"))
            .await;
    let FrameBody::TitleUpdated { title } = &frames.last().unwrap().body else { panic!() };
    assert_eq!(title, "Greeting a friend");
    let session = engine.get_session(&unnamed).unwrap();
    assert_eq!(
        (session.title.as_str(), session.title_source),
        ("Greeting a friend", hearth_engine::store::sessions::TitleSource::Auto)
    );
    let title_request = &server.requests()[1];
    assert_eq!(title_request["max_tokens"], 30);
    assert!(
        title_request["messages"][1]["content"].as_str().unwrap().contains("hello"),
        "the title is made from the first exchange"
    );

    // A session the user named keeps its name.
    let named = engine
        .create_session(&CreateSession { title: Some("Mine".into()), ..Default::default() })
        .unwrap()
        .id;
    server.set_fallback(Reply::text(&["A title"]));
    engine.send(&named, text("hello")).await.unwrap();
    frames_until(&engine, &named, 0, completed(1)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(engine.get_session(&named).unwrap().title, "Mine");
    assert_eq!(server.requests().len(), 3, "no title request for a named session");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_tokens_inside_a_tool_call_ends_the_run_with_a_clear_error() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/streams");
    let Ok(recorded) = std::fs::read(dir.join("anthropic_sdk_max_tokens_incomplete_tool_json.sse"))
    else {
        eprintln!("SKIP: ../shared/conformance/streams is absent");
        return;
    };
    let server = ModelServer::start().await;
    server.push(Reply::split_at(&recorded, &[100, 101, 1000]));
    let data = tempfile::tempdir().unwrap();
    let options = anthropic_options(&server, "claude-test");
    let engine = Engine::open_with(data.path(), options).unwrap();
    let session = engine.create_session(&CreateSession::default()).unwrap().id;
    engine.send(&session, text("write my tax guide to a file")).await.unwrap();
    let frames = frames_until(&engine, &session, 0, completed(1)).await;
    let FrameBody::RunCompleted { status, error, .. } = &frames.last().unwrap().body else {
        panic!()
    };
    assert_eq!(
        (*status, error.as_ref().map(|e| e.code)),
        (RunStatus::Error, Some(ErrorCode::ToolCallTruncated))
    );
    assert!(error.as_ref().unwrap().message.contains("make_file"), "the message names the tool");
    let reply = engine.history(&session, None, None).unwrap().messages.pop().unwrap();
    assert_eq!(reply.status, MessageStatus::Error);
    assert!(
        hearth_engine::store::messages::text_of(&reply)
            .starts_with("I'll create a comprehensive tax guide"),
        "the text before the cut is kept"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_and_cost_add_up_per_session_and_account() {
    let server = ModelServer::start().await;
    server.set_fallback(Reply::text(&["a", "b", "c"])); // usage: 11 in, 3 out
    let dir = tempfile::tempdir().unwrap();
    let options = openai_options(&server, "gpt-4o-mini");
    let engine = Engine::open_with(dir.path(), options).unwrap();
    let priced = engine.create_session(&CreateSession::default()).unwrap().id;
    for t in ["one", "two"] {
        engine.send(&priced, text(t)).await.unwrap();
    }
    frames_until(&engine, &priced, 0, completed(2)).await;
    let summary = engine.session_usage(&priced).unwrap();
    assert_eq!((summary.usage.input_tokens, summary.usage.output_tokens), (22, 6));
    let expected = (22.0 * 0.15 + 6.0 * 0.6) / 1_000_000.0;
    assert!((summary.cost_usd.unwrap() - expected).abs() < 1e-12, "{summary:?}");
    assert!(summary.fully_priced);

    let unpriced = engine
        .create_session(&CreateSession {
            model: Some("env:openai/test-model".into()),
            ..Default::default()
        })
        .unwrap()
        .id;
    engine.send(&unpriced, text("three")).await.unwrap();
    frames_until(&engine, &unpriced, 0, completed(1)).await;
    let summary = engine.session_usage(&unpriced).unwrap();
    assert_eq!(
        (summary.usage.output_tokens, summary.cost_usd, summary.fully_priced),
        (3, None, false),
        "tokens only"
    );

    let accounts = engine.usage_by_account().unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(
        (accounts[0].account_id.as_str(), accounts[0].summary.usage.output_tokens),
        ("env:openai", 9)
    );
    assert!(
        !accounts[0].summary.fully_priced && accounts[0].summary.cost_usd.is_some(),
        "a lower bound of the cost"
    );
    assert_eq!(engine.session_usage("nope").unwrap_err().code, ErrorCode::SessionNotFound);
}
