//! One run: the agent loop of a turn, owned by the engine (never by a window).
//!
//! model call → frames → (steered text at the step boundary → next model call) → done.
//! A call that fails before its first token is retried with backoff (frame `retrying`);
//! one that fails after it ends the run in error with the partial reply kept. Abort stops
//! the provider request at once and keeps the partial reply as `aborted`.

use std::sync::Arc;

use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::Shared;
use crate::actor::Cmd;
use crate::assemble::Assembler;
use crate::chat::{ContentBlock, MessageSource, MessageStatus, Role};
use crate::error::{ApiError, ErrorCode, Result};
use crate::frames::{FrameBody, Phase, RunStatus, StopReason, Usage};
use crate::provider::{ModelMessage, ModelRequest, Provider, ProviderError, ProviderEvent, retry};
use crate::store::{attachments, messages, runs, sessions};

pub(crate) struct RunContext {
    pub shared: Arc<Shared>,
    pub session_id: String,
    pub run_id: String,
    /// The user message this run answers.
    pub message_id: String,
    pub text: String,
    pub cancel: CancellationToken,
    /// Steered text: (message id, text), taken at the next step boundary.
    pub steer: mpsc::UnboundedReceiver<(String, String)>,
    pub actor: mpsc::UnboundedSender<Cmd>,
}

/// How one model call ended.
enum CallEnd {
    Done(StopReason),
    Aborted,
    Failed(ApiError),
}

impl RunContext {
    fn emit(&self, body: FrameBody) {
        self.shared.writer.append(&self.session_id, Some(&self.run_id), body);
    }

    /// The actor learns the phase before the frame is written, so a snapshot taken after a
    /// phase frame's seq never reports the older phase.
    fn phase(&self, phase: Phase) {
        let _ = self.actor.send(Cmd::Phase { run_id: self.run_id.clone(), phase });
        self.emit(FrameBody::Phase { phase });
    }
}

pub(crate) async fn execute(mut ctx: RunContext) {
    let (mut status, usage, mut error) = match drive(&mut ctx).await {
        Ok((status, usage, error)) => (status, usage, error),
        Err(e) => (RunStatus::Error, Usage::default(), Some(e)),
    };
    if status == RunStatus::Aborted
        && ctx.shared.shutting_down.load(std::sync::atomic::Ordering::SeqCst)
    {
        status = RunStatus::Interrupted;
        error = Some(ApiError::new(
            ErrorCode::Internal,
            "Hearth stopped while this reply was being written; retry to run it again",
        ));
    }
    // The run's row (status, usage) is committed before its end is announced, so whoever
    // sees `run_completed` reads the finished run.
    let (run_id, recorded_error) = (ctx.run_id.clone(), error.clone());
    let finished = ctx
        .shared
        .write(move |tx, now| {
            let code = recorded_error.as_ref().map(|e| e.code.name());
            let recorded = recorded_error
                .as_ref()
                .zip(code.as_deref())
                .map(|(e, code)| (code, e.message.as_str()));
            runs::finish(tx, &run_id, status, recorded, &usage, now)
        })
        .await;
    if let Err(e) = finished {
        tracing::error!(run = %ctx.run_id, error = %e, "could not record the end of a run");
    }
    ctx.phase(Phase::Idle);
    ctx.emit(FrameBody::RunCompleted { status, usage, error });
    let _ = ctx.shared.writer.flush(&ctx.session_id).await;
    tracing::info!(session = %ctx.session_id, run = %ctx.run_id, status = status.as_str(), "run ended");
    if status == RunStatus::Done && ctx.shared.auto_title && ctx.shared.settings().auto_title {
        ctx.shared
            .runtime
            .spawn(crate::title::maybe_title(ctx.shared.clone(), ctx.session_id.clone()));
    }
}

