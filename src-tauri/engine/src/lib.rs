//! Hearth's engine: what turns data into behaviour, without a window.
//!
//! Owns: sessions and their durable turns (session actors → runs → the writer → the event log →
//! the live bus → subscribers), the runtimes a turn runs on (the `Runtime` seam and the built-in
//! agent loop), accounts and their keys in the keyring, tools and MCP servers, approvals, the
//! inbox, webhooks, schedules and the sweep. Its rooms: `core` (the state every part shares),
//! `facade/` (the public API by concern), `turn/`, `runtimes/`, `outside/`.
//! Must never: depend on `tauri` or any UI toolkit, run SQL of its own (every statement is in
//! `hearth-store`), print a secret, or let a window own a run (runs belong to the engine, so
//! they outlive every window and connection).

pub mod accounts;
pub mod attach;
pub mod bindings;
mod core;
mod facade;
pub mod local;
mod logfile;
pub mod logging;
pub mod memory;
pub mod outside;
pub mod paths;
pub mod policy;
pub mod presets;
pub mod runtimes;
pub mod secrets;
pub mod tools;
pub mod transfer;
pub mod turn;
pub mod usage;

// The types the engine speaks and stores, under the paths its callers know.
pub use hearth_protocol::{chat, error, frames};
pub use hearth_providers as provider;
pub use hearth_providers::models;
pub use hearth_store as store;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;

pub use chat::{History, SendMessage, SendReceipt, SteerMode, SteerReceipt, SubscribeSnapshot};
pub use error::{ApiError, ErrorCode, Result};
pub use frames::{Frame, FrameBody};
pub use hearth_protocol::runtime::RuntimeKind;
pub use outside::{background, inbox, schedules};
pub use store::sessions::{CreateSession, ListSessions, Session, SessionPage, UpdateSession};
pub use store::{Store, StoreOptions};
pub use turn::subscribe::{self, Subscription};
pub use turn::writer;

use core::Shared;
use turn::mailbox::{ActorHandle, Cmd};
use turn::repair;
use turn::writer::Writer;

/// How to open the engine: store options, model accounts, auto-title.
pub struct EngineOptions {
    pub store: StoreOptions,
    pub accounts: accounts::AccountsConfig,
    /// Title sessions after their first reply with the session's model.
    pub auto_title: bool,
    /// Run the scheduler and the hourly sweep (tests that move the clock by hand turn this off
    /// and call [`Engine::run_due_schedules`] and [`Engine::sweep`] themselves).
    pub background: bool,
    /// How long a model call may go without a content event before it ends
    /// `STREAM_STALLED` (`HEARTH_STREAM_IDLE_SECS`; default
    /// [`hearth_protocol::limits::DEFAULT_STREAM_IDLE_SECS`]).
    pub stream_idle: std::time::Duration,
    /// Variables added to an agent CLI's environment (after Hearth's own, secrets removed):
    /// tests give Claude Code a temporary config dir and home this way.
    pub agent_env: Vec<(String, String)>,
}

/// The default idle time of a model call.
pub fn default_stream_idle() -> std::time::Duration {
    std::time::Duration::from_secs(hearth_protocol::limits::DEFAULT_STREAM_IDLE_SECS)
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            store: StoreOptions::default(),
            accounts: Default::default(),
            auto_title: true,
            background: true,
            stream_idle: default_stream_idle(),
            agent_env: Vec::new(),
        }
    }
}

impl EngineOptions {
    /// Defaults, with accounts and the auto-title setting (`HEARTH_AUTO_TITLE=0` turns it
    /// off) from the environment.
    pub fn from_env() -> EngineOptions {
        EngineOptions {
            store: StoreOptions::default(),
            accounts: accounts::AccountsConfig::from_env(),
            auto_title: std::env::var("HEARTH_AUTO_TITLE")
                .map_or(true, |v| v != "0" && v != "false"),
            background: true,
            stream_idle: std::env::var("HEARTH_STREAM_IDLE_SECS")
                .ok()
                .and_then(|v| v.parse::<u64>().ok())
                .filter(|secs| *secs > 0)
                .map_or_else(default_stream_idle, std::time::Duration::from_secs),
            agent_env: Vec::new(),
        }
    }
}

impl From<StoreOptions> for EngineOptions {
    fn from(store: StoreOptions) -> Self {
        EngineOptions { store, ..EngineOptions::from_env() }
    }
}

