//! One running server: starting it, its tools, its calls, and telling a crash from a stop.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::PoisonError;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use process_wrap::tokio::CommandWrap;
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CancelledNotificationParam, ClientRequest, ErrorCode,
    JsonObject, PingRequest, ServerResult,
};
use rmcp::service::{PeerRequestOptions, RunningService};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{ClientCacheConfig, Peer, RoleClient, ServiceError, serve_client};
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

use crate::config::{McpTimeouts, ServerConfig, Transport, http_headers};
use crate::content::CallOutcome;
use crate::error::{McpError, McpErrorCode};
use crate::failure::{
    crash_marker, error_chain, handshake_failed, handshake_timed_out, is_connect_failure,
    mentions_unknown_tool, result_kind, spawn_failed,
};
use crate::handler::{Events, Handler, Progress};
use crate::stderr::StderrTail;
use crate::tool::{McpTool, accept_tools};

/// How long a dead server's stderr gets to reach us before we quote it.
const STDERR_SETTLE: Duration = Duration::from_millis(500);

/// How long an idle HTTP session gets to answer a ping before it is replaced.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a stop waits for the MCP shutdown sequence (close stdin, SIGTERM, SIGKILL; rmcp
/// allows each step a few seconds) before leaving the rest to kill-on-drop.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

type Service = RunningService<RoleClient, Handler>;

/// A started, initialized server.
pub(crate) struct Connection {
    name: String,
    transport: Transport,
    peer: Peer<RoleClient>,
    /// Taken on stop; dropping it would also stop the server, but a stop waits for the exit.
    service: Mutex<Option<Service>>,
    events: Arc<Events>,
    stderr: Option<StderrTail>,
    /// The accepted tools, once listed; refreshed when the server says they changed.
    tools: Mutex<Option<Arc<Vec<McpTool>>>>,
    /// Set before a deliberate stop, so calls cut short by it are aborted, not crashed.
    stopping: AtomicBool,
    /// Set when an HTTP request failed in transit: the session may be gone (servers forget
    /// sessions when they restart), so the next use starts a new one.
    broken: AtomicBool,
    /// When the server last answered; an HTTP session idle for long is probed before use.
    last_answer: std::sync::Mutex<Instant>,
    timeouts: McpTimeouts,
}

impl Connection {
    /// Starts the server and completes the MCP handshake.
    pub(crate) async fn start(
        config: &ServerConfig,
        timeouts: McpTimeouts,
    ) -> Result<Self, McpError> {
        let name = config.name.as_str();
        let events = Arc::new(Events::default());
        let handler = Handler::new(name, Arc::clone(&events));
        let (service, stderr) = match &config.transport {
            Transport::Stdio { command, args, env } => {
                start_stdio(name, handler, command, args, env, timeouts.connect).await?
            }
            Transport::Http { url, headers } => {
                let config = StreamableHttpClientTransportConfig::with_uri(url.as_str())
                    .custom_headers(http_headers(headers)?);
                let transport = StreamableHttpClientTransport::from_config(config);
                let handshake =
                    tokio::time::timeout(timeouts.connect, serve_client(handler, transport));
                match handshake.await {
                    Ok(Ok(service)) => (service, None),
                    Ok(Err(error)) => return Err(handshake_failed(name, &error, false)),
                    Err(_) => return Err(handshake_timed_out(name, timeouts.connect)),
                }
            }
        };
        // We keep our own tool cache, invalidated by tools/list_changed; rmcp's would serve a
        // stale list when the server has died, hiding the crash.
        service.peer().set_response_cache_config(ClientCacheConfig::disabled()).await;
        let server = service.peer().peer_info();
        tracing::info!(
            server = name,
            implementation =
                server.as_ref().and_then(|s| s.server_info.as_ref()).map(|i| i.name.as_str()),
            protocol = server.as_ref().map(|s| s.protocol_version.to_string()),
            "MCP server ready"
        );
        Ok(Self {
            name: name.to_owned(),
            transport: config.transport.clone(),
            peer: service.peer().clone(),
            service: Mutex::new(Some(service)),
            events,
            stderr,
            tools: Mutex::new(None),
            stopping: AtomicBool::new(false),
            broken: AtomicBool::new(false),
            last_answer: std::sync::Mutex::new(Instant::now()),
            timeouts,
        })
    }

