//! The Claude Code runtime: a turn is the real `claude` CLI, headless
//! (`claude -p --input-format stream-json --output-format stream-json --verbose
//! --permission-prompt-tool stdio --include-partial-messages`), in the session's workspace.
//!
//! **One process per turn**, not one per session. A run is what Hearth makes durable: with a
//! process per run nothing lives between turns that a crash, a quit or a sleeping laptop could
//! lose, and every turn after the first takes the same path a turn after a crash takes
//! (`--resume <id>` from the CLI's own transcript). Each turn also reads the session as it is
//! now (model, account key), a `result`'s usage and `total_cost_usd` are that turn's alone,
//! and an idle chat holds no process. The price is the CLI's start-up per turn (a few
//! hundred milliseconds here).
//!
//! Its stream maps onto Hearth's frames: `stream_event`s (raw Anthropic events) go through the
//! same decoder and block framing as the built-in loop, `user` tool results become
//! `tool_result` frames, `result` ends the turn (usage, cost, errors). Every `can_use_tool`
//! request is decided by Hearth's rules first (allow / deny answer at once; ask becomes an
//! approval card and waits). The CLI's conversation id is chosen up front (`--session-id`)
//! and kept on the session; when the CLI reports another, the session follows it and the run
//! records the id it ran under. Abort: an `interrupt` control request, then the process group
//! is killed within a second. A CLI that exits early, prints something that is not
//! stream-json or is silent past `runtime_silence_secs` (while no approval waits) ends the
//! run in error with the tail of its stderr.

mod process;
mod wire;

use std::process::Stdio;
use std::time::Instant;

use futures_util::future::BoxFuture;
use tokio::process::Command;

use crate::error::{ApiError, ErrorCode, Result};
use crate::frames::{FrameBody, Phase, RunStatus};
use crate::store::accounts::AccountKind;
use crate::store::{runs, sessions};

use super::child::quote_stderr;
use super::{RunContext, Runtime, TurnEnd, locate};
use process::Turn;

pub(crate) struct ClaudeCodeRuntime;

impl Runtime for ClaudeCodeRuntime {
    fn name(&self) -> &'static str {
        "claude-code"
    }

    fn run<'a>(&'a self, turn: &'a mut RunContext) -> BoxFuture<'a, Result<TurnEnd>> {
        Box::pin(drive(turn))
    }
}

/// What the CLI is given for the session's model: `--model` and, for a Hearth account, its
/// key and base URL (environment only).
struct Launch {
    model_id: String,
    model_arg: Option<String>,
    env: Vec<(String, String)>,
}

fn launch_for(ctx: &RunContext, model: Option<&str>) -> Result<Launch> {
    let Some(model) = model else {
        // The CLI's own login and default model.
        return Ok(Launch { model_id: "claude-code".into(), model_arg: None, env: Vec::new() });
    };
    let (account, name) = model.split_once('/').ok_or_else(|| {
        ApiError::new(ErrorCode::InvalidModel, format!("{model:?} is not <account>/<model>"))
    })?;
    let (kind, base_url, key) = ctx.shared.accounts.credentials(account).ok_or_else(|| {
        ApiError::new(ErrorCode::NoModel, format!("there is no account {account:?}"))
    })?;
    if kind != AccountKind::Anthropic {
        return Err(ApiError::new(
            ErrorCode::InvalidModel,
            format!(
                "Claude Code speaks only Anthropic's API; {account:?} is not an Anthropic account"
            ),
        ));
    }
    let mut env = vec![("ANTHROPIC_BASE_URL".to_owned(), base_url)];
    if let Some(key) = key {
        env.push(("ANTHROPIC_API_KEY".to_owned(), key));
    }
    Ok(Launch { model_id: model.to_owned(), model_arg: Some(name.to_owned()), env })
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
    let launch = launch_for(ctx, session.model.as_deref());
    let path = settings.claude_code_path.clone();
    let cli = tokio::task::spawn_blocking(move || locate::locate(&locate::CLAUDE, &path))
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("locating claude: {e}")))?;
    let workspace = session.workspace.clone().ok_or_else(|| {
        ApiError::new(ErrorCode::InvalidWorkspace, "a claude-code session needs a workspace")
    })?;
    // The conversation id: the one kept, or a new one chosen now.
    let (conversation, resume) = match &session.runtime_session_id {
        Some(id) => (id.clone(), true),
        None => (uuid::Uuid::new_v4().to_string(), false),
    };
    let model_id = launch.as_ref().map(|l| l.model_id.clone()).unwrap_or_default();
    ctx.start(model_id).await?;
    let (launch, cli) = (launch?, cli?);
    if !std::path::Path::new(&workspace).is_dir() {
        return Err(ApiError::new(
            ErrorCode::InvalidWorkspace,
            format!("the workspace {workspace:?} is gone"),
        ));
    }
    if !resume {
        // Kept before the CLI starts: a crash in between still resumes this conversation.
        let (sid, rid, conv) = (ctx.session_id.clone(), ctx.run_id.clone(), conversation.clone());
        ctx.shared
            .write(move |tx, _| {
                sessions::set_runtime_session_id(tx, &sid, &conv)?;
                runs::record_runtime(tx, &rid, None, Some(&conv))
            })
            .await?;
    }

    let mut cmd = Command::new(&cli.path);
    cmd.args([
        "-p",
        "--input-format",
        "stream-json",
        "--output-format",
        "stream-json",
        "--verbose",
        "--permission-prompt-tool",
        "stdio",
        "--include-partial-messages",
    ])
    .args(if resume { ["--resume", &conversation] } else { ["--session-id", &conversation] });
    if let Some(model) = &launch.model_arg {
        cmd.args(["--model", model]);
    }
    // The chat's options, as the CLI takes them.
    if let Some(prompt) = session.system_prompt.as_deref().filter(|p| !p.trim().is_empty()) {
        cmd.args(["--append-system-prompt", prompt]);
    }
    if let Some(steps) = session.max_steps {
        cmd.args(["--max-turns", &steps.to_string()]);
    }
    // Only Hearth decides what the CLI may do: no settings file (user, project or local) is
    // read, so none of their allow rules or hooks runs a tool past Hearth's approvals.
    cmd.args(["--setting-sources", ""]);
    // Hearth's secrets stay home; the account's key goes through the environment only.
    cmd.env_clear()
        .envs(hearth_protocol::env::inherited(std::env::vars()))
        .env("DISABLE_AUTOUPDATER", "1")
        .envs(launch.env)
        .envs(ctx.shared.agent_env.iter().cloned())
        .envs(session.thinking_budget.map(|b| ("MAX_THINKING_TOKENS", b.to_string())))
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
    tracing::info!(run = %ctx.run_id, cli = %cli.path.display(), version = %cli.version, resume, "claude code started");
    let mut turn = Turn::new(ctx, &mut child, workspace, settings.runtime_silence_secs)?;
    let end = match turn.write(&wire::user_message(&ctx.text)).await {
        Ok(()) => turn.run(ctx).await,
        Err(e) => Err(e),
    };
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
    tracing::info!(run = %ctx.run_id, ms = started.elapsed().as_millis() as u64, status = end.status.as_str(), "claude code turn ended");
    Ok(end)
}
