//! Frames: what a run produces, numbered by the writer, stored in the event log and delivered
//! to every subscriber (Tauri Channel, SSE, CLI). One schema, shared with the UI through ts-rs.
//!
//! Every frame is `{session_id, seq, run_id?, ts, type, ...}`. Deltas carry `text` (or
//! `partial_json` for tool calls) and a block `index`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::ApiError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Frame {
    pub session_id: String,
    /// Assigned by the writer: strictly increasing per session, never reused.
    pub seq: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub run_id: Option<String>,
    /// Milliseconds since the Unix epoch.
    pub ts: i64,
    #[serde(flatten)]
    pub body: FrameBody,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Idle,
    Connecting,
    Thinking,
    Streaming,
    Tool,
    WaitingApproval,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalOutcome {
    Allowed,
    Denied,
    Expired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Abort the current run and run this next.
    Now,
    /// Run this before everything else that is queued.
    Next,
    /// Run this after everything that is queued.
    #[default]
    Later,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Now => "now",
            Priority::Next => "next",
            Priority::Later => "later",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Done,
    Error,
    Aborted,
    Interrupted,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Done => "done",
            RunStatus::Error => "error",
            RunStatus::Aborted => "aborted",
            RunStatus::Interrupted => "interrupted",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    EndTurn,
    MaxTokens,
    ToolUse,
    ContentFilter,
    Refusal,
    Aborted,
    Error,
}

/// Tokens of one model call or a sum of them. `input_tokens` are the uncached input tokens;
/// cache reads and writes are counted apart (OpenAI's totals are split accordingly).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    #[serde(default)]
    pub cache_read_tokens: u64,
    #[serde(default)]
    pub cache_write_tokens: u64,
}

impl Usage {
    pub fn add(&mut self, other: &Usage) {
        self.input_tokens += other.input_tokens;
        self.output_tokens += other.output_tokens;
        self.cache_read_tokens += other.cache_read_tokens;
        self.cache_write_tokens += other.cache_write_tokens;
    }
}

/// A queued send as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct QueuedRun {
    pub run_id: String,
    pub message_id: String,
    pub priority: Priority,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FrameBody {
    /// A user message was committed and its run queued (position 0 = next to run).
    RunQueued {
        message_id: String,
        priority: Priority,
        position: u32,
    },
    RunStarted {
        message_id: String,
        model: String,
    },
    Phase {
        phase: Phase,
    },
    /// The user's message, as committed (so live viewers see it without re-reading history).
    UserMessage {
        message_id: String,
        text: String,
        /// The message's image and file blocks (absent when it has none).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[ts(as = "Option<Vec<crate::content::ContentBlock>>", optional)]
        attachments: Vec<crate::content::ContentBlock>,
    },
    MessageStart {
        message_id: String,
    },
    TextStart {
        index: u32,
    },
    TextDelta {
        index: u32,
        text: String,
    },
    TextEnd {
        index: u32,
    },
    ThinkingStart {
        index: u32,
    },
    ThinkingDelta {
        index: u32,
        text: String,
    },
    ThinkingEnd {
        index: u32,
        /// Closes a signed thinking block (sent back verbatim on the next request).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        signature: Option<String>,
    },
    /// An encrypted thinking block: kept and sent back verbatim, never shown.
    RedactedThinking {
        index: u32,
        data: String,
    },
    ToolCallStart {
        index: u32,
        id: String,
        name: String,
    },
    ToolCallDelta {
        index: u32,
        partial_json: String,
    },
    ToolCallEnd {
        index: u32,
    },
    /// A tool call waits for the user; the run's phase is `waiting_approval` until answered.
    ApprovalRequested {
        approval: Box<crate::approvals::Approval>,
    },
    ApprovalResolved {
        approval_id: String,
        tool_use_id: String,
        /// `allowed`, `denied`, or `expired` (its run ended first).
        outcome: ApprovalOutcome,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        remember: Option<crate::approvals::Remember>,
    },
    /// A tool call finished (or was refused): what the model reads next.
    ToolResult {
        tool_use_id: String,
        name: String,
        content: String,
        is_error: bool,
        duration_ms: u64,
    },
    MessageEnd {
        message_id: String,
        stop_reason: StopReason,
        usage: Usage,
    },
    Retrying {
        attempt: u32,
        delay_ms: u64,
        reason: String,
    },
    /// Steered text entered the running turn at a step boundary.
    Steered {
        message_id: String,
        text: String,
    },
    QueueChanged {
        queue: Vec<QueuedRun>,
    },
    /// The conversation moved to another branch (an edit, a regenerate, a switch): read the
    /// history again. `message_id`: where the branches part.
    BranchChanged {
        message_id: String,
    },
    RunCompleted {
        status: RunStatus,
        usage: Usage,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        error: Option<ApiError>,
    },
    TitleUpdated {
        title: String,
    },
    /// A message from outside (the inbox, a script): shown as such, never run as a prompt,
    /// and quoted as untrusted content when a model reads it.
    ProactiveMessage {
        message_id: String,
        text: String,
        /// Where it came from, e.g. `inbox` or `inbox:<thread>`.
        origin: String,
        /// Whether it asked for a notification.
        notify: bool,
    },
}

