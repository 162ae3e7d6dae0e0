//! Declares the app's own commands so that capabilities/ can allow exactly them and nothing
//! else reaches the engine from the webview.

/// Every IPC command of the shell (also the list `commands::handler` registers).
const COMMANDS: &[&str] = &[
    "session_list",
    "search",
    "session_export",
    "session_export_save",
    "session_import",
    "session_create",
    "session_get",
    "session_update",
    "session_delete",
    "session_restore",
    "chat_history",
    "chat_subscribe",
    "chat_unsubscribe",
    "chat_send",
    "chat_abort",
    "chat_steer",
    "chat_clear_queue",
    "chat_retry",
    "models_list",
    "local_servers_probe",
    "settings_get",
    "settings_update",
    "approval_answer",
    "rules_list",
    "rule_add",
    "rule_remove",
    "tools_list",
    "mcp_servers_list",
    "mcp_server_add",
    "mcp_server_update",
    "mcp_server_remove",
    "mcp_server_test",
    "accounts_list",
    "account_add",
    "account_update",
    "account_test",
    "account_remove",
    "session_usage",
    "usage_by_account",
    "schedules_list",
    "schedule_add",
    "schedule_update",
    "schedule_remove",
    "schedule_run_now",
    "schedule_runs",
    "hooks_list",
    "hook_add",
    "hook_update",
    "hook_remove",
    "logs_recent",
    "activity",
    "health",
    "api_url",
    "ui_viewing",
    "app_quit",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
