//! One Claude Code turn's IO: the CLI's stdout read line by line and acted on (frames,
//! approvals, results), its stdin written (the user message, permission answers, interrupt),
//! the silence watchdog, and closing it down.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant};

use tokio::process::Child;
use tokio::sync::mpsc;

use crate::chat::{ContentBlock, MessageStatus};
use crate::error::{ApiError, ErrorCode, Result};
use crate::frames::{ApprovalOutcome, FrameBody, Phase, RunStatus, StopReason, Usage};
use crate::policy::{self, Decision};
use crate::provider::anthropic::MessagesStreamParser;
use crate::provider::{Decoder, ProviderEvent};
use crate::store::approvals::{Approval, ApprovalAnswer};
use crate::store::{messages, rules, runs, sessions};
use crate::turn::assemble::Assembler;

use super::super::blocks::{block_frames, close_block};
use super::super::child::Pipes;
use super::super::hearth::{save_reply, save_results};
use super::super::{RunContext, TurnEnd, agent};
use super::wire::{self, Line};

/// After an interrupt, how long the CLI has to end the turn before its processes are killed.
const INTERRUPT_GRACE: Duration = Duration::from_millis(600);

/// The reply being streamed: Anthropic events through the built-in loop's decoder and
/// block framing.
struct Reply {
    message_id: String,
    parser: MessagesStreamParser,
    assembler: Assembler,
    open: Option<(u32, bool)>,
    next_index: u32,
    tool_blocks: BTreeMap<u32, u32>,
    usage: Usage,
    stop: StopReason,
}

/// One turn's IO state.
pub(super) struct Turn {
    pipes: Pipes,
    workspace: String,
    silence: Duration,
    reply: Option<Reply>,
    /// Tool calls seen, by id → (name, when the call ended).
    calls: HashMap<String, (String, Instant)>,
    /// Approvals waiting: approval id → (control request id, the input asked about, approval).
    waiting: HashMap<String, (String, serde_json::Value, Approval)>,
    answers: mpsc::UnboundedReceiver<(String, ApprovalAnswer)>,
    answer_tx: mpsc::UnboundedSender<(String, ApprovalAnswer)>,
    /// User messages written whose `result` has not come yet (steered text adds one).
    pending: usize,
    usage: Usage,
    cost: Option<f64>,
    conversation: Option<String>,
    /// Lines logged, for a failure's message: the last few.
    recent: VecDeque<String>,
}

impl Turn {
    pub(super) fn new(
        ctx: &RunContext,
        child: &mut Child,
        workspace: String,
        silence_secs: u32,
    ) -> Result<Turn> {
        let pipes = Pipes::take("Claude Code", &ctx.shared.runtime, child)?;
        let (answer_tx, answers) = mpsc::unbounded_channel();
        Ok(Turn {
            pipes,
            workspace,
            silence: Duration::from_secs(u64::from(silence_secs.max(1))),
            reply: None,
            calls: HashMap::new(),
            waiting: HashMap::new(),
            answers,
            answer_tx,
            pending: 1,
            usage: Usage::default(),
            cost: None,
            conversation: None,
            recent: VecDeque::new(),
        })
    }

    pub(super) async fn write(&mut self, line: &str) -> Result<()> {
        self.pipes.write(line).await
    }

