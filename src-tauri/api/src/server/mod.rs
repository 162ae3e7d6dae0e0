//! The loopback HTTP API. Every route but `/v1/health`, `/v1/prove` and webhook deliveries
//! needs `Authorization: Bearer <token>`; every error is `{"error": {"code", "message"}}` with
//! the code's HTTP status.
//!
//! In front of every route, the fallback included, [`doors`] answers only the `Host`s the API
//! serves and no request a browser page sent, before any token or body is looked at.
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
        app::api_prove,
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
        .layer(middleware::from_fn_with_state(state.clone(), doors))
        .with_state(state)
}

/// Who may knock at all. A `Host` other than the loopback names of our port is a page that
/// rebound its own DNS name to 127.0.0.1 (or a proxy that did not rewrite it); an `Origin`
/// or a `Sec-Fetch-Site` other than `none` is a web page's request — and no page calls this
/// API: the webview talks over IPC (its CSP's `connect-src` allows nothing else), and curl,
/// the CLI and webhook senders send neither. A URL typed into the address bar is `none`.
async fn doors(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let host = headers.get("host").and_then(|v| v.to_str().ok());
    // An absolute-form target (`GET http://host/ …`) names its host too.
    let target = req.uri().authority().map(|a| a.as_str());
    let served = |h: &str| host_is_served(h, state.port);
    if !host.is_some_and(served) || !target.is_none_or(served) {
        return support::bad(
            ErrorCode::HostNotAllowed,
            "this API answers only to Host 127.0.0.1, localhost or [::1] with its port",
        )
        .into_response();
    }
    let fetch_site = headers.get("sec-fetch-site").map(|v| v.as_bytes());
    if headers.contains_key("origin") || fetch_site.is_some_and(|s| s != b"none") {
        return support::bad(ErrorCode::OriginNotAllowed, "web pages may not call this API")
            .into_response();
    }
    next.run(req).await
}

/// `127.0.0.1:<port>`, `localhost:<port>` or `[::1]:<port>` (any case); without the port
/// only when it is 80, where clients leave it out.
fn host_is_served(host: &str, port: u16) -> bool {
    let host = host.to_ascii_lowercase();
    let (name, given) = match host.rsplit_once(':') {
        Some((name, p)) if !name.is_empty() && !p.contains(']') => (name, p.parse::<u16>().ok()),
        _ => (host.as_str(), Some(80)),
    };
    given == Some(port) && matches!(name, "127.0.0.1" | "localhost" | "[::1]")
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
    let nonce = hearth_engine::secrets::new_token();
    let info = json!({"port": addr.port(), "pid": std::process::id(), "nonce": nonce});
    write_private(&api_json, info.to_string().as_bytes())?;
    tracing::info!(%addr, "HTTP API listening");
    engine.serving_on(addr.port());
    ready(addr);
    let app = router(Arc::new(AppState { engine, token, port: addr.port(), nonce }));
    let result = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
    let _ = std::fs::remove_file(&api_json);
    result
}

/// Writes a file only its owner may read (it holds the nonce), replacing any old one.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("json.tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::host_is_served;

    #[test]
    fn only_the_loopback_names_of_our_port_are_served() {
        for (host, port, served) in [
            ("127.0.0.1:7821", 7821, true),
            ("localhost:7821", 7821, true),
            ("LOCALHOST:7821", 7821, true),
            ("[::1]:7821", 7821, true),
            ("127.0.0.1", 80, true),
            ("localhost", 80, true),
            ("[::1]", 80, true),
            ("127.0.0.1", 7821, false),
            ("127.0.0.1:7822", 7821, false),
            ("127.0.0.1:07821x", 7821, false),
            ("evil.example:7821", 7821, false),
            ("localhost.evil.example:7821", 7821, false),
            ("127.0.0.2:7821", 7821, false),
            ("0.0.0.0:7821", 7821, false),
            ("[::1]:7821:7821", 7821, false),
            (":7821", 7821, false),
            ("", 7821, false),
            ("user@127.0.0.1:7821", 7821, false),
        ] {
            assert_eq!(host_is_served(host, port), served, "Host {host:?} on port {port}");
        }
    }
}
