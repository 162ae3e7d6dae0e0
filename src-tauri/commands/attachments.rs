//! Attachments: files uploaded to a chat for its next message, and their bytes.

use hearth_api::ops::attachments as op;
use hearth_engine::error::{ApiError, ErrorCode};
use tauri::ipc::InvokeBody;

use super::support::{Answer, Args, EngineState};

/// Attaches a file to a chat's next message. The body is the file's bytes (an ArrayBuffer or
/// Uint8Array); headers `x-session-id` and `x-file-name` (percent-encoded) say where and what.
#[tauri::command(async)]
pub fn attachment_add(
    engine: EngineState<'_>,
    request: tauri::ipc::Request<'_>,
) -> Answer<op::attachment_add::Output> {
    let invalid = |m: &str| ApiError::new(ErrorCode::InvalidInput, m);
    let header = |name: &str| -> Answer<Option<String>> {
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

/// An attachment's bytes (thumbnails, opening a file), as they are: no JSON on the way. The
/// type is on the message's block.
#[tauri::command(async)]
pub fn attachment_get(
    engine: EngineState<'_>,
    args: Args<op::attachment_get::Args>,
) -> Answer<tauri::ipc::Response> {
    Ok(tauri::ipc::Response::new(engine.attachment(&args.attachment_id)?.1))
}