    /// Reads the CLI until its turn ends (or it is interrupted, fails or falls silent).
    pub(super) async fn run(&mut self, ctx: &mut RunContext) -> Result<TurnEnd> {
        let mut aborting: Option<tokio::time::Instant> = None;
        let mut last_heard = tokio::time::Instant::now();
        loop {
            let watchdog = if self.waiting.is_empty() {
                last_heard + self.silence
            } else {
                tokio::time::Instant::now() + Duration::from_secs(86_400)
            };
            tokio::select! {
                _ = ctx.cancel.cancelled(), if aborting.is_none() => {
                    aborting = Some(tokio::time::Instant::now() + INTERRUPT_GRACE);
                    let _ = self.write(&wire::interrupt("hearth-abort")).await;
                }
                _ = tokio::time::sleep_until(aborting.unwrap_or(watchdog)), if aborting.is_some() => {
                    // The CLI did not end the turn in time: its processes are killed.
                    return Ok(self.end(ctx, RunStatus::Aborted, None).await);
                }
                _ = tokio::time::sleep_until(watchdog), if aborting.is_none() => {
                    let error = ApiError::new(ErrorCode::RuntimeFailed, format!(
                        "Claude Code said nothing for {} s; it was stopped (runtime_silence_secs)",
                        self.silence.as_secs()
                    ));
                    return Ok(self.end(ctx, RunStatus::Error, Some(error)).await);
                }
                Some((approval_id, answer)) = self.answers.recv() => {
                    self.answered(ctx, &approval_id, answer).await?;
                }
                Some((message_id, text)) = ctx.steer.recv(), if aborting.is_none() => {
                    // Steered text is the CLI's next user message; it answers it in this run.
                    self.write(&wire::user_message(&text)).await?;
                    self.pending += 1;
                    let (sid, mid, t) = (ctx.session_id.clone(), message_id.clone(), text.clone());
                    ctx.shared.write(move |tx, now| {
                        let content = [ContentBlock::Text { text: t }];
                        messages::insert(tx, &messages::NewMessage::user(&mid, &sid, &content, true), now)
                    }).await?;
                    ctx.emit(FrameBody::Steered { message_id, text });
                }
                line = self.pipes.lines.recv() => {
                    last_heard = tokio::time::Instant::now();
                    let line = match line {
                        Some(Ok(line)) => line,
                        Some(Err(e)) => {
                            let error = ApiError::new(ErrorCode::RuntimeFailed, format!("reading Claude Code's output failed: {e}"));
                            return Ok(self.end(ctx, RunStatus::Error, Some(error)).await);
                        }
                        None if aborting.is_some() => return Ok(self.end(ctx, RunStatus::Aborted, None).await),
                        None => {
                            let error = ApiError::new(ErrorCode::RuntimeFailed, "Claude Code exited before its turn ended");
                            return Ok(self.end(ctx, RunStatus::Error, Some(error)).await);
                        }
                    };
                    if line.trim().is_empty() {
                        continue;
                    }
                    if self.recent.len() == 5 {
                        self.recent.pop_front();
                    }
                    self.recent.push_back(line.chars().take(300).collect());
                    let parsed = match wire::parse(&line) {
                        Ok(parsed) => parsed,
                        Err(why) => {
                            let error = ApiError::new(ErrorCode::RuntimeFailed, format!(
                                "Claude Code printed something that is not stream-json ({why}): {}",
                                line.chars().take(200).collect::<String>()
                            ));
                            return Ok(self.end(ctx, RunStatus::Error, Some(error)).await);
                        }
                    };
                    if let Some(end) = self.on_line(ctx, parsed, aborting.is_some()).await? {
                        return Ok(end);
                    }
                }
            }
        }
    }

    /// Acts on one line; `Some` when the turn is over.
    async fn on_line(
        &mut self,
        ctx: &RunContext,
        line: Line,
        aborting: bool,
    ) -> Result<Option<TurnEnd>> {
        match line {
            Line::Init { session_id } => self.conversation_is(ctx, &session_id).await?,
            Line::Stream(event) => self.on_stream(ctx, event, aborting).await?,
            Line::ToolResults(results) => {
                let results: Vec<agent::ToolResult> = results
                    .into_iter()
                    .map(|(call_id, content, is_error)| {
                        let (name, since) = self
                            .calls
                            .get(&call_id)
                            .cloned()
                            .unwrap_or_else(|| (String::new(), Instant::now()));
                        ctx.emit(FrameBody::ToolResult {
                            tool_use_id: call_id.clone(),
                            name,
                            content: content.clone(),
                            is_error,
                            duration_ms: since.elapsed().as_millis() as u64,
                        });
                        agent::ToolResult { call_id, content, is_error }
                    })
                    .collect();
                save_results(ctx, results).await?;
                ctx.phase(Phase::Connecting);
            }
            Line::Permission { request_id, tool, input, tool_use_id } => {
                self.permission(ctx, request_id, tool, input, tool_use_id).await?;
            }
            Line::Result(result) => {
                self.usage.add(&result.usage);
                if let Some(c) = result.cost_usd {
                    self.cost = Some(self.cost.unwrap_or(0.0) + c);
                }
                if let Some(id) = &result.session_id {
                    self.conversation_is(ctx, id).await?;
                }
                self.pending = self.pending.saturating_sub(1);
                if aborting {
                    return Ok(Some(self.end(ctx, RunStatus::Aborted, None).await));
                }
                if result.is_error {
                    let code = if result.text.contains("Not logged in")
                        || result.text.contains("Invalid API key")
                    {
                        ErrorCode::AuthFailed
                    } else if result.subtype == "error_max_turns" {
                        // The chat's step limit (`--max-turns`), as the built-in loop says it.
                        ErrorCode::StepLimit
                    } else {
                        ErrorCode::RuntimeFailed
                    };
                    let text = if result.text.is_empty() {
                        result.subtype.clone()
                    } else {
                        result.text.clone()
                    };
                    let error = ApiError::new(code, format!("Claude Code: {text}"));
                    return Ok(Some(self.end(ctx, RunStatus::Error, Some(error)).await));
                }
                if self.pending == 0 {
                    return Ok(Some(self.end(ctx, RunStatus::Done, None).await));
                }
            }
            Line::Other => {}
        }
        Ok(None)
    }

