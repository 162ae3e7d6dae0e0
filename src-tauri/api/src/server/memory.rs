//! `/v1/memories…`: what Hearth remembers about the user.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use hearth_engine::error::ErrorCode;
use hearth_engine::store::memory::MemoryTier;
use serde_json::json;

use super::support::{Answer, AppState, Body, Params, bad, int_param, only, run_blocking};
use crate::ops::memory as op;

/// `?tier=core|archival` (all, core first) or `?q=words&limit=` (a search).
pub async fn memories_list(
    State(s): State<Arc<AppState>>,
    params: Params,
) -> Answer<impl IntoResponse> {
    only(&params, &op::memories_list::HTTP)?;
    let tier = match params.get("tier").map(String::as_str) {
        None => None,
        Some("core") => Some(MemoryTier::Core),
        Some("archival") => Some(MemoryTier::Archival),
        Some(other) => {
            return Err(bad(
                ErrorCode::InvalidInput,
                format!("tier is core or archival, not {other:?}"),
            ));
        }
    };
    let limit = int_param(&params, "limit", ErrorCode::InvalidLimit)?;
    let q = params.get("q").cloned();
    let engine = s.engine.clone();
    let memories = run_blocking(move || engine.memories(tier, q.as_deref(), limit)).await?;
    Ok(Json(json!({ "memories": memories })))
}

/// `{kind, tier, text}` → 201 the memory.
pub async fn memory_add(
    State(s): State<Arc<AppState>>,
    Body(new): Body<op::memory_add::HttpBody>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok((StatusCode::CREATED, Json(run_blocking(move || engine.add_memory(&new)).await?)))
}

/// The fields to change → the memory.
pub async fn memory_update(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    Body(patch): Body<op::memory_update::HttpBody>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.update_memory(&id, &patch)).await?))
}

pub async fn memory_remove(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    run_blocking(move || engine.delete_memory(&id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
