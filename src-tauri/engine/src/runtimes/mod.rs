//! Runtimes: what runs one turn. The engine owns everything around a turn — the queue, the
//! claim, the writer and its seqs, approvals, repair, notifications; a runtime turns one
//! request into provider-neutral events (frames the writer numbers) and a final usage.
//!
//! `hearth` is the built-in agent loop (a provider, Hearth's tools, MCP servers, approvals).
//! An external coding agent (Claude Code, Codex) driven as a child process is another
//! implementation of the same seam: it gets the same context (the session, its workspace
//! folder, the steered text, cancellation), asks for approvals of the tools it runs itself
//! through [`RunContext::request_approval`], may keep its own session id to resume with
//! ([`TurnEnd::resume_id`]) and may report its cost itself ([`TurnEnd::cost_usd`]).

pub mod agent;
mod blocks;
mod child;
pub mod claude_code;
pub mod codex;
mod hearth;
pub mod locate;
mod watch;

use std::sync::Arc;

use futures_util::future::BoxFuture;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

pub(crate) use hearth::HearthRuntime;

use crate::RuntimeKind;
use crate::core::Shared;
use crate::error::{ApiError, Result};
use crate::frames::{FrameBody, Phase, RunStatus, Usage};
use crate::store::approvals::{self, Approval, ApprovalAnswer};
use crate::turn::mailbox::Cmd;

/// How a turn ended, as its runtime reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnEnd {
    pub status: RunStatus,
    /// Tokens over every model call of the turn.
    pub usage: Usage,
    /// Why it failed, when `status` is `error`.
    pub error: Option<ApiError>,
    /// The runtime's own id for this conversation, to resume it next turn (external agents).
    pub resume_id: Option<String>,
    /// What the turn cost, when the runtime reports it itself (otherwise priced from usage).
    pub cost_usd: Option<f64>,
}

impl TurnEnd {
    pub fn new(status: RunStatus, usage: Usage, error: Option<ApiError>) -> TurnEnd {
        TurnEnd { status, usage, error, resume_id: None, cost_usd: None }
    }
}

/// The seam every way of running a turn implements.
pub(crate) trait Runtime: Send + Sync {
    /// The name a session picks it by (`hearth` for the built-in loop).
    fn name(&self) -> &'static str;

    /// Runs one turn to its end: emits its frames through `turn`, asks for approvals through
    /// it, stops soon after `turn.cancel` fires. An `Err` ends the run in error.
    fn run<'a>(&'a self, turn: &'a mut RunContext) -> BoxFuture<'a, Result<TurnEnd>>;
}

/// The runtime a session's turns run on.
pub(crate) fn for_kind(kind: RuntimeKind) -> Arc<dyn Runtime> {
    match kind {
        RuntimeKind::Hearth => Arc::new(HearthRuntime),
        RuntimeKind::ClaudeCode => Arc::new(claude_code::ClaudeCodeRuntime),
        RuntimeKind::Codex => Arc::new(codex::CodexRuntime),
    }
}

/// Whether a session of this runtime can be made now: the CLI is there and new enough.
pub(crate) fn check_available(
    kind: RuntimeKind,
    settings: &crate::store::settings::Settings,
) -> Result<()> {
    match kind {
        RuntimeKind::Hearth => Ok(()),
        RuntimeKind::ClaudeCode => {
            locate::locate(&locate::CLAUDE, &settings.claude_code_path).map(|_| ())
        }
        RuntimeKind::Codex => locate::locate(&locate::CODEX, &settings.codex_path).map(|_| ()),
    }
}

/// What a runtime gets to run one turn: the session and the user message it answers, the
/// steered text, cancellation, and the way to emit frames and ask for approvals.
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

impl RunContext {
    /// The run has its model: the user message enters the timeline, the run is marked
    /// running, and `run_started` says so. Every runtime calls it once, before its first
    /// model call.
    pub async fn start(&self, model_id: String) -> Result<()> {
        let (sid, mid, rid, model) = (
            self.session_id.clone(),
            self.message_id.clone(),
            self.run_id.clone(),
            model_id.clone(),
        );
        self.shared
            .write(move |tx, now| {
                crate::store::messages::enter_timeline(tx, &mid, &sid, now)?;
                crate::store::runs::mark_running(tx, &rid, &model, now)
            })
            .await?;
        self.emit(FrameBody::RunStarted { message_id: self.message_id.clone(), model: model_id });
        Ok(())
    }

    pub fn emit(&self, body: FrameBody) {
        self.shared.writer.append(&self.session_id, Some(&self.run_id), body);
    }

    /// The actor learns the phase before the frame is written, so a snapshot taken after a
    /// phase frame's seq never reports the older phase.
    pub fn phase(&self, phase: Phase) {
        let _ = self.actor.send(Cmd::Phase { run_id: self.run_id.clone(), phase });
        self.emit(FrameBody::Phase { phase });
    }
}

impl RunContext {
    /// Records a pending approval for a tool call and announces it; the user's answer comes
    /// on `answers` (the run waits for it as it likes, and stops waiting when cancelled).
    pub async fn request_approval(
        &self,
        tool_use_id: &str,
        tool: &str,
        input: &serde_json::Value,
        answers: &mpsc::UnboundedSender<(String, ApprovalAnswer)>,
    ) -> Result<Approval> {
        let subject = self.shared.tools.subject(tool, input);
        self.request_approval_about(tool_use_id, tool, input, subject, answers).await
    }

    /// The same, with the subject (the command, path or URL a rule's pattern matches) given
    /// by the runtime: an agent CLI's tools are not Hearth's.
    pub async fn request_approval_about(
        &self,
        tool_use_id: &str,
        tool: &str,
        input: &serde_json::Value,
        subject: Option<String>,
        answers: &mpsc::UnboundedSender<(String, ApprovalAnswer)>,
    ) -> Result<Approval> {
        let approval = Approval {
            id: uuid::Uuid::now_v7().to_string(),
            session_id: self.session_id.clone(),
            run_id: self.run_id.clone(),
            tool_use_id: tool_use_id.to_owned(),
            tool: tool.to_owned(),
            input: input.clone(),
            subject,
            created_at: self.shared.store.now(),
        };
        self.shared.waiting_approvals().insert(approval.id.clone(), answers.clone());
        let row = approval.clone();
        self.shared.write(move |tx, _| approvals::insert(tx, &row)).await?;
        self.emit(FrameBody::ApprovalRequested { approval: Box::new(approval.clone()) });
        tracing::info!(run = %self.run_id, tool = %approval.tool, approval = %approval.id, "waiting for approval");
        Ok(approval)
    }
}
