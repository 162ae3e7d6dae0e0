//! One Codex turn's IO: the handshake (`initialize`, the thread, `turn/start`), the
//! app-server's notifications turned into frames, its approval requests decided by Hearth's
//! rules or the user, steering, interrupt, the silence watchdog, and closing it down.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::process::Child;
use tokio::sync::mpsc;

use crate::chat::{ContentBlock, MessageStatus};
use crate::error::{ApiError, ErrorCode, Result};
use crate::frames::{ApprovalOutcome, FrameBody, Phase, RunStatus, StopReason, Usage};
use crate::policy::{self, Decision, ToolClass};
use crate::provider::ProviderEvent;
use crate::store::approvals::{Approval, ApprovalAnswer};
use crate::store::{messages, rules, runs, sessions};
use crate::turn::assemble::Assembler;

use super::super::blocks::{block_frames, close_block};
use super::super::child::Pipes;
use super::super::hearth::{save_reply, save_results};
use super::super::{RunContext, TurnEnd, agent};
use super::Launch;
use super::wire::{self, Incoming, Item, ToolItem};

/// After an interrupt, how long Codex has to end the turn before its processes are killed.
const INTERRUPT_GRACE: Duration = Duration::from_millis(600);

/// The assistant message being streamed (Codex's items between two tool results).
struct Reply {
    message_id: String,
    assembler: Assembler,
    open: Option<(u32, bool)>,
    next_index: u32,
    tool_blocks: BTreeMap<u32, u32>,
    usage: Usage,
}

/// One turn's IO state.
pub(super) struct Turn {
    pipes: Pipes,
    workspace: String,
    silence: Duration,
    /// The thread to resume (`None`: a new one is started).
    resume: Option<String>,
    config: wire::ThreadConfig,
    thread: Option<String>,
    turn: Option<String>,
    reply: Option<Reply>,
    /// Tool items seen, by id → (the call, when it started, its index among the calls).
    calls: HashMap<String, (ToolItem, Instant, u32)>,
    /// Items whose text arrived as deltas (their completion repeats it).
    streamed: std::collections::HashSet<String>,
    next_call: u32,
    /// Approvals waiting: approval id → (the request's id, approval).
    waiting: HashMap<String, (Value, Approval)>,
    answers: mpsc::UnboundedReceiver<(String, ApprovalAnswer)>,
    answer_tx: mpsc::UnboundedSender<(String, ApprovalAnswer)>,
    next_steer: u64,
    usage: Usage,
    /// What an `error` notification said, for a failed turn's message.
    failure: Option<String>,
    recent: VecDeque<String>,
}

fn failed(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::RuntimeFailed, message)
}

impl Turn {
    pub(super) fn new(
        ctx: &RunContext,
        child: &mut Child,
        workspace: String,
        resume: Option<String>,
        launch: &Launch,
        options: wire::ThreadConfig,
        silence_secs: u32,
    ) -> Result<Turn> {
        let pipes = Pipes::take("Codex", &ctx.shared.runtime, child)?;
        let (answer_tx, answers) = mpsc::unbounded_channel();
        Ok(Turn {
            pipes,
            workspace,
            silence: Duration::from_secs(u64::from(silence_secs.max(1))),
            resume,
            config: wire::ThreadConfig {
                model: launch.model.clone(),
                provider: launch.provider.clone(),
                ..options
            },
            thread: None,
            turn: None,
            reply: None,
            calls: HashMap::new(),
            streamed: Default::default(),
            next_call: 0,
            waiting: HashMap::new(),
            answers,
            answer_tx,
            next_steer: wire::STEER_BASE,
            usage: Usage::default(),
            failure: None,
            recent: VecDeque::new(),
        })
    }

