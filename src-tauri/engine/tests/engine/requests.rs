//! What Hearth sends: provider-neutral blocks converted to each protocol (system prompt,
//! images, tool definitions, calls and results, thinking), the thinking budget, the models
//! list with capabilities, the small model that titles a chat, and the local-server probe.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use hearth_engine::chat::{ContentBlock, Role};
use hearth_engine::provider::anthropic::AnthropicMessages;
use hearth_engine::provider::openai::OpenAiChat;
use hearth_engine::provider::responses::OpenAiResponses;
use hearth_engine::provider::{ImageData, ModelMessage, ModelRequest, ToolSpec};
use hearth_engine::store::sessions::UpdateSession;
use hearth_engine::store::settings::SettingsPatch;
use hearth_engine::{CreateSession, Engine, EngineOptions, ErrorCode};
use hearth_testkit::{ModelServer, Reply};
use serde_json::{Value, json};

use crate::support::{anthropic_options, anthropic_text, openai_options, turn};

/// A conversation with every kind of block: the user shows an image (and one whose file is
/// gone), the model thinks, signs, redacts, says something and calls two tools, and the
/// results come back, one of them an error.
fn conversation() -> ModelRequest {
    let user = |content| ModelMessage { role: Role::User, content };
    let assistant = |content| ModelMessage { role: Role::Assistant, content };
    ModelRequest {
        model: "m".into(),
        system: Some("Be brief.".into()),
        messages: vec![
            user(vec![
                ContentBlock::Text { text: "What is this?".into() },
                ContentBlock::Image { attachment_id: "img1".into(), mime: "image/png".into() },
                ContentBlock::Image { attachment_id: "gone".into(), mime: "image/png".into() },
            ]),
            assistant(vec![
                ContentBlock::Thinking {
                    text: "Look closer.".into(),
                    signature: Some("sig".into()),
                },
                ContentBlock::RedactedThinking { data: "opaque".into() },
                ContentBlock::Text { text: "Let me check.".into() },
                ContentBlock::ToolUse {
                    id: "call_1".into(),
                    name: "read_file".into(),
                    input: json!({"path": "a.txt"}),
                },
                ContentBlock::ToolUse {
                    id: "call_2".into(),
                    name: "list_dir".into(),
                    input: json!({}),
                },
            ]),
            user(vec![
                ContentBlock::ToolResult {
                    tool_use_id: "call_1".into(),
                    content: "hello".into(),
                    is_error: false,
                },
                ContentBlock::ToolResult {
                    tool_use_id: "call_2".into(),
                    content: "denied".into(),
                    is_error: true,
                },
            ]),
        ],
        max_tokens: None,
        tools: vec![ToolSpec {
            name: "read_file".into(),
            description: "Reads a file.".into(),
            input_schema: json!({"type": "object", "properties": {"path": {"type": "string"}}}),
        }],
        thinking_budget: Some(2048),
        images: Arc::new(HashMap::from([(
            "img1".to_owned(),
            ImageData { mime: "image/png".into(), base64: "iVBORw0KGgo=".into() },
        )])),
        ..ModelRequest::default()
    }
}

