//! Recorded real provider streams (../shared/conformance/streams) through the same SSE parser
//! and protocol state machine the app uses, split at random byte boundaries.

use std::path::PathBuf;

use futures_util::StreamExt;
use hearth_protocol::frames::StopReason;
use hearth_providers::anthropic::MessagesStreamParser;
use hearth_providers::openai::ChatStreamParser;
use hearth_providers::responses::ResponsesStreamParser;
use hearth_providers::{Decoder, ProviderEvent};
use rand::Rng;
use serde_json::Value;

fn streams_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/streams");
    dir.is_dir().then_some(dir)
}

#[derive(Debug, Default, PartialEq)]
struct Extracted {
    text: String,
    reasoning: String,
    signatures: Vec<String>,
    redacted: Vec<String>,
    finish: Option<String>,
    /// (block index, name, arguments JSON as streamed)
    tools: Vec<(u32, String, String)>,
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    error: bool,
}

/// The two protocols behind one face, for the test.
enum Parser {
    OpenAi(ChatStreamParser),
    Anthropic(MessagesStreamParser),
    Responses(ResponsesStreamParser),
}

impl Parser {
    fn on_event(
        &mut self,
        event: &str,
        data: &str,
    ) -> Result<Vec<ProviderEvent>, hearth_providers::ProviderError> {
        match self {
            Parser::OpenAi(p) => p.on_event(event, data),
            Parser::Anthropic(p) => p.on_event(event, data),
            Parser::Responses(p) => p.on_event(event, data),
        }
    }

    fn on_end(&mut self) -> Result<Vec<ProviderEvent>, hearth_providers::ProviderError> {
        match self {
            Parser::OpenAi(p) => p.on_end(),
            Parser::Anthropic(p) => p.on_end(),
            Parser::Responses(p) => p.on_end(),
        }
    }
}

async fn run_openai(body: &[u8]) -> Extracted {
    run(body, Parser::OpenAi(ChatStreamParser::default())).await
}

async fn run(body: &[u8], parser: Parser) -> Extracted {
    // Random piece sizes: the parser must not care where the network splits the body.
    let mut cuts = Vec::new();
    let mut at = 0;
    while at < body.len() {
        at += rand::rng().random_range(1..=(body.len() - at).min(64));
        cuts.push(at);
    }
    run_split(body, &cuts, parser).await
}

/// The body delivered in pieces ending at `cuts` (ascending offsets).
async fn run_split(body: &[u8], cuts: &[usize], mut parser: Parser) -> Extracted {
    let mut pieces = Vec::new();
    let mut from = 0;
    for &to in cuts.iter().chain(std::iter::once(&body.len())) {
        if to > from {
            pieces.push(Ok::<_, std::io::Error>(bytes::Bytes::copy_from_slice(&body[from..to])));
            from = to;
        }
    }
    let mut events = eventsource_stream::EventStream::new(futures_util::stream::iter(pieces));
    let mut out = Extracted::default();
    let apply = |r: Result<Vec<ProviderEvent>, _>, out: &mut Extracted| match r {
        Ok(evs) => {
            for e in evs {
                match e {
                    ProviderEvent::TextDelta(t) => out.text += &t,
                    ProviderEvent::ThinkingDelta(t) => out.reasoning += &t,
                    ProviderEvent::ThinkingSignature(sig) => out.signatures.push(sig),
                    ProviderEvent::RedactedThinking(data) => out.redacted.push(data),
                    ProviderEvent::Finish(r) => {
                        out.finish = Some(
                            match r {
                                StopReason::MaxTokens => "length",
                                StopReason::ToolUse => "tool_calls",
                                StopReason::ContentFilter => "content_filter",
                                StopReason::Refusal => "refusal",
                                _ => "stop",
                            }
                            .to_owned(),
                        )
                    }
                    ProviderEvent::ToolCallStart { index, name, .. } => {
                        out.tools.push((index, name, String::new()))
                    }
                    ProviderEvent::ToolCallDelta { index, partial_json } => {
                        let call = out
                            .tools
                            .iter_mut()
                            .find(|t| t.0 == index)
                            .expect("a delta follows its start");
                        call.2 += &partial_json;
                    }
                    ProviderEvent::Usage(u) => {
                        out.input_tokens = Some(u.input_tokens);
                        out.output_tokens = Some(u.output_tokens);
                    }
                }
            }
            true
        }
        Err(_) => {
            out.error = true;
            false
        }
    };
    while let Some(ev) = events.next().await {
        let ev = ev.expect("the SSE layer accepts the recorded body");
        if !apply(parser.on_event(&ev.event, &ev.data), &mut out) {
            return out;
        }
    }
    apply(parser.on_end(), &mut out);
    out
}

