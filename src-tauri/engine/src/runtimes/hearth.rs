//! The built-in runtime: Hearth's own agent loop (a provider, tools, MCP, approvals).
//!
//! model call → frames → (steered text at the step boundary → next model call) → done.
//! A call that fails before its first token is retried with backoff (frame `retrying`);
//! one that fails after it ends the run in error with the partial reply kept. Abort stops
//! the provider request at once and keeps the partial reply as `aborted`.

use std::sync::Arc;

use std::collections::{HashMap, VecDeque};

use futures_util::future::BoxFuture;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::chat::{ContentBlock, MessageSource, MessageStatus, Role};
use crate::error::{ApiError, ErrorCode, Result};
use crate::frames::ApprovalOutcome;
use crate::frames::{FrameBody, Phase, RunStatus, StopReason, Usage};
use crate::models;
use crate::policy::{self, Decision};
use crate::provider::ToolSpec;
use crate::provider::{ModelRequest, Provider, ProviderError, ProviderEvent, retry};
use crate::runtimes::agent::{self, Agent, Effect, Event};
use crate::store::approvals::{Approval, ApprovalAnswer};
use crate::store::{attachments, messages, rules, sessions};
use crate::tools;
use crate::turn::assemble::Assembler;

use super::blocks::{block_frames, close_block};
use super::watch::CallWatch;
use super::{RunContext, Runtime, TurnEnd};

/// Hearth's own agent loop.
pub(crate) struct HearthRuntime;

impl Runtime for HearthRuntime {
    fn name(&self) -> &'static str {
        "hearth"
    }

    fn run<'a>(&'a self, turn: &'a mut RunContext) -> BoxFuture<'a, Result<TurnEnd>> {
        Box::pin(async move {
            let (status, usage, error) = drive(turn).await?;
            Ok(TurnEnd::new(status, usage, error))
        })
    }
}

/// How one model call ended.
enum CallEnd {
    Done(StopReason),
    Aborted,
    Failed(ApiError),
}

