//! The loopback HTTP API. Every route but `/v1/health` needs `Authorization: Bearer <token>`;
//! every error is `{"error": {"code", "message"}}` with the code's HTTP status.
//!
//! The router serves exactly the routes declared in `crate::ops` (method, path, auth and
//! body limit come from there); each handler lives in the file of its area and is named after
//! its operation.

mod accounts;
mod app;
mod attachments;
mod hooks;
mod mcp;
mod memory;
mod presets;
mod schedules;
mod sessions;
mod support;
mod tools;
mod turns;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::handler::Handler;
use axum::http::HeaderMap;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter};
use hearth_engine::Engine;
use hearth_engine::error::ErrorCode;
use serde_json::json;

use crate::ops;
use crate::ops::schema::{Auth, BodyLimit, DEFAULT_BODY_LIMIT, Http, Method};
pub use crate::ops::sessions::IMPORT_LIMIT_BYTES;
pub use support::{AppState, Body, HttpError};

/// Every route: `area::operation` is both the declaration in `ops::area` and its handler here.
macro_rules! routes {
    ($($area:ident :: $op:ident),* $(,)?) => {
        Routes::new() $(.add(&ops::$area::$op::HTTP, $area::$op))*
    };
}

fn routes() -> Routes {
    routes![
        sessions::session_list,
        sessions::session_create,
        sessions::session_get,
        sessions::session_update,
        sessions::session_delete,
        sessions::session_restore,
        sessions::search,
        sessions::session_export,
        sessions::session_import,
        turns::chat_history,
        turns::chat_events,
        turns::chat_send,
        turns::chat_abort,
        turns::chat_steer,
        turns::chat_clear_queue,
        turns::chat_retry,
        turns::chat_edit,
        turns::chat_regenerate,
        turns::chat_switch_branch,
        attachments::attachment_add,
        attachments::attachment_get,
        tools::approval_answer,
        tools::rules_list,
        tools::rule_add,
        tools::rule_remove,
        tools::tools_list,
        accounts::models_list,
        mcp::mcp_servers_list,
        mcp::mcp_server_add,
        mcp::mcp_server_update,
        mcp::mcp_server_remove,
        mcp::mcp_server_test,
        memory::memories_list,
        memory::memory_add,
        memory::memory_update,
        memory::memory_remove,
        presets::presets_list,
        presets::preset_add,
        presets::preset_update,
        presets::preset_remove,
        schedules::schedules_list,
        schedules::schedule_add,
        schedules::schedule_get,
        schedules::schedule_update,
        schedules::schedule_remove,
        schedules::schedule_run_now,
        schedules::schedule_runs,
        hooks::inbox_post,
        hooks::hooks_list,
        hooks::hook_add,
        hooks::hook_update,
        hooks::hook_remove,
        hooks::hook_fire,
        app::api_health,
        app::settings_get,
        app::settings_update,
        app::logs_recent,
        app::activity,
    ]
}

/// The router, for `hearth serve`, the desktop app and tests.
pub fn router(state: Arc<AppState>) -> Router {
    let Routes { open, authed, .. } = routes();
    Router::new()
        .merge(open)
        .merge(authed.route_layer(middleware::from_fn_with_state(state.clone(), auth)))
        .fallback(|| async { support::bad(ErrorCode::NotFound, "no such route") })
        .layer(DefaultBodyLimit::max(DEFAULT_BODY_LIMIT))
        .with_state(state)
}

/// The operations the router serves, in routing order (each once).
pub fn served_operations() -> Vec<&'static str> {
    routes().served
}

/// The routes as they are added: those that need the token apart from those that do not.
struct Routes {
    open: Router<Arc<AppState>>,
    authed: Router<Arc<AppState>>,
    served: Vec<&'static str>,
}

impl Routes {
    fn new() -> Routes {
        Routes { open: Router::new(), authed: Router::new(), served: Vec::new() }
    }

    /// Serves `http`'s method and path with `handler`.
    fn add<H, T>(mut self, http: &'static Http, handler: H) -> Routes
    where
        H: Handler<T, Arc<AppState>>,
        T: 'static,
    {
        let filter = match http.method {
            Method::Get => MethodFilter::GET,
            Method::Post => MethodFilter::POST,
            Method::Patch => MethodFilter::PATCH,
            Method::Delete => MethodFilter::DELETE,
        };
        let route: MethodRouter<Arc<AppState>> = axum::routing::on(filter, handler);
        // Inside the router's default limit, so a route's own limit wins.
        let route = match http.limit {
            BodyLimit::Default => route,
            BodyLimit::Max(bytes) => route.layer(DefaultBodyLimit::max(bytes)),
            BodyLimit::Unchecked => route.layer(DefaultBodyLimit::disable()),
        };
        match http.auth {
            Auth::Token => self.authed = self.authed.route(http.path, route),
            // Webhook deliveries carry the hook's own secret, checked by the engine.
            Auth::HookSecret | Auth::Open => self.open = self.open.route(http.path, route),
        }
        self.served.push(http.op);
        self
    }
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
        return support::bad(
            ErrorCode::Unauthorized,
            "missing or wrong API token (see `hearth token`)",
        )
        .into_response();
    }
    next.run(req).await
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
    engine.serving_on(addr.port());
    ready(addr);
    let app = router(Arc::new(AppState { engine, token }));
    let result = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
    let _ = std::fs::remove_file(&api_json);
    result
}
