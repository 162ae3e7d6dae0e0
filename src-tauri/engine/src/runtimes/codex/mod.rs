//! The Codex runtime: a turn is the real `codex` CLI's `app-server` (JSON-RPC over stdio) in
//! the session's workspace: `initialize`, `thread/start` (first turn) or `thread/resume`
//! (every later one), `turn/start`, then its notifications until `turn/completed`.
//!
//! **One process per turn**, for the reasons the Claude Code runtime gives: nothing lives
//! between turns that a crash could lose, every turn resumes the thread from Codex's own
//! rollout the way a turn after a crash does, and an idle chat holds no process.
//!
//! Its items map onto Hearth's frames: `agentMessage` deltas are text, reasoning is thinking,
//! a `commandExecution` is a `shell` tool call, a `fileChange` an `apply_patch` call, an MCP
//! call `mcp__server__tool`; their completion is the `tool_result`. The thread runs with
//! approval policy `untrusted` and a `workspace-write` sandbox, so every command Codex does
//! not know to be safe, and every file change, comes as an approval request: Hearth's rules
//! decide it first (allow / deny answer at once), else it is an approval card. Usage comes
//! from `thread/tokenUsage/updated` (the turn is priced by Hearth: Codex reports no cost).
//! Abort: `turn/interrupt`, then the process group is killed within a second.
//!
//! **Account**: without a model the CLI uses the user's own Codex login and config
//! (`~/.codex`). With a Hearth account (`<account>/<model>`, an OpenAI or OpenAI-compatible
//! account that serves the Responses API), Codex runs with a Hearth-owned `CODEX_HOME` in the
//! data folder whose `config.toml` names each such account as a model provider (its base URL,
//! `wire_api = "responses"`); the key reaches the CLI through its environment only, and its
//! shell commands do not inherit it. Its threads then live in that `CODEX_HOME`, so a session
//! keeps the account kind it started with (a thread is found only where it was made).

mod home;
mod process;
mod wire;

use std::process::Stdio;
use std::time::Instant;

use futures_util::future::BoxFuture;
use tokio::process::Command;

use crate::error::{ApiError, ErrorCode, Result};
use crate::frames::{FrameBody, Phase, RunStatus};
use crate::store::sessions;

use super::child::quote_stderr;
use super::{RunContext, Runtime, TurnEnd, locate};
use process::Turn;

pub(crate) struct CodexRuntime;

impl Runtime for CodexRuntime {
    fn name(&self) -> &'static str {
        "codex"
    }

    fn run<'a>(&'a self, turn: &'a mut RunContext) -> BoxFuture<'a, Result<TurnEnd>> {
        Box::pin(drive(turn))
    }
}

/// What the CLI is given for the session's model.
pub(super) struct Launch {
    pub model_id: String,
    /// The model and provider the thread is told to use (`None`: Codex's own config).
    pub model: Option<String>,
    pub provider: Option<String>,
    pub env: Vec<(String, String)>,
}

async fn drive(ctx: &mut RunContext) -> Result<TurnEnd> {
    let sid = ctx.session_id.clone();
    let session = ctx.shared.read(move |conn| sessions::get(conn, &sid)).await?;
    ctx.emit(FrameBody::UserMessage {
        message_id: ctx.message_id.clone(),
        text: ctx.text.clone(),
        attachments: Vec::new(),
    });
    ctx.phase(Phase::Connecting);
    let settings = ctx.shared.settings();
    let launch = home::launch_for(ctx, session.model.as_deref());
    let path = settings.codex_path.clone();
    let cli = tokio::task::spawn_blocking(move || locate::locate(&locate::CODEX, &path))
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("locating codex: {e}")))?;
    let workspace = session.workspace.clone().ok_or_else(|| {
        ApiError::new(ErrorCode::InvalidWorkspace, "a codex session needs a workspace")
    })?;
    let model_id = launch.as_ref().map(|l| l.model_id.clone()).unwrap_or_default();
    ctx.start(model_id).await?;
    let (launch, cli) = (launch?, cli?);
    if !std::path::Path::new(&workspace).is_dir() {
        return Err(ApiError::new(
            ErrorCode::InvalidWorkspace,
            format!("the workspace {workspace:?} is gone"),
        ));
    }

    let mut cmd = Command::new(&cli.path);
    cmd.arg("app-server");
    // Hearth's secrets stay home; the account's key goes through the environment only.
    cmd.env_clear()
        .envs(hearth_protocol::env::inherited(std::env::vars()))
        .envs(ctx.shared.agent_env.iter().cloned())
        .envs(launch.env.iter().cloned())
        .current_dir(&workspace)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let started = Instant::now();
    let mut child = cmd.spawn().map_err(|e| {
        ApiError::new(
            ErrorCode::RuntimeNotFound,
            format!("cannot start {}: {e}", cli.path.display()),
        )
    })?;
    let resume = session.runtime_session_id.clone();
    tracing::info!(run = %ctx.run_id, cli = %cli.path.display(), version = %cli.version, resume = resume.is_some(), "codex started");
    // The chat's options, as Codex takes them (it has no step limit of its own).
    let options = wire::ThreadConfig {
        instructions: session.system_prompt.clone().filter(|p| !p.trim().is_empty()),
        effort: session.thinking_budget.map(wire::effort_for),
        ..Default::default()
    };
    let silence = settings.runtime_silence_secs;
    let mut turn = Turn::new(ctx, &mut child, workspace, resume, &launch, options, silence)?;
    let end = turn.run(ctx).await;
    let quick = !matches!(&end, Ok(e) if e.status == RunStatus::Done);
    let stderr = turn.finish(&mut child, quick).await;
    let end = match end {
        Ok(mut end) => {
            if let Some(e) = &mut end.error {
                quote_stderr(e, &stderr);
            }
            end
        }
        Err(mut e) => {
            quote_stderr(&mut e, &stderr);
            return Err(e);
        }
    };
    tracing::info!(run = %ctx.run_id, ms = started.elapsed().as_millis() as u64, status = end.status.as_str(), "codex turn ended");
    Ok(end)
}
