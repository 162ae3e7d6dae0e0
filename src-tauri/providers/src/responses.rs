//! OpenAI Responses API streaming (for accounts on api.openai.com).
//!
//! [`ResponsesStreamParser`] is the protocol with no IO: output text, refusals, reasoning
//! summaries, function calls with their argument fragments, usage from `response.completed`,
//! `response.incomplete`, and failures (`error`, `response.failed`).

use std::collections::HashSet;

use futures_util::future::BoxFuture;
use serde_json::{Value, json};

use super::{Decoder, EventStream, ModelRequest, Provider, ProviderError, ProviderEvent};
use hearth_protocol::chat::{ContentBlock, Role};
use hearth_protocol::error::ErrorCode;
use hearth_protocol::frames::{StopReason, Usage};

#[derive(Debug, Default)]
pub struct ResponsesStreamParser {
    done: bool,
    calls: HashSet<u32>,
    /// Any content has been yielded (an error after this is not retried).
    started: bool,
}

impl Decoder for ResponsesStreamParser {
    fn on_event(&mut self, event: &str, data: &str) -> Result<Vec<ProviderEvent>, ProviderError> {
        if self.done {
            return Ok(Vec::new());
        }
        let data = data.trim();
        if data.is_empty() || data == "[DONE]" {
            return Ok(Vec::new());
        }
        let v: Value = serde_json::from_str(data).map_err(|e| {
            ProviderError::new(
                ErrorCode::BadProviderStream,
                format!("the provider sent an event that is not valid JSON: {e}"),
            )
        })?;
        let kind = v["type"].as_str().unwrap_or(event);
        let text = |key: &str| v[key].as_str().filter(|t| !t.is_empty()).map(str::to_owned);
        let mut out = Vec::new();
        match kind {
            "response.output_text.delta" | "response.refusal.delta" => {
                out.extend(text("delta").map(ProviderEvent::TextDelta));
            }
            "response.reasoning_summary_text.delta" | "response.reasoning_text.delta" => {
                out.extend(text("delta").map(ProviderEvent::ThinkingDelta));
            }
            "response.output_item.added" if v["item"]["type"] == "function_call" => {
                let index = v["output_index"].as_u64().unwrap_or(0) as u32;
                self.calls.insert(index);
                out.push(ProviderEvent::ToolCallStart {
                    index,
                    id: v["item"]["call_id"].as_str().unwrap_or("").to_owned(),
                    name: v["item"]["name"].as_str().unwrap_or("").to_owned(),
                });
            }
            "response.function_call_arguments.delta" => {
                let index = v["output_index"].as_u64().unwrap_or(0) as u32;
                if let Some(delta) = text("delta") {
                    out.push(ProviderEvent::ToolCallDelta { index, partial_json: delta });
                }
            }
            "response.completed" | "response.incomplete" => {
                self.done = true;
                let u = &v["response"]["usage"];
                // Cached tokens are inside input_tokens here: Hearth counts them apart.
                let cached = u["input_tokens_details"]["cached_tokens"].as_u64().unwrap_or(0);
                out.push(ProviderEvent::Usage(Usage {
                    input_tokens: u["input_tokens"].as_u64().unwrap_or(0).saturating_sub(cached),
                    output_tokens: u["output_tokens"].as_u64().unwrap_or(0),
                    cache_read_tokens: cached,
                    cache_write_tokens: 0,
                }));
                let reason = if kind == "response.incomplete" {
                    match v["response"]["incomplete_details"]["reason"].as_str() {
                        Some("content_filter") => StopReason::ContentFilter,
                        _ => StopReason::MaxTokens,
                    }
                } else if self.calls.is_empty() {
                    StopReason::EndTurn
                } else {
                    StopReason::ToolUse
                };
                out.push(ProviderEvent::Finish(reason));
            }
            "error" => {
                let e = if v["error"].is_object() { &v["error"] } else { &v };
                return Err(failure(e, self.started));
            }
            "response.failed" => return Err(failure(&v["response"]["error"], self.started)),
            // Lifecycle and `.done` events repeat what the deltas said.
            _ => {}
        }
        self.started |=
            out.iter().any(|e| !matches!(e, ProviderEvent::Usage(_) | ProviderEvent::Finish(_)));
        Ok(out)
    }

    fn on_end(&mut self) -> Result<Vec<ProviderEvent>, ProviderError> {
        if self.done {
            return Ok(Vec::new());
        }
        Err(super::ended_early(self.started))
    }

    fn started(&self) -> bool {
        self.started
    }
}

