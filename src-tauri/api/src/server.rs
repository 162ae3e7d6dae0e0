//! The loopback HTTP API. Every route but `/v1/health` needs `Authorization: Bearer <token>`;
//! every error is `{"error": {"code", "message"}}` with the code's HTTP status.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Path as UrlPath, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::Stream;
use hearth_engine::{
    ApiError, CreateSession, Engine, ErrorCode, ListSessions, SendMessage, UpdateSession,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

pub struct AppState {
    pub engine: Arc<Engine>,
    pub token: String,
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

fn bad(code: ErrorCode, message: impl Into<String>) -> HttpError {
    HttpError(ApiError::new(code, message))
}

type Answer<T> = Result<T, HttpError>;

/// A JSON body whose absence, bad syntax, wrong types or unknown fields answer INVALID_INPUT.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Body(v)),
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

/// The router, for `hearth serve`, the desktop app and tests.
pub fn router(state: Arc<AppState>) -> Router {
    let authed = Router::new()
        .route("/v1/sessions", get(list_sessions).post(create_session))
        .route("/v1/sessions/{id}", get(get_session).patch(update_session).delete(delete_session))
        .route("/v1/sessions/{id}/restore", post(restore_session))
        .route("/v1/sessions/{id}/messages", post(send))
        .route(
            "/v1/sessions/{id}/attachments",
            // The size is checked while the file streams in (against the setting).
            post(upload_attachment).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/v1/attachments/{id}", get(get_attachment))
        .route("/v1/sessions/{id}/messages/{message_id}/edit", post(edit_message))
        .route("/v1/sessions/{id}/messages/{message_id}/regenerate", post(regenerate))
        .route("/v1/sessions/{id}/messages/{message_id}/switch", post(switch_branch))
        .route("/v1/sessions/{id}/history", get(history))
        .route("/v1/sessions/{id}/events", get(events))
        .route("/v1/sessions/{id}/abort", post(abort))
        .route("/v1/sessions/{id}/steer", post(steer))
        .route("/v1/sessions/{id}/retry", post(retry))
        .route("/v1/sessions/{id}/queue", axum::routing::delete(clear_queue))
        .route("/v1/models", get(models))
        .route("/v1/approvals/{id}", post(answer_approval))
        .route("/v1/rules", get(list_rules).post(add_rule))
        .route("/v1/rules/{id}", axum::routing::delete(remove_rule))
        .route("/v1/tools", get(list_tools))
        .route("/v1/mcp/servers", get(list_mcp).post(add_mcp))
        .route("/v1/mcp/servers/{name}", axum::routing::patch(update_mcp).delete(remove_mcp))
        .route("/v1/mcp/servers/{name}/test", post(test_mcp))
        .route("/v1/inbox", post(post_inbox))
        .route("/v1/webhooks", get(list_hooks).post(add_hook))
        .route("/v1/webhooks/{name}", axum::routing::patch(update_hook).delete(remove_hook))
        .route("/v1/schedules", get(list_schedules).post(add_schedule))
        .route(
            "/v1/schedules/{id}",
            get(get_schedule).patch(update_schedule).delete(remove_schedule),
        )
        .route("/v1/schedules/{id}/run", post(run_schedule))
        .route("/v1/schedules/{id}/runs", get(schedule_runs))
        .route("/v1/memories", get(list_memories).post(add_memory))
        .route("/v1/memories/{id}", axum::routing::patch(update_memory).delete(delete_memory))
        .route("/v1/presets", get(list_presets).post(add_preset))
        .route("/v1/presets/{id}", axum::routing::patch(update_preset).delete(delete_preset))
        .route("/v1/settings", get(get_settings).patch(update_settings))
        .route("/v1/search", get(search))
        .route("/v1/sessions/{id}/export", get(export_session))
        // An export carries its images: more room than the other routes' 4 MB.
        .route(
            "/v1/import",
            post(import_session).layer(axum::extract::DefaultBodyLimit::max(IMPORT_LIMIT_BYTES)),
        )
        .route("/v1/logs", get(logs))
        .route("/v1/activity", get(activity))
        .route_layer(middleware::from_fn_with_state(state.clone(), auth));
    Router::new()
        .route("/v1/health", get(health))
        // Webhook deliveries carry the hook's own secret instead of the API token.
        .route("/v1/hooks/{name}", post(fire_hook))
        .merge(authed)
        .fallback(|| async { bad(ErrorCode::NotFound, "no such route") })
        .layer(axum::extract::DefaultBodyLimit::max(4 * 1024 * 1024))
        .with_state(state)
}

async fn auth(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    req: Request,
    next: Next,
) -> Response {
    let given = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !hearth_engine::secrets::token_matches(given.trim(), &state.token) {
        return bad(ErrorCode::Unauthorized, "missing or wrong API token (see `hearth token`)")
            .into_response();
    }
    next.run(req).await
}

async fn health() -> Json<Value> {
    Json(json!({"ok": true, "version": env!("CARGO_PKG_VERSION")}))
}

/// Query strings as plain strings, parsed here so each bad value gets its own code.
type Params = Query<std::collections::HashMap<String, String>>;

fn int_param<T: std::str::FromStr>(
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

fn only(params: &Params, allowed: &[&str]) -> Answer<()> {
    match params.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(bad(ErrorCode::InvalidInput, format!("unknown query parameter {k:?}"))),
        None => Ok(()),
    }
}

async fn run_blocking<T: Send + 'static>(
    f: impl FnOnce() -> hearth_engine::Result<T> + Send + 'static,
) -> Answer<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| bad(ErrorCode::Internal, e.to_string()))?
        .map_err(HttpError)
}

