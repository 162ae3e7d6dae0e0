//! `POST /v1/sessions/{id}/attachments` (multipart) and `GET /v1/attachments/{id}`.

use std::sync::Arc;

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use hearth_engine::error::ErrorCode;

use super::support::{Answer, AppState, HttpError, bad, run_blocking};

/// One `file` field → 201 `{attachment_id, mime, name, size}`. The type comes from the
/// content, not the name; the size is checked while the file streams in (against the setting).
/// The most of an oversized upload read (and dropped) before answering it.
const DRAIN_AT_MOST: usize = 8 * 1024 * 1024;

pub async fn attachment_add(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    form: Result<Multipart, MultipartRejection>,
) -> Answer<impl IntoResponse> {
    let not_a_form = |e: &dyn std::fmt::Display| {
        bad(ErrorCode::InvalidInput, format!("expected a multipart/form-data body: {e}"))
    };
    let mut form = form.map_err(|e| not_a_form(&e))?;
    let limit = s.engine.attachment_limit();
    let Some(mut field) = form.next_field().await.map_err(|e| not_a_form(&e))? else {
        return Err(bad(ErrorCode::InvalidInput, "the form has no \"file\" field"));
    };
    if field.name() != Some("file") {
        return Err(bad(
            ErrorCode::InvalidInput,
            format!(
                "unknown form field {:?}; send the file as \"file\"",
                field.name().unwrap_or("")
            ),
        ));
    }
    let name = field.file_name().map(str::to_owned);
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| not_a_form(&e))? {
        if (bytes.len() + chunk.len()) as u64 > limit {
            // Read some of the rest (discarded) so a client that sent a little too much gets
            // this answer, not a connection reset mid-upload; past that, the connection is
            // closed with the answer (an endless upload is never drained).
            drop(std::mem::take(&mut bytes));
            let mut drained = 0usize;
            while drained < DRAIN_AT_MOST {
                match field.chunk().await {
                    Ok(Some(chunk)) => drained += chunk.len(),
                    _ => break,
                }
            }
            return Err(HttpError(hearth_engine::attach::too_large(None, limit)));
        }
        bytes.extend_from_slice(&chunk);
    }
    let engine = s.engine.clone();
    let info = run_blocking(move || engine.add_attachment(&id, name.as_deref(), &bytes)).await?;
    Ok((StatusCode::CREATED, Json(info)))
}

/// The file's bytes, with its sniffed type.
pub async fn attachment_get(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    let (mime, bytes) = run_blocking(move || engine.attachment(&id)).await?;
    Ok(([(axum::http::header::CONTENT_TYPE, mime)], bytes))
}
