//! Integration tests for hearth-tools: real temp directories, real bash, a real loopback HTTP
//! server. One binary, a module per area.

mod confinement;
mod fetch;
mod files;
mod schemas;
mod search;
mod shell;
mod special;
mod support;