async fn list_sessions(
    State(s): State<Arc<AppState>>,
    params: Params,
) -> Answer<impl IntoResponse> {
    only(&params, &["limit", "cursor", "q"])?;
    let req = ListSessions {
        limit: int_param(&params, "limit", ErrorCode::InvalidLimit)?,
        cursor: params.get("cursor").cloned(),
        q: params.get("q").cloned(),
    };
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.list_sessions(&req)).await?))
}

async fn create_session(
    State(s): State<Arc<AppState>>,
    Body(req): Body<CreateSession>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok((StatusCode::CREATED, Json(run_blocking(move || engine.create_session(&req)).await?)))
}

async fn get_session(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.get_session(&id)).await?))
}

async fn update_session(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
    Body(patch): Body<UpdateSession>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.update_session(&id, &patch)).await?))
}

async fn delete_session(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    run_blocking(move || engine.delete_session(&id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn restore_session(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.restore_session(&id)).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SendBody {
    text: String,
    #[serde(default)]
    client_msg_id: Option<String>,
    #[serde(default)]
    priority: Option<hearth_engine::frames::Priority>,
    #[serde(default)]
    attachments: Option<Vec<String>>,
}

async fn send(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
    Body(body): Body<SendBody>,
) -> Answer<impl IntoResponse> {
    let req = SendMessage {
        text: body.text,
        client_msg_id: body.client_msg_id,
        priority: body.priority,
        attachments: body.attachments.unwrap_or_default(),
        ..SendMessage::default()
    };
    Ok((StatusCode::ACCEPTED, Json(s.engine.send(&id, req).await?)))
}

/// `POST /v1/sessions/{id}/attachments`, multipart with one `file` field → 201
/// `{attachment_id, mime, name, size}`. The type comes from the content, not the name.
async fn upload_attachment(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
    form: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Answer<impl IntoResponse> {
    let not_a_form = |e: &dyn std::fmt::Display| {
        bad(ErrorCode::InvalidInput, format!("expected a multipart/form-data body: {e}"))
    };
    let mut form = form.map_err(|e| not_a_form(&e))?;
    let limit = s.engine.attachment_limit();
    let Some(mut field) = form.next_field().await.map_err(|e| not_a_form(&e))? else {
        return Err(bad(ErrorCode::InvalidInput, "the form has no \"file\" field"));
    };
    if field.name() != Some("file") {
        return Err(bad(
            ErrorCode::InvalidInput,
            format!(
                "unknown form field {:?}; send the file as \"file\"",
                field.name().unwrap_or("")
            ),
        ));
    }
    let name = field.file_name().map(str::to_owned);
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| not_a_form(&e))? {
        if (bytes.len() + chunk.len()) as u64 > limit {
            // Read the rest (discarded) so the client gets this answer, not a connection
            // reset mid-upload.
            drop(std::mem::take(&mut bytes));
            while let Ok(Some(_)) = field.chunk().await {}
            return Err(HttpError(hearth_engine::attach::too_large(None, limit)));
        }
        bytes.extend_from_slice(&chunk);
    }
    let engine = s.engine.clone();
    let info = run_blocking(move || engine.add_attachment(&id, name.as_deref(), &bytes)).await?;
    Ok((StatusCode::CREATED, Json(info)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EditBody {
    text: String,
}

/// `POST /v1/sessions/{id}/messages/{message_id}/edit` `{text}` → 202 receipt of the new run.
async fn edit_message(
    State(s): State<Arc<AppState>>,
    UrlPath((id, message_id)): UrlPath<(String, String)>,
    Body(body): Body<EditBody>,
) -> Answer<impl IntoResponse> {
    Ok((StatusCode::ACCEPTED, Json(s.engine.edit_message(&id, &message_id, &body.text).await?)))
}

/// `POST /v1/sessions/{id}/messages/{message_id}/regenerate` → 202 receipt of the new run.
async fn regenerate(
    State(s): State<Arc<AppState>>,
    UrlPath((id, message_id)): UrlPath<(String, String)>,
) -> Answer<impl IntoResponse> {
    Ok((StatusCode::ACCEPTED, Json(s.engine.regenerate(&id, &message_id).await?)))
}

/// `POST /v1/sessions/{id}/messages/{message_id}/switch` → `{ok: true}`.
async fn switch_branch(
    State(s): State<Arc<AppState>>,
    UrlPath((id, message_id)): UrlPath<(String, String)>,
) -> Answer<impl IntoResponse> {
    s.engine.switch_branch(&id, &message_id).await?;
    Ok(Json(json!({"ok": true})))
}

/// `GET /v1/attachments/{id}` → the file's bytes, with its sniffed type.
async fn get_attachment(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    let (mime, bytes) = run_blocking(move || engine.attachment(&id)).await?;
    Ok(([(axum::http::header::CONTENT_TYPE, mime)], bytes))
}

async fn history(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
    params: Params,
) -> Answer<impl IntoResponse> {
    only(&params, &["limit", "before"])?;
    let limit = int_param(&params, "limit", ErrorCode::InvalidLimit)?;
    let before = params.get("before").cloned();
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.history(&id, limit, before.as_deref())).await?))
}

async fn abort(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
) -> Answer<impl IntoResponse> {
    Ok(Json(json!({"aborted": s.engine.abort(&id).await?})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SteerBody {
    text: String,
}

async fn steer(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
    Body(body): Body<SteerBody>,
) -> Answer<impl IntoResponse> {
    Ok(Json(s.engine.steer(&id, &body.text).await?))
}

/// `POST /v1/approvals/{id}` `{allow, remember?, pattern?, message?}` → `{ok: true}`.
async fn answer_approval(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
    Body(answer): Body<hearth_engine::store::approvals::ApprovalAnswer>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    run_blocking(move || engine.answer_approval(&id, &answer)).await?;
    Ok(Json(json!({"ok": true})))
}

async fn list_rules(State(s): State<Arc<AppState>>) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(json!({"rules": run_blocking(move || engine.rules()).await?})))
}

async fn add_rule(
    State(s): State<Arc<AppState>>,
    Body(rule): Body<hearth_engine::store::rules::NewRule>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok((StatusCode::CREATED, Json(run_blocking(move || engine.add_rule(&rule)).await?)))
}

async fn remove_rule(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    run_blocking(move || engine.remove_rule(&id)).await?;
    Ok(Json(json!({"ok": true})))
}

async fn list_tools(State(s): State<Arc<AppState>>) -> Answer<impl IntoResponse> {
    Ok(Json(json!({"tools": s.engine.tools().await})))
}

async fn list_mcp(State(s): State<Arc<AppState>>) -> Answer<impl IntoResponse> {
    Ok(Json(json!({"servers": s.engine.mcp_servers()})))
}

async fn add_mcp(
    State(s): State<Arc<AppState>>,
    Body(server): Body<hearth_engine::store::mcp_servers::NewMcpServer>,
) -> Answer<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(s.engine.add_mcp_server(&server).await?)))
}

async fn update_mcp(
    State(s): State<Arc<AppState>>,
    UrlPath(name): UrlPath<String>,
    Body(patch): Body<hearth_engine::store::mcp_servers::McpServerPatch>,
) -> Answer<impl IntoResponse> {
    Ok(Json(s.engine.update_mcp_server(&name, &patch).await?))
}

async fn remove_mcp(
    State(s): State<Arc<AppState>>,
    UrlPath(name): UrlPath<String>,
) -> Answer<impl IntoResponse> {
    s.engine.remove_mcp_server(&name).await?;
    Ok(Json(json!({"ok": true})))
}

async fn test_mcp(
    State(s): State<Arc<AppState>>,
    UrlPath(name): UrlPath<String>,
) -> Answer<impl IntoResponse> {
    Ok(Json(s.engine.test_mcp_server(&name).await?))
}

async fn retry(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
) -> Answer<impl IntoResponse> {
    Ok((StatusCode::ACCEPTED, Json(s.engine.retry(&id).await?)))
}

async fn clear_queue(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
) -> Answer<impl IntoResponse> {
    Ok(Json(json!({"cleared": s.engine.clear_queue(&id).await?})))
}

/// `GET /v1/models[?refresh=true]`: each account's list, cached for ten minutes unless
/// `refresh` asks the servers again.
async fn models(State(s): State<Arc<AppState>>, params: Params) -> Answer<impl IntoResponse> {
    only(&params, &["refresh"])?;
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

/// `GET /v1/sessions/{id}/events`: replay after `after_seq` (or `Last-Event-ID`), then live.
async fn events(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
    headers: HeaderMap,
    params: Params,
) -> Answer<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    only(&params, &["after_seq", "follow"])?;
    let from_header = match headers.get("last-event-id") {
        None => None,
        Some(v) => {
            Some(v.to_str().ok().and_then(|v| v.trim().parse::<i64>().ok()).ok_or_else(|| {
                bad(ErrorCode::SeqOutOfRange, "Last-Event-ID must be a seq (a whole number)")
            })?)
        }
    };
    let from_query = int_param::<i64>(&params, "after_seq", ErrorCode::SeqOutOfRange)?;
    let after_seq = from_query.or(from_header).unwrap_or(0);
    let follow = match params.get("follow").map(String::as_str) {
        None | Some("true") | Some("1") => true,
        Some("false") | Some("0") => false,
        Some(v) => {
            return Err(bad(
                ErrorCode::InvalidInput,
                format!("follow must be true or false; got {v:?}"),
            ));
        }
    };
    let (snapshot, mut subscription) = s.engine.subscribe(&id, after_seq).await?;
    let last_at_start = snapshot.last_seq;
    let stream = async_stream_frames(move |tx| async move {
        if !follow && last_at_start <= after_seq {
            return;
        }
        while let Some(frame) = subscription.frames.recv().await {
            let data = serde_json::to_string(&*frame).unwrap_or_default();
            let event =
                Event::default().id(frame.seq.to_string()).event(frame.body.kind()).data(data);
            if tx.send(event).await.is_err() {
                return;
            }
            if !follow && frame.seq >= last_at_start {
                return;
            }
        }
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)).text("keepalive")))
}

