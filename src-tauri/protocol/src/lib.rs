//! The language every Hearth crate speaks: content blocks and messages, frames and their types,
//! the error codes every front door answers with (`{code, message}`), approvals and permission
//! rules as data, the provider-neutral model request, and shared limits.
//!
//! Owns: these types, their serde shape (the wire format of IPC, HTTP and the event log) and
//! their TypeScript twins (ts-rs).
//! Must never: do IO (no files, sockets, SQLite, tokio), depend on another workspace crate, or
//! hold behaviour beyond small helpers on its own types — rules are matched in the engine,
//! frames are numbered by the writer.

pub mod approvals;
pub mod chat;
pub mod content;
pub mod env;
pub mod error;
pub mod frames;
pub mod limits;
pub mod model;
pub mod runtime;

pub use error::{ApiError, ErrorCode, Result};
pub use frames::{Frame, FrameBody};