#[test]
fn anthropic_requests_carry_images_tools_results_and_signed_thinking() {
    let body = AnthropicMessages::body(&conversation());
    assert_eq!(body["thinking"], json!({"type": "enabled", "budget_tokens": 2048}));
    assert_eq!(body["max_tokens"], 2048 + 8192, "the reply's budget exceeds the thinking budget");
    assert_eq!(body["tools"][0]["input_schema"]["properties"]["path"]["type"], "string");
    assert_eq!(body["tools"][0]["cache_control"]["type"], "ephemeral");
    let m = body["messages"].as_array().unwrap();
    assert_eq!(m.len(), 3);
    assert_eq!(
        m[0]["content"][1],
        json!({"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}})
    );
    assert_eq!(m[0]["content"][2]["type"], "text", "a missing image is said, not dropped");
    let kinds: Vec<&str> =
        m[1]["content"].as_array().unwrap().iter().map(|b| b["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["thinking", "redacted_thinking", "text", "tool_use", "tool_use"]);
    assert_eq!(m[1]["content"][0]["signature"], "sig");
    assert_eq!(m[1]["content"][3]["input"], json!({"path": "a.txt"}));
    assert_eq!(m[2]["content"][0]["tool_use_id"], "call_1");
    assert_eq!(m[2]["content"][1]["is_error"], true);
}

#[test]
fn chat_completions_requests_put_calls_on_the_assistant_and_results_in_tool_messages() {
    let body = OpenAiChat::body(&conversation());
    assert_eq!(body["reasoning_effort"], "low");
    assert_eq!(body["tools"][0]["type"], "function");
    assert_eq!(body["tools"][0]["function"]["name"], "read_file");
    assert_eq!(body["tools"][0]["function"]["parameters"]["type"], "object");
    let m = body["messages"].as_array().unwrap();
    let roles: Vec<&str> = m.iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["system", "user", "assistant", "tool", "tool"]);
    assert_eq!(m[1]["content"][1]["image_url"]["url"], "data:image/png;base64,iVBORw0KGgo=");
    assert_eq!(m[2]["content"], "Let me check.", "thinking is not sent back");
    assert_eq!(m[2]["tool_calls"][0]["function"]["arguments"], "{\"path\":\"a.txt\"}");
    assert_eq!(m[2]["tool_calls"][1]["id"], "call_2");
    assert_eq!(m[3], json!({"role": "tool", "tool_call_id": "call_1", "content": "hello"}));
    assert_eq!(m[4]["content"], "Error: denied");
}

#[test]
fn responses_requests_use_function_call_items_and_reasoning_effort() {
    let body = OpenAiResponses::body(&conversation());
    assert_eq!(body["instructions"], "Be brief.");
    assert_eq!(body["reasoning"], json!({"effort": "low", "summary": "auto"}));
    assert_eq!(
        body["tools"][0],
        json!({
            "type": "function",
            "name": "read_file",
            "description": "Reads a file.",
            "parameters": {"type": "object", "properties": {"path": {"type": "string"}}},
        })
    );
    let items = body["input"].as_array().unwrap();
    let kinds: Vec<String> = items
        .iter()
        .map(|i| i["type"].as_str().map(str::to_owned).unwrap_or(format!("{}", i["role"])))
        .collect();
    assert_eq!(
        kinds,
        [
            "\"user\"",
            "\"assistant\"",
            "function_call",
            "function_call",
            "function_call_output",
            "function_call_output"
        ]
    );
    assert_eq!(
        items[0]["content"][1],
        json!({"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo="})
    );
    assert_eq!(items[2]["call_id"], "call_1");
    assert_eq!(items[2]["arguments"], "{\"path\":\"a.txt\"}");
    assert_eq!(items[5]["output"], "Error: denied");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_thinking_budget_is_a_session_setting_sent_only_to_models_that_think() {
    let server = ModelServer::start().await;
    server.set_models(&["claude-sonnet-4-5", "claude-3-haiku-20240307"]);
    server.set_fallback(anthropic_text("ok"));
    let dir = tempfile::tempdir().unwrap();
    let engine =
        Engine::open_with(dir.path(), anthropic_options(&server, "claude-sonnet-4-5")).unwrap();
    let session = engine.create_session(&CreateSession::default()).unwrap();
    assert_eq!(session.thinking_budget, None, "thinking is off until asked for");

    for bad in [1, 1023, 64_001] {
        let patch = UpdateSession { thinking_budget: Some(bad), ..Default::default() };
        let e = engine.update_session(&session.id, &patch).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{bad}");
    }
    assert_eq!(engine.get_session(&session.id).unwrap().thinking_budget, None, "nothing changed");

    let patch = UpdateSession { thinking_budget: Some(4096), ..Default::default() };
    assert_eq!(engine.update_session(&session.id, &patch).unwrap().thinking_budget, Some(4096));
    turn(&engine, &session.id, "think").await;
    let sent = server.requests();
    assert_eq!(sent[0]["thinking"], json!({"type": "enabled", "budget_tokens": 4096}));

    // A model without extended thinking would refuse the parameter: it is left out.
    let patch = UpdateSession {
        model: Some("env:anthropic/claude-3-haiku-20240307".into()),
        ..Default::default()
    };
    engine.update_session(&session.id, &patch).unwrap();
    turn(&engine, &session.id, "again").await;
    assert_eq!(server.requests()[1].get("thinking"), None);

    let off = UpdateSession { thinking_budget: Some(0), ..Default::default() };
    assert_eq!(engine.update_session(&session.id, &off).unwrap().thinking_budget, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn models_are_listed_with_capabilities_cached_and_refreshed_on_request() {
    let server = ModelServer::start().await;
    server.set_model_entries(vec![
        json!({"id": "gpt-4o-mini"}),
        json!({"id": "my-finetune"}),
        json!({
            "id": "vendor/router-model",
            "architecture": {"input_modalities": ["text", "image"]},
            "supported_parameters": ["tools"],
        }),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let options = openai_options(&server, "test-model");
    let engine = Engine::open_with(dir.path(), options).unwrap();
    let caps: Vec<(String, Vec<String>)> =
        engine.models().await.models.into_iter().map(|m| (m.name, m.capabilities)).collect();
    assert_eq!(
        caps,
        [
            ("gpt-4o-mini".to_owned(), vec!["vision".to_owned(), "tools".to_owned()]),
            ("my-finetune".to_owned(), vec![]),
            ("vendor/router-model".to_owned(), vec!["vision".to_owned(), "tools".to_owned()]),
        ]
    );
    server.set_models(&["new-model"]);
    assert_eq!(engine.models().await.models.len(), 3, "the list is cached");
    let fresh = engine.models_refreshed(true).await;
    assert_eq!(fresh.models.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["new-model"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_model_of_the_same_account_titles_the_chat() {
    let server = ModelServer::start().await;
    server.set_models(&["gpt-5", "gpt-4o-mini-2024-07-18", "gpt-4o-mini"]);
    server.push(Reply::text(&["Hello!"]));
    server.push(Reply::text(&["Saying hello"]));
    let dir = tempfile::tempdir().unwrap();
    let options = EngineOptions { auto_title: true, ..openai_options(&server, "gpt-5") };
    let engine = Engine::open_with(dir.path(), options).unwrap();
    let session = engine.create_session(&CreateSession::default()).unwrap().id;
    turn(&engine, &session, "hello").await;
    for _ in 0..200 {
        if engine.get_session(&session).unwrap().title == "Saying hello" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(engine.get_session(&session).unwrap().title, "Saying hello");
    let models: Vec<Value> = server.requests().iter().map(|r| r["model"].clone()).collect();
    assert_eq!(models, [json!("gpt-5"), json!("gpt-4o-mini")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_servers_are_offered_only_where_they_answer() {
    let server = ModelServer::start().await;
    server.set_models(&["llama3.2", "qwen3:8b"]);
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_port = closed.local_addr().unwrap().port();
    drop(closed);
    let found = hearth_engine::local::probe_at(&[
        ("ollama", "Ollama", server.base_url()),
        ("lmstudio", "LM Studio", format!("http://127.0.0.1:{closed_port}/v1")),
    ])
    .await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].id, "ollama");
    assert_eq!(found[0].base_url, format!("http://{}/v1", server.addr));
    assert_eq!(found[0].models, ["llama3.2", "qwen3:8b"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_title_can_be_turned_off_in_settings_and_stays_off() {
    let server = ModelServer::start().await;
    server.set_fallback(Reply::text(&["Sure"]));
    let dir = tempfile::tempdir().unwrap();
    let options = || EngineOptions { auto_title: true, ..openai_options(&server, "test-model") };
    {
        let engine = Engine::open_with(dir.path(), options()).unwrap();
        assert!(engine.settings().auto_title, "on by default");
        let patch = SettingsPatch { auto_title: Some(false), ..Default::default() };
        assert!(!engine.update_settings(&patch).unwrap().auto_title);
    }
    let engine = Engine::open_with(dir.path(), options()).unwrap();
    assert!(!engine.settings().auto_title, "the setting survives a restart");
    let session = engine.create_session(&CreateSession::default()).unwrap().id;
    turn(&engine, &session, "hello").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.requests().len(), 1, "no title request");
    assert_eq!(engine.get_session(&session).unwrap().title, "New chat");
}
