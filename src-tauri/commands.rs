//! IPC commands: take the engine, call it, return `{code, message}` on error. Nothing else.
//! Arguments are snake_case on the JavaScript side too (`session_id`, `req`, `patch`).

use std::sync::Arc;

use hearth_engine::{
    ApiError, CreateSession, Engine, ErrorCode, ListSessions, Session, SessionPage, UpdateSession,
};
use serde::de::DeserializeOwned;
use tauri::State;
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

/// The invoke handler with every command (keep in step with `COMMANDS` in build.rs).
pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync {
    tauri::generate_handler![
        session_list,
        session_create,
        session_get,
        session_update,
        session_delete,
        session_restore,
    ]
}
