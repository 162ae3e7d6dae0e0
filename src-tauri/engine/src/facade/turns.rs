//! Turns: send, edit, regenerate, switch versions, retry, steer, abort; history and subscribe.

use std::time::Duration;

use tokio::sync::oneshot;

use crate::Engine;
use crate::chat::{History, SendMessage, SendReceipt, SteerReceipt, SubscribeSnapshot};
use crate::error::{ApiError, ErrorCode, Result};
use crate::store::{self, messages};
use crate::turn::actor;
use crate::turn::mailbox::{ActorHandle, Cmd};
use crate::turn::subscribe::{self, Subscription};

impl Engine {
    // ---- turns ----------------------------------------------------------------------------

    pub(crate) fn actor(&self, session_id: &str) -> Result<ActorHandle> {
        self.shared.actor(session_id)
    }

    async fn ask<T>(
        &self,
        session_id: &str,
        make: impl Fn(oneshot::Sender<T>) -> Cmd,
    ) -> Result<T> {
        self.shared.ask(session_id, make).await
    }

    /// Commits the user message (idempotent on `client_msg_id`) and queues its run; returns
    /// once it is durable.
    pub async fn send(&self, session_id: &str, req: SendMessage) -> Result<SendReceipt> {
        self.shared.send(session_id, req).await
    }

    /// A new version of a user message; the old one and what followed stay as a branch.
    pub async fn edit_message(
        &self,
        session_id: &str,
        message_id: &str,
        text: &str,
    ) -> Result<SendReceipt> {
        if text.len() > actor::MAX_TEXT_BYTES {
            return Err(ApiError::new(ErrorCode::MessageTooLong, "the message is over 1 MB"));
        }
        let edit =
            |reply| Cmd::Edit { message_id: message_id.to_owned(), text: text.to_owned(), reply };
        self.ask(session_id, edit).await?
    }

    /// A new reply to what `message_id` (a reply) answered; the old one stays as a branch.
    pub async fn regenerate(&self, session_id: &str, message_id: &str) -> Result<SendReceipt> {
        self.ask(session_id, |reply| Cmd::Regenerate { message_id: message_id.to_owned(), reply })
            .await?
    }

    /// Shows the version `message_id` of a message, and the branch that follows it.
    pub async fn switch_branch(&self, session_id: &str, message_id: &str) -> Result<()> {
        self.ask(session_id, |reply| Cmd::SwitchBranch { message_id: message_id.to_owned(), reply })
            .await?
    }

    /// Re-runs the last user message after a failed or interrupted reply.
    pub async fn retry(&self, session_id: &str) -> Result<SendReceipt> {
        self.ask(session_id, |reply| Cmd::Retry { reply }).await?
    }

    pub async fn steer(&self, session_id: &str, text: &str) -> Result<SteerReceipt> {
        let mode =
            self.ask(session_id, |reply| Cmd::Steer { text: text.to_owned(), reply }).await??;
        Ok(SteerReceipt { mode })
    }

    /// Stops the running run; waits (at most a second) until it has ended. False when idle.
    pub async fn abort(&self, session_id: &str) -> Result<bool> {
        let answer = self.ask(session_id, |reply| Cmd::Abort { reply });
        match tokio::time::timeout(Duration::from_secs(1), answer).await {
            Ok(result) => result,
            Err(_) => Ok(true), // cancelled; the run's last frames are still being written
        }
    }

    pub async fn clear_queue(&self, session_id: &str) -> Result<usize> {
        self.ask(session_id, |reply| Cmd::ClearQueue { reply }).await?
    }

    /// The conversation (`limit` latest messages, before the message `before`) and its
    /// watermark.
    pub fn history(
        &self,
        session_id: &str,
        limit: Option<u32>,
        before: Option<&str>,
    ) -> Result<History> {
        let limit = match limit {
            None => 200,
            Some(n @ 1..=1000) => n as usize,
            Some(n) => {
                return Err(ApiError::new(
                    ErrorCode::InvalidLimit,
                    format!("limit must be between 1 and 1000; got {n}"),
                ));
            }
        };
        self.shared.store.get_session(session_id)?;
        self.shared.store.read(|conn| {
            let before = match before {
                None => None,
                Some(id) => Some(messages::ordinal_of(conn, id)?.ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::InvalidInput,
                        format!("no message {id:?} in this session's history"),
                    )
                })?),
            };
            Ok(store::messages::history(conn, session_id, limit, before)?)
        })
    }

    /// The session's state now, and every frame with `seq > after_seq`, exactly once, in order.
    pub async fn subscribe(
        &self,
        session_id: &str,
        after_seq: i64,
    ) -> Result<(SubscribeSnapshot, Subscription)> {
        let session = self.shared.store.get_session(session_id)?;
        if after_seq < 0 || after_seq > session.last_seq {
            return Err(ApiError::new(
                ErrorCode::SeqOutOfRange,
                format!(
                    "after_seq must be between 0 and the session's last seq {}; got {after_seq}",
                    session.last_seq
                ),
            ));
        }
        let (phase, running_run_id, queue) =
            self.ask(session_id, |reply| Cmd::Snapshot { reply }).await?;
        let subscription =
            subscribe::start(self.shared.store.clone(), &self.shared.writer, session_id, after_seq);
        let pending_approvals = self
            .shared
            .store
            .read(|conn| store::approvals::pending_for_session(conn, session_id))?;
        let snapshot = SubscribeSnapshot {
            session_id: session_id.to_owned(),
            phase,
            running_run_id,
            queue,
            pending_approvals,
            last_seq: session.last_seq,
        };
        Ok((snapshot, subscription))
    }
}
