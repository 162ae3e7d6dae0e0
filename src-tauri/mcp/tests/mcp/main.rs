//! hearth-mcp against real MCP servers from npm (`tests/servers/package.json`): the reference
//! "everything" server over stdio and streamable HTTP, the filesystem server, and a small fixture
//! server of ours on the same SDK (`tests/servers/fixture-server.mjs`).
//!
//! The servers must be installed first: `npm ci --prefix src-tauri/mcp/tests/servers`.

mod config;
mod everything_http;
mod everything_stdio;
mod filesystem;
mod fixture;
mod lifecycle;
mod support;