    /// Whether this connection was started from `transport` (a changed config means a restart).
    pub(crate) fn runs(&self, transport: &Transport) -> bool {
        &self.transport == transport
    }

    /// False once the server exited, its connection closed, or an HTTP request failed in
    /// transit.
    pub(crate) fn is_alive(&self) -> bool {
        !self.peer.is_transport_closed() && !self.broken.load(Ordering::Acquire)
    }

    /// Whether an HTTP session that has been idle still answers (a ping), so that a call is not
    /// sent into a session the server forgot when it restarted: such servers may answer with an
    /// error that cannot be matched to the call, which would then wait for its timeout.
    pub(crate) async fn responsive(&self) -> bool {
        if matches!(self.transport, Transport::Stdio { .. })
            || self.since_last_answer() < self.timeouts.idle_probe
        {
            return true;
        }
        let ping = ClientRequest::PingRequest(PingRequest::default());
        let options = PeerRequestOptions::with_timeout(PROBE_TIMEOUT);
        let answered = match self.peer.send_request_with_option(ping, options).await {
            Ok(handle) => handle.await_response().await.is_ok(),
            Err(_) => false,
        };
        if answered {
            self.answered();
        } else {
            self.broken.store(true, Ordering::Release);
        }
        answered
    }

    fn since_last_answer(&self) -> Duration {
        self.last_answer.lock().unwrap_or_else(PoisonError::into_inner).elapsed()
    }

    fn answered(&self) {
        *self.last_answer.lock().unwrap_or_else(PoisonError::into_inner) = Instant::now();
    }

    /// The error for a server that died under us, quoting its last words on stderr.
    pub(crate) async fn crashed(&self) -> McpError {
        let mut error = McpError::new(
            McpErrorCode::ServerCrashed,
            match self.transport {
                Transport::Stdio { .. } => format!(
                    "MCP server `{}` exited unexpectedly; it will be restarted on next use",
                    self.name
                ),
                Transport::Http { .. } => format!(
                    "the connection to MCP server `{}` closed; it will be reconnected on next use",
                    self.name
                ),
            },
        );
        append_stderr(&mut error, self.stderr.as_ref()).await;
        error
    }

    /// The server's tools, listed on first use and again after it says they changed (or when
    /// `refresh` asks for it).
    pub(crate) async fn tools(&self, refresh: bool) -> Result<Arc<Vec<McpTool>>, McpError> {
        let mut cached = self.tools.lock().await;
        // Clear the flag before listing: a change announced while we list marks the new list
        // stale again.
        let changed = self.events.take_tools_changed();
        if let Some(tools) = cached.as_ref().filter(|_| !changed && !refresh) {
            return Ok(Arc::clone(tools));
        }
        let listed = tokio::time::timeout(self.timeouts.request, self.peer.list_all_tools())
            .await
            .map_err(|_| {
                McpError::new(
                    McpErrorCode::Timeout,
                    format!(
                        "MCP server `{}` did not list its tools within {:?}",
                        self.name, self.timeouts.request
                    ),
                )
            })?
            .map_err(|error| self.request_failed("listing its tools", error))?;
        self.answered();
        let tools = Arc::new(accept_tools(&self.name, listed));
        *cached = Some(Arc::clone(&tools));
        Ok(tools)
    }

