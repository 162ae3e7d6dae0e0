//! The MCP client: Hearth's connections to Model Context Protocol servers.
//!
//! What it owns: starting servers (child processes over stdio, or remote servers over streamable
//! HTTP) through the official SDK (`rmcp`), listing their tools, calling them with progress and
//! cancellation, and restarting a server after it crashed or its configuration changed. The
//! engine holds one [`McpManager`] and passes each call the server's [`ServerConfig`]; this crate
//! keeps no configuration of its own and no state across app restarts.
//!
//! What it must never do: depend on tauri or the store, or trust what a server sends. Tool names
//! a model provider would refuse are dropped here, not in every provider; a server's output is
//! bounded (stderr tail, progress) before it reaches the rest of the app.

mod config;
mod connection;
mod content;
mod error;
mod failure;
mod handler;
mod manager;
mod stderr;
mod tool;

pub use config::{McpTimeouts, ServerConfig, Transport};
pub use content::CallOutcome;
pub use error::{McpError, McpErrorCode};
pub use manager::{McpManager, ProgressSender};
pub use tool::McpTool;
