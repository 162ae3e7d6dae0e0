//! The watchdog of one model call: it ends a stream that stalls and a reply that grows past
//! its limits, with typed errors that say which limit, and keeps what came before.
//!
//! - **Idle**: no content event for the idle time (keep-alive comments and pings produce no
//!   event, so they do not count) → `STREAM_STALLED`. Connecting counts too: a server that
//!   accepts and never answers stalls the same way.
//! - **Overall**: a call that streams past [`MAX_MODEL_CALL_SECS`] → `STREAM_STALLED`.
//! - **Size**: text, thinking and tool-call arguments over [`MAX_REPLY_BYTES`] for the reply,
//!   or [`MAX_RUN_REPLY_BYTES`] for every reply of the run → `RESPONSE_TOO_LARGE`.
//!
//! A stall before anything streamed is retried like any transient failure.

use std::time::Duration;

use futures_util::StreamExt;
use hearth_protocol::limits::{MAX_MODEL_CALL_SECS, MAX_REPLY_BYTES, MAX_RUN_REPLY_BYTES};
use tokio::time::Instant;

use crate::ErrorCode;
use crate::provider::{EventStream, ProviderError, ProviderEvent};

pub(super) struct CallWatch {
    idle: Duration,
    deadline: Instant,
    reply_bytes: usize,
}

impl CallWatch {
    pub fn new(idle: Duration) -> CallWatch {
        let deadline = Instant::now() + Duration::from_secs(MAX_MODEL_CALL_SECS);
        CallWatch { idle, deadline, reply_bytes: 0 }
    }

    /// The provider's answer to the request, unless it stalls first.
    pub async fn connect(
        &self,
        connect: impl Future<Output = Result<EventStream, ProviderError>>,
    ) -> Result<EventStream, ProviderError> {
        match tokio::time::timeout_at(self.wake_by(), connect).await {
            Ok(answer) => answer,
            Err(_) => Err(self.stalled()),
        }
    }

    /// The stream's next item; a stall is an error item.
    pub async fn next(
        &self,
        stream: &mut EventStream,
    ) -> Option<Result<ProviderEvent, ProviderError>> {
        match tokio::time::timeout_at(self.wake_by(), stream.next()).await {
            Ok(item) => item,
            Err(_) => Some(Err(self.stalled())),
        }
    }

    /// Counts a content event against the reply's and the run's limits.
    pub fn count(
        &mut self,
        event: &ProviderEvent,
        run_bytes: &mut usize,
    ) -> Result<(), ProviderError> {
        let bytes = match event {
            ProviderEvent::TextDelta(t)
            | ProviderEvent::ThinkingDelta(t)
            | ProviderEvent::ThinkingSignature(t)
            | ProviderEvent::RedactedThinking(t) => t.len(),
            ProviderEvent::ToolCallDelta { partial_json, .. } => partial_json.len(),
            ProviderEvent::ToolCallStart { id, name, .. } => id.len() + name.len(),
            ProviderEvent::Usage(_) | ProviderEvent::Finish(_) => 0,
        };
        self.reply_bytes += bytes;
        *run_bytes += bytes;
        let mib = |n: usize| n / (1024 * 1024);
        if self.reply_bytes > MAX_REPLY_BYTES {
            return Err(too_large(format!(
                "the reply went over {} MiB and was stopped; what came before is kept",
                mib(MAX_REPLY_BYTES)
            )));
        }
        if *run_bytes > MAX_RUN_REPLY_BYTES {
            return Err(too_large(format!(
                "this run's replies went over {} MiB together and it was stopped; what came \
                 before is kept",
                mib(MAX_RUN_REPLY_BYTES)
            )));
        }
        Ok(())
    }

    fn wake_by(&self) -> Instant {
        (Instant::now() + self.idle).min(self.deadline)
    }

    fn stalled(&self) -> ProviderError {
        let message = if Instant::now() >= self.deadline {
            format!(
                "the model call ran past its {}-minute limit and was stopped",
                MAX_MODEL_CALL_SECS / 60
            )
        } else {
            format!(
                "the provider sent nothing for {} s and the reply was stopped",
                self.idle.as_secs_f64()
            )
        };
        ProviderError::new(ErrorCode::StreamStalled, message).retryable(None)
    }
}

fn too_large(message: String) -> ProviderError {
    ProviderError::new(ErrorCode::ResponseTooLarge, message)
}
