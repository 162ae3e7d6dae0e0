//! `/v1/health`, `/v1/settings`, `/v1/logs`, `/v1/activity`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use hearth_engine::error::ErrorCode;
use hearth_engine::logging::{LogLevel, LogQuery};
use serde_json::{Value, json};

use super::support::{Answer, AppState, Body, Params, bad, int_param, only, run_blocking};
use crate::ops::app as op;

pub async fn api_health() -> Json<Value> {
    Json(json!({"ok": true, "version": env!("CARGO_PKG_VERSION")}))
}

/// HMAC(nonce, challenge): only the Hearth that wrote `api.json` can answer it.
pub async fn api_prove(
    State(s): State<Arc<AppState>>,
    Body(req): Body<op::api_prove::HttpBody>,
) -> Answer<impl IntoResponse> {
    let c = &req.challenge;
    if !(32..=128).contains(&c.len()) || !c.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad(ErrorCode::InvalidInput, "the challenge is 32 to 128 hex digits"));
    }
    Ok(Json(json!({"proof": hearth_engine::secrets::api_proof(&s.nonce, c)})))
}

pub async fn settings_get(State(s): State<Arc<AppState>>) -> Answer<impl IntoResponse> {
    Ok(Json(s.engine.settings()))
}

/// The fields to change → the settings after it.
pub async fn settings_update(
    State(s): State<Arc<AppState>>,
    Body(patch): Body<op::settings_update::HttpBody>,
) -> Answer<impl IntoResponse> {
    // These take effect in the desktop session (a key grab, a login item): the app sets them.
    if patch.global_shortcut.is_some() || patch.start_at_login.is_some() {
        return Err(bad(
            ErrorCode::InvalidInput,
            "global_shortcut and start_at_login are changed in the app's Settings",
        ));
    }
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.update_settings(&patch)).await?))
}

pub async fn logs_recent(params: Params) -> Answer<impl IntoResponse> {
    only(&params, &op::logs_recent::HTTP)?;
    let level = params
        .get("level")
        .map(|l| {
            serde_json::from_value::<LogLevel>(Value::String(l.to_lowercase())).map_err(|_| {
                bad(ErrorCode::InvalidInput, "level is one of trace, debug, info, warn, error")
            })
        })
        .transpose()?;
    let query = LogQuery {
        level,
        session_id: params.get("session_id").cloned(),
        q: params.get("q").cloned(),
        after_seq: int_param(&params, "after_seq", ErrorCode::InvalidInput)?,
        limit: int_param(&params, "limit", ErrorCode::InvalidLimit)?,
    };
    Ok(Json(json!({"lines": hearth_engine::logging::recent(&query)?})))
}

pub async fn activity(State(s): State<Arc<AppState>>) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.activity()).await?))
}
