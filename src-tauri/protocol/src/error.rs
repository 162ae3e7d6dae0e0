//! The one error type every front door (IPC, HTTP, CLI) returns: a stable code and a message.
//!
//! Messages are for people and may change; codes are a contract (mirrored in TypeScript by
//! ts-rs, and in the HTTP API). A message never contains a secret.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Stable, SCREAMING_SNAKE_CASE error codes shared by the webview, the HTTP API and the CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// No live session has that id (never existed, or soft-deleted where a live one is needed).
    SessionNotFound,
    /// A title that is empty, too long or contains control characters.
    InvalidTitle,
    /// A cursor that is not one of ours, or belongs to another listing.
    InvalidCursor,
    /// A page size outside 1..=200.
    InvalidLimit,
    /// A model id that is not `<account>/<model>`.
    InvalidModel,
    /// A workspace that is not an existing absolute directory.
    InvalidWorkspace,
    /// A runtime session's workspace can no longer change (its agent keeps the conversation
    /// by folder): fork the chat instead.
    WorkspaceFixed,
    /// An agent runtime's CLI is missing or older than Hearth needs (the message says which
    /// version was found and which is wanted).
    RuntimeNotFound,
    /// A runtime Hearth knows of but cannot run yet.
    RuntimeUnavailable,
    /// An agent runtime's CLI failed: it exited early, printed something that is not its
    /// protocol, or said nothing for longer than the watchdog allows.
    RuntimeFailed,
    /// Any other malformed argument.
    InvalidInput,
    /// The message text is empty.
    MessageEmpty,
    /// The message text is over 1 MB.
    MessageTooLong,
    /// The session's queue is full (20 waiting sends).
    QueueFull,
    /// `after_seq` is negative or beyond the session's last seq.
    SeqOutOfRange,
    /// There is no failed or interrupted message to retry.
    NothingToRetry,
    /// No model is configured (no account, or the session's account is unknown).
    NoModel,
    /// Missing or wrong API token (or webhook secret or signature).
    Unauthorized,
    /// A request to the HTTP API naming a `Host` it does not serve (a DNS-rebinding page, or
    /// a proxy that did not rewrite it): only `127.0.0.1`, `localhost` and `[::1]` with its port.
    HostNotAllowed,
    /// A request a browser page sent (an `Origin`, or `Sec-Fetch-Site` other than `none`):
    /// no web page may call the HTTP API.
    OriginNotAllowed,
    /// A request body over the route's limit.
    BodyTooLarge,
    /// The CLI's: what listens on the port in `api.json` could not prove it is the Hearth
    /// that wrote it (a stale file after a crash, another program on that port), so it got
    /// no token.
    NotHearth,
    /// No such route or resource.
    NotFound,
    /// The provider refused the credentials (401/403).
    AuthFailed,
    /// The provider's account needs billing attention.
    Billing,
    /// The provider rejected the request (400).
    InvalidRequest,
    /// The provider does not know the model (404).
    ModelNotFound,
    /// The provider is rate limiting (429) and retries ran out.
    RateLimited,
    /// The provider failed (5xx, overloaded) and retries ran out.
    ProviderUnavailable,
    /// The provider reported an error inside its stream.
    ProviderError,
    /// The provider could not be reached.
    Network,
    /// The provider's stream broke off before the reply was complete.
    StreamInterrupted,
    /// The provider sent something that is not its protocol.
    BadProviderStream,
    /// One event of the provider's stream (or one line of it) was over its limit
    /// ([`crate::limits::MAX_SSE_EVENT_BYTES`]).
    EventTooLarge,
    /// A reply, or a run's replies together, went over their limit
    /// ([`crate::limits::MAX_REPLY_BYTES`], [`crate::limits::MAX_RUN_REPLY_BYTES`]).
    ResponseTooLarge,
    /// The provider sent nothing new for the idle timeout, or the call ran past its limit.
    StreamStalled,
    /// The reply hit its token limit in the middle of a tool call's arguments.
    ToolCallTruncated,
    /// The agent reached its step limit for one run.
    StepLimit,
    /// An approval that does not exist, or was already answered or expired.
    ApprovalNotFound,
    /// A permission rule that does not exist.
    RuleNotFound,
    /// A rule whose tool, pattern or decision is not valid.
    InvalidRule,
    /// An MCP server that does not exist.
    McpServerNotFound,
    /// An MCP server form that is not valid.
    InvalidMcpServer,
    /// A schedule that does not exist.
    ScheduleNotFound,
    /// A schedule whose cron expression, time zone, prompt or chat is not valid.
    InvalidSchedule,
    /// A webhook that does not exist (or is turned off).
    HookNotFound,
    /// A webhook whose name or template is not valid.
    InvalidHook,
    /// An account that does not exist (or cannot be changed here: `env:` accounts).
    AccountNotFound,
    /// An account form that is not valid (label, URL, key).
    InvalidAccount,
    /// The OS keyring could not be used.
    KeyringUnavailable,
    /// An attachment that does not exist, belongs to another chat, or was already sent.
    AttachmentNotFound,
    /// A file over the attachment size limit (a setting; 20 MB by default).
    AttachmentTooLarge,
    /// A file whose content is none of the kinds a model can read (images, PDFs, text).
    UnsupportedAttachment,
    /// Another Hearth process already has this data directory open.
    DataDirLocked,
    /// The database could not be read or written.
    Storage,
    /// A bug: something that should not happen.
    Internal,
}