    /// Calls a tool the caller has checked exists; progress is routed to `progress`, and
    /// `cancel` sends `notifications/cancelled` and returns `Aborted`.
    pub(crate) async fn call(
        &self,
        tool: &str,
        arguments: Option<JsonObject>,
        cancel: &CancellationToken,
        progress: Option<tokio::sync::mpsc::UnboundedSender<Progress>>,
    ) -> Result<CallOutcome, McpError> {
        let mut params = CallToolRequestParams::new(tool.to_owned());
        params.arguments = arguments;
        let request = ClientRequest::CallToolRequest(CallToolRequest::new(params));
        let options =
            PeerRequestOptions::with_timeout(self.timeouts.call).reset_timeout_on_progress();
        let handle = self
            .peer
            .send_request_with_option(request, options)
            .await
            .map_err(|error| self.request_failed("receiving the call", error))?;
        let id = handle.id.clone();
        let _route = progress
            .map(|sender| self.events.route_progress(handle.progress_token.clone(), sender));
        // If the caller drops this future, the server still hears that the call is abandoned.
        let mut abandoned = CancelOnDrop { peer: Some(self.peer.clone()), id: Some(id.clone()) };
        let response = handle.await_response();
        tokio::pin!(response);
        let result = tokio::select! {
            result = &mut response => result,
            () = cancel.cancelled() => {
                abandoned.disarm();
                let notice = CancelledNotificationParam::new(
                    Some(id),
                    Some("cancelled by the user".to_owned()),
                );
                // Sending the notice also resolves the pending response as cancelled; wait for
                // that briefly so rmcp can clean up, but never let a dead server hold us.
                if self.peer.notify_cancelled(notice).await.is_ok() {
                    let _ = tokio::time::timeout(Duration::from_secs(1), &mut response).await;
                }
                return Err(McpError::new(
                    McpErrorCode::Aborted,
                    format!("the call to `{tool}` on MCP server `{}` was cancelled", self.name),
                ));
            }
        };
        abandoned.disarm();
        if result.is_ok() {
            self.answered();
        }
        match result.map_err(|error| self.call_error(tool, error))? {
            ServerResult::CallToolResult(result) => Ok(CallOutcome::from(result)),
            other => Err(McpError::new(
                McpErrorCode::Protocol,
                format!(
                    "MCP server `{}` answered a call to `{tool}` with something other than a tool result ({}); Hearth does not support that",
                    self.name,
                    result_kind(&other)
                ),
            )),
        }
    }

    /// Stops the server, waiting (bounded) for it to exit.
    pub(crate) async fn stop(&self) {
        self.stopping.store(true, Ordering::Release);
        let Some(mut service) = self.service.lock().await.take() else { return };
        match service.close_with_timeout(SHUTDOWN_TIMEOUT).await {
            Ok(Some(_)) => tracing::info!(server = %self.name, "stopped MCP server"),
            Ok(None) => {
                tracing::warn!(server = %self.name, "MCP server did not stop in time; it will be killed")
            }
            Err(error) => tracing::warn!(server = %self.name, %error, "stopping MCP server failed"),
        }
    }

    fn request_failed(&self, doing: &str, error: ServiceError) -> McpError {
        match error {
            ServiceError::Timeout { timeout } => McpError::new(
                McpErrorCode::Timeout,
                format!(
                    "MCP server `{}` did not answer within {timeout:?} while {doing}",
                    self.name
                ),
            ),
            ServiceError::TransportClosed if self.stopping.load(Ordering::Acquire) => {
                McpError::new(
                    McpErrorCode::Aborted,
                    format!("MCP server `{}` was stopped while {doing}", self.name),
                )
            }
            ServiceError::TransportClosed => crash_marker(&self.name),
            ServiceError::Cancelled { reason } => McpError::new(
                McpErrorCode::Aborted,
                format!(
                    "{doing} on MCP server `{}` was cancelled: {}",
                    self.name,
                    reason.as_deref().unwrap_or("no reason given")
                ),
            ),
            ServiceError::TransportSend(error)
                if matches!(self.transport, Transport::Stdio { .. }) =>
            {
                tracing::debug!(server = %self.name, %error, "writing to MCP server failed");
                crash_marker(&self.name)
            }
            ServiceError::TransportSend(error) => {
                self.broken.store(true, Ordering::Release);
                let cause = error.error.as_ref();
                let code = if is_connect_failure(cause) {
                    McpErrorCode::ConnectFailed
                } else {
                    McpErrorCode::CallFailed
                };
                McpError::new(
                    code,
                    format!(
                        "reaching MCP server `{}` failed while {doing}: {}",
                        self.name,
                        error_chain(cause)
                    ),
                )
            }
            ServiceError::McpError(error) => McpError::new(
                McpErrorCode::CallFailed,
                format!(
                    "MCP server `{}` refused {doing}: {} (JSON-RPC {})",
                    self.name, error.message, error.code.0
                ),
            ),
            ServiceError::UnexpectedResponse => McpError::new(
                McpErrorCode::Protocol,
                format!("MCP server `{}` sent an unexpected response while {doing}", self.name),
            ),
            other => McpError::new(
                McpErrorCode::CallFailed,
                format!(
                    "talking to MCP server `{}` failed while {doing}: {}",
                    self.name,
                    error_chain(&other)
                ),
            ),
        }
    }

