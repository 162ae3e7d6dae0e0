//! Assistant presets: named system prompts a chat can take.

use hearth_api::ops::presets as op;

use super::support::{Answer, Args, EngineState};

#[tauri::command(async)]
pub fn presets_list(engine: EngineState<'_>) -> Answer<op::presets_list::Output> {
    engine.list_presets()
}

#[tauri::command(async)]
pub fn preset_add(
    engine: EngineState<'_>,
    args: Args<op::preset_add::Args>,
) -> Answer<op::preset_add::Output> {
    engine.add_preset(&args.preset)
}

#[tauri::command(async)]
pub fn preset_update(
    engine: EngineState<'_>,
    args: Args<op::preset_update::Args>,
) -> Answer<op::preset_update::Output> {
    engine.update_preset(&args.id, &args.patch)
}

#[tauri::command(async)]
pub fn preset_remove(
    engine: EngineState<'_>,
    args: Args<op::preset_remove::Args>,
) -> Answer<op::preset_remove::Output> {
    engine.delete_preset(&args.id)
}
