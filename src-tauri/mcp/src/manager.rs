//! The servers Hearth is connected to, by name: started on first use, restarted after a crash
//! or a configuration change, stopped on request or when the manager drops.
//!
//! A crash is reported once, to the use that meets it (with the server's stderr tail), and the
//! server is started again on the use after that, so a crash loop never spins by itself.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::config::{McpTimeouts, ServerConfig};
use crate::connection::Connection;
use crate::content::CallOutcome;
use crate::error::{McpError, McpErrorCode};
use crate::tool::McpTool;

/// Receives a call's progress: (progress, total, message) as the server reports it.
pub type ProgressSender = UnboundedSender<(f64, Option<f64>, Option<String>)>;

/// Hearth's MCP servers. Cheap to clone (all clones share the servers); stdio servers are
/// killed when the last clone drops.
#[derive(Clone, Default)]
pub struct McpManager {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    servers: Mutex<HashMap<String, Slot>>,
    timeouts: McpTimeouts,
}

#[derive(Default)]
struct Slot {
    /// Held while the server starts or stops, so concurrent first uses start it once.
    transition: Arc<tokio::sync::Mutex<()>>,
    running: Option<Arc<Connection>>,
}

impl McpManager {
    pub fn new() -> Self {
        Self::default()
    }

    /// A manager with other timeouts than the defaults.
    pub fn with_timeouts(timeouts: McpTimeouts) -> Self {
        Self { inner: Arc::new(Inner { servers: Mutex::default(), timeouts }) }
    }

    /// Starts (if not running) and lists the server's tools; cached until the server says
    /// tools/list_changed (then refreshed on next call) or it is restarted.
    pub async fn tools(&self, server: &ServerConfig) -> Result<Vec<McpTool>, McpError> {
        let connection = self.connection(server).await?;
        match connection.tools(false).await {
            Ok(tools) => Ok(tools.as_ref().clone()),
            Err(error) => Err(self.after_error(&server.name, &connection, error).await),
        }
    }

    /// Calls a tool; `progress` gets (progress, total, message) notifications when the server
    /// sends them; cancel → sends notifications/cancelled and returns Aborted. A server that
    /// crashed/exited gives ServerCrashed (a clear message incl. its stderr tail for stdio) and
    /// is restarted on the NEXT use.
    pub async fn call(
        &self,
        server: &ServerConfig,
        tool: &str,
        args: Value,
        cancel: CancellationToken,
        progress: Option<ProgressSender>,
    ) -> Result<CallOutcome, McpError> {
        let aborted = || {
            McpError::new(
                McpErrorCode::Aborted,
                format!("the call to `{tool}` on MCP server `{}` was cancelled", server.name),
            )
        };
        if cancel.is_cancelled() {
            return Err(aborted());
        }
        let arguments = match args {
            Value::Null => None,
            Value::Object(arguments) => Some(arguments),
            other => {
                return Err(McpError::new(
                    McpErrorCode::CallFailed,
                    format!("the arguments for `{tool}` must be a JSON object, not {other}"),
                ));
            }
        };
        let connection = tokio::select! {
            biased;
            () = cancel.cancelled() => return Err(aborted()),
            prepared = self.prepare_call(server, tool) => prepared?,
        };
        match connection.call(tool, arguments, &cancel, progress).await {
            Ok(outcome) => Ok(outcome),
            Err(error) => Err(self.after_error(&server.name, &connection, error).await),
        }
    }

    /// Stops the server (when it is disabled or removed), waiting for it to exit.
    pub async fn stop(&self, name: &str) {
        let Some(transition) = self.lock().get(name).map(|slot| Arc::clone(&slot.transition))
        else {
            return;
        };
        let _transition = transition.lock().await;
        let running = self.lock().get_mut(name).and_then(|slot| slot.running.take());
        if let Some(connection) = running {
            connection.stop().await;
        }
    }

    /// Stops every server, together.
    pub async fn stop_all(&self) {
        let names: Vec<String> = self.lock().keys().cloned().collect();
        let mut stopping = tokio::task::JoinSet::new();
        for name in names {
            let manager = self.clone();
            stopping.spawn(async move { manager.stop(&name).await });
        }
        while stopping.join_next().await.is_some() {}
    }

    /// Whether the server is started and its connection still open.
    pub fn is_running(&self, name: &str) -> bool {
        self.lock()
            .get(name)
            .and_then(|slot| slot.running.as_ref())
            .is_some_and(|connection| connection.is_alive())
    }

