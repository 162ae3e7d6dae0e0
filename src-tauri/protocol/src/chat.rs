//! The conversation's public types: messages as provider-neutral content blocks, history with
//! its watermark, sends and their receipts, and what a subscriber gets first.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::content::{ContentBlock, MessageSource, MessageStatus, Role};
use crate::frames::{Phase, Priority, QueuedRun, Usage};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Message {
    pub id: String,
    pub session_id: String,
    pub run_id: Option<String>,
    pub role: Role,
    pub source: MessageSource,
    pub content: Vec<ContentBlock>,
    pub status: MessageStatus,
    pub usage: Option<Usage>,
    /// The seq of the last frame this message reflects (null for user messages).
    pub last_seq: Option<i64>,
    pub created_at: i64,
    /// Its versions, when it has more than one (history only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub branch: Option<BranchInfo>,
}

/// `history`: the messages, oldest first, and the watermark W: every frame with seq <= W is
/// reflected in them. Subscribe with `after_seq = W` to continue without a gap; frames after
/// W may repeat a message already here (same `message_id`), which a viewer folds in by id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct History {
    pub messages: Vec<Message>,
    pub watermark: i64,
    /// True when older messages exist before the first one returned.
    pub has_more: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    pub text: String,
    /// Makes the send idempotent: a repeat returns the first receipt and creates nothing.
    #[ts(optional)]
    pub client_msg_id: Option<String>,
    #[ts(optional)]
    pub priority: Option<Priority>,
    /// Attachments uploaded to this chat and not sent yet; shown before the text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<String>>", optional)]
    pub attachments: Vec<String>,
    /// Files of an edited message, carried into its new version (engine only).
    #[serde(skip)]
    #[ts(skip)]
    pub reused_files: Vec<ContentBlock>,
    /// Set by the engine for webhook turns (`external`); callers cannot set it.
    #[serde(skip)]
    #[ts(skip)]
    pub source: Option<MessageSource>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SendReceipt {
    pub message_id: String,
    pub run_id: String,
    /// 0 = running now or next; n = n runs ahead of it.
    pub queue_position: u32,
}

/// The first reply of a subscription: the session's state now. Frames follow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SubscribeSnapshot {
    pub session_id: String,
    pub phase: Phase,
    pub running_run_id: Option<String>,
    pub queue: Vec<QueuedRun>,
    /// Tool calls waiting for the user's answer (they survive a reload).
    pub pending_approvals: Vec<crate::approvals::Approval>,
    pub last_seq: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SteerMode {
    /// Delivered to the running turn at its next step boundary.
    Steer,
    /// No run was going: queued as a normal send.
    Queued,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SteerReceipt {
    pub mode: SteerMode,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ModelInfo {
    /// `<account>/<model>`.
    pub id: String,
    pub provider: String,
    pub name: String,
    pub capabilities: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ModelList {
    pub models: Vec<ModelInfo>,
    pub default: Option<String>,
}

/// Where a message sits among its versions (shown as ‹ 2/3 ›). Only on messages that have
/// siblings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BranchInfo {
    /// 0-based, oldest version first.
    pub index: u32,
    /// Every version's message id, oldest first (this one included).
    pub siblings: Vec<String>,
}