impl FrameBody {
    /// The `type` tag (also the SSE `event:` name and the event log's `type` column).
    pub fn kind(&self) -> &'static str {
        match self {
            FrameBody::RunQueued { .. } => "run_queued",
            FrameBody::RunStarted { .. } => "run_started",
            FrameBody::Phase { .. } => "phase",
            FrameBody::UserMessage { .. } => "user_message",
            FrameBody::MessageStart { .. } => "message_start",
            FrameBody::TextStart { .. } => "text_start",
            FrameBody::TextDelta { .. } => "text_delta",
            FrameBody::TextEnd { .. } => "text_end",
            FrameBody::ThinkingStart { .. } => "thinking_start",
            FrameBody::ThinkingDelta { .. } => "thinking_delta",
            FrameBody::ThinkingEnd { .. } => "thinking_end",
            FrameBody::RedactedThinking { .. } => "redacted_thinking",
            FrameBody::ToolCallStart { .. } => "tool_call_start",
            FrameBody::ToolCallDelta { .. } => "tool_call_delta",
            FrameBody::ToolCallEnd { .. } => "tool_call_end",
            FrameBody::ApprovalRequested { .. } => "approval_requested",
            FrameBody::ApprovalResolved { .. } => "approval_resolved",
            FrameBody::ToolResult { .. } => "tool_result",
            FrameBody::MessageEnd { .. } => "message_end",
            FrameBody::Retrying { .. } => "retrying",
            FrameBody::Steered { .. } => "steered",
            FrameBody::QueueChanged { .. } => "queue_changed",
            FrameBody::BranchChanged { .. } => "branch_changed",
            FrameBody::RunCompleted { .. } => "run_completed",
            FrameBody::TitleUpdated { .. } => "title_updated",
            FrameBody::ProactiveMessage { .. } => "proactive_message",
        }
    }

    /// Frames that matter outside their chat: see the engine's bus `watch`.
    pub fn is_notable(&self) -> bool {
        matches!(
            self,
            FrameBody::RunQueued { .. }
                | FrameBody::RunStarted { .. }
                | FrameBody::RunCompleted { .. }
                | FrameBody::ApprovalRequested { .. }
                | FrameBody::ApprovalResolved { .. }
                | FrameBody::ProactiveMessage { .. }
                | FrameBody::TitleUpdated { .. }
        )
    }

    /// Appends `next` to this frame if both are deltas of the same block: the writer's
    /// coalescing. Returns `next` back when they cannot merge.
    pub fn try_merge(&mut self, next: FrameBody) -> Option<FrameBody> {
        match (self, next) {
            (FrameBody::TextDelta { index, text }, FrameBody::TextDelta { index: i, text: t })
            | (
                FrameBody::ThinkingDelta { index, text },
                FrameBody::ThinkingDelta { index: i, text: t },
            ) if *index == i => {
                text.push_str(&t);
                None
            }
            (
                FrameBody::ToolCallDelta { index, partial_json },
                FrameBody::ToolCallDelta { index: i, partial_json: p },
            ) if *index == i => {
                partial_json.push_str(&p);
                None
            }
            (_, next) => Some(next),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_serialize_flat_with_a_type_tag() {
        let frame = Frame {
            session_id: "s".into(),
            seq: 7,
            run_id: Some("r".into()),
            ts: 1,
            body: FrameBody::TextDelta { index: 0, text: "hi".into() },
        };
        let json = serde_json::to_value(&frame).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"session_id": "s", "seq": 7, "run_id": "r", "ts": 1,
                               "type": "text_delta", "index": 0, "text": "hi"})
        );
        assert_eq!(serde_json::from_value::<Frame>(json).unwrap(), frame);
        assert_eq!(frame.body.kind(), "text_delta");
    }

    #[test]
    fn only_deltas_of_the_same_block_merge() {
        let mut a = FrameBody::TextDelta { index: 0, text: "a".into() };
        assert!(a.try_merge(FrameBody::TextDelta { index: 0, text: "b".into() }).is_none());
        assert_eq!(a, FrameBody::TextDelta { index: 0, text: "ab".into() });
        assert!(a.try_merge(FrameBody::TextDelta { index: 1, text: "c".into() }).is_some());
        assert!(a.try_merge(FrameBody::ThinkingDelta { index: 0, text: "c".into() }).is_some());
        assert!(a.try_merge(FrameBody::TextEnd { index: 0 }).is_some());
    }
}
