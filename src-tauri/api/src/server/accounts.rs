//! `/v1/models`: the models the accounts offer.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use hearth_engine::error::ErrorCode;

use super::support::{Answer, AppState, Params, bad, only};
use crate::ops::accounts as op;

/// Each account's list, cached for ten minutes unless `refresh` asks the servers again.
pub async fn models_list(
    State(s): State<Arc<AppState>>,
    params: Params,
) -> Answer<impl IntoResponse> {
    only(&params, &op::models_list::HTTP)?;
    let refresh = match params.get("refresh").map(String::as_str) {
        None | Some("false" | "0") => false,
        Some("true" | "1") => true,
        Some(other) => {
            return Err(bad(
                ErrorCode::InvalidInput,
                format!("refresh must be true or false; got {other:?}"),
            ));
        }
    };
    Ok(Json(s.engine.models_refreshed(refresh).await))
}