async fn drive(ctx: &mut RunContext) -> Result<(RunStatus, Usage, Option<ApiError>)> {
    // The user message enters the conversation now; its run is running.
    let sid = ctx.session_id.clone();
    let session = ctx.shared.read(move |conn| sessions::get(conn, &sid)).await?;
    let mid = ctx.message_id.clone();
    let attachments = match ctx.shared.read(move |conn| messages::get(conn, &mid)).await? {
        Some(m) => m.content.into_iter().filter(|b| b.attachment_id().is_some()).collect(),
        None => Vec::new(),
    };
    ctx.emit(FrameBody::UserMessage {
        message_id: ctx.message_id.clone(),
        text: ctx.text.clone(),
        attachments,
    });
    ctx.phase(Phase::Connecting);
    let resolved = ctx.shared.accounts.resolve(session.model.as_deref()).await;
    let model_id = resolved.as_ref().map(|r| r.2.clone()).unwrap_or_default();
    ctx.start(model_id).await?;
    let (provider, model_name, model_id) = resolved?;
    let capabilities = ctx.shared.accounts.capabilities(&model_id).await;
    let can_think =
        session.thinking_budget.is_some() && capabilities.iter().any(|c| c == models::REASONING);
    // A model known not to take tools is not offered any (it would refuse the request).
    let offered = if capabilities.is_empty() || capabilities.iter().any(|c| c == models::TOOLS) {
        ctx.shared.tools.offered().await
    } else {
        Vec::new()
    };
    let specs: Vec<ToolSpec> = offered.iter().map(|o| o.spec.clone()).collect();
    let workspace = session.workspace.as_ref().map(std::path::PathBuf::from);

    let mut agent = Agent::new(session.max_steps.unwrap_or(agent::DEFAULT_MAX_STEPS));
    let mut effects: VecDeque<Effect> = agent.start().into();
    let mut total = Usage::default();
    // What every reply of this run streamed, against the run's limit.
    let mut run_bytes = 0usize;
    let mut calls: HashMap<String, agent::Call> = HashMap::new();
    let mut running: JoinSet<tools::Outcome> = JoinSet::new();
    let mut running_ids: HashMap<tokio::task::Id, String> = HashMap::new();
    // Approvals this run waits for; their answers arrive on `answers`.
    let mut waiting: HashMap<String, Approval> = HashMap::new();
    // Calls that run with the input the user edited on the approval card.
    let mut edited: std::collections::HashSet<String> = Default::default();
    let (answer_tx, mut answers) = mpsc::unbounded_channel::<(String, ApprovalAnswer)>();
    let tool_cancel = ctx.cancel.child_token();
    let mut cancelled = false;
    // The phase this loop last announced while waiting (a model call announces its own).
    let mut waiting_phase: Option<Phase> = None;
    loop {
        while let Some(effect) = effects.pop_front() {
            match effect {
                Effect::CallModel { step } => {
                    waiting_phase = None;
                    if step > 1 {
                        take_steered(ctx).await?;
                        ctx.phase(Phase::Connecting);
                    }
                    let request =
                        build_request(ctx, &session, &model_name, can_think, &specs).await?;
                    let (end, usage, content) =
                        call_model(ctx, provider.as_ref(), request, &mut run_bytes).await;
                    total.add(&usage);
                    let event = match end {
                        CallEnd::Aborted => Event::Abort,
                        CallEnd::Failed(e) => Event::ModelFailed(e),
                        CallEnd::Done(_) => {
                            let new_calls = decide(ctx, &offered, &content).await?;
                            // Steered text waits while tools run: results must follow calls.
                            let steered = new_calls.is_empty() && take_steered(ctx).await?;
                            calls.extend(new_calls.iter().map(|c| (c.id.clone(), c.clone())));
                            Event::ModelDone { calls: new_calls, steered }
                        }
                    };
                    effects.extend(agent.handle(event));
                }
                Effect::AskApproval(call) => {
                    let approval =
                        ctx.request_approval(&call.id, &call.name, &call.input, &answer_tx).await?;
                    waiting.insert(approval.id.clone(), approval);
                }
                Effect::RunTool(call) => {
                    let call = calls.get(&call.id).cloned().unwrap_or(call);
                    let net = net_gate(ctx, &offered, &call).await?;
                    let (shared, workspace, cancel) =
                        (ctx.shared.clone(), workspace.clone(), tool_cancel.clone());
                    let call_id = call.id.clone();
                    let handle = running.spawn(async move {
                        shared.tools.run(&call.name, &call.input, workspace, cancel, net).await
                    });
                    running_ids.insert(handle.id(), call_id);
                }
                Effect::SaveResults(results) => save_results(ctx, results).await?,
                Effect::Finish { status, error } => {
                    tool_cancel.cancel();
                    return Ok((status, total, error));
                }
            }
        }
        if running.is_empty() && waiting.is_empty() {
            // Nothing can move the agent on: a bug, not a hang.
            return Err(ApiError::new(
                ErrorCode::Internal,
                "the agent has nothing left to wait for",
            ));
        }
        let phase = if running.is_empty() { Phase::WaitingApproval } else { Phase::Tool };
        if waiting_phase != Some(phase) {
            waiting_phase = Some(phase);
            ctx.phase(phase);
        }
        tokio::select! {
            _ = ctx.cancel.cancelled(), if !cancelled => {
                cancelled = true;
                tool_cancel.cancel();
                // Running tools stop their processes on cancel; give them a moment to.
                let _ = tokio::time::timeout(std::time::Duration::from_secs(3), async {
                    while running.join_next().await.is_some() {}
                })
                .await;
                effects.extend(agent.handle(Event::Abort));
            }
            Some(joined) = running.join_next_with_id(), if !running.is_empty() => {
                let (id, outcome) = match joined {
                    Ok((id, outcome)) => (id, outcome),
                    Err(e) => (e.id(), tools::Outcome {
                        content: format!("the tool crashed: {e}"),
                        is_error: true,
                        duration_ms: 0,
                    }),
                };
                let Some(call_id) = running_ids.remove(&id) else { continue };
                let name = calls.get(&call_id).map(|c| c.name.clone()).unwrap_or_default();
                let mut outcome = outcome;
                if edited.remove(&call_id)
                    && let Some(call) = calls.get(&call_id)
                {
                    outcome.content = format!(
                        "(The user edited this call before it ran; it ran with {})\n{}",
                        call.input, outcome.content
                    );
                }
                ctx.emit(FrameBody::ToolResult {
                    tool_use_id: call_id.clone(),
                    name,
                    content: outcome.content.clone(),
                    is_error: outcome.is_error,
                    duration_ms: outcome.duration_ms,
                });
                effects.extend(agent.handle(Event::ToolDone {
                    call_id,
                    content: outcome.content,
                    is_error: outcome.is_error,
                }));
            }
            Some((approval_id, answer)) = answers.recv(), if !waiting.is_empty() => {
                let Some(approval) = waiting.remove(&approval_id) else { continue };
                ctx.emit(FrameBody::ApprovalResolved {
                    approval_id: approval.id.clone(),
                    tool_use_id: approval.tool_use_id.clone(),
                    outcome: if answer.allow { ApprovalOutcome::Allowed } else { ApprovalOutcome::Denied },
                    remember: answer.remember,
                });
                if let (true, Some(input)) = (answer.allow, answer.input)
                    && let Some(call) = calls.get_mut(&approval.tool_use_id)
                {
                    // The user's edit is what runs; the model is told so with the result.
                    call.input = input;
                    edited.insert(approval.tool_use_id.clone());
                }
                effects.extend(agent.handle(Event::Answered {
                    call_id: approval.tool_use_id,
                    allow: answer.allow,
                    message: answer.message,
                }));
            }
        }
    }
}