async fn drive(ctx: &mut RunContext) -> Result<(RunStatus, Usage, Option<ApiError>)> {
    // The user message enters the conversation now; its run is running.
    let sid = ctx.session_id.clone();
    let session = ctx.shared.read(move |conn| sessions::get(conn, &sid)).await?;
    ctx.emit(FrameBody::UserMessage { message_id: ctx.message_id.clone(), text: ctx.text.clone() });
    ctx.phase(Phase::Connecting);
    let resolved = ctx.shared.accounts.resolve(session.model.as_deref()).await;
    let model_id = resolved.as_ref().map(|r| r.2.clone()).unwrap_or_default();
    {
        let (sid, mid, rid, model) =
            (ctx.session_id.clone(), ctx.message_id.clone(), ctx.run_id.clone(), model_id.clone());
        ctx.shared
            .write(move |tx, now| {
                messages::enter_timeline(tx, &mid, &sid)?;
                runs::mark_running(tx, &rid, &model, now)
            })
            .await?;
    }
    ctx.emit(FrameBody::RunStarted { message_id: ctx.message_id.clone(), model: model_id });
    let (provider, model_name, model_id) = resolved?;
    let can_think = session.thinking_budget.is_some()
        && ctx
            .shared
            .accounts
            .capabilities(&model_id)
            .await
            .iter()
            .any(|c| c == crate::models::REASONING);

    let mut total = Usage::default();
    loop {
        let request = build_request(ctx, &session, &model_name, can_think).await?;
        let (end, usage) = call_model(ctx, provider.as_ref(), request).await;
        total.add(&usage);
        match end {
            CallEnd::Aborted => return Ok((RunStatus::Aborted, total, None)),
            CallEnd::Failed(e) => return Ok((RunStatus::Error, total, Some(e))),
            CallEnd::Done(_) => {}
        }
        // Step boundary: steered text enters here, and the model is called again.
        let mut steered = Vec::new();
        while let Ok(item) = ctx.steer.try_recv() {
            steered.push(item);
        }
        if steered.is_empty() || ctx.cancel.is_cancelled() {
            return Ok((
                if ctx.cancel.is_cancelled() { RunStatus::Aborted } else { RunStatus::Done },
                total,
                None,
            ));
        }
        for (message_id, text) in steered {
            let (sid, mid, t) = (ctx.session_id.clone(), message_id.clone(), text.clone());
            ctx.shared
                .write(move |tx, now| {
                    let content = [ContentBlock::Text { text: t }];
                    messages::insert(
                        tx,
                        &messages::NewMessage::user(&mid, &sid, &content, true),
                        now,
                    )
                })
                .await?;
            ctx.emit(FrameBody::Steered { message_id, text });
        }
        ctx.phase(Phase::Connecting);
    }
}

/// The request for the next model call: the conversation so far, with its images; thinking
/// only for a model that can think (others refuse the parameter).
async fn build_request(
    ctx: &RunContext,
    session: &sessions::Session,
    model: &str,
    can_think: bool,
) -> Result<ModelRequest> {
    let sid = ctx.session_id.clone();
    let (timeline, _) =
        ctx.shared.read(move |conn| messages::timeline(conn, &sid, 100_000, None)).await?;
    let messages: Vec<ModelMessage> = timeline
        .into_iter()
        .filter(|m| m.status != MessageStatus::Error)
        .map(|m| ModelMessage { role: m.role, content: m.content })
        .collect();
    // The images the conversation shows, read once per model call.
    let image_ids: Vec<String> = messages
        .iter()
        .flat_map(|m| &m.content)
        .filter_map(|b| match b {
            ContentBlock::Image { attachment_id, .. } => Some(attachment_id.clone()),
            _ => None,
        })
        .collect();
    let images = if image_ids.is_empty() {
        Default::default()
    } else {
        let store = ctx.shared.store.clone();
        ctx.shared
            .read(move |conn| {
                let mut images = std::collections::HashMap::new();
                for id in image_ids {
                    if let Some(image) = attachments::load_image(conn, store.dir(), &id)? {
                        images.insert(id, image);
                    }
                }
                Ok(images)
            })
            .await?
    };
    Ok(ModelRequest {
        model: model.to_owned(),
        system: session.system_prompt.clone(),
        messages,
        thinking_budget: session.thinking_budget.filter(|_| can_think),
        images: Arc::new(images),
        ..ModelRequest::default()
    })
}

