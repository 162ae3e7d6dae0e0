//! Memory: what Hearth remembers about the user across chats.

use hearth_api::ops::memory as op;

use super::support::{Answer, Args, EngineState};

/// The engine's one listing, as `GET /v1/memories` answers it.
#[tauri::command(async)]
pub fn memories_list(
    engine: EngineState<'_>,
    args: Args<op::memories_list::Args>,
) -> Answer<op::memories_list::Output> {
    engine.memories(args.tier, args.q.as_deref(), args.limit)
}

#[tauri::command(async)]
pub fn memory_add(
    engine: EngineState<'_>,
    args: Args<op::memory_add::Args>,
) -> Answer<op::memory_add::Output> {
    engine.add_memory(&args.memory)
}

#[tauri::command(async)]
pub fn memory_update(
    engine: EngineState<'_>,
    args: Args<op::memory_update::Args>,
) -> Answer<op::memory_update::Output> {
    engine.update_memory(&args.id, &args.patch)
}

#[tauri::command(async)]
pub fn memory_remove(
    engine: EngineState<'_>,
    args: Args<op::memory_remove::Args>,
) -> Answer<op::memory_remove::Output> {
    engine.delete_memory(&args.id)
}
