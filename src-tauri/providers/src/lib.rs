//! Hearth's model providers: clients that turn a provider-neutral request into a stream of
//! provider-neutral events (Anthropic Messages, OpenAI Chat Completions and Responses, and every
//! server that speaks one of them), their stream decoders, retries with backoff, and what
//! models an account's server lists and can do.
//!
//! Owns: each wire protocol and its quirks (they stay inside its module), the model catalog.
//! Must never: touch the store or the keyring (a key is handed in, and never appears in an
//! error or a log), know about sessions or runs, or depend on a workspace crate but
//! `hearth-protocol`.

pub mod anthropic;
mod bounded;
pub mod listing;
pub mod models;
pub mod openai;
pub mod responses;
pub mod retry;

pub use listing::{OPENAI_BASE, for_account, list_models};

use std::pin::Pin;
use std::time::Duration;

use serde_json::Value;

use futures_util::future::BoxFuture;
use futures_util::{Stream, StreamExt};

use bounded::BodyError;
use eventsource_stream::EventStreamError;
use hearth_protocol::error::{ApiError, ErrorCode};
use hearth_protocol::frames::{StopReason, Usage};
use hearth_protocol::limits;
pub use hearth_protocol::model::{
    DocumentData, ImageData, MISSING_DOCUMENT, MISSING_IMAGE, ModelMessage, ModelRequest, ToolSpec,
};

/// OpenAI's reasoning effort for a thinking budget.
pub(crate) fn reasoning_effort(budget: u32) -> &'static str {
    match budget {
        0..=4096 => "low",
        4097..=16384 => "medium",
        _ => "high",
    }
}

/// A data URL of an image, as OpenAI's protocols take inline images.
pub(crate) fn data_url(image: &ImageData) -> String {
    format!("data:{};base64,{}", image.mime, image.base64)
}

/// A tool call's input as OpenAI sends arguments: a JSON string (a call whose JSON never
/// completed is kept as the raw text it was).
pub(crate) fn arguments_string(input: &Value) -> String {
    match input {
        Value::String(raw) => raw.clone(),
        other => other.to_string(),
    }
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

/// A stream protocol as a state machine, with no IO: SSE events in, provider events out.
pub trait Decoder: Send + 'static {
    /// One SSE event (`event` is its name, "message" when absent).
    fn on_event(&mut self, event: &str, data: &str) -> Result<Vec<ProviderEvent>, ProviderError>;
    /// The body ended (without the protocol's end marker this is a cut connection).
    fn on_end(&mut self) -> Result<Vec<ProviderEvent>, ProviderError>;
    /// Whether any content has been yielded: a failure after it is never retried.
    fn started(&self) -> bool;
}

/// A body that ended before its protocol's end: a cut connection, retried only if nothing
/// was yielded yet.
pub(crate) fn ended_early(started: bool) -> ProviderError {
    let e = ProviderError::new(
        ErrorCode::StreamInterrupted,
        "the provider's stream ended before the reply was complete",
    );
    if started { e } else { e.retryable(None) }
}

/// How a provider takes its key.
pub(crate) enum Auth {
    /// `Authorization: Bearer <key>` (OpenAI and compatible servers).
    Bearer,
    /// The key in a header of its own (`x-api-key` for Anthropic).
    Header(&'static str),
}

/// Where a provider lives and how it is authorized: what every provider client holds.
pub(crate) struct Endpoint {
    client: reqwest::Client,
    base_url: String,
    api_key: Option<String>,
    auth: Auth,
}

impl Endpoint {
    pub(crate) fn new(base_url: &str, api_key: Option<String>, auth: Auth) -> Endpoint {
        Endpoint {
            client: http_client(),
            base_url: base_url.trim_end_matches('/').to_owned(),
            api_key,
            auth,
        }
    }

    /// A POST to `<base URL><path>` with the key attached.
    pub(crate) fn post(&self, path: &str) -> reqwest::RequestBuilder {
        let request = self.client.post(format!("{}{path}", self.base_url));
        match (&self.api_key, &self.auth) {
            (None, _) => request,
            (Some(key), Auth::Bearer) => request.bearer_auth(key),
            (Some(key), Auth::Header(name)) => request.header(*name, key),
        }
    }
}

/// The HTTP client every provider uses: bounded connect, generous read (long thoughts).
pub(crate) fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .read_timeout(Duration::from_secs(300))
        .build()
        .unwrap_or_default()
}

