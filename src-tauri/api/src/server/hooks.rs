//! `/v1/inbox`, `/v1/webhooks…` and the deliveries `POST /v1/hooks/{name}`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde_json::json;

use super::support::{Answer, AppState, Body, run_blocking};
use crate::ops::hooks as op;

pub async fn inbox_post(
    State(s): State<Arc<AppState>>,
    Body(post): Body<op::inbox_post::HttpBody>,
) -> Answer<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(s.engine.post_inbox(&post).await?)))
}

pub async fn hooks_list(State(s): State<Arc<AppState>>) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(json!({"hooks": run_blocking(move || engine.hooks()).await?})))
}

pub async fn hook_add(
    State(s): State<Arc<AppState>>,
    Body(new): Body<op::hook_add::HttpBody>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok((StatusCode::CREATED, Json(run_blocking(move || engine.add_hook(&new)).await?)))
}

pub async fn hook_update(
    State(s): State<Arc<AppState>>,
    Path(name): Path<String>,
    Body(patch): Body<op::hook_update::HttpBody>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.update_hook(&name, &patch)).await?))
}

pub async fn hook_remove(
    State(s): State<Arc<AppState>>,
    Path(name): Path<String>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    run_blocking(move || engine.remove_hook(&name)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The hook's secret as `Authorization: Bearer …` (or `X-Hearth-Hook-Secret`); an optional
/// delivery id (`X-Hearth-Delivery`, `X-GitHub-Delivery` or `Idempotency-Key`) makes a
/// redelivery harmless. Any JSON body is the payload.
pub async fn hook_fire(
    State(s): State<Arc<AppState>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    Body(payload): Body<op::hook_fire::HttpBody>,
) -> Answer<impl IntoResponse> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let secret = header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .or_else(|| header("x-hearth-hook-secret"));
    let delivery = header("x-hearth-delivery")
        .or_else(|| header("x-github-delivery"))
        .or_else(|| header("idempotency-key"));
    Ok((StatusCode::ACCEPTED, Json(s.engine.fire_hook(&name, secret, delivery, &payload).await?)))
}
