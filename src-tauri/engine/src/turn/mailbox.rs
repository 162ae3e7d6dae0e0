//! A session actor's mailbox: every command its actor takes, and the handle that sends them.
//! Its own room so the actor, the runs it starts and the engine's facade can all speak to an
//! actor without importing one another.

use tokio::sync::{mpsc, oneshot};

use crate::chat::{SendMessage, SendReceipt, SteerMode};
use crate::error::Result;
use crate::frames::{Phase, QueuedRun};

pub(crate) enum Cmd {
    Send {
        req: SendMessage,
        reply: oneshot::Sender<Result<SendReceipt>>,
    },
    Retry {
        reply: oneshot::Sender<Result<SendReceipt>>,
    },
    /// A new version of a user message (the old one and what followed it stay as a branch).
    Edit {
        message_id: String,
        text: String,
        reply: oneshot::Sender<Result<SendReceipt>>,
    },
    /// A new reply to the user message a reply answered (the old reply stays as a branch).
    Regenerate {
        message_id: String,
        reply: oneshot::Sender<Result<SendReceipt>>,
    },
    /// Shows another version of a message, and the branch that follows it.
    SwitchBranch {
        message_id: String,
        reply: oneshot::Sender<Result<()>>,
    },
    Steer {
        text: String,
        reply: oneshot::Sender<Result<SteerMode>>,
    },
    Abort {
        reply: oneshot::Sender<bool>,
    },
    ClearQueue {
        reply: oneshot::Sender<Result<usize>>,
    },
    Snapshot {
        reply: oneshot::Sender<(Phase, Option<String>, Vec<QueuedRun>)>,
    },
    Phase {
        run_id: String,
        phase: Phase,
    },
    RunEnded {
        run_id: String,
    },
}

#[derive(Clone)]
pub(crate) struct ActorHandle {
    pub tx: mpsc::UnboundedSender<Cmd>,
}
