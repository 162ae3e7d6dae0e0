//! Tools: what a chat offers its model, the approvals its calls wait for, and the rules.

use hearth_api::ops::tools as op;

use super::support::{Answer, Args, EngineState};

#[tauri::command(async)]
pub fn approval_answer(
    engine: EngineState<'_>,
    args: Args<op::approval_answer::Args>,
) -> Answer<op::approval_answer::Output> {
    engine.answer_approval(&args.approval_id, &args.answer)
}

#[tauri::command(async)]
pub fn rules_list(engine: EngineState<'_>) -> Answer<op::rules_list::Output> {
    engine.rules()
}

#[tauri::command(async)]
pub fn rule_add(
    engine: EngineState<'_>,
    args: Args<op::rule_add::Args>,
) -> Answer<op::rule_add::Output> {
    engine.add_rule(&args.rule)
}

#[tauri::command(async)]
pub fn rule_remove(
    engine: EngineState<'_>,
    args: Args<op::rule_remove::Args>,
) -> Answer<op::rule_remove::Output> {
    engine.remove_rule(&args.rule_id)
}

#[tauri::command]
pub async fn tools_list(engine: EngineState<'_>) -> Answer<op::tools_list::Output> {
    Ok(engine.tools().await)
}