/// Steered text enters the conversation here (a step boundary); true if there was any.
pub(super) async fn take_steered(ctx: &mut RunContext) -> Result<bool> {
    let mut steered = Vec::new();
    while let Ok(item) = ctx.steer.try_recv() {
        steered.push(item);
    }
    let any = !steered.is_empty();
    for (message_id, text) in steered {
        let (sid, mid, t) = (ctx.session_id.clone(), message_id.clone(), text.clone());
        ctx.shared
            .write(move |tx, now| {
                let content = [ContentBlock::Text { text: t }];
                messages::insert(tx, &messages::NewMessage::user(&mid, &sid, &content, true), now)
            })
            .await?;
        ctx.emit(FrameBody::Steered { message_id, text });
    }
    Ok(any)
}

/// The reply's tool calls, each with the policy's decision (rules read now, so a rule made
/// by the previous approval already counts).
async fn decide(
    ctx: &RunContext,
    offered: &[tools::Offered],
    content: &[ContentBlock],
) -> Result<Vec<agent::Call>> {
    let uses: Vec<(String, String, serde_json::Value)> = content
        .iter()
        .filter_map(|b| match b {
            ContentBlock::ToolUse { id, name, input } => {
                Some((id.clone(), name.clone(), input.clone()))
            }
            _ => None,
        })
        .collect();
    if uses.is_empty() {
        return Ok(Vec::new());
    }
    let rules = ctx.shared.read(rules::all).await?;
    Ok(uses
        .into_iter()
        .map(|(id, name, input)| {
            let known = offered.iter().any(|o| o.spec.name == name);
            let subject = ctx.shared.tools.subject(&name, &input);
            let decision = if known {
                policy::decide(
                    &rules,
                    &policy::Call {
                        tool: &name,
                        class: tools::class_in(offered, &name),
                        subject: subject.as_deref(),
                        session_id: &ctx.session_id,
                    },
                )
                .0
            } else {
                // A tool nobody offered (a made-up name): refused, and the model is told.
                Decision::Deny
            };
            agent::Call { id, name, input, decision }
        })
        .collect())
}

/// For a network tool: the gate every URL it requests goes through, with the rules as they
/// are now (an "Always" answer to this very call already counts) and, when the call asked,
/// the URL the user allowed.
async fn net_gate(
    ctx: &RunContext,
    offered: &[tools::Offered],
    call: &agent::Call,
) -> Result<Option<std::sync::Arc<dyn hearth_tools::net::NetGate>>> {
    if tools::class_in(offered, &call.name) != policy::ToolClass::Network {
        return Ok(None);
    }
    let rules = ctx.shared.read(rules::all).await?;
    let subject = ctx.shared.tools.subject(&call.name, &call.input);
    let approved = (call.decision == Decision::Ask)
        .then(|| subject.as_deref().and_then(|u| hearth_tools::net::Url::parse(u).ok()))
        .flatten();
    let port = ctx.shared.api_port.load(std::sync::atomic::Ordering::SeqCst);
    Ok(Some(std::sync::Arc::new(policy::FetchGate {
        rules,
        session_id: ctx.session_id.clone(),
        tool: call.name.clone(),
        approved,
        own_port: (port != 0).then_some(port),
    })))
}

/// The step's results, as one message right after the calls (in the calls' order).
pub(super) async fn save_results(ctx: &RunContext, results: Vec<agent::ToolResult>) -> Result<()> {
    if results.is_empty() {
        return Ok(());
    }
    let content: Vec<ContentBlock> = results
        .into_iter()
        .map(|r| ContentBlock::ToolResult {
            tool_use_id: r.call_id,
            content: r.content,
            is_error: r.is_error,
        })
        .collect();
    let last_seq = ctx.shared.writer.flush(&ctx.session_id).await?;
    let (sid, rid, mid) =
        (ctx.session_id.clone(), ctx.run_id.clone(), uuid::Uuid::now_v7().to_string());
    ctx.shared
        .write(move |tx, now| {
            let message = messages::NewMessage {
                run_id: Some(&rid),
                source: MessageSource::Model,
                last_seq: Some(last_seq),
                ..messages::NewMessage::user(&mid, &sid, &content, true)
            };
            messages::insert(tx, &message, now)
        })
        .await
}