#[tokio::test]
async fn recorded_openai_compatible_streams_extract_what_they_should() {
    let Some(dir) = streams_dir() else {
        eprintln!(
            "SKIP: ../shared/conformance/streams is absent, so the recorded streams cannot be checked"
        );
        return;
    };
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let expect: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        if expect["family"] != "openai-chat-completions" {
            continue;
        }
        let name = expect["name"].as_str().unwrap();
        let body = std::fs::read(dir.join(expect["file"].as_str().unwrap())).unwrap();
        let e = &expect["expected"];
        let choice = &e["choices"][0];
        let want_text = format!(
            "{}{}",
            choice["content"].as_str().unwrap_or(""),
            choice["refusal"].as_str().unwrap_or("")
        );
        let want_tools: Vec<(u32, String, String)> = choice["tool_calls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["index"].as_u64().unwrap_or(0) as u32,
                    t["name"].as_str().unwrap_or("").to_owned(),
                    t["arguments"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        for round in 0..5 {
            let got = run_openai(&body).await;
            let ctx = format!("{name} (random split #{round})");
            assert_eq!(got.text, want_text, "{ctx}: text");
            assert_eq!(
                got.reasoning,
                choice["reasoning"].as_str().unwrap_or(""),
                "{ctx}: reasoning"
            );
            assert_eq!(
                got.finish.as_deref(),
                choice["finish_reason"].as_str(),
                "{ctx}: finish reason"
            );
            assert_eq!(got.tools, want_tools, "{ctx}: tool calls");
            assert_eq!(
                got.error,
                e["ends_with_error"].as_bool().unwrap(),
                "{ctx}: ends with an error"
            );
            if !got.error {
                assert_eq!(got.input_tokens, e["input_tokens"].as_u64(), "{ctx}: input tokens");
                assert_eq!(got.output_tokens, e["output_tokens"].as_u64(), "{ctx}: output tokens");
            }
        }
        checked += 1;
    }
    assert!(checked >= 8, "expected the OpenAI-compatible recordings, found {checked}");
}

#[tokio::test]
async fn recorded_anthropic_streams_extract_what_they_should() {
    let Some(dir) = streams_dir() else {
        eprintln!(
            "SKIP: ../shared/conformance/streams is absent, so the recorded streams cannot be checked"
        );
        return;
    };
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let expect: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        if !expect["family"].as_str().is_some_and(|f| f.starts_with("anthropic")) {
            continue;
        }
        let name = expect["name"].as_str().unwrap();
        let body = std::fs::read(dir.join(expect["file"].as_str().unwrap())).unwrap();
        let e = &expect["expected"];
        let strings = |v: &Value, key: Option<&str>| -> Vec<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| match key {
                    Some(k) => x[k].as_str().unwrap_or("").to_owned(),
                    None => x.as_str().unwrap_or("").to_owned(),
                })
                .collect()
        };
        let want_tools: Vec<(u32, String, String)> = e["tool_calls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["index"].as_u64().unwrap() as u32,
                    t["name"].as_str().unwrap().to_owned(),
                    t["input_json"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        for round in 0..5 {
            let got = run(&body, Parser::Anthropic(MessagesStreamParser::default())).await;
            let ctx = format!("{name} (random split #{round})");
            assert_eq!(got.text, e["text"].as_str().unwrap_or(""), "{ctx}: text");
            assert_eq!(got.reasoning, e["thinking"].as_str().unwrap_or(""), "{ctx}: thinking");
            assert_eq!(
                got.signatures,
                strings(&e["thinking_blocks"], Some("signature")),
                "{ctx}: thinking signatures"
            );
            assert_eq!(
                got.redacted,
                strings(&e["redacted_thinking"], None),
                "{ctx}: redacted thinking kept verbatim"
            );
            assert_eq!(got.tools, want_tools, "{ctx}: tool calls, JSON assembled across fragments");
            assert_eq!(
                got.finish.as_deref(),
                e["stop_reason"].as_str().map(|r| match r {
                    "end_turn" | "stop_sequence" | "pause_turn" => "stop",
                    "max_tokens" => "length",
                    "tool_use" => "tool_calls",
                    other => other,
                }),
                "{ctx}: stop reason"
            );
            assert_eq!(
                got.error,
                e["ends_with_error"].as_bool().unwrap(),
                "{ctx}: ends with an error"
            );
            if !got.error {
                assert_eq!(
                    got.input_tokens,
                    e["usage"]["input_tokens"].as_u64(),
                    "{ctx}: input tokens"
                );
                assert_eq!(
                    got.output_tokens,
                    e["usage"]["output_tokens"].as_u64(),
                    "{ctx}: output tokens"
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 10, "expected the Anthropic recordings, found {checked}");
}

#[tokio::test]
async fn recorded_openai_responses_streams_extract_what_they_should() {
    let Some(dir) = streams_dir() else {
        eprintln!(
            "SKIP: ../shared/conformance/streams is absent, so the recorded streams cannot be checked"
        );
        return;
    };
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.file_name().unwrap().to_string_lossy().starts_with("openai_responses_")
            || path.extension().and_then(|e| e.to_str()) != Some("json")
        {
            continue;
        }
        let expect: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let name = expect["name"].as_str().unwrap();
        let body = std::fs::read(dir.join(expect["file"].as_str().unwrap())).unwrap();
        let e = &expect["expected"];
        let want_tools: Vec<(u32, String, String)> = e["tool_calls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["output_index"].as_u64().unwrap() as u32,
                    t["name"].as_str().unwrap().to_owned(),
                    t["arguments"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        for round in 0..5 {
            let got = run(&body, Parser::Responses(ResponsesStreamParser::default())).await;
            let ctx = format!("{name} (random split #{round})");
            assert_eq!(got.text, e["text"].as_str().unwrap_or(""), "{ctx}: text");
            assert_eq!(got.tools, want_tools, "{ctx}: function calls");
            assert_eq!(
                got.error,
                e["ends_with_error"].as_bool().unwrap(),
                "{ctx}: ends with an error"
            );
            if !got.error {
                assert_eq!(got.input_tokens, e["input_tokens"].as_u64(), "{ctx}: input tokens");
                assert_eq!(got.output_tokens, e["output_tokens"].as_u64(), "{ctx}: output tokens");
                let want = if want_tools.is_empty() { "stop" } else { "tool_calls" };
                assert_eq!(got.finish.as_deref(), Some(want), "{ctx}: finish");
            }
        }
        checked += 1;
    }
    assert_eq!(checked, 3, "the three Responses recordings");
}

/// The SSE events of a body delivered in pieces ending at `cuts`.
async fn sse_events(body: &[u8], cuts: &[usize]) -> Vec<(String, String, String)> {
    let mut pieces = Vec::new();
    let mut from = 0;
    for &to in cuts.iter().chain(std::iter::once(&body.len())) {
        pieces.push(Ok::<_, std::io::Error>(bytes::Bytes::copy_from_slice(&body[from..to])));
        from = to;
    }
    eventsource_stream::EventStream::new(futures_util::stream::iter(pieces))
        .map(|e| {
            let e = e.expect("the SSE layer accepts the body");
            (e.event, e.data, e.id)
        })
        .collect()
        .await
}

/// Every recording of a family, split in two at every byte boundary, gives what the whole body
/// gives. The decoders see only SSE events, so it suffices (and is fast) that every split
/// yields the whole body's events exactly; the decoder is then run on the whole body and must
/// match the recording's expectations (the tests above).
async fn every_byte_boundary(prefix: &str, make: fn() -> Parser) {
    let Some(dir) = streams_dir() else {
        eprintln!(
            "SKIP: ../shared/conformance/streams is absent, so the recorded streams cannot be checked"
        );
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "sse")
                && p.file_name().unwrap().to_string_lossy().starts_with(prefix)
        })
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for path in files {
        let body = std::fs::read(&path).unwrap();
        let whole = sse_events(&body, &[]).await;
        assert!(!whole.is_empty(), "{} has events", path.display());
        for k in 1..body.len() {
            let split = sse_events(&body, &[k]).await;
            assert!(split == whole, "{} split at byte {k} decodes to other events", path.display());
        }
        // And the decoder gives one answer for the whole and for a split body.
        assert_eq!(
            run_split(&body, &[body.len() / 2], make()).await,
            run_split(&body, &[], make()).await
        );
    }
}

#[tokio::test]
async fn openai_chat_recordings_at_every_byte_boundary() {
    every_byte_boundary("openai_chat", || Parser::OpenAi(ChatStreamParser::default())).await;
    every_byte_boundary("ollama", || Parser::OpenAi(ChatStreamParser::default())).await;
}

#[tokio::test]
async fn openai_compatible_recordings_at_every_byte_boundary() {
    every_byte_boundary("groq", || Parser::OpenAi(ChatStreamParser::default())).await;
    every_byte_boundary("openrouter", || Parser::OpenAi(ChatStreamParser::default())).await;
}

#[tokio::test]
async fn anthropic_live_recordings_at_every_byte_boundary() {
    every_byte_boundary("anthropic_rec", || Parser::Anthropic(MessagesStreamParser::default()))
        .await;
}

#[tokio::test]
async fn anthropic_sdk_recordings_at_every_byte_boundary() {
    every_byte_boundary("anthropic_sdk", || Parser::Anthropic(MessagesStreamParser::default()))
        .await;
}

#[tokio::test]
async fn anthropic_vercel_recordings_at_every_byte_boundary() {
    every_byte_boundary("anthropic_vercel", || Parser::Anthropic(MessagesStreamParser::default()))
        .await;
}

#[tokio::test]
async fn openai_responses_recordings_at_every_byte_boundary() {
    every_byte_boundary("openai_responses", || Parser::Responses(ResponsesStreamParser::default()))
        .await;
}

/// Transcripts written from the providers' documented formats, for what the recordings lack.
fn transcript(name: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/providers/transcripts").join(name),
    )
    .unwrap()
}

#[tokio::test]
async fn written_transcripts_decode_identically_at_every_byte_boundary() {
    struct Case {
        file: &'static str,
        make: fn() -> Parser,
        text: &'static str,
        tools: Vec<(u32, &'static str, &'static str)>,
        finish: Option<&'static str>,
        error: bool,
    }
    let cases = [
        Case {
            file: "anthropic_overloaded_after_content.sse",
            make: || Parser::Anthropic(MessagesStreamParser::default()),
            text: "The first half of an answer",
            tools: vec![],
            finish: None,
            error: true,
        },
        Case {
            file: "openai_interleaved_tool_calls.sse",
            make: || Parser::OpenAi(ChatStreamParser::default()),
            text: "",
            tools: vec![
                (0, "get_weather", r#"{"city": "Paris"}"#),
                (1, "get_time", r#"{"tz":"Europe/Lisbon"}"#),
            ],
            finish: Some("tool_calls"),
            error: false,
        },
        Case {
            file: "openai_content_filter.sse",
            make: || Parser::OpenAi(ChatStreamParser::default()),
            text: "I can help with part",
            tools: vec![],
            finish: Some("content_filter"),
            error: false,
        },
        Case {
            file: "openai_crlf.sse",
            make: || Parser::OpenAi(ChatStreamParser::default()),
            text: "Line endings are CRLF",
            tools: vec![],
            finish: Some("stop"),
            error: false,
        },
        Case {
            file: "anthropic_crlf.sse",
            make: || Parser::Anthropic(MessagesStreamParser::default()),
            text: "CRLF too",
            tools: vec![],
            finish: Some("stop"),
            error: false,
        },
    ];
    for case in cases {
        let body = transcript(case.file);
        let whole = run_split(&body, &[], (case.make)()).await;
        assert_eq!(whole.text, case.text, "{}: text", case.file);
        let tools: Vec<(u32, String, String)> =
            case.tools.iter().map(|(i, n, a)| (*i, n.to_string(), a.to_string())).collect();
        assert_eq!(whole.tools, tools, "{}: tool calls", case.file);
        assert_eq!(whole.finish.as_deref(), case.finish, "{}: finish", case.file);
        assert_eq!(whole.error, case.error, "{}: error", case.file);
        for k in 1..body.len() {
            assert_eq!(
                run_split(&body, &[k], (case.make)()).await,
                whole,
                "{} split at byte {k}",
                case.file
            );
        }
    }
}

#[test]
fn an_overload_after_content_is_not_retried_but_before_content_it_is() {
    let mut p = MessagesStreamParser::default();
    let overloaded =
        r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
    let err = p.on_event("error", overloaded).unwrap_err();
    assert!(err.retryable, "before any content an overload is retried");
    let mut p = MessagesStreamParser::default();
    p.on_event(
        "content_block_delta",
        r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}"#,
    )
    .unwrap();
    let err = p.on_event("error", overloaded).unwrap_err();
    assert!(
        !err.retryable,
        "after content the run ends with the partial reply, never a silent duplicate"
    );
    assert_eq!(err.code, hearth_protocol::ErrorCode::ProviderUnavailable);
}

#[test]
fn cached_tokens_are_counted_apart_from_input_tokens() {
    let mut p = ChatStreamParser::default();
    let chunk = r#"{"choices":[],"usage":{"prompt_tokens":100,"completion_tokens":5,"prompt_tokens_details":{"cached_tokens":40}}}"#;
    let events = p.on_event("message", chunk).unwrap();
    let Some(ProviderEvent::Usage(u)) = events.first() else { panic!("{events:?}") };
    assert_eq!(
        (u.input_tokens, u.cache_read_tokens, u.output_tokens),
        (60, 40, 5),
        "OpenAI's prompt_tokens include the cached ones"
    );
    let mut r = ResponsesStreamParser::default();
    let done = r#"{"type":"response.completed","response":{"usage":{"input_tokens":50,"input_tokens_details":{"cached_tokens":20},"output_tokens":3}}}"#;
    let events = r.on_event("response.completed", done).unwrap();
    let Some(ProviderEvent::Usage(u)) = events.first() else { panic!("{events:?}") };
    assert_eq!((u.input_tokens, u.cache_read_tokens), (30, 20));
}
