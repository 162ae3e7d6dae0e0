//! Session actors: one tokio task per active session owns its run slot and its queue.
//!
//! Every command for a session goes through its actor's mailbox, so claiming the run slot is
//! one step in one task (no check-then-act race). A send is committed (user message + queued
//! run row) before it is acknowledged. The actor starts the next queued run when the current
//! one ends. An actor with no run, no queue and no subscriber for [`IDLE_DROP`] goes away and
//! is reloaded from the store on next use.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use crate::chat::{ContentBlock, MessageStatus, Role, SendMessage, SendReceipt, SteerMode};
use crate::core::Shared;
use crate::error::{ApiError, ErrorCode, Result};
use crate::frames::{FrameBody, Phase, Priority, QueuedRun};
use crate::runtimes::RunContext;
use crate::store::{Store, attachments, branches, messages, runs};
use crate::turn::mailbox::{ActorHandle, Cmd};
use crate::turn::run;

pub use hearth_protocol::limits::{MAX_TEXT_BYTES, QUEUE_LIMIT};
const IDLE_DROP: Duration = Duration::from_secs(600);

struct Current {
    run_id: String,
    cancel: CancellationToken,
    steer: mpsc::UnboundedSender<(String, String)>,
    phase: Phase,
    abort_waiters: Vec<oneshot::Sender<bool>>,
}

struct Actor {
    session_id: String,
    shared: Arc<Shared>,
    tx: mpsc::UnboundedSender<Cmd>,
    queue: VecDeque<QueuedRun>,
    current: Option<Current>,
}

/// Starts the actor of `session_id`, loading its queue from the store.
pub(crate) fn spawn(shared: Arc<Shared>, session_id: &str) -> Result<ActorHandle> {
    let queue = load_queue(&shared.store, session_id)?;
    let (tx, rx) = mpsc::unbounded_channel();
    let actor = Actor {
        session_id: session_id.to_owned(),
        shared: shared.clone(),
        tx: tx.clone(),
        queue,
        current: None,
    };
    shared.runtime.spawn(actor.run(rx));
    Ok(ActorHandle { tx })
}

fn load_queue(store: &Store, session_id: &str) -> Result<VecDeque<QueuedRun>> {
    store.read(|conn| {
        let mut queue = VecDeque::new();
        for row in runs::queued(conn, session_id)? {
            let text = messages::get(conn, &row.message_id)?
                .map(|m| messages::text_of(&m))
                .unwrap_or_default();
            queue.push_back(QueuedRun {
                run_id: row.run_id,
                message_id: row.message_id,
                priority: row.priority,
                text,
            });
        }
        Ok(queue)
    })
}