/// One model call, with retries before the first token. Writes the assistant message.
async fn call_model(
    ctx: &RunContext,
    provider: &dyn Provider,
    request: ModelRequest,
) -> (CallEnd, Usage) {
    let message_id = uuid::Uuid::now_v7().to_string();
    let mut assembler = Assembler::default();
    let mut usage = Usage::default();
    let mut delays = retry::schedule();
    let mut attempt = 1u32;
    let mut started = false;
    let mut open: Option<(u32, bool)> = None; // (index, is_text) of the block being streamed
    let mut next_index = 0u32;

    let end = 'attempts: loop {
        let connect = tokio::select! {
            _ = ctx.cancel.cancelled() => break 'attempts CallEnd::Aborted,
            r = provider.stream(request.clone()) => r,
        };
        let failure: Option<ProviderError> = match connect {
            Err(e) => Some(e),
            Ok(mut stream) => loop {
                let item = tokio::select! {
                    _ = ctx.cancel.cancelled() => break 'attempts CallEnd::Aborted,
                    item = stream.next() => item,
                };
                let event = match item {
                    None => break 'attempts CallEnd::Done(StopReason::EndTurn),
                    Some(Err(e)) => break Some(e),
                    Some(Ok(event)) => event,
                };
                match event {
                    ProviderEvent::Usage(u) => usage = u,
                    ProviderEvent::Finish(reason) => {
                        // Keep reading: the usage chunk often follows the finish reason.
                        let _ = reason;
                        let rest: Vec<_> = tokio::select! {
                            _ = ctx.cancel.cancelled() => break 'attempts CallEnd::Aborted,
                            rest = stream.collect::<Vec<_>>() => rest,
                        };
                        for item in rest {
                            if let Ok(ProviderEvent::Usage(u)) = item {
                                usage = u;
                            }
                        }
                        break 'attempts CallEnd::Done(reason);
                    }
                    content => {
                        if !started {
                            started = true;
                            ctx.emit(FrameBody::MessageStart { message_id: message_id.clone() });
                        }
                        let frames = block_frames(content, &mut open, &mut next_index);
                        for frame in frames {
                            if let FrameBody::TextStart { .. } = frame {
                                ctx.phase(Phase::Streaming);
                            } else if let FrameBody::ThinkingStart { .. } = frame {
                                ctx.phase(Phase::Thinking);
                            }
                            assembler.apply(&frame);
                            ctx.emit(frame);
                        }
                    }
                }
            },
        };
        let e =
            failure.unwrap_or_else(|| ProviderError::new(ErrorCode::Internal, "the stream failed"));
        if started || !e.retryable {
            break CallEnd::Failed(e.into());
        }
        let Some(backoff) = delays.next() else { break CallEnd::Failed(e.into()) };
        let delay = e.retry_after.unwrap_or(backoff); // the server's word wins
        attempt += 1;
        tracing::warn!(run = %ctx.run_id, attempt, delay_ms = delay.as_millis() as u64, reason = %e.message, "retrying the model call");
        ctx.emit(FrameBody::Retrying {
            attempt,
            delay_ms: delay.as_millis() as u64,
            reason: e.message.clone(),
        });
        tokio::select! {
            _ = ctx.cancel.cancelled() => break CallEnd::Aborted,
            _ = tokio::time::sleep(delay) => {}
        }
        ctx.phase(Phase::Connecting);
    };

    if let Some(close) = close_block(&mut open) {
        ctx.emit(close);
    }
    let shutting_down = ctx.shared.shutting_down.load(std::sync::atomic::Ordering::SeqCst);
    // A reply cut by its token limit inside a tool call's JSON cannot be run: say so clearly.
    let end = match end {
        CallEnd::Done(StopReason::MaxTokens) => match truncated_tool(&assembler.content()) {
            Some(name) => CallEnd::Failed(ApiError::new(
                ErrorCode::ToolCallTruncated,
                format!(
                    "the reply reached its token limit in the middle of a call to {name}; \
                     ask for less at once or raise the model's output limit"
                ),
            )),
            None => CallEnd::Done(StopReason::MaxTokens),
        },
        other => other,
    };
    let (status, stop) = match &end {
        CallEnd::Done(reason) => (MessageStatus::Complete, *reason),
        CallEnd::Aborted if shutting_down => (MessageStatus::Interrupted, StopReason::Aborted),
        CallEnd::Aborted => (MessageStatus::Aborted, StopReason::Aborted),
        CallEnd::Failed(_) => (MessageStatus::Error, StopReason::Error),
    };
    if started || matches!(end, CallEnd::Done(_)) {
        if !started {
            ctx.emit(FrameBody::MessageStart { message_id: message_id.clone() });
        }
        ctx.emit(FrameBody::MessageEnd {
            message_id: message_id.clone(),
            stop_reason: stop,
            usage,
        });
        if let Err(e) = save_reply(ctx, &message_id, assembler.content(), status, usage).await {
            tracing::error!(run = %ctx.run_id, error = %e, "could not save the reply");
            return (CallEnd::Failed(e), usage);
        }
    }
    (end, usage)
}

