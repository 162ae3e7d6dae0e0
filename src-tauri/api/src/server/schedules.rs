//! `/v1/schedules…`: schedules and their runs.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use hearth_engine::error::ErrorCode;
use serde_json::json;

use super::support::{Answer, AppState, Body, Params, bad, int_param, only, run_blocking};
use crate::ops::schedules as op;

pub async fn schedules_list(State(s): State<Arc<AppState>>) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(json!({"schedules": run_blocking(move || engine.schedules()).await?})))
}

pub async fn schedule_add(
    State(s): State<Arc<AppState>>,
    Body(new): Body<op::schedule_add::HttpBody>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok((StatusCode::CREATED, Json(run_blocking(move || engine.add_schedule(&new)).await?)))
}

pub async fn schedule_get(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.schedule(&id)).await?))
}

pub async fn schedule_update(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    Body(patch): Body<op::schedule_update::HttpBody>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.update_schedule(&id, &patch)).await?))
}

pub async fn schedule_remove(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    run_blocking(move || engine.remove_schedule(&id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn schedule_run_now(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Answer<impl IntoResponse> {
    Ok((StatusCode::ACCEPTED, Json(s.engine.run_schedule_now(&id).await?)))
}

pub async fn schedule_runs(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    params: Params,
) -> Answer<impl IntoResponse> {
    only(&params, &op::schedule_runs::HTTP)?;
    let limit: u32 = int_param(&params, "limit", ErrorCode::InvalidLimit)?.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(bad(ErrorCode::InvalidLimit, "limit must be 1 to 200"));
    }
    let engine = s.engine.clone();
    Ok(Json(json!({"runs": run_blocking(move || engine.schedule_runs(&id, limit)).await?})))
}
