//! `/v1/approvals/{id}`, `/v1/rules`, `/v1/tools`: answering tool calls, rules, the tools.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;

use super::support::{Answer, AppState, Body, run_blocking};
use crate::ops::tools as op;

/// `{allow, remember?, pattern?, message?}` → `{ok: true}`.
pub async fn approval_answer(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    Body(answer): Body<op::approval_answer::HttpBody>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    run_blocking(move || engine.answer_approval(&id, &answer)).await?;
    Ok(Json(json!({"ok": true})))
}

pub async fn rules_list(State(s): State<Arc<AppState>>) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(json!({"rules": run_blocking(move || engine.rules()).await?})))
}

pub async fn rule_add(
    State(s): State<Arc<AppState>>,
    Body(rule): Body<op::rule_add::HttpBody>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok((StatusCode::CREATED, Json(run_blocking(move || engine.add_rule(&rule)).await?)))
}

pub async fn rule_remove(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    run_blocking(move || engine.remove_rule(&id)).await?;
    Ok(Json(json!({"ok": true})))
}

pub async fn tools_list(State(s): State<Arc<AppState>>) -> Answer<impl IntoResponse> {
    Ok(Json(json!({"tools": s.engine.tools().await})))
}