/// Sends a streaming request; an error answer becomes a typed (maybe retryable) error, a
/// success is decoded by `decoder` from its SSE body.
pub(crate) fn stream_sse(
    request: reqwest::RequestBuilder,
    mut decoder: impl Decoder,
) -> BoxFuture<'static, Result<EventStream, ProviderError>> {
    Box::pin(async move {
        let response = request.send().await.map_err(network_error)?;
        let status = response.status();
        if !status.is_success() {
            let retry_after = retry::retry_after(response.headers());
            let body = response.text().await.unwrap_or_default();
            return Err(http_error(status.as_u16(), &body, retry_after));
        }
        let body = bounded::bounded(response.bytes_stream(), limits::MAX_SSE_EVENT_BYTES);
        let events = eventsource_stream::EventStream::new(body);
        Ok(event_stream(events, move |item| match item {
            Some(Ok(ev)) => decoder.on_event(&ev.event, &ev.data),
            Some(Err(EventStreamError::Transport(BodyError::TooLarge))) => Err(too_large()),
            Some(Err(e)) => {
                let err = ProviderError::new(
                    ErrorCode::StreamInterrupted,
                    format!("the connection to the provider broke: {e}"),
                );
                Err(if decoder.started() { err } else { err.retryable(None) })
            }
            None => decoder.on_end(),
        }))
    })
}

/// Decodes a body that arrives in `pieces`, as the app would (tests and fuzzing): every
/// event, and the error that ended it, if any.
pub fn decode_pieces(
    mut decoder: impl Decoder,
    pieces: impl IntoIterator<Item = Vec<u8>>,
) -> Vec<Result<ProviderEvent, ProviderError>> {
    use futures_util::FutureExt;
    let chunks: Vec<Result<bytes::Bytes, std::io::Error>> =
        pieces.into_iter().map(|p| Ok(bytes::Bytes::from(p))).collect();
    let body = bounded::bounded(futures_util::stream::iter(chunks), limits::MAX_SSE_EVENT_BYTES);
    let events = eventsource_stream::EventStream::new(body);
    let mut stream = event_stream(events, move |item| match item {
        Some(Ok(ev)) => decoder.on_event(&ev.event, &ev.data),
        Some(Err(EventStreamError::Transport(BodyError::TooLarge))) => Err(too_large()),
        Some(Err(e)) => Err(ProviderError::new(ErrorCode::BadProviderStream, e.to_string())),
        None => decoder.on_end(),
    });
    let mut out = Vec::new();
    // An in-memory body is always ready: the stream never waits.
    while let Some(Some(item)) = stream.next().now_or_never() {
        out.push(item);
    }
    out
}

pub trait Provider: Send + Sync {
    /// Starts a streaming request. An error here happened before any event.
    fn stream(
        &self,
        request: ModelRequest,
    ) -> BoxFuture<'static, Result<EventStream, ProviderError>>;
}

/// Turns a stream of SSE items into provider events through `step`, which also sees the end
/// (`None`). Stops after the first error.
pub(crate) fn event_stream<S, E>(
    events: S,
    mut step: impl FnMut(
        Option<Result<eventsource_stream::Event, E>>,
    ) -> Result<Vec<ProviderEvent>, ProviderError>
    + Send
    + 'static,
) -> EventStream
where
    S: futures_util::Stream<Item = Result<eventsource_stream::Event, E>> + Send + 'static,
    E: 'static,
{
    let items = events.map(Some).chain(futures_util::stream::once(async { None }));
    let mut failed = false;
    Box::pin(
        items
            .map(move |item| {
                if failed {
                    return Vec::new();
                }
                match step(item) {
                    Ok(events) => events.into_iter().map(Ok).collect(),
                    Err(e) => {
                        failed = true;
                        vec![Err(e)]
                    }
                }
            })
            .flat_map(futures_util::stream::iter),
    )
}

/// An event over [`limits::MAX_SSE_EVENT_BYTES`]: the provider is not speaking its protocol
/// (or is hostile); not retried.
fn too_large() -> ProviderError {
    ProviderError::new(
        ErrorCode::EventTooLarge,
        format!(
            "the provider sent an event over {} MiB without ending it; the reply was stopped",
            limits::MAX_SSE_EVENT_BYTES / (1024 * 1024)
        ),
    )
}

pub(crate) fn network_error(e: reqwest::Error) -> ProviderError {
    ProviderError::new(
        ErrorCode::Network,
        format!("cannot reach the provider: {}", error_chain(&e)),
    )
    .retryable(None)
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

/// Maps an HTTP error answer to a code; 429 and 5xx may be retried.
pub fn http_error(status: u16, body: &str, retry_after: Option<Duration>) -> ProviderError {
    let detail = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.pointer("/error/message").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| body.chars().take(300).collect());
    let msg = |what: &str| format!("{what} (HTTP {status}): {detail}");
    match status {
        401 | 403 => {
            ProviderError::new(ErrorCode::AuthFailed, msg("the provider refused the API key"))
        }
        402 => ProviderError::new(
            ErrorCode::Billing,
            msg("the provider's account needs billing attention"),
        ),
        404 => ProviderError::new(
            ErrorCode::ModelNotFound,
            msg("the provider does not know this model or endpoint"),
        ),
        429 => ProviderError::new(ErrorCode::RateLimited, msg("the provider is rate limiting"))
            .retryable(retry_after),
        500..=599 => ProviderError::new(ErrorCode::ProviderUnavailable, msg("the provider failed"))
            .retryable(retry_after),
        _ => {
            ProviderError::new(ErrorCode::InvalidRequest, msg("the provider rejected the request"))
        }
    }
}
