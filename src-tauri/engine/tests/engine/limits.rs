//! Every stream has a limit and stalls end: a loopback provider that goes silent, trickles
//! keep-alive comments, sends an endless line or a reply over its limit ends the run with a
//! typed error naming the limit, within the limit, keeping what came before.

use std::time::{Duration, Instant};

use bytes::Bytes;
use hearth_engine::chat::{ContentBlock, Role};
use hearth_engine::frames::{Frame, FrameBody, RunStatus};
use hearth_engine::{CreateSession, Engine, ErrorCode};
use hearth_testkit::{ModelServer, Reply, openai_deltas, openai_stream};

use crate::support::{frames_until, openai_options, text};

const IDLE: Duration = Duration::from_millis(400);

fn engine(server: &ModelServer, dir: &std::path::Path) -> Engine {
    let options =
        hearth_engine::EngineOptions { stream_idle: IDLE, ..openai_options(server, "test-model") };
    Engine::open_with(dir, options).unwrap()
}

fn pieces(pieces: Vec<Vec<u8>>, gap: Duration) -> Reply {
    Reply::Stream { pieces: pieces.into_iter().map(Bytes::from).collect(), gap, cut: false }
}

/// Sends a message and waits for the run's end: its status, error code and frames.
async fn run(engine: &Engine) -> (RunStatus, Option<ErrorCode>, Vec<Frame>, String) {
    let session = engine.create_session(&CreateSession::default()).unwrap().id;
    engine.send(&session, text("go")).await.unwrap();
    let frames = frames_until(engine, &session, 0, |f| {
        f.iter().any(|f| matches!(f.body, FrameBody::RunCompleted { .. }))
    })
    .await;
    let (status, code) = frames
        .iter()
        .find_map(|f| match &f.body {
            FrameBody::RunCompleted { status, error, .. } => {
                Some((*status, error.as_ref().map(|e| e.code)))
            }
            _ => None,
        })
        .unwrap();
    (status, code, frames, session)
}

/// The reply's text as stored.
fn stored_reply(engine: &Engine, session: &str) -> String {
    let history = engine.history(session, None, None).unwrap();
    history
        .messages
        .iter()
        .filter(|m| m.role == Role::Assistant)
        .flat_map(|m| m.content.iter())
        .filter_map(|b| match b {
            ContentBlock::Text { text } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_that_goes_silent_ends_stream_stalled_and_keeps_what_came() {
    // The finding: a silent provider ended the run only after 300 s, as a transport error.
    let server = ModelServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&server, dir.path());
    let rest = openai_stream(&["Hello", " world"], true).split_off(openai_deltas(&["Hello"]).len());
    server.push(pieces(vec![openai_deltas(&["Hello"]).into_bytes(), rest.into_bytes()], IDLE * 10));
    let started = Instant::now();
    let (status, code, _, session) = run(&engine).await;
    assert_eq!((status, code), (RunStatus::Error, Some(ErrorCode::StreamStalled)));
    assert!(started.elapsed() < IDLE * 5, "ended within the idle time: {:?}", started.elapsed());
    assert_eq!(stored_reply(&engine, &session), "Hello", "what streamed is kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alive_comments_do_not_keep_a_stalled_stream_alive() {
    // The finding: an SSE comment every 20 s kept a run `running` for 15 minutes.
    let server = ModelServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&server, dir.path());
    let mut body = vec![openai_deltas(&["Hello"]).into_bytes()];
    body.extend(std::iter::repeat_n(b": keep-alive\n\n".to_vec(), 100));
    server.push(pieces(body, IDLE / 4));
    let started = Instant::now();
    let (status, code, _, _) = run(&engine).await;
    assert_eq!((status, code), (RunStatus::Error, Some(ErrorCode::StreamStalled)));
    assert!(started.elapsed() < IDLE * 5, "{:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stall_before_anything_streamed_is_retried() {
    let server = ModelServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&server, dir.path());
    server.push(pieces(
        vec![b": thinking\n\n".to_vec(), openai_stream(&["late"], true).into()],
        IDLE * 10,
    ));
    server.push(Reply::text(&["Hi again"]));
    let (status, code, frames, session) = run(&engine).await;
    assert_eq!((status, code), (RunStatus::Done, None));
    let retried = frames.iter().any(|f| {
        matches!(&f.body, FrameBody::Retrying { reason, .. } if reason.contains("sent nothing"))
    });
    assert!(retried, "the stall was retried and said so");
    assert_eq!(stored_reply(&engine, &session), "Hi again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_line_ends_event_too_large_within_seconds() {
    let server = ModelServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&server, dir.path());
    let mut body = vec![openai_deltas(&["Hello"]).into_bytes(), b"data: ".to_vec()];
    body.extend(std::iter::repeat_n(vec![b'x'; 64 * 1024], 100)); // 6.4 MB, no newline
    server.push(pieces(body, Duration::ZERO));
    let started = Instant::now();
    let (status, code, _, session) = run(&engine).await;
    assert_eq!((status, code), (RunStatus::Error, Some(ErrorCode::EventTooLarge)));
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(stored_reply(&engine, &session), "Hello");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_over_its_limit_ends_response_too_large() {
    // The finding: a 400 MB reply drove Hearth to 8.3 GB and ended `done`.
    let server = ModelServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&server, dir.path());
    let mib = "m".repeat(1024 * 1024);
    let deltas: Vec<&str> = std::iter::repeat_n(mib.as_str(), 20).collect(); // 20 MiB
    server.push(Reply::split_at(openai_stream(&deltas, true).as_bytes(), &[]));
    let (status, code, _, session) = run(&engine).await;
    assert_eq!((status, code), (RunStatus::Error, Some(ErrorCode::ResponseTooLarge)));
    let kept = stored_reply(&engine, &session).len();
    let limit = hearth_protocol::limits::MAX_REPLY_BYTES;
    assert!(kept <= limit && kept >= limit - mib.len(), "kept {kept} bytes of a {limit} limit");
}
