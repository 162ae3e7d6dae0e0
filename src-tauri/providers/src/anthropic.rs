//! Anthropic Messages API streaming.
//!
//! [`MessagesStreamParser`] is the protocol with no IO: SSE events in, provider events out
//! (text; thinking with its signature; redacted thinking kept verbatim; `tool_use` and
//! `server_tool_use` with `input_json_delta` fragments; `ping`; usage from `message_start`
//! and `message_delta`; `event: error`). [`AnthropicMessages`] does the HTTP.

use futures_util::future::BoxFuture;
use serde_json::{Value, json};

use super::{Decoder, EventStream, ModelRequest, Provider, ProviderError, ProviderEvent};
use hearth_protocol::chat::{ContentBlock, Role};
use hearth_protocol::error::ErrorCode;
use hearth_protocol::frames::{StopReason, Usage};

pub const API_VERSION: &str = "2023-06-01";
/// Replies are capped at this many tokens unless the request says otherwise.
pub const DEFAULT_MAX_TOKENS: u32 = 8192;

#[derive(Debug, Default)]
pub struct MessagesStreamParser {
    usage: Usage,
    stopped: bool,
    finished: bool,
    /// Any content has been yielded (an error after this is not retried).
    started: bool,
}

impl Decoder for MessagesStreamParser {
    fn on_event(&mut self, event: &str, data: &str) -> Result<Vec<ProviderEvent>, ProviderError> {
        if self.stopped {
            return Ok(Vec::new());
        }
        let data = data.trim();
        if data.is_empty() {
            return Ok(Vec::new());
        }
        let v: Value = serde_json::from_str(data).map_err(|e| {
            ProviderError::new(
                ErrorCode::BadProviderStream,
                format!("the provider sent an event that is not valid JSON: {e}"),
            )
        })?;
        let kind = v.get("type").and_then(Value::as_str).unwrap_or(event);
        let mut out = Vec::new();
        match kind {
            "message_start" => {
                let u = &v["message"]["usage"];
                self.usage.input_tokens = u["input_tokens"].as_u64().unwrap_or(0);
                self.usage.output_tokens = u["output_tokens"].as_u64().unwrap_or(0);
                self.usage.cache_read_tokens = u["cache_read_input_tokens"].as_u64().unwrap_or(0);
                self.usage.cache_write_tokens =
                    u["cache_creation_input_tokens"].as_u64().unwrap_or(0);
            }
            "content_block_start" => {
                let index = v["index"].as_u64().unwrap_or(0) as u32;
                let block = &v["content_block"];
                match block["type"].as_str().unwrap_or("") {
                    "text" => {
                        if let Some(t) = block["text"].as_str().filter(|t| !t.is_empty()) {
                            out.push(ProviderEvent::TextDelta(t.to_owned()));
                        }
                    }
                    "thinking" => {
                        if let Some(t) = block["thinking"].as_str().filter(|t| !t.is_empty()) {
                            out.push(ProviderEvent::ThinkingDelta(t.to_owned()));
                        }
                    }
                    "redacted_thinking" => {
                        out.push(ProviderEvent::RedactedThinking(
                            block["data"].as_str().unwrap_or("").to_owned(),
                        ));
                    }
                    "tool_use" | "server_tool_use" => {
                        out.push(ProviderEvent::ToolCallStart {
                            index,
                            id: block["id"].as_str().unwrap_or("").to_owned(),
                            name: block["name"].as_str().unwrap_or("").to_owned(),
                        });
                    }
                    // Results of server tools and other blocks the user does not read.
                    _ => {}
                }
            }
            "content_block_delta" => {
                let index = v["index"].as_u64().unwrap_or(0) as u32;
                let d = &v["delta"];
                match d["type"].as_str().unwrap_or("") {
                    "text_delta" => {
                        if let Some(t) = d["text"].as_str().filter(|t| !t.is_empty()) {
                            out.push(ProviderEvent::TextDelta(t.to_owned()));
                        }
                    }
                    "thinking_delta" => {
                        if let Some(t) = d["thinking"].as_str().filter(|t| !t.is_empty()) {
                            out.push(ProviderEvent::ThinkingDelta(t.to_owned()));
                        }
                    }
                    "signature_delta" => {
                        out.push(ProviderEvent::ThinkingSignature(
                            d["signature"].as_str().unwrap_or("").to_owned(),
                        ));
                    }
                    "input_json_delta" => {
                        if let Some(p) = d["partial_json"].as_str().filter(|p| !p.is_empty()) {
                            out.push(ProviderEvent::ToolCallDelta {
                                index,
                                partial_json: p.to_owned(),
                            });
                        }
                    }
                    _ => {}
                }
            }
            "message_delta" => {
                let u = &v["usage"];
                if let Some(n) = u["output_tokens"].as_u64() {
                    self.usage.output_tokens = n;
                }
                if let Some(n) = u["input_tokens"].as_u64() {
                    self.usage.input_tokens = n;
                }
                if let Some(reason) = v["delta"]["stop_reason"].as_str() {
                    self.finished = true;
                    out.push(ProviderEvent::Usage(self.usage));
                    out.push(ProviderEvent::Finish(match reason {
                        "max_tokens" | "model_context_window_exceeded" => StopReason::MaxTokens,
                        "tool_use" => StopReason::ToolUse,
                        "refusal" => StopReason::Refusal,
                        _ => StopReason::EndTurn,
                    }));
                }
            }
            "message_stop" => self.stopped = true,
            "error" => return Err(stream_error(&v["error"], self.started)),
            // `ping`, `content_block_stop` and future events carry nothing to show.
            _ => {}
        }
        self.started |=
            out.iter().any(|e| !matches!(e, ProviderEvent::Usage(_) | ProviderEvent::Finish(_)));
        Ok(out)
    }

