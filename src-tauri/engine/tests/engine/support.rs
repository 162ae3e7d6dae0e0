//! What the engine's integration tests share: engine options for a loopback server as an
//! account, a plain send, and collecting a session's frames until a condition holds.

use std::time::{Duration, Instant};

use hearth_engine::accounts::{AccountConfig, AccountsConfig};
use hearth_engine::chat::Role;
use hearth_engine::frames::Frame;
use hearth_engine::{Engine, EngineOptions, SendMessage, StoreOptions};
use hearth_testkit::{ModelServer, Reply};

/// The loopback server as the `env:openai` account, `model` the default; no auto-title (the
/// scripted servers expect only the turns' requests).
pub fn openai_options(server: &ModelServer, model: &str) -> EngineOptions {
    options_with(AccountsConfig {
        openai: vec![AccountConfig {
            id: "env:openai".into(),
            base_url: server.base_url(),
            api_key: Some("test-key".into()),
        }],
        default_model: Some(format!("env:openai/{model}")),
        ..Default::default()
    })
}

/// The same as the `env:anthropic` account.
pub fn anthropic_options(server: &ModelServer, model: &str) -> EngineOptions {
    options_with(AccountsConfig {
        anthropic: vec![AccountConfig {
            id: "env:anthropic".into(),
            base_url: server.root_url(),
            api_key: Some("sk-ant-test".into()),
        }],
        default_model: Some(format!("env:anthropic/{model}")),
        ..Default::default()
    })
}

pub fn options_with(accounts: AccountsConfig) -> EngineOptions {
    EngineOptions {
        store: StoreOptions::default(),
        accounts,
        auto_title: false,
        background: true,
        stream_idle: hearth_engine::default_stream_idle(),
        agent_env: Vec::new(),
    }
}

pub fn text(s: &str) -> SendMessage {
    SendMessage { text: s.into(), ..SendMessage::default() }
}

/// Collects the session's frames from `after` until `stop` says so (20 s at most).
pub async fn frames_until(
    engine: &Engine,
    session: &str,
    after: i64,
    stop: impl Fn(&[Frame]) -> bool,
) -> Vec<Frame> {
    let (_, mut sub) = engine.subscribe(session, after).await.unwrap();
    let mut out = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !stop(&out) {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, sub.frames.recv()).await {
            Ok(Some(f)) => out.push((*f).clone()),
            _ => panic!(
                "timed out waiting; frames so far: {:#?}",
                out.iter().map(|f| f.body.kind()).collect::<Vec<_>>()
            ),
        }
    }
    out
}

/// An Anthropic stream that says `text` and ends the turn.
pub fn anthropic_text(text: &str) -> Reply {
    let body = format!(
        "event: message_start\ndata: {{\"type\":\"message_start\",\"message\":{{\"usage\":{{\"input_tokens\":5,\"output_tokens\":1}}}}}}\n\n\
         event: content_block_start\ndata: {{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{{\"type\":\"text\",\"text\":\"\"}}}}\n\n\
         event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\"{text}\"}}}}\n\n\
         event: content_block_stop\ndata: {{\"type\":\"content_block_stop\",\"index\":0}}\n\n\
         event: message_delta\ndata: {{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"end_turn\"}},\"usage\":{{\"output_tokens\":3}}}}\n\n\
         event: message_stop\ndata: {{\"type\":\"message_stop\"}}\n\n"
    );
    Reply::split_at(body.as_bytes(), &[])
}

/// Sends `text` and waits for the reply to be written.
pub async fn turn(engine: &Engine, session: &str, text: &str) {
    turn_with(engine, session, self::text(text)).await;
}

/// Sends `message` and waits for the reply to be written.
pub async fn turn_with(engine: &Engine, session: &str, message: SendMessage) {
    let receipt = engine.send(session, message).await.unwrap();
    for _ in 0..400 {
        let history = engine.history(session, None, None).unwrap();
        if history
            .messages
            .iter()
            .any(|m| m.run_id.as_deref() == Some(&receipt.run_id) && m.role == Role::Assistant)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the turn did not finish");
}
