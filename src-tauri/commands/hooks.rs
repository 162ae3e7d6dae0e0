//! Webhooks: their list, secrets and templates (deliveries come over HTTP only).

use hearth_api::ops::hooks as op;

use super::support::{Answer, Args, EngineState};

#[tauri::command(async)]
pub fn hooks_list(engine: EngineState<'_>) -> Answer<op::hooks_list::Output> {
    engine.hooks()
}

#[tauri::command(async)]
pub fn hook_add(
    engine: EngineState<'_>,
    args: Args<op::hook_add::Args>,
) -> Answer<op::hook_add::Output> {
    engine.add_hook(&args.hook)
}

#[tauri::command(async)]
pub fn hook_update(
    engine: EngineState<'_>,
    args: Args<op::hook_update::Args>,
) -> Answer<op::hook_update::Output> {
    engine.update_hook(&args.name, &args.patch)
}

#[tauri::command(async)]
pub fn hook_remove(
    engine: EngineState<'_>,
    args: Args<op::hook_remove::Args>,
) -> Answer<op::hook_remove::Output> {
    engine.remove_hook(&args.name)
}
