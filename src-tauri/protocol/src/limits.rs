//! Limits every front door and the engine agree on. Each buffer, queue and input has one; a
//! limit that two crates check lives here so they cannot drift apart.

/// Sends that may wait in one session's queue (a 21st gets `QUEUE_FULL`).
pub const QUEUE_LIMIT: usize = 20;

/// The longest message text, in bytes (`MESSAGE_TOO_LONG` past it).
pub const MAX_TEXT_BYTES: usize = 1_000_000;

/// The longest system prompt of a chat or a preset, in characters.
pub const MAX_SYSTEM_PROMPT_CHARS: usize = 100_000;