impl Actor {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Cmd>) {
        // A queue loaded from the store (after a restart) starts draining at once.
        self.start_next().await;
        loop {
            let cmd = match tokio::time::timeout(IDLE_DROP, rx.recv()).await {
                Ok(Some(cmd)) => cmd,
                Ok(None) => return,
                Err(_) => {
                    if self.current.is_none()
                        && self.queue.is_empty()
                        && !self.shared.writer.bus().has_subscribers(&self.session_id)
                    {
                        // Leave the map first: a command racing this sees a closed mailbox
                        // and the engine starts a fresh actor from the store.
                        self.shared.drop_actor(&self.session_id);
                        rx.close();
                        while let Some(cmd) = rx.recv().await {
                            self.handle(cmd).await;
                        }
                        return;
                    }
                    continue;
                }
            };
            self.handle(cmd).await;
        }
    }

    async fn handle(&mut self, cmd: Cmd) {
        match cmd {
            Cmd::Send { req, reply } => {
                let result = self.send(req).await;
                let _ = reply.send(result);
            }
            Cmd::Retry { reply } => {
                let result = self.retry().await;
                let _ = reply.send(result);
            }
            Cmd::Edit { message_id, text, reply } => {
                let result = self.edit(&message_id, text).await;
                let _ = reply.send(result);
            }
            Cmd::Regenerate { message_id, reply } => {
                let result = self.regenerate(&message_id).await;
                let _ = reply.send(result);
            }
            Cmd::SwitchBranch { message_id, reply } => {
                let result = self.switch_branch(&message_id).await;
                let _ = reply.send(result);
            }
            Cmd::Steer { text, reply } => {
                let _ = reply.send(self.steer(text).await);
            }
            Cmd::Abort { reply } => match &mut self.current {
                Some(current) => {
                    current.cancel.cancel();
                    current.abort_waiters.push(reply);
                }
                None => {
                    let _ = reply.send(false);
                }
            },
            Cmd::ClearQueue { reply } => {
                let _ = reply.send(self.clear_queue().await);
            }
            Cmd::Snapshot { reply } => {
                let phase = self.current.as_ref().map_or(Phase::Idle, |c| c.phase);
                let run_id = self.current.as_ref().map(|c| c.run_id.clone());
                let _ = reply.send((phase, run_id, self.queue.iter().cloned().collect()));
            }
            Cmd::Phase { run_id, phase } => {
                if let Some(current) = self.current.as_mut().filter(|c| c.run_id == run_id) {
                    current.phase = phase;
                }
            }
            Cmd::RunEnded { run_id } => {
                if self.current.as_ref().is_some_and(|c| c.run_id == run_id) {
                    let current = self.current.take().unwrap_or_else(|| unreachable!());
                    for waiter in current.abort_waiters {
                        let _ = waiter.send(true);
                    }
                    self.start_next().await;
                }
            }
        }
    }

    async fn send(&mut self, req: SendMessage) -> Result<SendReceipt> {
        let text = req.text;
        let attached = req.attachments;
        let reused_files = req.reused_files;
        if text.trim().is_empty() && attached.is_empty() && reused_files.is_empty() {
            return Err(ApiError::new(ErrorCode::MessageEmpty, "the message is empty"));
        }
        if attached.len() > crate::attach::MAX_PER_MESSAGE {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                format!("at most {} attachments per message", crate::attach::MAX_PER_MESSAGE),
            ));
        }
        if text.len() > MAX_TEXT_BYTES {
            return Err(ApiError::new(
                ErrorCode::MessageTooLong,
                format!(
                    "the message has {} bytes; at most {MAX_TEXT_BYTES} are allowed",
                    text.len()
                ),
            ));
        }
        if let Some(id) = req.client_msg_id.as_deref()
            && (id.is_empty() || id.len() > 200)
        {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "client_msg_id must be 1 to 200 characters",
            ));
        }
        let priority = req.priority.unwrap_or_default();
        let source = req.source;
        let (session_id, client_msg_id) = (self.session_id.clone(), req.client_msg_id.clone());

        // A repeated client_msg_id answers the first receipt and creates nothing.
        if let Some(cid) = client_msg_id.clone() {
            let sid = session_id.clone();
            if let Some((message_id, run_id)) =
                self.shared.read(move |c| messages::by_client_msg_id(c, &sid, &cid)).await?
            {
                let run_id = run_id.unwrap_or_default();
                let position =
                    self.queue.iter().position(|q| q.run_id == run_id).map_or(0, |p| p as u32 + 1);
                return Ok(SendReceipt { message_id, run_id, queue_position: position });
            }
        }
        if self.queue.len() >= QUEUE_LIMIT {
            return Err(ApiError::new(
                ErrorCode::QueueFull,
                format!("{QUEUE_LIMIT} messages are already waiting in this session"),
            ));
        }

        let message_id = uuid::Uuid::now_v7().to_string();
        let run_id = uuid::Uuid::now_v7().to_string();
        {
            let (message_id, run_id, text) = (message_id.clone(), run_id.clone(), text.clone());
            self.shared
                .write(move |tx, now| -> Result<_> {
                    // Files first, then what the user wrote about them.
                    let mut content = reused_files;
                    content.extend(attachments::pending_blocks(tx, &session_id, &attached)?);
                    if !text.trim().is_empty() {
                        content.push(ContentBlock::Text { text });
                    }
                    let message = messages::NewMessage {
                        client_msg_id: client_msg_id.as_deref(),
                        source: source.unwrap_or(crate::chat::MessageSource::User),
                        ..messages::NewMessage::user(&message_id, &session_id, &content, false)
                    };
                    messages::insert(tx, &message, now)?;
                    attachments::claim(tx, &message_id, &attached)?;
                    runs::insert_queued(tx, &run_id, &session_id, &message_id, priority, now)?;
                    messages::set_run(tx, &message_id, &run_id)?;
                    Ok(())
                })
                .await?;
        }
        Ok(self
            .enqueue(QueuedRun {
                run_id: run_id.clone(),
                message_id: message_id.clone(),
                priority,
                text,
            })
            .await)
        .map(|queue_position| SendReceipt { message_id, run_id, queue_position })
    }

    /// Runs the last user message again (after an error or an interruption).
    async fn retry(&mut self) -> Result<SendReceipt> {
        let session_id = self.session_id.clone();
        let last = self
            .shared
            .read(move |conn| -> Result<_> {
                let (timeline, _) = messages::timeline(conn, &session_id, 1, None)?;
                let Some(last) = timeline.into_iter().next() else { return Ok(None) };
                let answered = last.role == Role::User
                    || matches!(
                        last.status,
                        MessageStatus::Error | MessageStatus::Interrupted | MessageStatus::Aborted
                    );
                if !answered {
                    return Ok(None);
                }
                // The user message the failed reply answered.
                let user_id = if last.role == Role::User {
                    last.id.clone()
                } else {
                    match &last.run_id {
                        Some(run) => runs::message_of(conn, run)?,
                        None => return Ok(None),
                    }
                };
                let status = runs::last_for_message(conn, &user_id)?.map(|r| r.1);
                let text = messages::get(conn, &user_id)?
                    .map(|m| messages::text_of(&m))
                    .unwrap_or_default();
                Ok(Some((user_id, status, text)))
            })
            .await?;
        let Some((message_id, status, text)) = last else {
            return Err(ApiError::new(
                ErrorCode::NothingToRetry,
                "the last message has a complete reply",
            ));
        };
        if matches!(status.as_deref(), Some("queued" | "running"))
            || self.queue.iter().any(|q| q.message_id == message_id)
        {
            return Err(ApiError::new(
                ErrorCode::NothingToRetry,
                "the last message is already being answered",
            ));
        }
        let run_id = uuid::Uuid::now_v7().to_string();
        let (session_id, rid, mid) = (self.session_id.clone(), run_id.clone(), message_id.clone());
        self.shared
            .write(move |tx, now| {
                runs::insert_queued(tx, &rid, &session_id, &mid, Priority::Next, now)
            })
            .await?;
        let position = self
            .enqueue(QueuedRun {
                run_id: run_id.clone(),
                message_id: message_id.clone(),
                priority: Priority::Next,
                text,
            })
            .await;
        Ok(SendReceipt { message_id, run_id, queue_position: position })
    }

    /// Branches change only while nothing runs or waits: a run writes to the timeline's end.
    fn idle_for_branching(&self) -> Result<()> {
        if self.current.is_some() || !self.queue.is_empty() {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "stop the reply (and clear the queue) before editing, regenerating or switching",
            ));
        }
        Ok(())
    }

    /// A timeline message of this chat, or MESSAGE_NOT_FOUND-style INVALID_INPUT.
    async fn timeline_message(&self, message_id: &str) -> Result<(crate::chat::Message, i64)> {
        let (sid, mid) = (self.session_id.clone(), message_id.to_owned());
        let found = self
            .shared
            .read(move |conn| -> Result<_> {
                let Some(m) = messages::get(conn, &mid)? else { return Ok(None) };
                let ordinal = messages::ordinal_of(conn, &mid)?;
                Ok(ordinal.filter(|_| m.session_id == sid).map(|o| (m, o)))
            })
            .await?;
        found.ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidInput,
                format!("no message {message_id:?} is shown in this chat"),
            )
        })
    }

    fn branch_changed(&self, message_id: &str) {
        self.shared.writer.append(
            &self.session_id,
            None,
            FrameBody::BranchChanged { message_id: message_id.to_owned() },
        );
    }

    async fn edit(&mut self, message_id: &str, text: String) -> Result<SendReceipt> {
        self.idle_for_branching()?;
        let (old, ordinal) = self.timeline_message(message_id).await?;
        if old.role != Role::User || old.source != crate::chat::MessageSource::User {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "only your own messages can be edited",
            ));
        }
        // Its files go with the new version; the text is the new one.
        let files: Vec<ContentBlock> =
            old.content.into_iter().filter(|b| b.attachment_id().is_some()).collect();
        if text.trim().is_empty() && files.is_empty() {
            return Err(ApiError::new(ErrorCode::MessageEmpty, "the message is empty"));
        }
        let sid = self.session_id.clone();
        self.shared.write(move |tx, _| branches::stash_from(tx, &sid, ordinal).map(drop)).await?;
        self.branch_changed(message_id);
        let receipt =
            self.send(SendMessage { text, reused_files: files, ..SendMessage::default() }).await;
        if receipt.is_err() {
            // Nothing new entered: the old version is shown again.
            let (sid, mid) = (self.session_id.clone(), message_id.to_owned());
            self.shared
                .write(move |tx, now| branches::activate(tx, &sid, &mid, ordinal, now))
                .await?;
            self.branch_changed(message_id);
        }
        receipt
    }

    async fn regenerate(&mut self, message_id: &str) -> Result<SendReceipt> {
        self.idle_for_branching()?;
        let (reply, _) = self.timeline_message(message_id).await?;
        if reply.role != Role::Assistant || reply.source != crate::chat::MessageSource::Model {
            return Err(ApiError::new(ErrorCode::InvalidInput, "only replies can be regenerated"));
        }
        // The reply's run answered one user message: everything after that goes to a branch.
        let Some(run) = reply.run_id.clone() else {
            return Err(ApiError::new(ErrorCode::InvalidInput, "this reply has no run to repeat"));
        };
        let (user, ordinal) = {
            let asked: String = {
                let run = run.clone();
                self.shared.read(move |c| runs::message_of(c, &run)).await?
            };
            self.timeline_message(&asked).await?
        };
        let sid = self.session_id.clone();
        self.shared
            .write(move |tx, _| branches::stash_from(tx, &sid, ordinal + 1).map(drop))
            .await?;
        self.branch_changed(&user.id);
        self.retry().await
    }

    async fn switch_branch(&mut self, message_id: &str) -> Result<()> {
        self.idle_for_branching()?;
        let (sid, mid) = (self.session_id.clone(), message_id.to_owned());
        self.shared
            .write(move |tx, now| {
                messages::get(tx, &mid)?
                    .filter(|m| m.session_id == sid)
                    .ok_or_else(|| ApiError::new(ErrorCode::InvalidInput, "no such message"))?;
                // Shown already, and the only version of itself: nothing to switch to.
                if messages::ordinal_of(tx, &mid)?.is_some()
                    && branches::info(tx, &sid, &mid)?.is_none()
                {
                    return Err(ApiError::new(
                        ErrorCode::InvalidInput,
                        "this message has no other versions",
                    ));
                }
                // The version shown now where the message's branch leaves the timeline (a
                // sibling of the message, or of an ancestor when it is deeper in that branch).
                let Some((path, ordinal)) = branches::path_from_timeline(tx, &sid, &mid)? else {
                    return Err(ApiError::new(
                        ErrorCode::InvalidInput,
                        "none of this message's versions is shown",
                    ));
                };
                branches::stash_from(tx, &sid, ordinal)?;
                Ok(branches::activate_path(tx, &sid, &path, ordinal, now)?)
            })
            .await?;
        self.branch_changed(message_id);
        Ok(())
    }

    /// Places a committed run in the queue by priority and starts it if the slot is free.
    async fn enqueue(&mut self, item: QueuedRun) -> u32 {
        let writer = &self.shared.writer;
        let (message_id, priority) = (item.message_id.clone(), item.priority);
        match priority {
            Priority::Later => self.queue.push_back(item),
            Priority::Next | Priority::Now => self.queue.push_front(item),
        }
        let index = self.queue.iter().position(|q| q.message_id == message_id).unwrap_or(0);
        let position = index as u32 + u32::from(self.current.is_some());
        writer.append(
            &self.session_id,
            None,
            FrameBody::RunQueued { message_id, priority, position },
        );
        if priority == Priority::Now
            && let Some(current) = &self.current
        {
            current.cancel.cancel();
        }
        if self.current.is_none() {
            self.start_next().await;
        } else {
            self.queue_changed();
        }
        position
    }

    async fn steer(&mut self, text: String) -> Result<SteerMode> {
        if text.trim().is_empty() {
            return Err(ApiError::new(ErrorCode::MessageEmpty, "the steering text is empty"));
        }
        if text.len() > MAX_TEXT_BYTES {
            return Err(ApiError::new(ErrorCode::MessageTooLong, "the steering text is over 1 MB"));
        }
        match &self.current {
            Some(current) if !current.cancel.is_cancelled() => {
                let _ = current.steer.send((uuid::Uuid::now_v7().to_string(), text));
                Ok(SteerMode::Steer)
            }
            _ => {
                self.send(SendMessage {
                    text,
                    client_msg_id: None,
                    priority: Some(Priority::Next),
                    ..SendMessage::default()
                })
                .await?;
                Ok(SteerMode::Queued)
            }
        }
    }

    async fn clear_queue(&mut self) -> Result<usize> {
        let session_id = self.session_id.clone();
        let cleared =
            self.shared.write(move |tx, now| runs::clear_queued(tx, &session_id, now)).await?;
        self.queue.clear();
        self.queue_changed();
        Ok(cleared)
    }

    fn queue_changed(&self) {
        self.shared.writer.append(
            &self.session_id,
            None,
            FrameBody::QueueChanged { queue: self.queue.iter().cloned().collect() },
        );
    }

    async fn start_next(&mut self) {
        if self.current.is_some()
            || self.shared.shutting_down.load(std::sync::atomic::Ordering::SeqCst)
        {
            return;
        }
        let Some(next) = self.queue.pop_front() else { return };
        self.queue_changed();
        let cancel = CancellationToken::new();
        let (steer_tx, steer_rx) = mpsc::unbounded_channel();
        self.current = Some(Current {
            run_id: next.run_id.clone(),
            cancel: cancel.clone(),
            steer: steer_tx,
            phase: Phase::Connecting,
            abort_waiters: Vec::new(),
        });
        let ctx = RunContext {
            shared: self.shared.clone(),
            session_id: self.session_id.clone(),
            run_id: next.run_id.clone(),
            message_id: next.message_id.clone(),
            text: next.text,
            cancel,
            steer: steer_rx,
            actor: self.tx.clone(),
        };
        self.shared.runtime.spawn(async move {
            let run_id = ctx.run_id.clone();
            let actor = ctx.actor.clone();
            run::execute(ctx).await;
            let _ = actor.send(Cmd::RunEnded { run_id });
        });
    }
}