    fn on_end(&mut self) -> Result<Vec<ProviderEvent>, ProviderError> {
        if self.stopped || self.finished {
            return Ok(Vec::new());
        }
        Err(super::ended_early(self.started))
    }

    fn started(&self) -> bool {
        self.started
    }
}

/// `event: error` mid-stream: overloaded and API errors before any content are retried.
fn stream_error(error: &Value, started: bool) -> ProviderError {
    let kind = error["type"].as_str().unwrap_or("error");
    let message = error["message"].as_str().unwrap_or("unknown error");
    let text = format!("the provider reported {kind}: {message}");
    match kind {
        "overloaded_error" | "api_error" if !started => {
            ProviderError::new(ErrorCode::ProviderUnavailable, text).retryable(None)
        }
        "rate_limit_error" if !started => {
            ProviderError::new(ErrorCode::RateLimited, text).retryable(None)
        }
        "overloaded_error" | "api_error" => {
            ProviderError::new(ErrorCode::ProviderUnavailable, text)
        }
        "authentication_error" | "permission_error" => {
            ProviderError::new(ErrorCode::AuthFailed, text)
        }
        "invalid_request_error" => ProviderError::new(ErrorCode::InvalidRequest, text),
        _ => ProviderError::new(ErrorCode::ProviderError, text),
    }
}

pub struct AnthropicMessages {
    endpoint: super::Endpoint,
}

impl AnthropicMessages {
    /// `base_url` is the API's root (`https://api.anthropic.com`), as the SDKs take it.
    pub fn new(base_url: &str, api_key: Option<String>) -> AnthropicMessages {
        AnthropicMessages {
            endpoint: super::Endpoint::new(base_url, api_key, super::Auth::Header("x-api-key")),
        }
    }

