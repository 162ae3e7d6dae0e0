//! IPC commands: take the engine, call it, return `{code, message}` on error. Nothing else.
//! Arguments are snake_case on the JavaScript side too (`session_id`, `req`, `patch`).

use std::sync::Arc;

use std::collections::HashMap;
use std::sync::Mutex;

use hearth_engine::background::{Activity, HealthCheck};
use hearth_engine::chat::ModelList;
use hearth_engine::local::LocalServer;
use hearth_engine::logging::{LogLine, LogQuery};
use hearth_engine::policy::Rule;
use hearth_engine::store::accounts::{AccountCheck, AccountInfo, AccountPatch, NewAccount};
use hearth_engine::store::approvals::ApprovalAnswer;
use hearth_engine::store::hooks::{Hook, HookPatch, HookWithSecret, NewHook};
use hearth_engine::store::mcp_servers::{McpServerPatch, NewMcpServer};
use hearth_engine::store::memory::{Memory, MemoryPatch, MemoryTier, NewMemory};
use hearth_engine::store::presets::{NewPreset, Preset, PresetPatch};
use hearth_engine::store::rules::NewRule;
use hearth_engine::store::schedules::{NewSchedule, Schedule, SchedulePatch, ScheduleRun};
use hearth_engine::store::settings::{Settings, SettingsPatch};
use hearth_engine::tools::{McpServerInfo, ToolInfo};
use hearth_engine::usage::{AccountUsage, UsageSummary};
use hearth_engine::{
    ApiError, CreateSession, Engine, ErrorCode, Frame, History, ListSessions, SendMessage,
    SendReceipt, Session, SessionPage, SteerReceipt, SubscribeSnapshot, UpdateSession,
};
use serde::de::DeserializeOwned;
use tauri::State;
use tauri::ipc::Channel;
use tauri::ipc::{CommandArg, CommandItem, InvokeBody, InvokeError};

type Engine_<'a> = State<'a, Arc<Engine>>;

/// A command argument whose absence or wrong shape answers `{code: "INVALID_INPUT", message}`
/// like every other error, instead of Tauri's bare string.
pub struct Arg<T>(pub T);