impl ErrorCode {
    /// The stable name, as serialized (`SESSION_NOT_FOUND`).
    pub fn name(self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(s)) => s,
            _ => format!("{self:?}"),
        }
    }

    /// The HTTP status the loopback API answers with for this code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::SessionNotFound
            | ErrorCode::NotFound
            | ErrorCode::AccountNotFound
            | ErrorCode::ApprovalNotFound
            | ErrorCode::RuleNotFound
            | ErrorCode::McpServerNotFound
            | ErrorCode::ScheduleNotFound
            | ErrorCode::HookNotFound => 404,
            ErrorCode::InvalidRule
            | ErrorCode::InvalidMcpServer
            | ErrorCode::InvalidSchedule
            | ErrorCode::InvalidHook => 400,
            ErrorCode::StepLimit => 409,
            ErrorCode::InvalidAccount => 400,
            ErrorCode::KeyringUnavailable => 503,
            ErrorCode::MessageEmpty
            | ErrorCode::MessageTooLong
            | ErrorCode::SeqOutOfRange
            | ErrorCode::NothingToRetry => 400,
            ErrorCode::QueueFull => 429,
            ErrorCode::Unauthorized => 401,
            ErrorCode::HostNotAllowed => 421,
            ErrorCode::OriginNotAllowed => 403,
            ErrorCode::BodyTooLarge => 413,
            ErrorCode::NotHearth => 502,
            ErrorCode::NoModel => 409,
            ErrorCode::AuthFailed
            | ErrorCode::Billing
            | ErrorCode::InvalidRequest
            | ErrorCode::ModelNotFound
            | ErrorCode::RateLimited
            | ErrorCode::ProviderUnavailable
            | ErrorCode::ProviderError
            | ErrorCode::Network
            | ErrorCode::StreamInterrupted
            | ErrorCode::BadProviderStream
            | ErrorCode::EventTooLarge
            | ErrorCode::ResponseTooLarge
            | ErrorCode::StreamStalled
            | ErrorCode::ToolCallTruncated => 502,
            ErrorCode::InvalidTitle
            | ErrorCode::InvalidCursor
            | ErrorCode::InvalidLimit
            | ErrorCode::InvalidModel
            | ErrorCode::InvalidWorkspace
            | ErrorCode::InvalidInput => 400,
            ErrorCode::DataDirLocked => 409,
            ErrorCode::WorkspaceFixed => 409,
            ErrorCode::RuntimeNotFound => 424,
            ErrorCode::RuntimeUnavailable => 501,
            ErrorCode::RuntimeFailed => 502,
            ErrorCode::AttachmentNotFound => 404,
            ErrorCode::AttachmentTooLarge => 413,
            ErrorCode::UnsupportedAttachment => 415,
            ErrorCode::Storage | ErrorCode::Internal => 500,
        }
    }
}

/// `{code, message}`: what every fallible engine call returns on failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into() }
    }

    pub fn session_not_found(id: &str) -> Self {
        ApiError::new(ErrorCode::SessionNotFound, format!("no session with id {id:?}"))
    }
}

pub type Result<T, E = ApiError> = std::result::Result<T, E>;
