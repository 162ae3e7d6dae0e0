//! What happens outside a chat's own turns: proactive messages, webhooks, schedules and their
//! loop, the sweep, and the activity the tray shows.

use std::sync::{Arc, Weak};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::core::Shared;
use crate::error::Result;
use crate::frames::Frame;
use crate::outside::scheduler;
use crate::store::schedules::{self as sched_store};
use crate::store::sweep;
use crate::{Engine, secrets};

/// What is going on now, for the tray: runs working, waiting in queues, and tool calls
/// waiting for the user's answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Activity {
    pub running: u32,
    pub queued: u32,
    pub waiting_approval: u32,
}

impl Activity {
    /// Whether anything is in flight (quitting now would interrupt it).
    pub fn is_busy(&self) -> bool {
        self.running + self.queued + self.waiting_approval > 0
    }
}

/// One line of the health check in settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HealthCheck {
    /// `store`, `keyring`, `notifications`, `api`.
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

/// How often the sweep runs after the one at start.
const SWEEP_EVERY: Duration = Duration::from_secs(3600);

pub(crate) fn start(shared: &Arc<Shared>) {
    if let Err(e) = shared.store.write(sched_store::settle) {
        tracing::warn!("schedule runs could not be settled: {}", e.message());
    }
    let weak = Arc::downgrade(shared);
    let stopped = shared.stopped.clone();
    shared.runtime.spawn(async move {
        tokio::select! {
            () = stopped.cancelled() => {}
            () = scheduler::scheduler_loop(weak.clone()) => {}
        }
    });
    let weak = Arc::downgrade(shared);
    let stopped = shared.stopped.clone();
    shared.runtime.spawn(async move {
        tokio::select! {
            () = stopped.cancelled() => {}
            () = sweep_loop(weak) => {}
        }
    });
    let mut watch = shared.writer.bus().watch();
    let weak = Arc::downgrade(shared);
    let stopped = shared.stopped.clone();
    shared.runtime.spawn(async move {
        loop {
            let frame = tokio::select! {
                () = stopped.cancelled() => return,
                frame = watch.recv() => frame,
            };
            let Some(shared) = weak.upgrade() else { return };
            match frame {
                Ok(frame) => scheduler::schedule_run_ended(&shared, &frame).await,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    let _ = shared.write(|tx, _| sched_store::settle(tx)).await;
                }
                Err(_) => return,
            }
        }
    });
}

/// A run ended: if a schedule fired it, its firing takes the run's status.
async fn sweep_loop(shared: Weak<Shared>) {
    loop {
        let Some(strong) = shared.upgrade() else { return };
        let store = strong.store.clone();
        let days = strong.settings().event_retention_days;
        drop(strong);
        let swept = tokio::task::spawn_blocking(move || sweep::sweep(&store, days)).await;
        if let Ok(Err(e)) = swept {
            tracing::warn!("the sweep failed: {}", e.message());
        }
        tokio::time::sleep(SWEEP_EVERY).await;
    }
}

/// Fires every schedule whose slot has come (see [`schedules`] for the rules). Returns the
/// firings it recorded, skipped ones included.
impl Engine {
    // ---- activity --------------------------------------------------------------------------

    /// Committed frames of every session that change what is running, waiting or new.
    pub fn watch(&self) -> tokio::sync::broadcast::Receiver<Arc<Frame>> {
        self.shared.writer.bus().watch()
    }

    /// Ids of sessions created, imported, changed, deleted or restored, by any caller (the
    /// window, the HTTP API, a script): a window's list follows them.
    pub fn watch_sessions(&self) -> tokio::sync::broadcast::Receiver<String> {
        self.shared.writer.bus().watch_sessions()
    }

    /// The approvals waiting for the user (the oldest `limit`), each with its chat's title:
    /// what the tray lists.
    pub fn waiting_approvals(
        &self,
        limit: u32,
    ) -> Result<Vec<(crate::store::approvals::Approval, String)>> {
        Ok(self.shared.store.read(|c| crate::store::approvals::pending_all(c, limit))?)
    }

    pub fn activity(&self) -> Result<Activity> {
        let (running, queued, waiting_approval) =
            self.shared.store.read(crate::store::runs::activity)?;
        Ok(Activity { running, queued, waiting_approval })
    }

    /// The store and the keyring, checked now.
    pub fn health_checks(&self) -> Vec<HealthCheck> {
        let store = self
            .shared
            .store
            .read(crate::store::sessions::count_all)
            .map_err(crate::error::ApiError::from);
        let keyring = secrets::secret("health-check");
        vec![
            HealthCheck {
                name: "store".into(),
                ok: store.is_ok(),
                detail: match store {
                    Ok(n) => format!("{} ({n} chats)", self.shared.store.db_path().display()),
                    Err(e) => e.message,
                },
            },
            HealthCheck {
                name: "keyring".into(),
                ok: keyring.is_ok(),
                detail: match keyring {
                    Ok(_) => "the OS keyring answers".into(),
                    Err(e) => e.message,
                },
            },
        ]
    }

    /// Purges what is due (see [`sweep`]); also runs at start and hourly.
    pub fn sweep(&self) -> Result<sweep::SweepReport> {
        Ok(sweep::sweep(&self.shared.store, self.shared.settings().event_retention_days)?)
    }
}