    /// The request body: blocks converted to Anthropic's, the system prompt and the
    /// conversation prefix marked for prompt caching.
    pub fn body(request: &ModelRequest) -> Value {
        let mut messages: Vec<Value> = Vec::new();
        for m in &request.messages {
            let role = match m.role {
                Role::Assistant => "assistant",
                _ => "user",
            };
            let content: Vec<Value> =
                m.content.iter().filter_map(|b| block_json(b, request)).collect();
            if content.is_empty() {
                continue;
            }
            // Anthropic wants alternating roles: fold consecutive same-role messages.
            match messages.last_mut() {
                Some(last) if last["role"] == role => {
                    last["content"].as_array_mut().unwrap_or(&mut Vec::new()).extend(content);
                }
                _ => messages.push(json!({"role": role, "content": content})),
            }
        }
        if let Some(last) =
            messages.last_mut().and_then(|m| m["content"].as_array_mut()).and_then(|c| c.last_mut())
        {
            last["cache_control"] = json!({"type": "ephemeral"});
        }
        // The reply's budget includes the thinking budget, which must stay below it.
        let max_tokens = request
            .max_tokens
            .unwrap_or(DEFAULT_MAX_TOKENS)
            .max(request.thinking_budget.map_or(0, |b| b + DEFAULT_MAX_TOKENS));
        let mut body = json!({
            "model": request.model,
            "max_tokens": max_tokens,
            "messages": messages,
            "stream": true,
        });
        if let Some(system) = request.system.as_ref().filter(|s| !s.is_empty()) {
            body["system"] =
                json!([{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}]);
        }
        if let Some(budget) = request.thinking_budget {
            body["thinking"] = json!({"type": "enabled", "budget_tokens": budget});
        }
        if !request.tools.is_empty() {
            let mut tools: Vec<Value> = request
                .tools
                .iter()
                .map(|t| {
                    json!({"name": t.name, "description": t.description, "input_schema": t.input_schema})
                })
                .collect();
            // Tool definitions come first in the prompt: cache them with the system prompt.
            if let Some(last) = tools.last_mut() {
                last["cache_control"] = json!({"type": "ephemeral"});
            }
            body["tools"] = json!(tools);
        }
        body
    }
}

fn block_json(block: &ContentBlock, request: &ModelRequest) -> Option<Value> {
    Some(match block {
        ContentBlock::Text { text } if !text.is_empty() => json!({"type": "text", "text": text}),
        ContentBlock::Text { .. } => return None,
        // Thinking goes back only with its signature (the API refuses it otherwise).
        ContentBlock::Thinking { text, signature: Some(sig) } => {
            json!({"type": "thinking", "thinking": text, "signature": sig})
        }
        ContentBlock::Thinking { .. } => return None,
        ContentBlock::RedactedThinking { data } => {
            json!({"type": "redacted_thinking", "data": data})
        }
        ContentBlock::ToolUse { id, name, input } => {
            json!({"type": "tool_use", "id": id, "name": name, "input": input})
        }
        ContentBlock::ToolResult { tool_use_id, content, is_error } => {
            json!({"type": "tool_result", "tool_use_id": tool_use_id, "content": content, "is_error": is_error})
        }
        ContentBlock::Image { attachment_id, .. } => match request.image(attachment_id) {
            Some(image) => json!({
                "type": "image",
                "source": {"type": "base64", "media_type": image.mime, "data": image.base64},
            }),
            None => json!({"type": "text", "text": super::MISSING_IMAGE}),
        },
        // PDFs as document blocks (Claude reads their pages); text files as text.
        ContentBlock::File { attachment_id, .. } => match request.document(attachment_id) {
            Some(doc @ super::DocumentData { base64: Some(data), .. }) => json!({
                "type": "document",
                "source": {"type": "base64", "media_type": doc.mime, "data": data},
                "title": doc.name,
            }),
            _ => json!({"type": "text", "text": request.document_text(attachment_id)}),
        },
    })
}

impl Provider for AnthropicMessages {
    fn stream(
        &self,
        request: ModelRequest,
    ) -> BoxFuture<'static, Result<EventStream, ProviderError>> {
        let http = self
            .endpoint
            .post("/v1/messages")
            .header("anthropic-version", API_VERSION)
            .json(&Self::body(&request));
        super::stream_sse(http, MessagesStreamParser::default())
    }
}
