//! Test fixtures shared by Hearth's test suites. Owns: a real HTTP server on 127.0.0.1 that
//! speaks the OpenAI Chat Completions, OpenAI Responses and Anthropic Messages streaming
//! protocols byte for byte, answering each request
//! with the next scripted reply and recording what it was sent. Must never: be used outside
//! tests, or reach past loopback. Also (module [`notifications`]): a private D-Bus bus with a
//! recording notification server on it.

pub mod files;
pub mod notifications;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Response, StatusCode};
use axum::routing::{get, post};
use bytes::Bytes;
use serde_json::{Value, json};

/// How the server answers one chat request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A 200 `text/event-stream` body sent as these byte pieces, `gap` apart; with `cut`, the
    /// connection is dropped after the pieces instead of ending cleanly.
    Stream { pieces: Vec<Bytes>, gap: Duration, cut: bool },
    /// An error status with headers and a JSON body.
    Status { status: u16, headers: Vec<(String, String)>, body: String },
}

impl Reply {
    /// A complete streamed reply of these text deltas (with usage and `[DONE]`).
    pub fn text(deltas: &[&str]) -> Reply {
        Reply::Stream {
            pieces: vec![Bytes::from(openai_stream(deltas, true))],
            gap: Duration::ZERO,
            cut: false,
        }
    }

    /// The same, one SSE event per piece, `gap` apart (a slow model).
    pub fn slow_text(deltas: &[&str], gap: Duration) -> Reply {
        let body = openai_stream(deltas, true);
        let pieces = body.split_inclusive("\n\n").map(|p| Bytes::from(p.to_owned())).collect();
        Reply::Stream { pieces, gap, cut: false }
    }

    /// The body cut into pieces at the given byte offsets (tests byte-boundary handling).
    pub fn split_at(body: &[u8], offsets: &[usize]) -> Reply {
        let mut pieces = Vec::new();
        let mut start = 0;
        for &at in offsets.iter().filter(|&&o| o > 0 && o < body.len()) {
            if at > start {
                pieces.push(Bytes::copy_from_slice(&body[start..at]));
                start = at;
            }
        }
        pieces.push(Bytes::copy_from_slice(&body[start..]));
        Reply::Stream { pieces, gap: Duration::ZERO, cut: false }
    }

    /// A body sent one SSE event at a time, `gap` apart (a slow model on any protocol).
    pub fn events(body: &str, gap: Duration) -> Reply {
        let pieces = body.split_inclusive("\n\n").map(|p| Bytes::from(p.to_owned())).collect();
        Reply::Stream { pieces, gap, cut: false }
    }

    pub fn status(status: u16, headers: &[(&str, &str)], message: &str) -> Reply {
        Reply::Status {
            status,
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            body: json!({"error": {"message": message, "type": "test_error"}}).to_string(),
        }
    }
}