/// The frame that ends the text or thinking block being streamed, if one is open.
fn close_block(open: &mut Option<(u32, bool)>) -> Option<FrameBody> {
    open.take().map(|(index, is_text)| {
        if is_text {
            FrameBody::TextEnd { index }
        } else {
            FrameBody::ThinkingEnd { index, signature: None }
        }
    })
}

/// Turns a content event into frames, opening and closing blocks as their kind changes.
fn block_frames(
    event: ProviderEvent,
    open: &mut Option<(u32, bool)>,
    next_index: &mut u32,
) -> Vec<FrameBody> {
    let mut out = Vec::new();
    let mut ensure = |want_text: bool, out: &mut Vec<FrameBody>| -> u32 {
        match *open {
            Some((index, is_text)) if is_text == want_text => index,
            _ => {
                out.extend(close_block(open));
                let index = *next_index;
                *next_index += 1;
                *open = Some((index, want_text));
                out.push(if want_text {
                    FrameBody::TextStart { index }
                } else {
                    FrameBody::ThinkingStart { index }
                });
                index
            }
        }
    };
    match event {
        ProviderEvent::TextDelta(text) => {
            let index = ensure(true, &mut out);
            out.push(FrameBody::TextDelta { index, text });
        }
        ProviderEvent::ThinkingDelta(text) => {
            let index = ensure(false, &mut out);
            out.push(FrameBody::ThinkingDelta { index, text });
        }
        ProviderEvent::ToolCallStart { id, name, .. } => {
            out.extend(close_block(open));
            let index = *next_index;
            *next_index += 1;
            out.push(FrameBody::ToolCallStart { index, id, name });
        }
        ProviderEvent::ToolCallDelta { partial_json, .. } => {
            // Tool calls stream one at a time here; the agent issue runs them.
            let index = next_index.saturating_sub(1);
            out.push(FrameBody::ToolCallDelta { index, partial_json });
        }
        ProviderEvent::ThinkingSignature(signature) => {
            // The signature closes the thinking block it belongs to.
            if let Some((index, false)) = *open {
                *open = None;
                out.push(FrameBody::ThinkingEnd { index, signature: Some(signature) });
            }
        }
        ProviderEvent::RedactedThinking(data) => {
            out.extend(close_block(open));
            let index = *next_index;
            *next_index += 1;
            out.push(FrameBody::RedactedThinking { index, data });
        }
        ProviderEvent::Usage(_) | ProviderEvent::Finish(_) => {}
    }
    out
}

async fn save_reply(
    ctx: &RunContext,
    message_id: &str,
    content: Vec<ContentBlock>,
    status: MessageStatus,
    usage: Usage,
) -> Result<()> {
    // The message records the seq of its last frame (message_end): flush to learn it.
    let last_seq = ctx.shared.writer.flush(&ctx.session_id).await?;
    let (sid, rid, mid) = (ctx.session_id.clone(), ctx.run_id.clone(), message_id.to_owned());
    ctx.shared
        .write(move |tx, now| {
            let message = messages::NewMessage {
                run_id: Some(&rid),
                role: Role::Assistant,
                source: MessageSource::Model,
                status,
                usage: Some(&usage),
                last_seq: Some(last_seq),
                ..messages::NewMessage::user(&mid, &sid, &content, true)
            };
            messages::insert(tx, &message, now)
        })
        .await
}

/// The name of a tool call whose arguments are not complete JSON.
fn truncated_tool(content: &[ContentBlock]) -> Option<String> {
    content.iter().find_map(|b| match b {
        ContentBlock::ToolUse { name, input: serde_json::Value::String(_), .. } => {
            Some(name.clone())
        }
        _ => None,
    })
}
