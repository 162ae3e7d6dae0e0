//! Providers: clients that turn a provider-neutral request into a stream of provider-neutral
//! events. Protocol quirks stay inside each provider's module.

pub mod anthropic;
pub mod openai;
pub mod responses;
pub mod retry;

use std::pin::Pin;
use std::time::Duration;

use futures_util::Stream;
use futures_util::future::BoxFuture;

use crate::chat::{ContentBlock, Role};
use crate::error::{ApiError, ErrorCode};
use crate::frames::{StopReason, Usage};

/// One message of the conversation as a provider sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelMessage {
    pub role: Role,
    pub content: Vec<ContentBlock>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModelRequest {
    /// The model's own name at the provider (without the `<account>/` prefix).
    pub model: String,
    pub system: Option<String>,
    pub messages: Vec<ModelMessage>,
    pub max_tokens: Option<u32>,
}

/// What a provider's stream yields, whatever the protocol.
#[derive(Debug, Clone, PartialEq)]
pub enum ProviderEvent {
    TextDelta(String),
    ThinkingDelta(String),
    /// The signature that closes a thinking block (sent back verbatim on the next request).
    ThinkingSignature(String),
    /// An encrypted thinking block: kept and sent back verbatim.
    RedactedThinking(String),
    ToolCallStart {
        index: u32,
        id: String,
        name: String,
    },
    ToolCallDelta {
        index: u32,
        partial_json: String,
    },
    Usage(Usage),
    Finish(StopReason),
}

/// A provider failure: its code, a message for people, and whether trying again may help.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderError {
    pub code: ErrorCode,
    pub message: String,
    pub retryable: bool,
    /// What the server asked us to wait (Retry-After and friends).
    pub retry_after: Option<Duration>,
}

impl ProviderError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ProviderError { code, message: message.into(), retryable: false, retry_after: None }
    }

    pub fn retryable(mut self, after: Option<Duration>) -> Self {
        self.retryable = true;
        self.retry_after = after;
        self
    }
}

impl From<ProviderError> for ApiError {
    fn from(e: ProviderError) -> Self {
        ApiError::new(e.code, e.message)
    }
}

pub type EventStream = Pin<Box<dyn Stream<Item = Result<ProviderEvent, ProviderError>> + Send>>;

pub trait Provider: Send + Sync {
    /// Starts a streaming request. An error here happened before any event.
    fn stream(
        &self,
        request: ModelRequest,
    ) -> BoxFuture<'static, Result<EventStream, ProviderError>>;
}
