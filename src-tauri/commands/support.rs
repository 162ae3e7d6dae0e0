//! What every command uses: the engine, its arguments as the one value `hearth_api::ops`
//! declares, and its answer. Imports nothing from its siblings.

use std::ops::Deref;
use std::sync::Arc;

use hearth_api::ops::schema::IpcArgs;
use hearth_engine::Engine;
use hearth_engine::error::{ApiError, ErrorCode};
use tauri::State;
use tauri::ipc::{CommandArg, CommandItem, InvokeBody, InvokeError};

pub type EngineState<'a> = State<'a, Arc<Engine>>;

/// What a command answers: its value, or `{code, message}`.
pub type Answer<T> = Result<T, ApiError>;

/// A command's arguments (`hearth_api::ops::<area>::<command>::Args`), read from the payload
/// by their keys. A missing or malformed one answers `{code: "INVALID_INPUT", message}` naming
/// it, like every other error, instead of Tauri's bare string.
pub struct Args<T>(pub T);

impl<T> Deref for Args<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<'de, R: tauri::Runtime, T: IpcArgs> CommandArg<'de, R> for Args<T> {
    fn from_command(item: CommandItem<'de, R>) -> Result<Self, InvokeError> {
        let InvokeBody::Json(payload) = item.message.payload() else {
            let key = T::KEYS.first().copied().unwrap_or(item.key);
            return Err(InvokeError::from(ApiError::new(
                ErrorCode::InvalidInput,
                format!("{}: argument `{key}` must be sent as JSON", item.name),
            )));
        };
        T::from_json(item.name, payload).map(Args).map_err(InvokeError::from)
    }
}