    /// Runs the handshake and the turn until it ends (or is interrupted, fails or falls
    /// silent).
    pub(super) async fn run(&mut self, ctx: &mut RunContext) -> Result<TurnEnd> {
        self.pipes.write(&wire::initialize()).await?;
        let mut aborting: Option<tokio::time::Instant> = None;
        let mut last_heard = tokio::time::Instant::now();
        // Steered text that came before the turn had its id.
        let mut held: Vec<(String, String)> = Vec::new();
        loop {
            let watchdog = if self.waiting.is_empty() {
                last_heard + self.silence
            } else {
                tokio::time::Instant::now() + Duration::from_secs(86_400)
            };
            tokio::select! {
                _ = ctx.cancel.cancelled(), if aborting.is_none() => {
                    aborting = Some(tokio::time::Instant::now() + INTERRUPT_GRACE);
                    match (&self.thread, &self.turn) {
                        (Some(thread), Some(turn)) => {
                            let line = wire::interrupt(thread, turn);
                            let _ = self.pipes.write(&line).await;
                        }
                        // No turn yet: nothing to interrupt, the process goes.
                        _ => return Ok(self.end(ctx, RunStatus::Aborted, None).await),
                    }
                }
                _ = tokio::time::sleep_until(aborting.unwrap_or(watchdog)), if aborting.is_some() => {
                    return Ok(self.end(ctx, RunStatus::Aborted, None).await);
                }
                _ = tokio::time::sleep_until(watchdog), if aborting.is_none() => {
                    let error = failed(format!(
                        "Codex said nothing for {} s; it was stopped (runtime_silence_secs)",
                        self.silence.as_secs()
                    ));
                    return Ok(self.end(ctx, RunStatus::Error, Some(error)).await);
                }
                Some((approval_id, answer)) = self.answers.recv() => {
                    self.answered(ctx, &approval_id, answer).await?;
                }
                Some((message_id, text)) = ctx.steer.recv(), if aborting.is_none() => {
                    held.push((message_id, text));
                }
                line = self.pipes.lines.recv() => {
                    last_heard = tokio::time::Instant::now();
                    let line = match line {
                        Some(Ok(line)) => line,
                        Some(Err(e)) => {
                            let error = failed(format!("reading Codex's output failed: {e}"));
                            return Ok(self.end(ctx, RunStatus::Error, Some(error)).await);
                        }
                        None if aborting.is_some() => return Ok(self.end(ctx, RunStatus::Aborted, None).await),
                        None => {
                            let error = failed("Codex exited before its turn ended");
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
                            let error = failed(format!(
                                "Codex printed something that is not its protocol ({why}): {}",
                                line.chars().take(200).collect::<String>()
                            ));
                            return Ok(self.end(ctx, RunStatus::Error, Some(error)).await);
                        }
                    };
                    match self.on_line(ctx, parsed).await {
                        Ok(Some(end)) => return Ok(end),
                        Ok(None) => {}
                        Err(e) if e.code == ErrorCode::RuntimeFailed => {
                            return Ok(self.end(ctx, RunStatus::Error, Some(e)).await);
                        }
                        Err(e) => return Err(e),
                    }
                }
            }
            if self.turn.is_some() {
                for (message_id, text) in std::mem::take(&mut held) {
                    self.steer(ctx, message_id, text).await?;
                }
            }
        }
    }

    /// Steered text joins the running turn (`turn/steer`) and the timeline.
    async fn steer(&mut self, ctx: &RunContext, message_id: String, text: String) -> Result<()> {
        let (Some(thread), Some(turn)) = (&self.thread, &self.turn) else { return Ok(()) };
        let line = wire::turn_steer(self.next_steer, thread, turn, &text);
        self.next_steer += 1;
        self.pipes.write(&line).await?;
        let (sid, mid, t) = (ctx.session_id.clone(), message_id.clone(), text.clone());
        ctx.shared
            .write(move |tx, now| {
                let content = [ContentBlock::Text { text: t }];
                messages::insert(tx, &messages::NewMessage::user(&mid, &sid, &content, true), now)
            })
            .await?;
        ctx.emit(FrameBody::Steered { message_id, text });
        Ok(())
    }

    /// Acts on one line; `Some` when the turn is over.
    async fn on_line(&mut self, ctx: &RunContext, line: Incoming) -> Result<Option<TurnEnd>> {
        match line {
            Incoming::Response { id, result } => self.on_response(ctx, id, result).await?,
            Incoming::Request { id, method, params } => {
                self.on_request(ctx, id, &method, params).await?
            }
            Incoming::Notification { method, params } => {
                return self.on_notification(ctx, &method, params).await;
            }
        }
        Ok(None)
    }