    /// The CLI runs under `id`: the session follows it when it changed.
    async fn conversation_is(&mut self, ctx: &RunContext, id: &str) -> Result<()> {
        if id.is_empty() || self.conversation.as_deref() == Some(id) {
            return Ok(());
        }
        self.conversation = Some(id.to_owned());
        let (sid, rid, id) = (ctx.session_id.clone(), ctx.run_id.clone(), id.to_owned());
        ctx.shared
            .write(move |tx, _| {
                let before = sessions::get(tx, &sid)?.runtime_session_id;
                if before.as_deref() != Some(id.as_str()) {
                    tracing::info!(session = %sid, from = ?before, to = %id, "claude code conversation id changed");
                    sessions::set_runtime_session_id(tx, &sid, &id)?;
                }
                runs::record_runtime(tx, &rid, None, Some(&id))
            })
            .await
    }

    async fn on_stream(
        &mut self,
        ctx: &RunContext,
        event: serde_json::Value,
        aborting: bool,
    ) -> Result<()> {
        let kind = event["type"].as_str().unwrap_or_default().to_owned();
        if kind == "message_start" {
            // A reply that never stopped (it should not happen) is closed first.
            self.close_reply(ctx, MessageStatus::Complete).await?;
            let message_id = uuid::Uuid::now_v7().to_string();
            ctx.emit(FrameBody::MessageStart { message_id: message_id.clone() });
            self.reply = Some(Reply {
                message_id,
                parser: MessagesStreamParser::default(),
                assembler: Assembler::default(),
                open: None,
                next_index: 0,
                tool_blocks: BTreeMap::new(),
                usage: Usage::default(),
                stop: StopReason::EndTurn,
            });
        }
        let Some(reply) = self.reply.as_mut() else { return Ok(()) };
        let events = reply.parser.on_event(&kind, &event.to_string()).unwrap_or_else(|e| {
            tracing::warn!(run = %ctx.run_id, "Claude Code relayed a provider error: {}", e.message);
            Vec::new()
        });
        for ev in events {
            match ev {
                ProviderEvent::Usage(u) => reply.usage = u,
                ProviderEvent::Finish(stop) => reply.stop = stop,
                content => {
                    if let ProviderEvent::ToolCallStart { id, name, .. } = &content {
                        self.calls.insert(id.clone(), (name.clone(), Instant::now()));
                    }
                    for frame in block_frames(
                        content,
                        &mut reply.open,
                        &mut reply.next_index,
                        &mut reply.tool_blocks,
                    ) {
                        match frame {
                            FrameBody::TextStart { .. } => ctx.phase(Phase::Streaming),
                            FrameBody::ThinkingStart { .. } => ctx.phase(Phase::Thinking),
                            FrameBody::ToolCallStart { .. } => ctx.phase(Phase::Tool),
                            _ => {}
                        }
                        reply.assembler.apply(&frame);
                        ctx.emit(frame);
                    }
                }
            }
        }
        if kind == "message_stop" {
            // After an interrupt the CLI closes the cut reply as if it had ended.
            let status = match aborting {
                false => MessageStatus::Complete,
                true if ctx.shared.shutting_down.load(std::sync::atomic::Ordering::SeqCst) => {
                    MessageStatus::Interrupted
                }
                true => MessageStatus::Aborted,
            };
            self.close_reply(ctx, status).await?;
        }
        Ok(())
    }

    /// Ends the reply being streamed (its open blocks, `message_end`) and saves it.
    async fn close_reply(&mut self, ctx: &RunContext, status: MessageStatus) -> Result<()> {
        let Some(mut reply) = self.reply.take() else { return Ok(()) };
        if let Some(close) = close_block(&mut reply.open) {
            reply.assembler.apply(&close);
            ctx.emit(close);
        }
        for index in reply.tool_blocks.values() {
            ctx.emit(FrameBody::ToolCallEnd { index: *index });
        }
        let now = Instant::now();
        for (_, since) in self.calls.values_mut() {
            *since = now;
        }
        let stop = match status {
            MessageStatus::Complete => reply.stop,
            MessageStatus::Error => StopReason::Error,
            _ => StopReason::Aborted,
        };
        ctx.emit(FrameBody::MessageEnd {
            message_id: reply.message_id.clone(),
            stop_reason: stop,
            usage: reply.usage,
        });
        save_reply(ctx, &reply.message_id, reply.assembler.content(), status, reply.usage).await
    }

