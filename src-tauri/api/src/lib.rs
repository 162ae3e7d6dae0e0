//! Hearth's front doors for everything but the webview: the loopback HTTP API (shared/API.md)
//! and the `hearth` CLI, its client. Owns: routing, auth, request parsing into typed errors,
//! SSE framing. Must never: hold logic of its own (every route calls the engine), listen on
//! anything but 127.0.0.1, or print the token anywhere but `hearth token`'s stdout.

pub mod cli;
pub mod server;
