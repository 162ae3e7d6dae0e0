//! Limits every front door and the engine agree on. Each buffer, queue and input has one; a
//! limit that two crates check lives here so they cannot drift apart.

/// Sends that may wait in one session's queue (a 21st gets `QUEUE_FULL`).
pub const QUEUE_LIMIT: usize = 20;

/// The longest message text, in bytes (`MESSAGE_TOO_LONG` past it).
pub const MAX_TEXT_BYTES: usize = 1_000_000;

/// The longest system prompt of a chat or a preset, in characters.
pub const MAX_SYSTEM_PROMPT_CHARS: usize = 100_000;

/// The longest event of a provider's stream, in bytes, counted on the raw body before it is
/// parsed (an endless line is one): `EVENT_TOO_LARGE` past it. Far above any real event (a
/// whole tool call's arguments arrive in many small ones).
pub const MAX_SSE_EVENT_BYTES: usize = 4 * 1024 * 1024;

/// The most text, thinking and tool-call arguments one reply may stream, in bytes
/// (`RESPONSE_TOO_LARGE` past it; what came before is kept). About 4 million tokens: forty
/// times the longest output any model offers today.
pub const MAX_REPLY_BYTES: usize = 16 * 1024 * 1024;

/// The most all replies of one run may stream together, in bytes.
pub const MAX_RUN_REPLY_BYTES: usize = 64 * 1024 * 1024;

/// How long a model call may go without a content event before it ends `STREAM_STALLED`
/// (keep-alive comments and pings do not count), by default. Generous: a local model may think
/// a long while before its first token.
pub const DEFAULT_STREAM_IDLE_SECS: u64 = 90;

/// The longest one model call may stream, whatever it sends.
pub const MAX_MODEL_CALL_SECS: u64 = 30 * 60;

/// The most an MCP tool's result may hand the model, in bytes: the first and last halves are
/// kept, with a note of what was cut (the built-in tools cap their own output lower).
pub const MAX_TOOL_RESULT_BYTES: usize = 256 * 1024;
