//! Content blocks: what a message is made of, provider-neutral (text, thinking, images,
//! files, tool calls and their results), and who a message is from.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A provider-neutral content block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentBlock {
    Text {
        text: String,
    },
    Thinking {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        signature: Option<String>,
    },
    RedactedThinking {
        data: String,
    },
    Image {
        attachment_id: String,
        mime: String,
    },
    /// An attached document: a PDF or a text/code file (its text goes to the model).
    File {
        attachment_id: String,
        mime: String,
        name: String,
        #[ts(type = "number")]
        size: u64,
    },
    ToolUse {
        id: String,
        name: String,
        #[ts(type = "unknown")]
        input: serde_json::Value,
    },
    ToolResult {
        tool_use_id: String,
        content: String,
        is_error: bool,
    },
}

impl ContentBlock {
    /// The attachment an image or file block shows.
    pub fn attachment_id(&self) -> Option<&str> {
        match self {
            ContentBlock::Image { attachment_id, .. }
            | ContentBlock::File { attachment_id, .. } => Some(attachment_id),
            _ => None,
        }
    }

    /// The same block showing another attachment (an import gives attachments new ids).
    pub fn with_attachment_id(&self, id: &str) -> ContentBlock {
        let mut block = self.clone();
        if let ContentBlock::Image { attachment_id, .. }
        | ContentBlock::File { attachment_id, .. } = &mut block
        {
            *attachment_id = id.to_owned();
        }
        block
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    User,
    Assistant,
    System,
}

/// Where a message came from: the user, the model, or outside (inbox, webhook, schedule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MessageSource {
    User,
    Model,
    External,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    Complete,
    Aborted,
    Error,
    Interrupted,
}
