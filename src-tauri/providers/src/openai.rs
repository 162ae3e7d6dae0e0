//! OpenAI-compatible Chat Completions streaming (OpenAI, Ollama, LM Studio, llama.cpp's
//! server, vLLM, OpenRouter, Groq, ...).
//!
//! [`ChatStreamParser`] is the protocol, with no IO: it takes SSE events (as parsed by
//! `eventsource-stream`) and yields provider events, so recorded streams test it directly.
//! [`OpenAiChat`] does the HTTP.

use futures_util::future::BoxFuture;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Decoder, EventStream, ModelRequest, Provider, ProviderError, ProviderEvent};
use hearth_protocol::chat::{ContentBlock, Role};
use hearth_protocol::error::ErrorCode;
use hearth_protocol::frames::{StopReason, Usage};

#[derive(Debug, Deserialize)]
struct Chunk {
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<ChunkUsage>,
    #[serde(default)]
    error: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct Choice {
    #[serde(default)]
    index: u32,
    #[serde(default)]
    delta: Option<Delta>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Delta {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    refusal: Option<String>,
    /// DeepSeek, vLLM and others.
    #[serde(default)]
    reasoning_content: Option<String>,
    /// OpenRouter, Groq, Ollama.
    #[serde(default)]
    reasoning: Option<String>,
    #[serde(default)]
    tool_calls: Option<Vec<ToolCallDelta>>,
}

#[derive(Debug, Deserialize)]
struct ToolCallDelta {
    #[serde(default)]
    index: u32,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    function: Option<FunctionDelta>,
}

#[derive(Debug, Deserialize)]
struct FunctionDelta {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    arguments: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ChunkUsage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
    #[serde(default)]
    prompt_tokens_details: Option<PromptDetails>,
}

#[derive(Debug, Deserialize)]
struct PromptDetails {
    #[serde(default)]
    cached_tokens: u64,
}

/// The Chat Completions stream protocol as a state machine. Only choice 0 is followed (Hearth
/// asks for one); other choices are ignored, not mixed in.
#[derive(Debug, Default)]
pub struct ChatStreamParser {
    done: bool,
    finished: bool,
    /// Any content (text, reasoning, tool call) has been yielded.
    started: bool,
    tool_calls_seen: std::collections::HashSet<u32>,
}

impl Decoder for ChatStreamParser {
    /// One SSE event (`event` is its name, "message" when absent).
    fn on_event(&mut self, event: &str, data: &str) -> Result<Vec<ProviderEvent>, ProviderError> {
        if self.done {
            return Ok(Vec::new());
        }
        let data = data.trim();
        if data == "[DONE]" {
            self.done = true;
            return Ok(Vec::new());
        }
        if data.is_empty() {
            return Ok(Vec::new());
        }
        let chunk: Chunk = serde_json::from_str(data).map_err(|e| {
            ProviderError::new(
                ErrorCode::BadProviderStream,
                format!("the provider sent a chunk that is not valid JSON: {e}"),
            )
        })?;
        let mut out = Vec::new();
        if let Some(error) = chunk.error.as_ref().filter(|e| !e.is_null()) {
            return Err(in_band_error(error, self.started));
        }
        if event == "error" {
            return Err(ProviderError::new(
                ErrorCode::ProviderError,
                format!("the provider reported an error: {data}"),
            ));
        }
        for choice in chunk.choices.iter().filter(|c| c.index == 0) {
            if let Some(delta) = &choice.delta {
                let reasoning = delta.reasoning_content.as_deref().or(delta.reasoning.as_deref());
                if let Some(r) = reasoning.filter(|r| !r.is_empty()) {
                    out.push(ProviderEvent::ThinkingDelta(r.to_owned()));
                }
                if let Some(t) = delta.content.as_deref().filter(|t| !t.is_empty()) {
                    out.push(ProviderEvent::TextDelta(t.to_owned()));
                }
                if let Some(t) = delta.refusal.as_deref().filter(|t| !t.is_empty()) {
                    out.push(ProviderEvent::TextDelta(t.to_owned()));
                }
                for call in delta.tool_calls.iter().flatten() {
                    let f = call.function.as_ref();
                    if self.tool_calls_seen.insert(call.index) {
                        out.push(ProviderEvent::ToolCallStart {
                            index: call.index,
                            id: call.id.clone().unwrap_or_default(),
                            name: f.and_then(|f| f.name.clone()).unwrap_or_default(),
                        });
                    }
                    if let Some(args) =
                        f.and_then(|f| f.arguments.as_deref()).filter(|a| !a.is_empty())
                    {
                        out.push(ProviderEvent::ToolCallDelta {
                            index: call.index,
                            partial_json: args.to_owned(),
                        });
                    }
                }
            }
            if let Some(reason) = &choice.finish_reason
                && !self.finished
            {
                self.finished = true;
                out.push(ProviderEvent::Finish(match reason.as_str() {
                    "length" => StopReason::MaxTokens,
                    "tool_calls" | "function_call" => StopReason::ToolUse,
                    "content_filter" => StopReason::ContentFilter,
                    _ => StopReason::EndTurn,
                }));
            }
        }
        if let Some(u) = chunk.usage {
            // OpenAI counts cached tokens inside prompt_tokens; Hearth's `input_tokens` are the
            // uncached ones (as Anthropic reports them), so cost never counts a token twice.
            let cached = u.prompt_tokens_details.map_or(0, |d| d.cached_tokens);
            out.push(ProviderEvent::Usage(Usage {
                input_tokens: u.prompt_tokens.saturating_sub(cached),
                output_tokens: u.completion_tokens,
                cache_read_tokens: cached,
                cache_write_tokens: 0,
            }));
        }
        self.started |= out.iter().any(|e| !matches!(e, ProviderEvent::Usage(_)));
        Ok(out)
    }

    /// The body ended. Without `[DONE]` or a finish reason the connection was cut.
    fn on_end(&mut self) -> Result<Vec<ProviderEvent>, ProviderError> {
        if self.done || self.finished {
            return Ok(Vec::new());
        }
        Err(super::ended_early(self.started))
    }

    fn started(&self) -> bool {
        self.started
    }
}

fn in_band_error(error: &Value, started: bool) -> ProviderError {
    let message = error.get("message").and_then(Value::as_str).unwrap_or("unknown error");
    let status = error
        .get("code")
        .and_then(Value::as_u64)
        .or_else(|| error.get("status_code").and_then(Value::as_u64));
    let e = ProviderError::new(
        ErrorCode::ProviderError,
        format!("the provider reported an error: {message}"),
    );
    match status {
        Some(429) | Some(500..=599) if !started => {
            ProviderError { code: ErrorCode::ProviderUnavailable, ..e }.retryable(None)
        }
        _ => e,
    }
}

/// An OpenAI-compatible endpoint: base URL (…/v1) and API key.
pub struct OpenAiChat {
    endpoint: super::Endpoint,
}

impl OpenAiChat {
    pub fn new(base_url: &str, api_key: Option<String>) -> OpenAiChat {
        OpenAiChat { endpoint: super::Endpoint::new(base_url, api_key, super::Auth::Bearer) }
    }

    /// The request body: system prompt first; images as data URLs; an assistant's tool calls
    /// as `tool_calls`, and each result as a `tool` message right after them. Thinking is
    /// not sent back (compatible servers refuse or ignore it).
    pub fn body(request: &ModelRequest) -> Value {
        let mut messages = Vec::new();
        if let Some(system) = request.system.as_ref().filter(|s| !s.is_empty()) {
            messages.push(json!({"role": "system", "content": system}));
        }
        for m in &request.messages {
            match m.role {
                Role::Assistant => messages.extend(assistant_message(&m.content)),
                Role::User | Role::System => {
                    messages.extend(user_messages(&m.content, m.role, request));
                }
            }
        }
        let mut body = json!({
            "model": request.model,
            "messages": messages,
            "stream": true,
            "stream_options": {"include_usage": true},
        });
        if let Some(max) = request.max_tokens {
            body["max_tokens"] = json!(max);
        }
        if let Some(budget) = request.thinking_budget {
            body["reasoning_effort"] = json!(super::reasoning_effort(budget));
        }
        if !request.tools.is_empty() {
            let tools: Vec<Value> = request
                .tools
                .iter()
                .map(|t| {
                    json!({"type": "function", "function": {
                        "name": t.name, "description": t.description, "parameters": t.input_schema,
                    }})
                })
                .collect();
            body["tools"] = json!(tools);
        }
        body
    }
}

/// An assistant message: its text, and its tool calls.
fn assistant_message(content: &[ContentBlock]) -> Option<Value> {
    let text: Vec<&str> = content
        .iter()
        .filter_map(|b| match b {
            ContentBlock::Text { text } if !text.is_empty() => Some(text.as_str()),
            _ => None,
        })
        .collect();
    let calls: Vec<Value> = content
        .iter()
        .filter_map(|b| match b {
            ContentBlock::ToolUse { id, name, input } => Some(json!({
                "id": id,
                "type": "function",
                "function": {"name": name, "arguments": super::arguments_string(input)},
            })),
            _ => None,
        })
        .collect();
    if text.is_empty() && calls.is_empty() {
        return None;
    }
    let mut message = json!({"role": "assistant", "content": text.join("\n")});
    if !calls.is_empty() {
        if text.is_empty() {
            message["content"] = Value::Null;
        }
        message["tool_calls"] = json!(calls);
    }
    Some(message)
}

/// A user (or system) message: tool results first, each a `tool` message, then the text
/// and images as one message (plain text when there is no image).
fn user_messages(content: &[ContentBlock], role: Role, request: &ModelRequest) -> Vec<Value> {
    let mut out: Vec<Value> = content
        .iter()
        .filter_map(|b| match b {
            ContentBlock::ToolResult { tool_use_id, content, is_error } => Some(json!({
                "role": "tool",
                "tool_call_id": tool_use_id,
                "content": if *is_error { format!("Error: {content}") } else { content.clone() },
            })),
            _ => None,
        })
        .collect();
    let mut parts = Vec::new();
    for block in content {
        match block {
            ContentBlock::Text { text } if !text.is_empty() => {
                parts.push(json!({"type": "text", "text": text}));
            }
            ContentBlock::Image { attachment_id, .. } => match request.image(attachment_id) {
                Some(image) => parts.push(
                    json!({"type": "image_url", "image_url": {"url": super::data_url(image)}}),
                ),
                None => parts.push(json!({"type": "text", "text": super::MISSING_IMAGE})),
            },
            // Compatible servers (Groq, Ollama, local ones) take no files: the extracted text.
            ContentBlock::File { attachment_id, .. } => {
                parts.push(json!({"type": "text", "text": request.document_text(attachment_id)}));
            }
            _ => {}
        }
    }
    let role = if role == Role::System { "system" } else { "user" };
    if parts.iter().all(|p| p["type"] == "text") {
        let text: Vec<&str> = parts.iter().filter_map(|p| p["text"].as_str()).collect();
        if !text.is_empty() {
            out.push(json!({"role": role, "content": text.join("\n")}));
        }
    } else {
        out.push(json!({"role": role, "content": parts}));
    }
    out
}

impl Provider for OpenAiChat {
    fn stream(
        &self,
        request: ModelRequest,
    ) -> BoxFuture<'static, Result<EventStream, ProviderError>> {
        let http = self.endpoint.post("/chat/completions").json(&Self::body(&request));
        super::stream_sse(http, ChatStreamParser::default())
    }
}