impl<'de, R: tauri::Runtime, T: DeserializeOwned> CommandArg<'de, R> for Arg<T> {
    fn from_command(item: CommandItem<'de, R>) -> Result<Self, InvokeError> {
        let invalid = |why: String| {
            InvokeError::from(ApiError::new(
                ErrorCode::InvalidInput,
                format!("{}: argument `{}` {why}", item.name, item.key),
            ))
        };
        let InvokeBody::Json(body) = item.message.payload() else {
            return Err(invalid("must be sent as JSON".into()));
        };
        let value = body.get(item.key).cloned().unwrap_or(serde_json::Value::Null);
        serde_json::from_value(value).map(Arg).map_err(|e| invalid(format!("is invalid: {e}")))
    }
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn session_list(engine: Engine_<'_>, req: Arg<ListSessions>) -> Result<SessionPage, ApiError> {
    engine.list_sessions(&req.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn search(
    engine: Engine_<'_>,
    req: Arg<hearth_engine::store::search::SearchQuery>,
) -> Result<hearth_engine::store::search::SearchResults, ApiError> {
    engine.search(&req.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn session_export(
    engine: Engine_<'_>,
    session_id: Arg<String>,
    format: Arg<hearth_engine::transfer::ExportFormat>,
) -> Result<String, ApiError> {
    engine.export_session(&session_id.0, format.0)
}

/// Saves the export in the Downloads folder; returns the file's path.
#[tauri::command(async, rename_all = "snake_case")]
pub fn session_export_save(
    engine: Engine_<'_>,
    session_id: Arg<String>,
    format: Arg<hearth_engine::transfer::ExportFormat>,
) -> Result<String, ApiError> {
    engine.save_export(&session_id.0, format.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn session_import(
    engine: Engine_<'_>,
    doc: Arg<hearth_engine::transfer::SessionDocument>,
) -> Result<Session, ApiError> {
    engine.import_session(&doc.0)
}

/// Attaches a file to a chat's next message. The body is the file's bytes (an ArrayBuffer or
/// Uint8Array); headers `x-session-id` and `x-file-name` (percent-encoded) say where and what.
#[tauri::command(async)]
pub fn attachment_add(
    engine: Engine_<'_>,
    request: tauri::ipc::Request<'_>,
) -> Result<hearth_engine::store::attachments::AttachmentInfo, ApiError> {
    let invalid = |m: &str| ApiError::new(ErrorCode::InvalidInput, m);
    let header = |name: &str| -> Result<Option<String>, ApiError> {
        let Some(value) = request.headers().get(name) else { return Ok(None) };
        let value =
            value.to_str().map_err(|_| invalid("headers must be ASCII (percent-encode)"))?;
        percent_encoding::percent_decode_str(value)
            .decode_utf8()
            .map(|v| Some(v.into_owned()))
            .map_err(|_| invalid("a header is not percent-encoded UTF-8"))
    };
    let session_id = header("x-session-id")?.ok_or_else(|| invalid("x-session-id is required"))?;
    let name = header("x-file-name")?;
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(invalid("the body must be the file's bytes (ArrayBuffer or Uint8Array)"));
    };
    engine.add_attachment(&session_id, name.as_deref(), bytes)
}

/// An attachment's bytes (thumbnails, opening a file); the type is on the message's block.
#[tauri::command(async, rename_all = "snake_case")]
pub fn attachment_get(
    engine: Engine_<'_>,
    attachment_id: Arg<String>,
) -> Result<tauri::ipc::Response, ApiError> {
    Ok(tauri::ipc::Response::new(engine.attachment(&attachment_id.0)?.1))
}

/// A new version of a user message (the old one stays as a branch); its run is queued.
#[tauri::command(async, rename_all = "snake_case")]
pub async fn chat_edit(
    engine: Engine_<'_>,
    session_id: Arg<String>,
    message_id: Arg<String>,
    text: Arg<String>,
) -> Result<SendReceipt, ApiError> {
    engine.edit_message(&session_id.0, &message_id.0, &text.0).await
}

/// A new reply to what the reply `message_id` answered (the old one stays as a branch).
#[tauri::command(async, rename_all = "snake_case")]
pub async fn chat_regenerate(
    engine: Engine_<'_>,
    session_id: Arg<String>,
    message_id: Arg<String>,
) -> Result<SendReceipt, ApiError> {
    engine.regenerate(&session_id.0, &message_id.0).await
}

/// Shows another version of a message and the branch after it.
#[tauri::command(async, rename_all = "snake_case")]
pub async fn chat_switch_branch(
    engine: Engine_<'_>,
    session_id: Arg<String>,
    message_id: Arg<String>,
) -> Result<(), ApiError> {
    engine.switch_branch(&session_id.0, &message_id.0).await
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn session_create(engine: Engine_<'_>, req: Arg<CreateSession>) -> Result<Session, ApiError> {
    engine.create_session(&req.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn session_get(engine: Engine_<'_>, session_id: Arg<String>) -> Result<Session, ApiError> {
    engine.get_session(&session_id.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn session_update(
    engine: Engine_<'_>,
    session_id: Arg<String>,
    patch: Arg<UpdateSession>,
) -> Result<Session, ApiError> {
    engine.update_session(&session_id.0, &patch.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn session_delete(engine: Engine_<'_>, session_id: Arg<String>) -> Result<Session, ApiError> {
    engine.delete_session(&session_id.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn session_restore(engine: Engine_<'_>, session_id: Arg<String>) -> Result<Session, ApiError> {
    engine.restore_session(&session_id.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn chat_history(
    engine: Engine_<'_>,
    session_id: Arg<String>,
    limit: Arg<Option<u32>>,
    before: Arg<Option<String>>,
) -> Result<History, ApiError> {
    engine.history(&session_id.0, limit.0, before.0.as_deref())
}

/// Live subscriptions by channel id, with the webview that owns them (dropped on its reload).
#[derive(Default)]
pub struct Subscriptions(Mutex<HashMap<u32, (String, tauri::async_runtime::JoinHandle<()>)>>);

impl Subscriptions {
    /// Ends every subscription of a webview (it reloaded or closed: nobody reads them).
    pub fn drop_webview(&self, label: &str) {
        let mut subs = self.0.lock().unwrap_or_else(|p| p.into_inner());
        subs.retain(|_, (owner, task)| {
            let keep = owner != label;
            if !keep {
                task.abort();
            }
            keep
        });
    }
}

#[tauri::command(rename_all = "snake_case")]
pub async fn chat_subscribe<R: tauri::Runtime>(
    engine: Engine_<'_>,
    subs: State<'_, Subscriptions>,
    webview: tauri::Webview<R>,
    session_id: Arg<String>,
    after_seq: Arg<i64>,
    on_frame: Channel<Frame>,
) -> Result<SubscribeSnapshot, ApiError> {
    let (snapshot, mut subscription) = engine.subscribe(&session_id.0, after_seq.0).await?;
    let id = on_frame.id();
    let task = tauri::async_runtime::spawn(async move {
        while let Some(frame) = subscription.frames.recv().await {
            if on_frame.send((*frame).clone()).is_err() {
                break;
            }
        }
    });
    subs.0.lock().unwrap_or_else(|p| p.into_inner()).insert(id, (webview.label().to_owned(), task));
    Ok(snapshot)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn chat_unsubscribe(
    subs: State<'_, Subscriptions>,
    channel_id: Arg<u32>,
) -> Result<(), ApiError> {
    if let Some((_, task)) = subs.0.lock().unwrap_or_else(|p| p.into_inner()).remove(&channel_id.0)
    {
        task.abort();
    }
    Ok(())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn chat_send(
    engine: Engine_<'_>,
    session_id: Arg<String>,
    req: Arg<SendMessage>,
) -> Result<SendReceipt, ApiError> {
    engine.send(&session_id.0, req.0).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn chat_abort(engine: Engine_<'_>, session_id: Arg<String>) -> Result<bool, ApiError> {
    engine.abort(&session_id.0).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn chat_steer(
    engine: Engine_<'_>,
    session_id: Arg<String>,
    text: Arg<String>,
) -> Result<SteerReceipt, ApiError> {
    engine.steer(&session_id.0, &text.0).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn chat_clear_queue(
    engine: Engine_<'_>,
    session_id: Arg<String>,
) -> Result<usize, ApiError> {
    engine.clear_queue(&session_id.0).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn chat_retry(
    engine: Engine_<'_>,
    session_id: Arg<String>,
) -> Result<SendReceipt, ApiError> {
    engine.retry(&session_id.0).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn models_list(
    engine: Engine_<'_>,
    refresh: Arg<Option<bool>>,
) -> Result<ModelList, ApiError> {
    Ok(engine.models_refreshed(refresh.0.unwrap_or(false)).await)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn settings_get(engine: Engine_<'_>) -> Result<Settings, ApiError> {
    Ok(engine.settings())
}

/// Checks what only the shell can (the shortcut's keys), stores, then applies: the tray's
/// checkbox, start at login, the global shortcut.
#[tauri::command(async, rename_all = "snake_case")]
pub fn settings_update<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    engine: Engine_<'_>,
    patch: Arg<SettingsPatch>,
) -> Result<Settings, ApiError> {
    if let Some(s) = &patch.0.global_shortcut {
        crate::desktop::parse_shortcut(s)?;
    }
    let settings = engine.update_settings(&patch.0)?;
    crate::desktop::settings_changed(&app, &settings);
    if patch.0.global_shortcut.is_some() {
        crate::desktop::apply_shortcut(&app, &settings)?;
    }
    if patch.0.start_at_login.is_some() {
        crate::desktop::apply_autostart(&app, &settings)?;
    }
    Ok(settings)
}

// ---- outside the window: schedules, webhooks, logs, health --------------------------------

#[tauri::command(async, rename_all = "snake_case")]
pub fn schedules_list(engine: Engine_<'_>) -> Result<Vec<Schedule>, ApiError> {
    engine.schedules()
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn schedule_add(engine: Engine_<'_>, schedule: Arg<NewSchedule>) -> Result<Schedule, ApiError> {
    engine.add_schedule(&schedule.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn schedule_update(
    engine: Engine_<'_>,
    id: Arg<String>,
    patch: Arg<SchedulePatch>,
) -> Result<Schedule, ApiError> {
    engine.update_schedule(&id.0, &patch.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn schedule_remove(engine: Engine_<'_>, id: Arg<String>) -> Result<(), ApiError> {
    engine.remove_schedule(&id.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub async fn schedule_run_now(
    engine: Engine_<'_>,
    id: Arg<String>,
) -> Result<ScheduleRun, ApiError> {
    engine.run_schedule_now(&id.0).await
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn schedule_runs(
    engine: Engine_<'_>,
    id: Arg<String>,
    limit: Arg<Option<u32>>,
) -> Result<Vec<ScheduleRun>, ApiError> {
    engine.schedule_runs(&id.0, limit.0.unwrap_or(50))
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn hooks_list(engine: Engine_<'_>) -> Result<Vec<Hook>, ApiError> {
    engine.hooks()
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn hook_add(engine: Engine_<'_>, hook: Arg<NewHook>) -> Result<HookWithSecret, ApiError> {
    engine.add_hook(&hook.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn hook_update(
    engine: Engine_<'_>,
    name: Arg<String>,
    patch: Arg<HookPatch>,
) -> Result<HookWithSecret, ApiError> {
    engine.update_hook(&name.0, &patch.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn hook_remove(engine: Engine_<'_>, name: Arg<String>) -> Result<(), ApiError> {
    engine.remove_hook(&name.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn logs_recent(query: Arg<Option<LogQuery>>) -> Result<Vec<LogLine>, ApiError> {
    hearth_engine::logging::recent(&query.0.unwrap_or_default())
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn activity(engine: Engine_<'_>) -> Result<Activity, ApiError> {
    engine.activity()
}

/// The store and keyring (from the engine), the notification server, the API's port.
#[tauri::command(async, rename_all = "snake_case")]
pub fn health(
    engine: Engine_<'_>,
    desktop: State<'_, crate::desktop::Desktop>,
) -> Result<Vec<HealthCheck>, ApiError> {
    let mut checks = engine.health_checks();
    let notifier = desktop.notifier.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let notifications = match notifier {
        Some(n) => n.check(),
        None => Err("not started".to_owned()),
    };
    checks.push(HealthCheck {
        name: "notifications".into(),
        ok: notifications.is_ok(),
        detail: notifications.unwrap_or_else(|e| format!("unavailable: {e}")),
    });
    let api = desktop.api_url.lock().unwrap_or_else(|p| p.into_inner()).clone();
    checks.push(HealthCheck {
        name: "api".into(),
        ok: api.is_some(),
        detail: api.unwrap_or_else(|| "the HTTP API is off (see the log)".into()),
    });
    Ok(checks)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn api_url(desktop: State<'_, crate::desktop::Desktop>) -> Result<Option<String>, ApiError> {
    Ok(desktop.api_url.lock().unwrap_or_else(|p| p.into_inner()).clone())
}

/// Which chat the window shows (null: none), so what the user watches is not notified.
#[tauri::command(async, rename_all = "snake_case")]
pub fn ui_viewing(
    desktop: State<'_, crate::desktop::Desktop>,
    session_id: Arg<Option<String>>,
) -> Result<(), ApiError> {
    *desktop.viewing.lock().unwrap_or_else(|p| p.into_inner()) = session_id.0;
    Ok(())
}

/// Quits now (the webview asked the user first when runs were in flight).
#[tauri::command(async, rename_all = "snake_case")]
pub fn app_quit<R: tauri::Runtime>(app: tauri::AppHandle<R>) -> Result<(), ApiError> {
    crate::desktop::quit(&app);
    Ok(())
}

/// Every memory (core first), or with `q` those matching it, best first.
#[tauri::command(async, rename_all = "snake_case")]
pub fn memories_list(
    engine: Engine_<'_>,
    tier: Arg<Option<MemoryTier>>,
    q: Arg<Option<String>>,
) -> Result<Vec<Memory>, ApiError> {
    match q.0.filter(|q| !q.trim().is_empty()) {
        Some(q) => Ok(engine
            .search_memories(&q, Some(200))?
            .into_iter()
            .filter(|m| tier.0.is_none_or(|t| m.tier == t))
            .collect()),
        None => engine.list_memories(tier.0),
    }
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn memory_add(engine: Engine_<'_>, memory: Arg<NewMemory>) -> Result<Memory, ApiError> {
    engine.add_memory(&memory.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn memory_update(
    engine: Engine_<'_>,
    id: Arg<String>,
    patch: Arg<MemoryPatch>,
) -> Result<Memory, ApiError> {
    engine.update_memory(&id.0, &patch.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn memory_remove(engine: Engine_<'_>, id: Arg<String>) -> Result<(), ApiError> {
    engine.delete_memory(&id.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn presets_list(engine: Engine_<'_>) -> Result<Vec<Preset>, ApiError> {
    engine.list_presets()
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn preset_add(engine: Engine_<'_>, preset: Arg<NewPreset>) -> Result<Preset, ApiError> {
    engine.add_preset(&preset.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn preset_update(
    engine: Engine_<'_>,
    id: Arg<String>,
    patch: Arg<PresetPatch>,
) -> Result<Preset, ApiError> {
    engine.update_preset(&id.0, &patch.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn preset_remove(engine: Engine_<'_>, id: Arg<String>) -> Result<(), ApiError> {
    engine.delete_preset(&id.0)
}

/// Opens a link from a chat in the system's browser (http, https and mailto only).
#[tauri::command(async, rename_all = "snake_case")]
pub fn open_link(url: Arg<String>) -> Result<(), ApiError> {
    crate::links::open_outside(&url.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn approval_answer(
    engine: Engine_<'_>,
    approval_id: Arg<String>,
    answer: Arg<ApprovalAnswer>,
) -> Result<(), ApiError> {
    engine.answer_approval(&approval_id.0, &answer.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn rules_list(engine: Engine_<'_>) -> Result<Vec<Rule>, ApiError> {
    engine.rules()
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn rule_add(engine: Engine_<'_>, rule: Arg<NewRule>) -> Result<Rule, ApiError> {
    engine.add_rule(&rule.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn rule_remove(engine: Engine_<'_>, rule_id: Arg<String>) -> Result<(), ApiError> {
    engine.remove_rule(&rule_id.0)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn tools_list(engine: Engine_<'_>) -> Result<Vec<ToolInfo>, ApiError> {
    Ok(engine.tools().await)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn mcp_servers_list(engine: Engine_<'_>) -> Result<Vec<McpServerInfo>, ApiError> {
    Ok(engine.mcp_servers())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn mcp_server_add(
    engine: Engine_<'_>,
    server: Arg<NewMcpServer>,
) -> Result<McpServerInfo, ApiError> {
    engine.add_mcp_server(&server.0).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn mcp_server_update(
    engine: Engine_<'_>,
    name: Arg<String>,
    patch: Arg<McpServerPatch>,
) -> Result<McpServerInfo, ApiError> {
    engine.update_mcp_server(&name.0, &patch.0).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn mcp_server_remove(engine: Engine_<'_>, name: Arg<String>) -> Result<(), ApiError> {
    engine.remove_mcp_server(&name.0).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn mcp_server_test(
    engine: Engine_<'_>,
    name: Arg<String>,
) -> Result<McpServerInfo, ApiError> {
    engine.test_mcp_server(&name.0).await
}

/// Ollama and LM Studio on this machine, when they answer (the first-run screen offers them).
#[tauri::command(rename_all = "snake_case")]
pub async fn local_servers_probe() -> Result<Vec<LocalServer>, ApiError> {
    Ok(hearth_engine::local::probe().await)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn accounts_list(engine: Engine_<'_>) -> Result<Vec<AccountInfo>, ApiError> {
    Ok(engine.accounts())
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn account_add(engine: Engine_<'_>, req: Arg<NewAccount>) -> Result<AccountInfo, ApiError> {
    engine.add_account(&req.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn account_update(
    engine: Engine_<'_>,
    account_id: Arg<String>,
    patch: Arg<AccountPatch>,
) -> Result<AccountInfo, ApiError> {
    engine.update_account(&account_id.0, &patch.0)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn account_test(
    engine: Engine_<'_>,
    account_id: Arg<String>,
) -> Result<AccountCheck, ApiError> {
    engine.test_account(&account_id.0).await
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn account_remove(engine: Engine_<'_>, account_id: Arg<String>) -> Result<(), ApiError> {
    engine.remove_account(&account_id.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn session_usage(
    engine: Engine_<'_>,
    session_id: Arg<String>,
) -> Result<UsageSummary, ApiError> {
    engine.session_usage(&session_id.0)
}

#[tauri::command(async, rename_all = "snake_case")]
pub fn usage_by_account(engine: Engine_<'_>) -> Result<Vec<AccountUsage>, ApiError> {
    engine.usage_by_account()
}

/// The invoke handler with every command (keep in step with `COMMANDS` in build.rs).
pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync {
    tauri::generate_handler![
        session_list,
        search,
        session_export,
        session_export_save,
        session_import,
        attachment_add,
        attachment_get,
        chat_edit,
        chat_regenerate,
        chat_switch_branch,
        session_create,
        session_get,
        session_update,
        session_delete,
        session_restore,
        chat_history,
        chat_subscribe,
        chat_unsubscribe,
        chat_send,
        chat_abort,
        chat_steer,
        chat_clear_queue,
        chat_retry,
        models_list,
        local_servers_probe,
        settings_get,
        settings_update,
        approval_answer,
        rules_list,
        rule_add,
        rule_remove,
        tools_list,
        mcp_servers_list,
        mcp_server_add,
        mcp_server_update,
        mcp_server_remove,
        mcp_server_test,
        accounts_list,
        account_add,
        account_update,
        account_test,
        account_remove,
        session_usage,
        usage_by_account,
        schedules_list,
        schedule_add,
        schedule_update,
        schedule_remove,
        schedule_run_now,
        schedule_runs,
        hooks_list,
        hook_add,
        hook_update,
        hook_remove,
        logs_recent,
        activity,
        health,
        api_url,
        ui_viewing,
        app_quit,
        open_link,
        memories_list,
        memory_add,
        memory_update,
        memory_remove,
        presets_list,
        preset_add,
        preset_update,
        preset_remove,
    ]
}
