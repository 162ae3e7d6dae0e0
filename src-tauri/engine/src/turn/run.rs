//! One run: a turn of a session, owned by the engine (never by a window). Its runtime does
//! the turn; the run records how it ended — the run row, expired approvals, the last frames —
//! and starts the auto-title after a first reply.

use crate::error::{ApiError, ErrorCode};
use crate::frames::{ApprovalOutcome, FrameBody, Phase, RunStatus, Usage};
use crate::runtimes::{self, RunContext, TurnEnd};
use crate::store::{approvals, runs, sessions};

pub(crate) async fn execute(mut ctx: RunContext) {
    let sid = ctx.session_id.clone();
    let kind = ctx.shared.read(move |c| sessions::get(c, &sid)).await.map(|s| s.runtime);
    let runtime = runtimes::for_kind(kind.unwrap_or_default());
    let (mut status, usage, mut error, reported) = match runtime.run(&mut ctx).await {
        Ok(TurnEnd { status, usage, error, resume_id, cost_usd }) => {
            (status, usage, error, (cost_usd, resume_id))
        }
        Err(e) => (RunStatus::Error, Usage::default(), Some(e), (None, None)),
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
            runs::finish(tx, &run_id, status, recorded, &usage, now)?;
            if reported.0.is_some() || reported.1.is_some() {
                runs::record_runtime(tx, &run_id, reported.0, reported.1.as_deref())?;
            }
            approvals::expire_for_run(tx, &run_id, now)
        })
        .await;
    match finished {
        Ok(expired) => {
            let mut waiting = ctx.shared.waiting_approvals();
            for (approval_id, tool_use_id) in expired {
                waiting.remove(&approval_id);
                ctx.emit(FrameBody::ApprovalResolved {
                    approval_id,
                    tool_use_id,
                    outcome: ApprovalOutcome::Expired,
                    remember: None,
                });
            }
        }
        Err(e) => {
            tracing::error!(run = %ctx.run_id, error = %e, "could not record the end of a run")
        }
    }
    ctx.phase(Phase::Idle);
    ctx.emit(FrameBody::RunCompleted { status, usage, error });
    let _ = ctx.shared.writer.flush(&ctx.session_id).await;
    tracing::info!(session = %ctx.session_id, run = %ctx.run_id, runtime = runtime.name(), status = status.as_str(), "run ended");
    if status == RunStatus::Done && ctx.shared.auto_title && ctx.shared.settings().auto_title {
        ctx.shared
            .runtime
            .spawn(crate::turn::title::maybe_title(ctx.shared.clone(), ctx.session_id.clone()));
    }
}