/// The engine: shared by the shell, the HTTP API and tests (behind an `Arc`).
pub struct Engine {
    shared: Arc<Shared>,
    /// When no tokio runtime was running at `open`, the engine brings its own.
    _own_runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Engine {
    /// Commits what is queued, stops the writer and releases the data dir, so a new engine
    /// (or process) can open it at once.
    fn drop(&mut self) {
        self.shared.stopped.cancel();
        self.shared.writer.shutdown();
        self.shared.store.release_lock();
    }
}

impl Engine {
    /// Opens (creating and migrating if needed) the store in `data_dir`, repairs runs a dead
    /// process left `running`, and resumes queued sends.
    pub fn open(data_dir: &Path) -> Result<Engine> {
        Engine::open_with(data_dir, EngineOptions::from_env())
    }

    pub fn open_with(data_dir: &Path, options: impl Into<EngineOptions>) -> Result<Engine> {
        let options = options.into();
        let store = Arc::new(Store::open(data_dir, options.store)?);
        let (runtime, own_runtime) = match tokio::runtime::Handle::try_current() {
            Ok(handle) => (handle, None),
            Err(_) => {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("hearth-engine")
                    .enable_all()
                    .build()
                    .map_err(|e| {
                        ApiError::new(ErrorCode::Internal, format!("cannot start the runtime: {e}"))
                    })?;
                (rt.handle().clone(), Some(rt))
            }
        };
        let writer = Writer::start(store.clone());
        repair::interrupted_runs(&store, &writer)?;
        let stored_accounts = store.read(store::accounts::all)?;
        let settings = store.read(store::settings::load)?;
        let mcp_servers = store.read(store::mcp_servers::all)?;
        let shared = Arc::new(Shared {
            store,
            writer,
            accounts: accounts::Accounts::new(&options.accounts, stored_accounts),
            runtime,
            actors: Mutex::new(HashMap::new()),
            shutting_down: std::sync::atomic::AtomicBool::new(false),
            api_port: std::sync::atomic::AtomicU16::new(0),
            auto_title: options.auto_title,
            stream_idle: options.stream_idle,
            agent_env: options.agent_env.clone(),
            settings: std::sync::RwLock::new(settings),
            tools: tools::Tools::new(
                mcp_servers,
                Box::new(|name| secrets::secret(name).ok().flatten()),
            ),
            approvals: Mutex::new(HashMap::new()),
            schedules_changed: tokio::sync::Notify::new(),
            stopped: tokio_util::sync::CancellationToken::new(),
        });
        shared.tools.remember_in(shared.store.clone());
        let engine = Engine { shared, _own_runtime: own_runtime };
        for session_id in engine.shared.store.read(store::runs::sessions_with_queue)? {
            engine.actor(&session_id)?;
        }
        if options.background {
            background::start(&engine.shared);
        }
        tracing::info!(db = %engine.shared.store.db_path().display(), "engine ready");
        Ok(engine)
    }

    pub fn store(&self) -> &Store {
        &self.shared.store
    }

    /// The HTTP API listens on `port` (loopback): no tool ever reaches it.
    pub fn serving_on(&self, port: u16) {
        self.shared.api_port.store(port, std::sync::atomic::Ordering::SeqCst);
    }

    /// Stops for good: runs in flight end `interrupted` (their partial replies kept), queued
    /// sends stay queued for the next start, and every frame is committed.
    pub async fn shutdown(&self) {
        self.shared.shutting_down.store(true, std::sync::atomic::Ordering::SeqCst);
        let actors: Vec<ActorHandle> = self
            .shared
            .actors
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect();
        let mut waits = Vec::new();
        for actor in actors {
            let (reply, answer) = oneshot::channel();
            if actor.tx.send(Cmd::Abort { reply }).is_ok() {
                waits.push(answer);
            }
        }
        let all = futures_util::future::join_all(waits);
        let _ = tokio::time::timeout(Duration::from_secs(3), all).await;
        let _ = tokio::time::timeout(Duration::from_secs(3), self.shared.tools.stop_all()).await;
        let writer = self.shared.writer.clone();
        let _ = tokio::task::spawn_blocking(move || writer.shutdown()).await;
    }

    /// Waits until every frame produced so far is committed (tests and shutdown).
    pub async fn flush(&self, session_id: &str) -> Result<i64> {
        self.shared.writer.flush(session_id).await
    }
}
