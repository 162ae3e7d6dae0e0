//! The state every part of the engine shares: the store, the writer, accounts, tools,
//! settings, the session actors and the runs waiting for approvals. One `Arc<Shared>` is held
//! by the engine, each actor and each run; nothing here knows how a turn runs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::error::{ApiError, ErrorCode, Result};
use crate::store::Store;
use crate::turn::mailbox::ActorHandle;
use crate::turn::writer::Writer;
use crate::{accounts, store, tools};

/// State shared by the engine, its actors and its runs.
/// Where a run waits for an approval's answer: (approval id, answer).
pub(crate) type ApprovalSender =
    tokio::sync::mpsc::UnboundedSender<(String, store::approvals::ApprovalAnswer)>;

pub(crate) struct Shared {
    pub store: Arc<Store>,
    pub writer: Writer,
    pub accounts: accounts::Accounts,
    pub runtime: tokio::runtime::Handle,
    pub(crate) actors: Mutex<HashMap<String, ActorHandle>>,
    /// Set by [`Engine::shutdown`]: runs cut now end `interrupted`, queued ones stay queued.
    pub shutting_down: std::sync::atomic::AtomicBool,
    /// The loopback port of the HTTP API (0: not serving), which tools never reach.
    pub api_port: std::sync::atomic::AtomicU16,
    /// Title sessions after their first reply (`HEARTH_AUTO_TITLE=0` turns it off whatever
    /// the setting says).
    pub auto_title: bool,
    /// How long a model call may go without a content event.
    pub stream_idle: std::time::Duration,
    /// Extra environment for agent CLIs ([`crate::EngineOptions::agent_env`]).
    pub agent_env: Vec<(String, String)>,
    /// The user's settings, as last written.
    pub settings: std::sync::RwLock<store::settings::Settings>,
    pub tools: tools::Tools,
    /// Runs waiting for an approval's answer, by approval id.
    pub(crate) approvals: Mutex<HashMap<String, ApprovalSender>>,
    /// Wakes the scheduler when schedules change.
    pub schedules_changed: tokio::sync::Notify,
    /// Cancelled when the engine is dropped: the background loops stop.
    pub stopped: tokio_util::sync::CancellationToken,
}

impl Shared {
    pub(crate) fn waiting_approvals(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, ApprovalSender>> {
        self.approvals.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn settings(&self) -> store::settings::Settings {
        self.settings.read().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Shared {
    /// One write transaction off the async threads; `f` gets it and the store's clock. `f`
    /// fails with a store error or the engine's own.
    pub(crate) async fn write<T: Send + 'static, E>(
        &self,
        f: impl FnOnce(&store::Tx<'_>, i64) -> std::result::Result<T, E> + Send + 'static,
    ) -> Result<T>
    where
        E: From<store::StoreError> + Into<ApiError> + Send + 'static,
    {
        let store = self.store.clone();
        blocking(move || {
            let now = store.now();
            store.write(|tx| f(tx, now)).map_err(Into::into)
        })
        .await
    }

    /// A read off the async threads.
    pub(crate) async fn read<T: Send + 'static, E>(
        &self,
        f: impl FnOnce(&store::Conn) -> std::result::Result<T, E> + Send + 'static,
    ) -> Result<T>
    where
        E: From<store::StoreError> + Into<ApiError> + Send + 'static,
    {
        let store = self.store.clone();
        blocking(move || store.read(f).map_err(Into::into)).await
    }

    pub(crate) fn drop_actor(&self, session_id: &str) {
        self.actors.lock().unwrap_or_else(|p| p.into_inner()).remove(session_id);
    }
}

/// Runs blocking store work off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("a storage task failed: {e}")))?
}