    /// The running connection for `server`, starting it when needed and checking the tool
    /// exists (listing again once before saying it does not, in case the list changed silently).
    async fn prepare_call(
        &self,
        server: &ServerConfig,
        tool: &str,
    ) -> Result<Arc<Connection>, McpError> {
        let connection = self.connection(server).await?;
        for refresh in [false, true] {
            match connection.tools(refresh).await {
                Ok(tools) if tools.iter().any(|t| t.name == tool) => return Ok(connection),
                Ok(_) => {}
                Err(error) => return Err(self.after_error(&server.name, &connection, error).await),
            }
        }
        Err(McpError::new(
            McpErrorCode::ToolNotFound,
            format!("MCP server `{}` has no tool `{tool}`", server.name),
        ))
    }

    /// The running connection for `server`, one that answers: an idle HTTP session that no
    /// longer does is replaced by a new one without bothering the caller.
    async fn connection(&self, server: &ServerConfig) -> Result<Arc<Connection>, McpError> {
        let connection = self.current_or_start(server).await?;
        if connection.responsive().await {
            return Ok(connection);
        }
        tracing::info!(server = %server.name, "MCP server session no longer answers; starting a new one");
        self.forget(&server.name, &connection);
        tokio::spawn(async move { connection.stop().await });
        self.current_or_start(server).await
    }

    /// The current connection for `server`, or a new one if there is none or its configuration
    /// changed. A connection found dead is reported as crashed and forgotten.
    async fn current_or_start(&self, server: &ServerConfig) -> Result<Arc<Connection>, McpError> {
        server.validate()?;
        let transition = {
            let mut servers = self.lock();
            let slot = servers.entry(server.name.clone()).or_default();
            if let Some(running) = slot.running.as_ref().filter(|c| current(c, server)) {
                return Ok(Arc::clone(running));
            }
            Arc::clone(&slot.transition)
        };
        let _transition = transition.lock().await;
        // Someone may have started (or changed) it while we waited.
        let previous = {
            let mut servers = self.lock();
            let slot = servers.entry(server.name.clone()).or_default();
            if let Some(running) = slot.running.as_ref().filter(|c| current(c, server)) {
                return Ok(Arc::clone(running));
            }
            slot.running.take()
        };
        if let Some(previous) = previous {
            if previous.runs(&server.transport) {
                return Err(previous.crashed().await);
            }
            tracing::info!(server = %server.name, "MCP server configuration changed; restarting it");
            previous.stop().await;
        }
        let started = Arc::new(Connection::start(server, self.inner.timeouts).await?);
        self.lock().entry(server.name.clone()).or_default().running = Some(Arc::clone(&started));
        Ok(started)
    }

    /// After a failed request: a crashed server, or an HTTP session that failed in transit, is
    /// forgotten so the next use starts afresh; a crash is reported with what the server last
    /// said.
    async fn after_error(
        &self,
        name: &str,
        connection: &Arc<Connection>,
        error: McpError,
    ) -> McpError {
        let crashed = error.code == McpErrorCode::ServerCrashed;
        if crashed || !connection.is_alive() {
            self.forget(name, connection);
        }
        if crashed { connection.crashed().await } else { error }
    }

    /// Drops `connection` from its slot, unless another has replaced it already.
    fn forget(&self, name: &str, connection: &Arc<Connection>) {
        if let Some(slot) = self.lock().get_mut(name)
            && slot.running.as_ref().is_some_and(|running| Arc::ptr_eq(running, connection))
        {
            slot.running = None;
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Slot>> {
        self.inner.servers.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Whether a connection can serve `server` as configured now.
fn current(connection: &Connection, server: &ServerConfig) -> bool {
    connection.runs(&server.transport) && connection.is_alive()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::config::Transport;

    #[test]
    fn the_manager_and_its_futures_can_cross_threads() {
        fn shared<T: Clone + Send + Sync>(_: &T) {}
        fn sendable<T: Send>(_: &T) {}
        let manager = McpManager::new();
        shared(&manager);
        let server = ServerConfig {
            name: "s".into(),
            transport: Transport::Stdio { command: "x".into(), args: vec![], env: BTreeMap::new() },
        };
        sendable(&manager.tools(&server));
        sendable(&manager.call(&server, "t", Value::Null, CancellationToken::new(), None));
        sendable(&manager.stop("s"));
        sendable(&manager.stop_all());
    }
}
