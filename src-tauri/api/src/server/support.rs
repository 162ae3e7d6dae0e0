//! What every handler uses: the state, errors as HTTP answers, the JSON body and query
//! parsing. Imports nothing from its siblings.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Query, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hearth_engine::Engine;
use hearth_engine::error::{ApiError, ErrorCode};
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::ops::schema::Http;

pub struct AppState {
    pub engine: Arc<Engine>,
    pub token: String,
    /// The port it listens on: the only one a `Host` may name.
    pub port: u16,
    /// This start's secret of `api.json`, proved on `/v1/prove`.
    pub nonce: String,
}

/// An engine error as an HTTP answer.
pub struct HttpError(pub ApiError);

impl From<ApiError> for HttpError {
    fn from(e: ApiError) -> Self {
        HttpError(e)
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(json!({"error": {"code": self.0.code, "message": self.0.message}})))
            .into_response()
    }
}

pub fn bad(code: ErrorCode, message: impl Into<String>) -> HttpError {
    HttpError(ApiError::new(code, message))
}

pub type Answer<T> = Result<T, HttpError>;

/// A JSON body whose absence, bad syntax, wrong types or unknown fields answer INVALID_INPUT.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Body(v)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(bad(
                ErrorCode::BodyTooLarge,
                format!(
                    "the request body is over this route's limit ({} MiB for most routes)",
                    crate::ops::schema::DEFAULT_BODY_LIMIT / (1024 * 1024)
                ),
            )),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(bad(
                ErrorCode::InvalidInput,
                "send the body as JSON (Content-Type: application/json)",
            )),
            Err(e) => Err(bad(
                ErrorCode::InvalidInput,
                format!("the request body is invalid: {}", e.body_text()),
            )),
        }
    }
}

/// Query strings as plain strings, parsed here so each bad value gets its own code.
pub type Params = Query<HashMap<String, String>>;

pub fn int_param<T: std::str::FromStr>(
    params: &Params,
    name: &str,
    code: ErrorCode,
) -> Answer<Option<T>> {
    params
        .get(name)
        .map(|v| {
            v.parse::<T>()
                .map_err(|_| bad(code, format!("{name} must be a whole number; got {v:?}")))
        })
        .transpose()
}

/// Refuses a query parameter the route does not declare.
pub fn only(params: &Params, route: &Http) -> Answer<()> {
    let declared = |k: &str| route.query.iter().any(|f| f.name == k);
    match params.keys().find(|k| !declared(k)) {
        Some(k) => Err(bad(ErrorCode::InvalidInput, format!("unknown query parameter {k:?}"))),
        None => Ok(()),
    }
}

/// Store work off the async threads.
pub async fn run_blocking<T: Send + 'static>(
    f: impl FnOnce() -> hearth_engine::error::Result<T> + Send + 'static,
) -> Answer<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| bad(ErrorCode::Internal, e.to_string()))?
        .map_err(HttpError)
}