fn failure(error: &Value, started: bool) -> ProviderError {
    let code = error["code"].as_str().or(error["type"].as_str()).unwrap_or("error");
    let message = format!(
        "the provider reported {code}: {}",
        error["message"].as_str().unwrap_or("unknown error")
    );
    match code {
        "insufficient_quota" | "billing_hard_limit_reached" => {
            ProviderError::new(ErrorCode::Billing, message)
        }
        "rate_limit_exceeded" if !started => {
            ProviderError::new(ErrorCode::RateLimited, message).retryable(None)
        }
        "server_error" | "server_is_overloaded" if !started => {
            ProviderError::new(ErrorCode::ProviderUnavailable, message).retryable(None)
        }
        "invalid_api_key" => ProviderError::new(ErrorCode::AuthFailed, message),
        "invalid_request_error" | "invalid_prompt" => {
            ProviderError::new(ErrorCode::InvalidRequest, message)
        }
        _ => ProviderError::new(ErrorCode::ProviderError, message),
    }
}

pub struct OpenAiResponses {
    endpoint: super::Endpoint,
}

impl OpenAiResponses {
    pub fn new(base_url: &str, api_key: Option<String>) -> OpenAiResponses {
        OpenAiResponses { endpoint: super::Endpoint::new(base_url, api_key, super::Auth::Bearer) }
    }

    /// The request body: messages as input items, tool calls as `function_call` items and
    /// their results as `function_call_output`, images as data URLs, the system prompt as
    /// `instructions`. Nothing is stored at OpenAI (`store: false`).
    pub fn body(request: &ModelRequest) -> Value {
        let mut input: Vec<Value> = Vec::new();
        for m in &request.messages {
            let (role, part) = match m.role {
                Role::Assistant => ("assistant", "output_text"),
                _ => ("user", "input_text"),
            };
            let mut content = Vec::new();
            let mut items = Vec::new();
            for block in &m.content {
                match block {
                    ContentBlock::Text { text } if !text.is_empty() => {
                        content.push(json!({"type": part, "text": text}));
                    }
                    ContentBlock::Image { attachment_id, .. } if m.role != Role::Assistant => {
                        content.push(match request.image(attachment_id) {
                            Some(image) => json!({
                                "type": "input_image",
                                "image_url": super::data_url(image),
                            }),
                            None => json!({"type": "input_text", "text": super::MISSING_IMAGE}),
                        });
                    }
                    // PDFs as input files (the model reads their pages); text files as text.
                    ContentBlock::File { attachment_id, .. } if m.role != Role::Assistant => {
                        content.push(match request.document(attachment_id) {
                            Some(doc) if doc.base64.is_some() => json!({
                                "type": "input_file",
                                "filename": doc.name,
                                "file_data": doc.data_url(),
                            }),
                            _ => json!({
                                "type": "input_text",
                                "text": request.document_text(attachment_id),
                            }),
                        });
                    }
                    ContentBlock::ToolUse { id, name, input: args } => items.push(json!({
                        "type": "function_call",
                        "call_id": id,
                        "name": name,
                        "arguments": super::arguments_string(args),
                    })),
                    ContentBlock::ToolResult { tool_use_id, content: output, is_error } => {
                        items.push(json!({
                            "type": "function_call_output",
                            "call_id": tool_use_id,
                            "output": if *is_error { format!("Error: {output}") } else { output.clone() },
                        }));
                    }
                    _ => {}
                }
            }
            // Results answer calls made before: they go first; an assistant's text precedes
            // its calls.
            if m.role == Role::Assistant {
                if !content.is_empty() {
                    input.push(json!({"role": role, "content": content}));
                }
                input.extend(items);
            } else {
                input.extend(items);
                if !content.is_empty() {
                    input.push(json!({"role": role, "content": content}));
                }
            }
        }
        let mut body =
            json!({"model": request.model, "input": input, "stream": true, "store": false});
        if let Some(system) = request.system.as_ref().filter(|s| !s.is_empty()) {
            body["instructions"] = json!(system);
        }
        if let Some(max) = request.max_tokens {
            body["max_output_tokens"] = json!(max);
        }
        if let Some(budget) = request.thinking_budget {
            body["reasoning"] =
                json!({"effort": super::reasoning_effort(budget), "summary": "auto"});
        }
        if !request.tools.is_empty() {
            let tools: Vec<Value> = request
                .tools
                .iter()
                .map(|t| {
                    json!({
                        "type": "function",
                        "name": t.name,
                        "description": t.description,
                        "parameters": t.input_schema,
                    })
                })
                .collect();
            body["tools"] = json!(tools);
        }
        body
    }
}

impl Provider for OpenAiResponses {
    fn stream(
        &self,
        request: ModelRequest,
    ) -> BoxFuture<'static, Result<EventStream, ProviderError>> {
        let http = self.endpoint.post("/responses").json(&Self::body(&request));
        super::stream_sse(http, ResponsesStreamParser::default())
    }
}