    /// A `can_use_tool` request: Hearth's rules decide first; "ask" shows the approval card.
    async fn permission(
        &mut self,
        ctx: &RunContext,
        request_id: String,
        tool: String,
        input: serde_json::Value,
        tool_use_id: String,
    ) -> Result<()> {
        let (class, subject) = wire::classify(&tool, &input, &self.workspace);
        let rules = ctx.shared.read(rules::all).await?;
        let call = policy::Call {
            tool: &tool,
            class,
            subject: subject.as_deref(),
            session_id: &ctx.session_id,
        };
        // The CLI asks only about tools it does not consider safe; without a rule they ask.
        let decision = match policy::decide(&rules, &call) {
            (Decision::Allow, None) if class == policy::ToolClass::ReadOnly => Decision::Allow,
            (decision, Some(_)) => decision,
            (_, None) => Decision::Ask,
        };
        match decision {
            Decision::Allow => self.write(&wire::permission_answer(&request_id, Ok(&input))).await,
            Decision::Deny => {
                let message = format!("Hearth's permission rules do not allow {tool} here.");
                self.write(&wire::permission_answer(&request_id, Err(&message))).await
            }
            Decision::Ask => {
                let approval = ctx
                    .request_approval_about(&tool_use_id, &tool, &input, subject, &self.answer_tx)
                    .await?;
                self.waiting.insert(approval.id.clone(), (request_id, input, approval));
                ctx.phase(Phase::WaitingApproval);
                Ok(())
            }
        }
    }

    async fn answered(
        &mut self,
        ctx: &RunContext,
        approval_id: &str,
        answer: ApprovalAnswer,
    ) -> Result<()> {
        let Some((request_id, input, approval)) = self.waiting.remove(approval_id) else {
            return Ok(());
        };
        ctx.emit(FrameBody::ApprovalResolved {
            approval_id: approval.id.clone(),
            tool_use_id: approval.tool_use_id.clone(),
            outcome: if answer.allow { ApprovalOutcome::Allowed } else { ApprovalOutcome::Denied },
            remember: answer.remember,
        });
        if answer.allow {
            // The user's edit, when there is one, is what the CLI runs (`updatedInput`).
            let input = answer.input.as_ref().unwrap_or(&input);
            self.write(&wire::permission_answer(&request_id, Ok(input))).await?;
        } else {
            let message = match answer.message.as_deref().map(str::trim) {
                Some(m) if !m.is_empty() => format!("The user denied this: {m}"),
                _ => "The user denied this tool call.".to_owned(),
            };
            self.write(&wire::permission_answer(&request_id, Err(&message))).await?;
        }
        if let Some(since) = self.calls.get_mut(&approval.tool_use_id) {
            since.1 = Instant::now();
        }
        ctx.phase(if self.waiting.is_empty() { Phase::Tool } else { Phase::WaitingApproval });
        Ok(())
    }

    /// The turn's end: the reply in flight is closed and saved as the status says.
    async fn end(
        &mut self,
        ctx: &RunContext,
        status: RunStatus,
        error: Option<ApiError>,
    ) -> TurnEnd {
        let shutting_down = ctx.shared.shutting_down.load(std::sync::atomic::Ordering::SeqCst);
        let message_status = match status {
            RunStatus::Done => MessageStatus::Complete,
            RunStatus::Error => MessageStatus::Error,
            _ if shutting_down => MessageStatus::Interrupted,
            _ => MessageStatus::Aborted,
        };
        if let Err(e) = self.close_reply(ctx, message_status).await {
            tracing::error!(run = %ctx.run_id, error = %e, "could not save the reply");
        }
        if error.as_ref().is_some_and(|e| e.code == ErrorCode::RuntimeFailed)
            && !self.recent.is_empty()
        {
            tracing::warn!(run = %ctx.run_id, last_lines = ?self.recent, "claude code failed");
        }
        TurnEnd {
            status,
            usage: self.usage,
            error,
            resume_id: self.conversation.clone(),
            cost_usd: self.cost,
        }
    }

    /// Closes the CLI down; returns the tail of its stderr.
    pub(super) async fn finish(&mut self, child: &mut Child, quick: bool) -> String {
        self.pipes.finish(child, quick).await
    }
}
