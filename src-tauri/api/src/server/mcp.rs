//! `/v1/mcp/servers…`: MCP servers.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;

use super::support::{Answer, AppState, Body};
use crate::ops::mcp as op;

pub async fn mcp_servers_list(State(s): State<Arc<AppState>>) -> Answer<impl IntoResponse> {
    Ok(Json(json!({"servers": s.engine.mcp_servers()})))
}

pub async fn mcp_server_add(
    State(s): State<Arc<AppState>>,
    Body(server): Body<op::mcp_server_add::HttpBody>,
) -> Answer<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(s.engine.add_mcp_server(&server).await?)))
}

pub async fn mcp_server_update(
    State(s): State<Arc<AppState>>,
    Path(name): Path<String>,
    Body(patch): Body<op::mcp_server_update::HttpBody>,
) -> Answer<impl IntoResponse> {
    Ok(Json(s.engine.update_mcp_server(&name, &patch).await?))
}

pub async fn mcp_server_remove(
    State(s): State<Arc<AppState>>,
    Path(name): Path<String>,
) -> Answer<impl IntoResponse> {
    s.engine.remove_mcp_server(&name).await?;
    Ok(Json(json!({"ok": true})))
}

pub async fn mcp_server_test(
    State(s): State<Arc<AppState>>,
    Path(name): Path<String>,
) -> Answer<impl IntoResponse> {
    Ok(Json(s.engine.test_mcp_server(&name).await?))
}