impl Shared {
    /// The session's actor, started (from the store) if it is not running.
    pub(crate) fn actor(self: &Arc<Self>, session_id: &str) -> Result<ActorHandle> {
        let mut actors = self.actors.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(handle) = actors.get(session_id).filter(|h| !h.tx.is_closed()) {
            return Ok(handle.clone());
        }
        let handle = spawn(self.clone(), session_id)?;
        actors.insert(session_id.to_owned(), handle.clone());
        Ok(handle)
    }

    /// Sends a command to the session's actor and waits for its answer.
    pub(crate) async fn ask<T>(
        self: &Arc<Self>,
        session_id: &str,
        make: impl Fn(oneshot::Sender<T>) -> Cmd,
    ) -> Result<T> {
        self.store.get_session(session_id)?; // unknown or deleted: SESSION_NOT_FOUND
        for _ in 0..2 {
            let (reply, answer) = oneshot::channel();
            // A closed mailbox means the actor just went idle: start a fresh one and ask again.
            if self.actor(session_id)?.tx.send(make(reply)).is_ok()
                && let Ok(value) = answer.await
            {
                return Ok(value);
            }
        }
        Err(ApiError::new(ErrorCode::Internal, "the session's actor did not answer"))
    }

    pub(crate) async fn send(
        self: &Arc<Self>,
        session_id: &str,
        req: SendMessage,
    ) -> Result<SendReceipt> {
        self.ask(session_id, |reply| Cmd::Send { req: req.clone(), reply }).await?
    }
}
