//! MCP servers: the tool servers chats can use.

use hearth_api::ops::mcp as op;

use super::support::{Answer, Args, EngineState};

#[tauri::command(async)]
pub fn mcp_servers_list(engine: EngineState<'_>) -> Answer<op::mcp_servers_list::Output> {
    Ok(engine.mcp_servers())
}

#[tauri::command]
pub async fn mcp_server_add(
    engine: EngineState<'_>,
    args: Args<op::mcp_server_add::Args>,
) -> Answer<op::mcp_server_add::Output> {
    engine.add_mcp_server(&args.server).await
}

#[tauri::command]
pub async fn mcp_server_update(
    engine: EngineState<'_>,
    args: Args<op::mcp_server_update::Args>,
) -> Answer<op::mcp_server_update::Output> {
    engine.update_mcp_server(&args.name, &args.patch).await
}

#[tauri::command]
pub async fn mcp_server_remove(
    engine: EngineState<'_>,
    args: Args<op::mcp_server_remove::Args>,
) -> Answer<op::mcp_server_remove::Output> {
    engine.remove_mcp_server(&args.name).await
}

#[tauri::command]
pub async fn mcp_server_test(
    engine: EngineState<'_>,
    args: Args<op::mcp_server_test::Args>,
) -> Answer<op::mcp_server_test::Output> {
    engine.test_mcp_server(&args.name).await
}