/// The request for the next model call: the conversation so far, with its images; thinking
/// only for a model that can think (others refuse the parameter).
async fn build_request(
    ctx: &RunContext,
    session: &sessions::Session,
    model: &str,
    can_think: bool,
    tools: &[ToolSpec],
) -> Result<ModelRequest> {
    let sid = ctx.session_id.clone();
    let (timeline, _) =
        ctx.shared.read(move |conn| messages::timeline(conn, &sid, 100_000, None)).await?;
    let messages = crate::turn::context::model_view(
        timeline.into_iter().filter(|m| m.status != MessageStatus::Error).collect(),
    );
    let messages = crate::turn::pairs::answer_every_call(messages);
    // The images and documents the conversation shows, read once per model call.
    let files: Vec<(String, bool)> = messages
        .iter()
        .flat_map(|m| &m.content)
        .filter_map(|b| match b {
            ContentBlock::Image { attachment_id, .. } => Some((attachment_id.clone(), true)),
            ContentBlock::File { attachment_id, .. } => Some((attachment_id.clone(), false)),
            _ => None,
        })
        .collect();
    let (images, documents) = if files.is_empty() {
        Default::default()
    } else {
        let store = ctx.shared.store.clone();
        ctx.shared
            .read(move |conn| -> Result<_> {
                let (mut images, mut documents) = (HashMap::new(), HashMap::new());
                for (id, image) in files {
                    if image {
                        if let Some(data) = attachments::load_image(conn, store.dir(), &id)? {
                            images.insert(id, data);
                        }
                    } else if let Some(data) = attachments::load_document(conn, store.dir(), &id)? {
                        documents.insert(id, data);
                    }
                }
                Ok((images, documents))
            })
            .await?
    };
    let core = ctx
        .shared
        .read(|c| crate::store::memory::list(c, Some(crate::store::memory::MemoryTier::Core)))
        .await?;
    let core = crate::memory::core_section(&core);
    Ok(ModelRequest {
        model: model.to_owned(),
        system: with_memories(session.system_prompt.clone(), core),
        messages,
        thinking_budget: session.thinking_budget.filter(|_| can_think),
        images: Arc::new(images),
        documents: Arc::new(documents),
        tools: tools.to_vec(),
        ..ModelRequest::default()
    })
}

/// One model call, with retries before the first token. Writes the assistant message.
async fn call_model(
    ctx: &RunContext,
    provider: &dyn Provider,
    request: ModelRequest,
    run_bytes: &mut usize,
) -> (CallEnd, Usage, Vec<ContentBlock>) {
    let message_id = uuid::Uuid::now_v7().to_string();
    let mut assembler = Assembler::default();
    let mut usage = Usage::default();
    let mut delays = retry::schedule();
    let mut attempt = 1u32;
    let mut started = false;
    let mut open: Option<(u32, bool)> = None; // (index, is_text) of the block being streamed
    let mut next_index = 0u32;
    // Tool calls by the provider's index → their block index here (fragments may interleave).
    let mut tool_blocks: std::collections::BTreeMap<u32, u32> = Default::default();

    let end = 'attempts: loop {
        let mut watch = CallWatch::new(ctx.shared.stream_idle);
        let connect = tokio::select! {
            _ = ctx.cancel.cancelled() => break 'attempts CallEnd::Aborted,
            r = watch.connect(provider.stream(request.clone())) => r,
        };
        let failure: Option<ProviderError> = match connect {
            Err(e) => Some(e),
            Ok(mut stream) => loop {
                let item = tokio::select! {
                    _ = ctx.cancel.cancelled() => break 'attempts CallEnd::Aborted,
                    item = watch.next(&mut stream) => item,
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
                        loop {
                            let item = tokio::select! {
                                _ = ctx.cancel.cancelled() => break 'attempts CallEnd::Aborted,
                                item = watch.next(&mut stream) => item,
                            };
                            match item {
                                Some(Ok(ProviderEvent::Usage(u))) => usage = u,
                                Some(Ok(_)) => {}
                                // A stall or a break after the finish loses only the usage.
                                Some(Err(_)) | None => break,
                            }
                        }
                        break 'attempts CallEnd::Done(reason);
                    }
                    content => {
                        if let Err(e) = watch.count(&content, run_bytes) {
                            break Some(e);
                        }
                        if !started {
                            started = true;
                            ctx.emit(FrameBody::MessageStart { message_id: message_id.clone() });
                        }
                        let frames =
                            block_frames(content, &mut open, &mut next_index, &mut tool_blocks);
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
    let mut ended: Vec<u32> = tool_blocks.into_values().collect();
    ended.sort_unstable();
    for index in ended {
        ctx.emit(FrameBody::ToolCallEnd { index });
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
            return (CallEnd::Failed(e), usage, Vec::new());
        }
    }
    (end, usage, assembler.content())
}

pub(super) async fn save_reply(
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

/// The chat's system prompt, then what is remembered about the user (core memories).
fn with_memories(prompt: Option<String>, core: Option<String>) -> Option<String> {
    match (prompt, core) {
        (Some(p), Some(c)) => Some(format!("{p}\n\n{c}")),
        (p, c) => p.or(c),
    }
}