/// A stream fed by a task through a small channel (ends when the task returns).
fn async_stream_frames<F, Fut>(produce: F) -> impl Stream<Item = Result<Event, Infallible>>
where
    F: FnOnce(tokio::sync::mpsc::Sender<Event>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel(64);
    tokio::spawn(produce(tx));
    futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|e| (Ok(e), rx)) })
}

/// Binds 127.0.0.1:`port` (0 = any free port), writes `<data dir>/api.json`, and serves until
/// `shutdown` resolves. Returns the bound address through `ready` once listening.
pub async fn serve(
    engine: Arc<Engine>,
    token: String,
    port: u16,
    data_dir: &Path,
    ready: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    let api_json = data_dir.join("api.json");
    std::fs::write(&api_json, json!({"port": addr.port(), "pid": std::process::id()}).to_string())?;
    tracing::info!(%addr, "HTTP API listening");
    ready(addr);
    let app = router(Arc::new(AppState { engine, token }));
    let result = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
    let _ = std::fs::remove_file(&api_json);
    result
}

// ---- outside the window: inbox, webhooks, schedules, logs --------------------------------

async fn post_inbox(
    State(s): State<Arc<AppState>>,
    Body(post): Body<hearth_engine::inbox::InboxPost>,
) -> Answer<impl IntoResponse> {
    Ok((StatusCode::CREATED, Json(s.engine.post_inbox(&post).await?)))
}

