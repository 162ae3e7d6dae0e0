//! The engine's integration tests: real SQLite files in temp dirs, a real loopback model
//! server speaking the OpenAI streaming protocol, real recorded provider streams.

mod accounts;
mod agent;
mod attachments;
mod branches;
mod claude_code;
mod codex;
mod limits;
mod memory;
mod network;
mod outside;
mod presets;
mod private;
mod requests;
mod resume;
mod search;
mod store;
mod support;
mod transfer;
mod turns;
