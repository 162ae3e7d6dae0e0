//! Argument parsing shared by the tools: the model's JSON into a tool's typed struct, and
//! blocking work moved off the async threads under the turn's cancellation.

use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::error::{ToolError, ToolErrorCode};

/// Deserializes `input` into `T` (declared with `deny_unknown_fields`), turning serde's message
/// ("missing field `path`") into an `InvalidArguments` the model can act on.
pub fn parse<T: DeserializeOwned>(tool: &str, input: &Value) -> Result<T, ToolError> {
    if !input.is_object() {
        return Err(ToolError::invalid(format!("the arguments of {tool} must be a JSON object")));
    }
    T::deserialize(input)
        .map_err(|err| ToolError::invalid(format!("invalid arguments for {tool}: {err}")))
}

/// Runs blocking filesystem work on tokio's blocking pool; returns `Aborted` as soon as the turn
/// is cancelled (long walks also check the token themselves, so they stop soon after).
pub async fn blocking<T, F>(cancel: &CancellationToken, work: F) -> Result<T, ToolError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, ToolError> + Send + 'static,
{
    let task = tokio::task::spawn_blocking(work);
    tokio::select! {
        biased;
        () = cancel.cancelled() => Err(ToolError::aborted()),
        joined = task => joined.map_err(|err| {
            ToolError::new(ToolErrorCode::Io, format!("the tool's worker failed: {err}"))
        })?,
    }
}
