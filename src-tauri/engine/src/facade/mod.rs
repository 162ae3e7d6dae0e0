//! The engine's public API, by concern: each file adds the `Engine` methods of one area.

mod accounts;
mod approvals;
mod mcp;
mod sessions;
mod turns;