async fn list_hooks(State(s): State<Arc<AppState>>) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(json!({"hooks": run_blocking(move || engine.hooks()).await?})))
}

async fn add_hook(
    State(s): State<Arc<AppState>>,
    Body(new): Body<hearth_engine::store::hooks::NewHook>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok((StatusCode::CREATED, Json(run_blocking(move || engine.add_hook(&new)).await?)))
}

async fn update_hook(
    State(s): State<Arc<AppState>>,
    UrlPath(name): UrlPath<String>,
    Body(patch): Body<hearth_engine::store::hooks::HookPatch>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.update_hook(&name, &patch)).await?))
}

async fn remove_hook(
    State(s): State<Arc<AppState>>,
    UrlPath(name): UrlPath<String>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    run_blocking(move || engine.remove_hook(&name)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /v1/hooks/{name}`: the hook's secret as `Authorization: Bearer …` (or
/// `X-Hearth-Hook-Secret`); an optional delivery id (`X-Hearth-Delivery`, `X-GitHub-Delivery`
/// or `Idempotency-Key`) makes a redelivery harmless. Any JSON body is the payload.
async fn fire_hook(
    State(s): State<Arc<AppState>>,
    UrlPath(name): UrlPath<String>,
    headers: HeaderMap,
    Body(payload): Body<Value>,
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

async fn list_schedules(State(s): State<Arc<AppState>>) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(json!({"schedules": run_blocking(move || engine.schedules()).await?})))
}

async fn add_schedule(
    State(s): State<Arc<AppState>>,
    Body(new): Body<hearth_engine::store::schedules::NewSchedule>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok((StatusCode::CREATED, Json(run_blocking(move || engine.add_schedule(&new)).await?)))
}

async fn get_schedule(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.schedule(&id)).await?))
}

async fn update_schedule(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
    Body(patch): Body<hearth_engine::store::schedules::SchedulePatch>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.update_schedule(&id, &patch)).await?))
}

async fn remove_schedule(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    run_blocking(move || engine.remove_schedule(&id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn run_schedule(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
) -> Answer<impl IntoResponse> {
    Ok((StatusCode::ACCEPTED, Json(s.engine.run_schedule_now(&id).await?)))
}

async fn schedule_runs(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
    params: Params,
) -> Answer<impl IntoResponse> {
    only(&params, &["limit"])?;
    let limit: u32 = int_param(&params, "limit", ErrorCode::InvalidLimit)?.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(bad(ErrorCode::InvalidLimit, "limit must be 1 to 200"));
    }
    let engine = s.engine.clone();
    Ok(Json(json!({"runs": run_blocking(move || engine.schedule_runs(&id, limit)).await?})))
}

async fn logs(params: Params) -> Answer<impl IntoResponse> {
    use hearth_engine::logging::{LogLevel, LogQuery};
    only(&params, &["level", "session_id", "q", "after_seq", "limit"])?;
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

/// The largest `POST /v1/import` body.
pub const IMPORT_LIMIT_BYTES: usize = 256 * 1024 * 1024;

async fn export_session(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
    params: Params,
) -> Answer<Response> {
    use hearth_engine::transfer::ExportFormat;
    only(&params, &["format"])?;
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

async fn import_session(
    State(s): State<Arc<AppState>>,
    Body(doc): Body<hearth_engine::transfer::SessionDocument>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok((StatusCode::CREATED, Json(run_blocking(move || engine.import_session(&doc)).await?)))
}

/// `GET /v1/memories?tier=core|archival` (all, core first) or `?q=words&limit=` (a search).
async fn list_memories(
    State(s): State<Arc<AppState>>,
    params: Params,
) -> Answer<impl IntoResponse> {
    use hearth_engine::store::memory::MemoryTier;
    only(&params, &["tier", "q", "limit"])?;
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
    let memories = run_blocking(move || match q {
        Some(q) => Ok(engine
            .search_memories(&q, limit)?
            .into_iter()
            .filter(|m| tier.is_none_or(|t| m.tier == t))
            .collect()),
        None => engine.list_memories(tier),
    })
    .await?;
    Ok(Json(json!({ "memories": memories })))
}

/// `POST /v1/memories` `{kind, tier, text}` → 201 the memory.
async fn add_memory(
    State(s): State<Arc<AppState>>,
    Body(new): Body<hearth_engine::store::memory::NewMemory>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok((StatusCode::CREATED, Json(run_blocking(move || engine.add_memory(&new)).await?)))
}

/// `PATCH /v1/memories/{id}` with the fields to change → the memory.
async fn update_memory(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
    Body(patch): Body<hearth_engine::store::memory::MemoryPatch>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.update_memory(&id, &patch)).await?))
}

/// `DELETE /v1/memories/{id}` → 204.
async fn delete_memory(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    run_blocking(move || engine.delete_memory(&id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /v1/presets` → `{presets}`, by name.
async fn list_presets(State(s): State<Arc<AppState>>) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(json!({ "presets": run_blocking(move || engine.list_presets()).await? })))
}

