//! `/v1/presets…`: assistant presets.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;

use super::support::{Answer, AppState, Body, run_blocking};
use crate::ops::presets as op;

/// `{presets}`, by name.
pub async fn presets_list(State(s): State<Arc<AppState>>) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(json!({ "presets": run_blocking(move || engine.list_presets()).await? })))
}

/// `{name, prompt}` → 201 the preset.
pub async fn preset_add(
    State(s): State<Arc<AppState>>,
    Body(new): Body<op::preset_add::HttpBody>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok((StatusCode::CREATED, Json(run_blocking(move || engine.add_preset(&new)).await?)))
}

/// `{name?, prompt?}` → the preset.
pub async fn preset_update(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    Body(patch): Body<op::preset_update::HttpBody>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.update_preset(&id, &patch)).await?))
}

/// 204 (chats that took its prompt keep it).
pub async fn preset_remove(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    run_blocking(move || engine.delete_preset(&id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
