//! Model accounts, the models they offer, local model servers, and what the runs used.

use hearth_api::ops::accounts as op;

use super::support::{Answer, Args, EngineState};

#[tauri::command]
pub async fn models_list(
    engine: EngineState<'_>,
    args: Args<op::models_list::Args>,
) -> Answer<op::models_list::Output> {
    Ok(engine.models_refreshed(args.refresh.unwrap_or(false)).await)
}

/// Ollama and LM Studio on this machine, when they answer (the first-run screen offers them).
#[tauri::command]
pub async fn local_servers_probe() -> Answer<op::local_servers_probe::Output> {
    Ok(hearth_engine::local::probe().await)
}

#[tauri::command(async)]
pub fn accounts_list(engine: EngineState<'_>) -> Answer<op::accounts_list::Output> {
    Ok(engine.accounts())
}

#[tauri::command(async)]
pub fn account_add(
    engine: EngineState<'_>,
    args: Args<op::account_add::Args>,
) -> Answer<op::account_add::Output> {
    engine.add_account(&args.req)
}

#[tauri::command(async)]
pub fn account_update(
    engine: EngineState<'_>,
    args: Args<op::account_update::Args>,
) -> Answer<op::account_update::Output> {
    engine.update_account(&args.account_id, &args.patch)
}

#[tauri::command]
pub async fn account_test(
    engine: EngineState<'_>,
    args: Args<op::account_test::Args>,
) -> Answer<op::account_test::Output> {
    engine.test_account(&args.account_id).await
}

#[tauri::command(async)]
pub fn account_remove(
    engine: EngineState<'_>,
    args: Args<op::account_remove::Args>,
) -> Answer<op::account_remove::Output> {
    engine.remove_account(&args.account_id)
}

#[tauri::command(async)]
pub fn session_usage(
    engine: EngineState<'_>,
    args: Args<op::session_usage::Args>,
) -> Answer<op::session_usage::Output> {
    engine.session_usage(&args.session_id)
}

#[tauri::command(async)]
pub fn usage_by_account(engine: EngineState<'_>) -> Answer<op::usage_by_account::Output> {
    engine.usage_by_account()
}
