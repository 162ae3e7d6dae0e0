//! Start-up repair: runs a dead process left `running` become `interrupted`. Their partial
//! reply is rebuilt from the event log (the same fold the live run uses), saved as an
//! `interrupted` message, and a terminal frame is written, so viewers and history agree.

use crate::chat::{MessageSource, MessageStatus, Role};
use crate::error::Result;
use crate::frames::{FrameBody, Phase, RunStatus, Usage};
use crate::store::{Store, approvals, events, messages, runs};
use crate::turn::assemble::Assembler;
use crate::turn::writer::Writer;

pub(crate) fn interrupted_runs(store: &Store, writer: &Writer) -> Result<()> {
    for (session_id, run_id, message_id) in store.read(runs::left_running)? {
        let frames = store.read(|conn| events::read_run(conn, &session_id, &run_id))?;
        let mut assembler = Assembler::default();
        let mut open_message: Option<String> = None;
        for frame in &frames {
            assembler.apply(&frame.body);
            match &frame.body {
                FrameBody::MessageStart { message_id } => open_message = Some(message_id.clone()),
                FrameBody::MessageEnd { .. } => open_message = None,
                _ => {}
            }
        }
        if let Some(reply_id) = &open_message {
            writer.append(
                &session_id,
                Some(&run_id),
                FrameBody::MessageEnd {
                    message_id: reply_id.clone(),
                    stop_reason: crate::frames::StopReason::Error,
                    usage: Usage::default(),
                },
            );
        }
        writer.append(&session_id, Some(&run_id), FrameBody::Phase { phase: Phase::Idle });
        writer.append(
            &session_id,
            Some(&run_id),
            FrameBody::RunCompleted {
                status: RunStatus::Interrupted,
                usage: Usage::default(),
                error: Some(crate::ApiError::new(
                    crate::ErrorCode::Internal,
                    "Hearth stopped while this reply was being written; retry to run it again",
                )),
            },
        );
        let last_seq = writer.flush_blocking(&session_id)?;
        let content = assembler.content();
        store.write(|tx| -> Result<_> {
            let now = store.now();
            if let Some(reply_id) = &open_message
                && !content.is_empty()
            {
                messages::insert(
                    tx,
                    &messages::NewMessage {
                        id: reply_id,
                        session_id: &session_id,
                        run_id: Some(&run_id),
                        role: Role::Assistant,
                        source: MessageSource::Model,
                        content: &content,
                        status: MessageStatus::Interrupted,
                        client_msg_id: None,
                        in_timeline: true,
                        usage: None,
                        last_seq: Some(last_seq),
                    },
                    now,
                )?;
            }
            // The user message is part of the conversation even though its run died.
            messages::enter_timeline(tx, &message_id, &session_id, now)?;
            runs::finish(
                tx,
                &run_id,
                RunStatus::Interrupted,
                Some(("INTERRUPTED", "the app stopped during this run")),
                &Usage::default(),
                now,
            )?;
            // Nobody is waiting for these answers any more.
            for (approval_id, tool_use_id) in approvals::expire_for_run(tx, &run_id, now)? {
                writer.append(
                    &session_id,
                    Some(&run_id),
                    FrameBody::ApprovalResolved {
                        approval_id,
                        tool_use_id,
                        outcome: crate::frames::ApprovalOutcome::Expired,
                        remember: None,
                    },
                );
            }
            Ok(())
        })?;
        tracing::warn!(session = %session_id, run = %run_id, "a run left running by a previous process is now interrupted");
    }
    Ok(())
}
