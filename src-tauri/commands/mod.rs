//! IPC commands: take the engine, call it, return `{code, message}` on error. Nothing else.
//!
//! Each command is declared once in `hearth_api::ops` (its arguments, answer and error codes);
//! here it takes that declaration's `Args` and returns its `Output`, in the file of its area.
//! Arguments are snake_case on the JavaScript side too (`session_id`, `req`, `patch`).

mod accounts;
mod app;
mod attachments;
mod hooks;
mod mcp;
mod memory;
mod presets;
mod schedules;
mod sessions;
mod support;
mod tools;
mod turns;

pub use turns::Subscriptions;

/// The handler and the names it registers, from one list of `area::command`.
macro_rules! commands {
    ($($area:ident :: $name:ident),* $(,)?) => {
        /// Every command the handler registers (a test compares them with `hearth_api::ops`).
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];

        /// The invoke handler with every command.
        pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync {
            tauri::generate_handler![$($area::$name),*]
        }
    };
}

commands![
    sessions::session_list,
    sessions::session_create,
    sessions::session_get,
    sessions::session_update,
    sessions::session_delete,
    sessions::session_restore,
    sessions::search,
    sessions::session_export,
    sessions::session_export_save,
    sessions::session_import,
    turns::chat_history,
    turns::chat_subscribe,
    turns::chat_unsubscribe,
    turns::chat_send,
    turns::chat_abort,
    turns::chat_steer,
    turns::chat_clear_queue,
    turns::chat_retry,
    turns::chat_edit,
    turns::chat_regenerate,
    turns::chat_switch_branch,
    attachments::attachment_add,
    attachments::attachment_get,
    tools::approval_answer,
    tools::rules_list,
    tools::rule_add,
    tools::rule_remove,
    tools::tools_list,
    accounts::models_list,
    accounts::local_servers_probe,
    accounts::accounts_list,
    accounts::account_add,
    accounts::account_update,
    accounts::account_test,
    accounts::account_remove,
    accounts::session_usage,
    accounts::usage_by_account,
    mcp::mcp_servers_list,
    mcp::mcp_server_add,
    mcp::mcp_server_update,
    mcp::mcp_server_remove,
    mcp::mcp_server_test,
    memory::memories_list,
    memory::memory_add,
    memory::memory_update,
    memory::memory_remove,
    presets::presets_list,
    presets::preset_add,
    presets::preset_update,
    presets::preset_remove,
    schedules::schedules_list,
    schedules::schedule_add,
    schedules::schedule_update,
    schedules::schedule_remove,
    schedules::schedule_run_now,
    schedules::schedule_runs,
    hooks::hooks_list,
    hooks::hook_add,
    hooks::hook_update,
    hooks::hook_remove,
    app::settings_get,
    app::settings_update,
    app::logs_recent,
    app::activity,
    app::health,
    app::api_url,
    app::ui_viewing,
    app::app_quit,
    app::open_link,
];
