//! The one list of Hearth's operations: each is declared once, in its area's file, with its
//! name, its IPC arguments and answer, its HTTP route, and its error codes.
//!
//! From it: the webview's typed command map (`ui/src/generated/commands.ts`), the API
//! reference (`docs/API-REFERENCE.md`) and the shell's list of allowed commands
//! (`src-tauri/commands/names.txt`, read by build.rs) are generated (`make bindings`; a test
//! fails when they are stale); the HTTP router serves exactly the declared routes; and the
//! shell's commands take each command's `Args` and return its `Output` (a test checks that
//! the shell registers exactly the declared commands).
//!
//! To add an operation: declare it in its area's file (see `declare.rs`), write its
//! command in the shell's `commands/<area>.rs` and list it in `commands/mod.rs`, write its
//! handler in `server/<area>.rs` and route it in `server/mod.rs`, allow it in
//! `capabilities/main.json`, then run `make bindings`.

pub mod accounts;
pub mod app;
pub mod attachments;
pub mod hooks;
pub mod mcp;
pub mod memory;
pub mod presets;
pub mod schedules;
pub mod schema;
pub mod sessions;
pub mod tools;
pub mod turns;

mod declare;
mod reference;
mod typescript;

use std::path::PathBuf;

use schema::{Area, Operation};

/// Every area, in the order the reference lists them.
pub static AREAS: &[&Area] = &[
    &sessions::AREA,
    &turns::AREA,
    &attachments::AREA,
    &tools::AREA,
    &accounts::AREA,
    &mcp::AREA,
    &memory::AREA,
    &presets::AREA,
    &schedules::AREA,
    &hooks::AREA,
    &app::AREA,
];

/// Every operation, area by area.
pub fn all() -> impl Iterator<Item = &'static Operation> {
    AREAS.iter().flat_map(|area| area.operations.iter().copied())
}

/// The operation called `name`.
pub fn find(name: &str) -> Option<&'static Operation> {
    all().find(|op| op.name == name)
}

/// The operations with a Tauri command, in order.
pub fn ipc_commands() -> impl Iterator<Item = &'static Operation> {
    all().filter(|op| op.ipc.is_some())
}

/// A file generated from the list, by its path from the repository's root.
pub struct Generated {
    pub path: &'static str,
    pub contents: String,
}

/// Every generated file, as it should be now.
pub fn generated() -> Vec<Generated> {
    vec![
        Generated { path: typescript::PATH, contents: typescript::commands_ts(AREAS) },
        Generated { path: reference::PATH, contents: reference::markdown(AREAS) },
        Generated { path: NAMES_PATH, contents: command_names() },
    ]
}

/// The IPC commands, one a line, for the shell's build script (which declares them to Tauri,
/// so capabilities/ can allow exactly them).
const NAMES_PATH: &str = "src-tauri/commands/names.txt";

fn command_names() -> String {
    let mut out = String::from(
        "# Every IPC command, one a line. Generated from hearth_api::ops by `make bindings`.\n",
    );
    for op in ipc_commands() {
        out.push_str(op.name);
        out.push('\n');
    }
    out
}

/// This checkout's root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}
