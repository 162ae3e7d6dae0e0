//! Schedules: prompts that run by a cron expression.

use hearth_api::ops::schedules as op;

use super::support::{Answer, Args, EngineState};

#[tauri::command(async)]
pub fn schedules_list(engine: EngineState<'_>) -> Answer<op::schedules_list::Output> {
    engine.schedules()
}

#[tauri::command(async)]
pub fn schedule_add(
    engine: EngineState<'_>,
    args: Args<op::schedule_add::Args>,
) -> Answer<op::schedule_add::Output> {
    engine.add_schedule(&args.schedule)
}

#[tauri::command(async)]
pub fn schedule_update(
    engine: EngineState<'_>,
    args: Args<op::schedule_update::Args>,
) -> Answer<op::schedule_update::Output> {
    engine.update_schedule(&args.id, &args.patch)
}

#[tauri::command(async)]
pub fn schedule_remove(
    engine: EngineState<'_>,
    args: Args<op::schedule_remove::Args>,
) -> Answer<op::schedule_remove::Output> {
    engine.remove_schedule(&args.id)
}

#[tauri::command]
pub async fn schedule_run_now(
    engine: EngineState<'_>,
    args: Args<op::schedule_run_now::Args>,
) -> Answer<op::schedule_run_now::Output> {
    engine.run_schedule_now(&args.id).await
}

#[tauri::command(async)]
pub fn schedule_runs(
    engine: EngineState<'_>,
    args: Args<op::schedule_runs::Args>,
) -> Answer<op::schedule_runs::Output> {
    engine.schedule_runs(&args.id, args.limit.unwrap_or(50))
}
