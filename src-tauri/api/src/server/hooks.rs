//! `/v1/inbox`, `/v1/webhooks…` and the deliveries `POST /v1/hooks/{name}`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde_json::json;

use futures_util::StreamExt;
use hearth_engine::error::ErrorCode;
use hearth_engine::outside::hook_auth::Knock;

use super::support::{Answer, AppState, Body, bad, run_blocking};
use crate::ops::hooks as op;
use crate::ops::schema::DEFAULT_BODY_LIMIT;

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

/// The door first, from the headers alone; only a delivery let in has its body read (4 MB
/// at most), then checked against its signature and fired.
pub async fn hook_fire(
    State(s): State<Arc<AppState>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Answer<impl IntoResponse> {
    let header =
        |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(|v| v.trim().to_owned());
    let knock = Knock {
        bearer: header("authorization")
            .and_then(|v| v.strip_prefix("Bearer ").map(str::to_owned))
            .or_else(|| header("x-hearth-hook-secret")),
        delivery: header("x-hearth-delivery")
            .or_else(|| header("x-github-delivery"))
            .or_else(|| header("idempotency-key")),
        hub_signature: header("x-hub-signature-256"),
        webhook_id: header("webhook-id"),
        webhook_timestamp: header("webhook-timestamp"),
        webhook_signature: header("webhook-signature"),
    };
    let engine = s.engine.clone();
    let (hook, pass) = run_blocking(move || engine.admit_hook_delivery(&name, &knock)).await?;
    let body = read_body(&headers, body, DEFAULT_BODY_LIMIT).await?;
    Ok((StatusCode::ACCEPTED, Json(s.engine.fire_hook(hook, pass, &body).await?)))
}

/// The body, refused as soon as it is known to be over `limit` (by its `Content-Length`, or
/// while it streams in).
async fn read_body(headers: &HeaderMap, body: axum::body::Body, limit: usize) -> Answer<Vec<u8>> {
    let too_large = || bad(ErrorCode::BodyTooLarge, format!("the body is over {} MB", limit >> 20));
    let declared = headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|e| bad(ErrorCode::InvalidInput, format!("the body broke off: {e}")))?;
        if bytes.len() + chunk.len() > limit {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}