    async fn on_response(
        &mut self,
        ctx: &RunContext,
        id: u64,
        result: std::result::Result<Value, String>,
    ) -> Result<()> {
        let result = match result {
            Ok(result) => result,
            Err(message) if id >= wire::STEER_BASE => {
                // The turn ended before the steered text reached it; the next turn takes it.
                tracing::warn!(run = %ctx.run_id, "codex did not take steered text: {message}");
                return Ok(());
            }
            Err(message) if id == wire::THREAD && self.resume.is_some() => {
                return Err(failed(format!(
                    "Codex could not resume its thread {:?} ({message}); a thread is found \
                     only with the login or account it was started on",
                    self.resume.as_deref().unwrap_or_default()
                )));
            }
            Err(message) => return Err(failed(format!("Codex refused a request: {message}"))),
        };
        match id {
            wire::INITIALIZE => {
                self.pipes.write(&wire::initialized()).await?;
                let line = wire::thread(self.resume.as_deref(), &self.workspace, &self.config);
                self.pipes.write(&line).await?;
            }
            wire::THREAD => {
                let thread = result["thread"]["id"]
                    .as_str()
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| failed("Codex started a thread without an id"))?
                    .to_owned();
                self.keep_thread(ctx, &thread).await?;
                let line = wire::turn_start(&thread, &ctx.text, self.config.effort);
                self.pipes.write(&line).await?;
                self.thread = Some(thread);
            }
            wire::TURN => {
                if let Some(turn) = result["turn"]["id"].as_str() {
                    self.turn = Some(turn.to_owned());
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The session keeps the thread's id (before the turn starts: a crash after this still
    /// resumes it), and the run records the id it ran under.
    async fn keep_thread(&self, ctx: &RunContext, thread: &str) -> Result<()> {
        let (sid, rid, id) = (ctx.session_id.clone(), ctx.run_id.clone(), thread.to_owned());
        ctx.shared
            .write(move |tx, _| {
                let before = sessions::get(tx, &sid)?.runtime_session_id;
                if before.as_deref() != Some(id.as_str()) {
                    if before.is_some() {
                        tracing::info!(session = %sid, from = ?before, to = %id, "codex thread id changed");
                    }
                    sessions::set_runtime_session_id(tx, &sid, &id)?;
                }
                runs::record_runtime(tx, &rid, None, Some(&id))
            })
            .await
    }

    async fn on_notification(
        &mut self,
        ctx: &RunContext,
        method: &str,
        params: Value,
    ) -> Result<Option<TurnEnd>> {
        // Another thread's or turn's traffic (a subagent's) is not this chat's.
        if let (Some(mine), Some(theirs)) = (&self.thread, params["threadId"].as_str())
            && mine != theirs
        {
            return Ok(None);
        }
        match method {
            "turn/started" if self.turn.is_none() => {
                self.turn = params["turn"]["id"].as_str().map(str::to_owned);
            }
            "item/started" => self.item_started(ctx, &params["item"]).await?,
            "item/completed" => self.item_completed(ctx, &params["item"]).await?,
            "item/agentMessage/delta" => {
                if let Some(id) = params["itemId"].as_str() {
                    self.streamed.insert(id.to_owned());
                }
                let delta = params["delta"].as_str().unwrap_or_default().to_owned();
                self.content(ctx, ProviderEvent::TextDelta(delta));
            }
            "item/reasoning/summaryTextDelta" | "item/reasoning/textDelta" => {
                if let Some(id) = params["itemId"].as_str() {
                    self.streamed.insert(id.to_owned());
                }
                let delta = params["delta"].as_str().unwrap_or_default().to_owned();
                self.content(ctx, ProviderEvent::ThinkingDelta(delta));
            }
            "thread/tokenUsage/updated" => {
                let (turn, usage) = wire::token_usage(&params);
                if self.turn.as_deref() == Some(turn.as_str()) {
                    self.usage.add(&usage);
                    if let Some(reply) = &mut self.reply {
                        reply.usage.add(&usage);
                    }
                }
            }
            "error" if !params["willRetry"].as_bool().unwrap_or(false) => {
                self.failure = params["error"]["message"].as_str().map(str::to_owned);
            }
            "turn/completed" => {
                let turn = &params["turn"];
                if let (Some(mine), Some(theirs)) = (&self.turn, turn["id"].as_str())
                    && mine != theirs
                {
                    return Ok(None);
                }
                let end = match turn["status"].as_str().unwrap_or_default() {
                    "completed" => self.end(ctx, RunStatus::Done, None).await,
                    "interrupted" => self.end(ctx, RunStatus::Aborted, None).await,
                    _ => {
                        let message = turn["error"]["message"]
                            .as_str()
                            .map(str::to_owned)
                            .or_else(|| self.failure.clone())
                            .unwrap_or_else(|| "the turn failed".into());
                        let code = if message.contains("401") || message.contains("Unauthorized") {
                            ErrorCode::AuthFailed
                        } else {
                            ErrorCode::RuntimeFailed
                        };
                        let error = ApiError::new(code, format!("Codex: {message}"));
                        self.end(ctx, RunStatus::Error, Some(error)).await
                    }
                };
                return Ok(Some(end));
            }
            _ => {}
        }
        Ok(None)
    }

    /// Opens an assistant message when none is: Codex's items between tool results are one.
    fn reply(&mut self, ctx: &RunContext) -> &mut Reply {
        self.reply.get_or_insert_with(|| {
            let message_id = uuid::Uuid::now_v7().to_string();
            ctx.emit(FrameBody::MessageStart { message_id: message_id.clone() });
            Reply {
                message_id,
                assembler: Assembler::default(),
                open: None,
                next_index: 0,
                tool_blocks: BTreeMap::new(),
                usage: Usage::default(),
            }
        })
    }

    /// A content event of the reply, through the built-in loop's block framing.
    fn content(&mut self, ctx: &RunContext, event: ProviderEvent) {
        let reply = self.reply(ctx);
        for frame in
            block_frames(event, &mut reply.open, &mut reply.next_index, &mut reply.tool_blocks)
        {
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

    /// Ends the open text or thinking block (one item's text is one block).
    fn close_text(&mut self, ctx: &RunContext) {
        if let Some(reply) = &mut self.reply
            && let Some(close) = close_block(&mut reply.open)
        {
            reply.assembler.apply(&close);
            ctx.emit(close);
        }
    }

    async fn item_started(&mut self, ctx: &RunContext, item: &Value) -> Result<()> {
        if let Item::Tool { call, .. } = wire::item(item) {
            self.tool_call(ctx, call);
        }
        Ok(())
    }

    /// A tool call enters the reply (once: a request about it may come first).
    fn tool_call(&mut self, ctx: &RunContext, call: ToolItem) {
        if self.calls.contains_key(&call.id) {
            return;
        }
        let index = self.next_call;
        self.next_call += 1;
        self.content(
            ctx,
            ProviderEvent::ToolCallStart { index, id: call.id.clone(), name: call.name.clone() },
        );
        self.content(
            ctx,
            ProviderEvent::ToolCallDelta { index, partial_json: call.input.to_string() },
        );
        self.calls.insert(call.id.clone(), (call, Instant::now(), index));
    }

    async fn item_completed(&mut self, ctx: &RunContext, item: &Value) -> Result<()> {
        let id = item["id"].as_str().unwrap_or_default().to_owned();
        match wire::item(item) {
            Item::Message { text } | Item::Reasoning { text } if !self.streamed.contains(&id) => {
                if !text.is_empty() {
                    let event = if item["type"] == "agentMessage" {
                        ProviderEvent::TextDelta(text)
                    } else {
                        ProviderEvent::ThinkingDelta(text)
                    };
                    self.content(ctx, event);
                }
                self.close_text(ctx);
            }
            Item::Message { .. } | Item::Reasoning { .. } => self.close_text(ctx),
            Item::Tool { call, result: Some((content, is_error)) } => {
                self.tool_call(ctx, call.clone());
                // The message that made the call ends; its result follows it.
                self.close_reply(ctx, MessageStatus::Complete, StopReason::ToolUse).await?;
                let since = self.calls.get(&call.id).map_or_else(Instant::now, |c| c.1);
                ctx.emit(FrameBody::ToolResult {
                    tool_use_id: call.id.clone(),
                    name: call.name.clone(),
                    content: content.clone(),
                    is_error,
                    duration_ms: since.elapsed().as_millis() as u64,
                });
                save_results(ctx, vec![agent::ToolResult { call_id: call.id, content, is_error }])
                    .await?;
                ctx.phase(Phase::Connecting);
            }
            _ => {}
        }
        Ok(())
    }

    /// Ends the reply being streamed (its open blocks, `message_end`) and saves it.
    async fn close_reply(
        &mut self,
        ctx: &RunContext,
        status: MessageStatus,
        stop: StopReason,
    ) -> Result<()> {
        let Some(mut reply) = self.reply.take() else { return Ok(()) };
        if let Some(close) = close_block(&mut reply.open) {
            reply.assembler.apply(&close);
            ctx.emit(close);
        }
        for index in reply.tool_blocks.values() {
            let end = FrameBody::ToolCallEnd { index: *index };
            reply.assembler.apply(&end);
            ctx.emit(end);
        }
        let stop = match status {
            MessageStatus::Complete => stop,
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

    /// An approval request of the server's: Hearth's rules decide first; "ask" shows the
    /// approval card. Requests Hearth does not take are refused (Codex goes on without).
    async fn on_request(
        &mut self,
        ctx: &RunContext,
        id: Value,
        method: &str,
        params: Value,
    ) -> Result<()> {
        let item_id = params["itemId"].as_str().unwrap_or_default().to_owned();
        let (class, call) = match method {
            "item/commandExecution/requestApproval" => {
                let command = wire::shell_script(params["command"].as_str().unwrap_or_default());
                let input = serde_json::json!({"command": command, "cwd": params["cwd"]});
                (ToolClass::Shell, ToolItem { id: item_id.clone(), name: "shell".into(), input })
            }
            "item/fileChange/requestApproval" => {
                let known = self.calls.get(&item_id).map(|c| c.0.clone());
                let call = known.unwrap_or_else(|| ToolItem {
                    id: item_id.clone(),
                    name: "apply_patch".into(),
                    input: serde_json::json!({"reason": params["reason"]}),
                });
                (ToolClass::Write, call)
            }
            _ => {
                tracing::info!(run = %ctx.run_id, method, "codex asked something Hearth does not answer");
                return self.pipes.write(&wire::refuse(&id, method)).await;
            }
        };
        self.tool_call(ctx, call.clone());
        let subject = match class {
            ToolClass::Shell => call.input["command"].as_str().map(str::to_owned),
            _ => self.changed_paths(&call.input),
        };
        let rules = ctx.shared.read(rules::all).await?;
        let policy_call = policy::Call {
            tool: &call.name,
            class,
            subject: subject.as_deref(),
            session_id: &ctx.session_id,
        };
        // Codex asks only about what it does not consider safe; without a rule, ask.
        let decision = match policy::decide(&rules, &policy_call) {
            (decision, Some(_)) => decision,
            (_, None) => Decision::Ask,
        };
        match decision {
            Decision::Allow => self.pipes.write(&wire::decision(&id, true)).await,
            Decision::Deny => self.pipes.write(&wire::decision(&id, false)).await,
            Decision::Ask => {
                let approval = ctx
                    .request_approval_about(
                        &call.id,
                        &call.name,
                        &call.input,
                        subject,
                        &self.answer_tx,
                    )
                    .await?;
                self.waiting.insert(approval.id.clone(), (id, approval));
                ctx.phase(Phase::WaitingApproval);
                Ok(())
            }
        }
    }

    /// A file change's subject: its path (relative to the workspace when inside it); several
    /// paths, one per line.
    fn changed_paths(&self, input: &Value) -> Option<String> {
        let paths: Vec<String> = input["changes"]
            .as_array()?
            .iter()
            .filter_map(|c| c["path"].as_str())
            .map(|p| {
                std::path::Path::new(p)
                    .strip_prefix(&self.workspace)
                    .map(|rel| rel.to_string_lossy().into_owned())
                    .unwrap_or_else(|_| p.to_owned())
            })
            .collect();
        (!paths.is_empty()).then(|| paths.join("\n"))
    }

    async fn answered(
        &mut self,
        ctx: &RunContext,
        approval_id: &str,
        answer: ApprovalAnswer,
    ) -> Result<()> {
        let Some((request_id, approval)) = self.waiting.remove(approval_id) else {
            return Ok(());
        };
        ctx.emit(FrameBody::ApprovalResolved {
            approval_id: approval.id.clone(),
            tool_use_id: approval.tool_use_id.clone(),
            outcome: if answer.allow { ApprovalOutcome::Allowed } else { ApprovalOutcome::Denied },
            remember: answer.remember,
        });
        self.pipes.write(&wire::decision(&request_id, answer.allow)).await?;
        if !answer.allow
            && let Some(reason) = answer.message.as_deref().map(str::trim).filter(|m| !m.is_empty())
        {
            // A decline carries no reason in Codex's protocol: the user's words follow it as
            // steered text, so the model reads why.
            let text = format!("I denied that ({}): {reason}", approval.tool);
            self.steer(ctx, uuid::Uuid::now_v7().to_string(), text).await?;
        }
        if let Some(call) = self.calls.get_mut(&approval.tool_use_id) {
            call.1 = Instant::now();
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
        if let Err(e) = self.close_reply(ctx, message_status, StopReason::EndTurn).await {
            tracing::error!(run = %ctx.run_id, error = %e, "could not save the reply");
        }
        if error.as_ref().is_some_and(|e| e.code == ErrorCode::RuntimeFailed)
            && !self.recent.is_empty()
        {
            tracing::warn!(run = %ctx.run_id, last_lines = ?self.recent, "codex failed");
        }
        TurnEnd { status, usage: self.usage, error, resume_id: self.thread.clone(), cost_usd: None }
    }

    /// Closes the CLI down; returns the tail of its stderr.
    pub(super) async fn finish(&mut self, child: &mut Child, quick: bool) -> String {
        self.pipes.finish(child, quick).await
    }
}