/// `POST /v1/presets` `{name, prompt}` → 201 the preset.
async fn add_preset(
    State(s): State<Arc<AppState>>,
    Body(new): Body<hearth_engine::store::presets::NewPreset>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok((StatusCode::CREATED, Json(run_blocking(move || engine.add_preset(&new)).await?)))
}

/// `PATCH /v1/presets/{id}` `{name?, prompt?}` → the preset.
async fn update_preset(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
    Body(patch): Body<hearth_engine::store::presets::PresetPatch>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.update_preset(&id, &patch)).await?))
}

/// `DELETE /v1/presets/{id}` → 204 (chats that took its prompt keep it).
async fn delete_preset(
    State(s): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    run_blocking(move || engine.delete_preset(&id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn get_settings(State(s): State<Arc<AppState>>) -> Answer<impl IntoResponse> {
    Ok(Json(s.engine.settings()))
}

/// `PATCH /v1/settings` with the fields to change → the settings after it.
async fn update_settings(
    State(s): State<Arc<AppState>>,
    Body(patch): Body<hearth_engine::store::settings::SettingsPatch>,
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

async fn search(State(s): State<Arc<AppState>>, params: Params) -> Answer<impl IntoResponse> {
    only(&params, &["q", "limit", "session_id"])?;
    let Some(q) = params.get("q").cloned() else {
        return Err(bad(ErrorCode::InvalidInput, "q (what to search for) is required"));
    };
    let req = hearth_engine::store::search::SearchQuery {
        q,
        limit: int_param(&params, "limit", ErrorCode::InvalidLimit)?,
        session_id: params.get("session_id").cloned(),
    };
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.search(&req)).await?))
}

async fn activity(State(s): State<Arc<AppState>>) -> Answer<impl IntoResponse> {
    let engine = s.engine.clone();
    Ok(Json(run_blocking(move || engine.activity()).await?))
}