    fn call_error(&self, tool: &str, error: ServiceError) -> McpError {
        match error {
            ServiceError::McpError(error)
                if error.code == ErrorCode::INVALID_PARAMS
                    && mentions_unknown_tool(&error.message) =>
            {
                McpError::new(
                    McpErrorCode::ToolNotFound,
                    format!("MCP server `{}` has no tool `{tool}`: {}", self.name, error.message),
                )
            }
            ServiceError::McpError(error) => McpError::new(
                McpErrorCode::CallFailed,
                format!(
                    "MCP server `{}` refused the call to `{tool}`: {} (JSON-RPC {})",
                    self.name, error.message, error.code.0
                ),
            ),
            other => self.request_failed(&format!("calling `{tool}`"), other),
        }
    }
}

/// Sends `notifications/cancelled` if a call's future is dropped before it finished.
struct CancelOnDrop {
    peer: Option<Peer<RoleClient>>,
    id: Option<rmcp::model::RequestId>,
}

impl CancelOnDrop {
    fn disarm(&mut self) {
        self.peer = None;
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        let (Some(peer), Some(id)) = (self.peer.take(), self.id.take()) else { return };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        runtime.spawn(async move {
            let notice = CancelledNotificationParam::new(
                Some(id),
                Some("the caller stopped waiting".to_owned()),
            );
            let _ = peer.notify_cancelled(notice).await;
        });
    }
}

/// Adds the server's last stderr lines to an error, when there are any.
async fn append_stderr(error: &mut McpError, stderr: Option<&StderrTail>) {
    let Some(stderr) = stderr else { return };
    let tail = stderr.text(STDERR_SETTLE).await;
    if !tail.is_empty() {
        error.message.push_str("; its last output on stderr:\n");
        error.message.push_str(&tail);
    }
}

/// Spawns a stdio server (capturing its stderr) and completes the handshake; a failure quotes
/// what the server said on stderr, which is usually why it failed.
async fn start_stdio(
    name: &str,
    handler: Handler,
    command: &str,
    args: &[String],
    env: &BTreeMap<String, String>,
    connect: Duration,
) -> Result<(Service, Option<StderrTail>), McpError> {
    let mut command_line = tokio::process::Command::new(command);
    // The server inherits no secret of Hearth's; it gets the ones configured for it (`env`).
    command_line
        .env_clear()
        .envs(hearth_protocol::env::inherited(std::env::vars()))
        .args(args)
        .envs(env)
        .kill_on_drop(true);
    let mut wrapped = CommandWrap::from(command_line);
    // Its own process group: a stop reaches what the server started, and a Ctrl-C in Hearth's
    // terminal does not reach the server.
    #[cfg(unix)]
    wrapped.wrap(process_wrap::tokio::ProcessGroup::leader());
    let (child, stderr) = TokioChildProcess::builder(wrapped)
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| spawn_failed(name, command, &error))?;
    tracing::info!(server = name, pid = child.id(), "started MCP server");
    let stderr = stderr.map(|stream| StderrTail::capture(name, stream));
    let mut failure = match tokio::time::timeout(connect, serve_client(handler, child)).await {
        Ok(Ok(service)) => return Ok((service, stderr)),
        Ok(Err(error)) => handshake_failed(name, &error, true),
        Err(_) => handshake_timed_out(name, connect),
    };
    append_stderr(&mut failure, stderr.as_ref()).await;
    Err(failure)
}
