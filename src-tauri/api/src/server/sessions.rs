//! `/v1/sessions…`, `/v1/search`, `/v1/import`: chats, search, export and import.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hearth_engine::error::ErrorCode;
use hearth_engine::store::search::SearchQuery;
use hearth_engine::store::sessions::ListSessions;
use hearth_engine::transfer::ExportFormat;

use super::support::{Answer, AppState, Body, Params, bad, int_param, only, run_blocking};
use crate::ops::sessions as op;

pub async fn session_list(
    State(s): State<Arc<AppState>>,
    params: Params,
) -> Answer<impl IntoResponse> {
    only(&params, &op::session_list::HTTP)?;
    let req = ListSessions {
        limit: int_param(&params, "limit", ErrorCode::InvalidLimit)?,
        cursor: params.get("cursor").cloned(),
        q: params.get("q").cloned(),
    };
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.list_sessions(&req)).await?))
}

pub async fn session_create(
    State(s): State<Arc<AppState>>,
    Body(req): Body<op::session_create::HttpBody>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok((StatusCode::CREATED, Json(run_blocking(move || engine.create_session(&req)).await?)))
}

pub async fn session_get(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.get_session(&id)).await?))
}

pub async fn session_update(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    Body(patch): Body<op::session_update::HttpBody>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.update_session(&id, &patch)).await?))
}

pub async fn session_delete(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    run_blocking(move || engine.delete_session(&id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn session_restore(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.restore_session(&id)).await?))
}

pub async fn search(State(s): State<Arc<AppState>>, params: Params) -> Answer<impl IntoResponse> {
    only(&params, &op::search::HTTP)?;
    let Some(q) = params.get("q").cloned() else {
        return Err(bad(ErrorCode::InvalidInput, "q (what to search for) is required"));
    };
    let req = SearchQuery {
        q,
        limit: int_param(&params, "limit", ErrorCode::InvalidLimit)?,
        session_id: params.get("session_id").cloned(),
    };
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.search(&req)).await?))
}

pub async fn session_export(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    params: Params,
) -> Answer<Response> {
    only(&params, &op::session_export::HTTP)?;
    let format = match params.get("format").map(String::as_str) {
        None | Some("md") => ExportFormat::Md,
        Some("json") => ExportFormat::Json,
        Some(other) => {
            return Err(bad(ErrorCode::InvalidInput, format!("format {other:?}: use md or json")));
        }
    };
    let engine = s.engine.clone();
    let body = run_blocking(move || engine.export_session(&id, format)).await?;
    let content_type = match format {
        ExportFormat::Md => "text/markdown; charset=utf-8",
        ExportFormat::Json => "application/json",
    };
    Ok(([(axum::http::header::CONTENT_TYPE, content_type)], body).into_response())
}

pub async fn session_import(
    State(s): State<Arc<AppState>>,
    Body(doc): Body<op::session_import::HttpBody>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok((StatusCode::CREATED, Json(run_blocking(move || engine.import_session(&doc)).await?)))
}
