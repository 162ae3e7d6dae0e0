//! Hearth's front doors for everything but the webview: the loopback HTTP API (shared/API.md)
//! and the `hearth` CLI, its client; and the one list of operations (`ops`) that both front
//! doors (this API and the shell's IPC commands) are built from and checked against.
//! Owns: that list, routing, auth, request parsing into typed errors, SSE framing. Must never:
//! hold logic of its own (every route calls the engine), listen on anything but 127.0.0.1,
//! or print the token anywhere but `hearth token`'s stdout. No tauri.

pub mod cli;
pub mod ops;
pub mod server;