/// An OpenAI Chat Completions stream body: a role chunk, one chunk per delta, a finish chunk,
/// a usage chunk with empty choices, and `[DONE]` (when `done`).
pub fn openai_stream(deltas: &[&str], done: bool) -> String {
    let chunk = |choices: Value, usage: Value| {
        let mut c = json!({"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1,
                           "model": "test-model", "choices": choices});
        if !usage.is_null() {
            c["usage"] = usage;
        }
        format!("data: {c}\n\n")
    };
    let mut body = chunk(
        json!([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": null}]),
        Value::Null,
    );
    for d in deltas {
        body += &chunk(
            json!([{"index": 0, "delta": {"content": d}, "finish_reason": null}]),
            Value::Null,
        );
    }
    body += &chunk(json!([{"index": 0, "delta": {}, "finish_reason": "stop"}]), Value::Null);
    body += &chunk(
        json!([]),
        json!({"prompt_tokens": 11, "completion_tokens": deltas.len(), "total_tokens": 11 + deltas.len()}),
    );
    if done {
        body += "data: [DONE]\n\n";
    }
    body
}

/// A Chat Completions stream in which the model calls tools: `(id, name, arguments JSON)`
/// each, the arguments sent in two fragments, then `finish_reason: "tool_calls"`.
pub fn openai_tool_calls(calls: &[(&str, &str, &str)]) -> String {
    let chunk = |choices: Value| {
        let c = json!({"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1,
                       "model": "test-model", "choices": choices});
        format!("data: {c}\n\n")
    };
    let mut body = String::new();
    for (i, (id, name, args)) in calls.iter().enumerate() {
        body += &chunk(json!([{"index": 0, "delta": {"tool_calls": [{"index": i, "id": id,
            "type": "function", "function": {"name": name, "arguments": ""}}]}, "finish_reason": null}]));
        let cut = args.char_indices().nth(args.chars().count() / 2).map_or(0, |(at, _)| at);
        for part in [&args[..cut], &args[cut..]] {
            body += &chunk(json!([{"index": 0, "delta": {"tool_calls": [{"index": i,
                "function": {"arguments": part}}]}, "finish_reason": null}]));
        }
    }
    body += &chunk(json!([{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]));
    body += "data: [DONE]\n\n";
    body
}

fn anthropic_event(data: Value) -> String {
    format!("event: {}\ndata: {data}\n\n", data["type"].as_str().unwrap_or("message"))
}

fn anthropic_message(blocks: &[Value], deltas: Vec<Vec<Value>>, stop: &str) -> String {
    let mut body = anthropic_event(json!({"type": "message_start", "message": {
        "id": "msg_test", "type": "message", "role": "assistant", "model": "test-model",
        "content": [], "stop_reason": null, "usage": {"input_tokens": 12, "output_tokens": 1}}}));
    for (index, (block, deltas)) in blocks.iter().zip(deltas).enumerate() {
        body += &anthropic_event(
            json!({"type": "content_block_start", "index": index, "content_block": block}),
        );
        for delta in deltas {
            body += &anthropic_event(
                json!({"type": "content_block_delta", "index": index, "delta": delta}),
            );
        }
        body += &anthropic_event(json!({"type": "content_block_stop", "index": index}));
    }
    body += &anthropic_event(json!({"type": "message_delta", "delta": {"stop_reason": stop},
        "usage": {"output_tokens": 7}}));
    body + &anthropic_event(json!({"type": "message_stop"}))
}

/// An Anthropic Messages stream (what `POST /v1/messages?beta=true` answers Claude Code
/// with): one text block of these deltas, ending the turn.
pub fn anthropic_text(deltas: &[&str]) -> String {
    let deltas = deltas.iter().map(|d| json!({"type": "text_delta", "text": d})).collect();
    anthropic_message(&[json!({"type": "text", "text": ""})], vec![deltas], "end_turn")
}

/// An Anthropic Messages stream in which the model calls one tool (`input` as JSON, sent in
/// two fragments), stopping for its result.
pub fn anthropic_tool_use(id: &str, name: &str, input: &Value) -> String {
    let json = input.to_string();
    let cut = json.char_indices().nth(json.chars().count() / 2).map_or(0, |(at, _)| at);
    let deltas = [&json[..cut], &json[cut..]]
        .iter()
        .map(|p| json!({"type": "input_json_delta", "partial_json": p}))
        .collect();
    anthropic_message(
        &[json!({"type": "tool_use", "id": id, "name": name, "input": {}})],
        vec![deltas],
        "tool_use",
    )
}

fn responses_event(data: Value) -> String {
    format!("event: {}\ndata: {data}\n\n", data["type"].as_str().unwrap_or("message"))
}

/// A Responses stream around these output items (`added`, the given middle events, `done`
/// each), from `response.created` to `response.completed` with usage: the whole sequence
/// Codex needs to show an answer.
fn responses_stream(items: &[(Value, Vec<Value>)]) -> String {
    let mut body = responses_event(json!({"type": "response.created",
        "response": {"id": "resp_test", "status": "in_progress", "output": []}}));
    for (index, (item, middle)) in items.iter().enumerate() {
        let mut open = item.clone();
        open["status"] = json!("in_progress");
        if open["type"] == "message" {
            open["content"] = json!([]);
        } else if open["type"] == "function_call" {
            open["arguments"] = json!("");
        }
        body += &responses_event(
            json!({"type": "response.output_item.added", "output_index": index, "item": open}),
        );
        for event in middle {
            let mut event = event.clone();
            event["output_index"] = json!(index);
            body += &responses_event(event);
        }
        body += &responses_event(
            json!({"type": "response.output_item.done", "output_index": index, "item": item}),
        );
    }
    let output: Vec<&Value> = items.iter().map(|(item, _)| item).collect();
    body + &responses_event(json!({"type": "response.completed", "response": {
        "id": "resp_test", "status": "completed", "output": output,
        "usage": {"input_tokens": 20, "output_tokens": 5, "total_tokens": 25,
                  "input_tokens_details": {"cached_tokens": 0},
                  "output_tokens_details": {"reasoning_tokens": 0}}}}))
}

/// An OpenAI Responses stream (what `POST /v1/responses` answers Codex with): one assistant
/// message of these text deltas.
pub fn responses_text(deltas: &[&str]) -> String {
    let text: String = deltas.concat();
    let middle = deltas
        .iter()
        .map(|d| {
            json!({"type": "response.output_text.delta", "item_id": "msg_test",
                        "content_index": 0, "delta": d})
        })
        .collect();
    let item = json!({"type": "message", "id": "msg_test", "role": "assistant",
        "status": "completed", "content": [{"type": "output_text", "text": text, "annotations": []}]});
    responses_stream(&[(item, middle)])
}

/// A Responses stream in which the model calls one function (`arguments` as JSON, sent in
/// two fragments); Codex's shell tool is `exec_command` with `{"cmd": …}`.
pub fn responses_call(call_id: &str, name: &str, arguments: &Value) -> String {
    let json = arguments.to_string();
    let cut = json.char_indices().nth(json.chars().count() / 2).map_or(0, |(at, _)| at);
    let middle = [&json[..cut], &json[cut..]]
        .iter()
        .map(|p| {
            json!({"type": "response.function_call_arguments.delta", "item_id": "fc_test",
                        "delta": p})
        })
        .collect();
    let item = json!({"type": "function_call", "id": "fc_test", "call_id": call_id,
        "name": name, "arguments": json, "status": "completed"});
    responses_stream(&[(item, middle)])
}

/// Only the start of a stream: the role chunk and one chunk per delta (no finish, no usage,
/// no `[DONE]`), for building broken streams.
pub fn openai_deltas(deltas: &[&str]) -> String {
    let full = openai_stream(deltas, false);
    full.split_inclusive("\n\n").take(1 + deltas.len()).collect()
}

#[derive(Default)]
struct Inner {
    script: VecDeque<Reply>,
    /// Answer when the script is empty.
    fallback: Option<Reply>,
    requests: Vec<Value>,
    /// The `data` of `GET /v1/models` (None: two plain models, `test-model` and `other-model`).
    models: Option<Vec<Value>>,
    /// The `Authorization` header of each chat request ("" when absent).
    auth: Vec<String>,
    /// The `x-api-key` header of each chat request ("" when absent; Anthropic's).
    api_keys: Vec<String>,
}

/// A scripted OpenAI-compatible server on 127.0.0.1. Dropping it stops it.
pub struct ModelServer {
    pub addr: SocketAddr,
    inner: Arc<Mutex<Inner>>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl ModelServer {
    /// Starts the server on the current tokio runtime.
    pub async fn start() -> ModelServer {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = Router::new()
            .route("/v1/chat/completions", post(chat))
            // The same script answers the Anthropic Messages route (push Anthropic bodies);
            // Claude Code calls it as `/v1/messages?beta=true` (the query is not routed on).
            .route("/v1/messages", post(chat))
            // And the OpenAI Responses route Codex calls (push Responses bodies).
            .route("/v1/responses", post(chat))
            .route("/v1/models", get(models))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        ModelServer { addr, inner, _stop: stop }
    }

    /// `http://127.0.0.1:PORT`, what `ANTHROPIC_BASE_URL` takes.
    pub fn root_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT/v1`, what `OPENAI_BASE_URL` takes.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn push(&self, reply: Reply) {
        self.inner.lock().unwrap().script.push_back(reply);
    }

    /// The reply for every request once the script has run out.
    pub fn set_fallback(&self, reply: Reply) {
        self.inner.lock().unwrap().fallback = Some(reply);
    }

    /// What `GET /v1/models` lists from now on: these ids.
    pub fn set_models(&self, ids: &[&str]) {
        self.set_model_entries(ids.iter().map(|id| json!({"id": id, "object": "model"})).collect());
    }

    /// What `GET /v1/models` lists from now on: these entries, as they are.
    pub fn set_model_entries(&self, entries: Vec<Value>) {
        self.inner.lock().unwrap().models = Some(entries);
    }

    /// The `Authorization` header of each chat request so far.
    pub fn auth_headers(&self) -> Vec<String> {
        self.inner.lock().unwrap().auth.clone()
    }

    /// The `x-api-key` header of each chat request so far.
    pub fn api_keys(&self) -> Vec<String> {
        self.inner.lock().unwrap().api_keys.clone()
    }

    /// The JSON bodies received so far, in order.
    pub fn requests(&self) -> Vec<Value> {
        self.inner.lock().unwrap().requests.clone()
    }
}

async fn models(State(inner): State<Arc<Mutex<Inner>>>) -> axum::Json<Value> {
    let data = inner.lock().unwrap().models.clone().unwrap_or_else(|| {
        vec![
            json!({"id": "test-model", "object": "model"}),
            json!({"id": "other-model", "object": "model"}),
        ]
    });
    axum::Json(json!({"object": "list", "data": data}))
}

async fn chat(
    State(inner): State<Arc<Mutex<Inner>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response<Body> {
    let reply = {
        let mut inner = inner.lock().unwrap();
        let auth =
            headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        inner.auth.push(auth);
        let key = headers.get("x-api-key").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        inner.api_keys.push(key);
        inner.requests.push(serde_json::from_slice(&body).unwrap_or(Value::Null));
        inner.script.pop_front().or_else(|| inner.fallback.clone())
    };
    match reply {
        None => Response::builder()
            .status(500)
            .body(Body::from("{\"error\":{\"message\":\"no scripted reply\"}}"))
            .unwrap(),
        Some(Reply::Status { status, headers, body }) => {
            let mut b = Response::builder()
                .status(StatusCode::from_u16(status).unwrap())
                .header("content-type", "application/json");
            for (k, v) in headers {
                b = b.header(k, v);
            }
            b.body(Body::from(body)).unwrap()
        }
        Some(Reply::Stream { pieces, gap, cut }) => {
            let stream = futures_util::stream::unfold(
                (pieces.into_iter(), false),
                move |(mut it, slept)| async move {
                    match it.next() {
                        Some(piece) => {
                            if slept && !gap.is_zero() {
                                tokio::time::sleep(gap).await;
                            }
                            Some((Ok::<_, std::io::Error>(piece), (it, true)))
                        }
                        None if cut => {
                            // Let what was sent reach the client before the connection drops.
                            tokio::time::sleep(Duration::from_millis(150)).await;
                            Some((Err(std::io::Error::other("cut")), (it, true)))
                        }
                        None => None,
                    }
                },
            );
            Response::builder()
                .status(200)
                .header("content-type", "text/event-stream")
                .body(Body::from_stream(stream))
                .unwrap()
        }
    }
}
