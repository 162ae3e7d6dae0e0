//! What happens outside a chat's own turns: proactive messages, webhooks, schedules and their
//! loop, the sweep, and the activity the tray shows.

use std::sync::{Arc, Weak};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::chat::{ContentBlock, MessageSource, Role, SendMessage};
use crate::error::{ApiError, ErrorCode, Result};
use crate::frames::{Frame, FrameBody};
use crate::inbox::{self, InboxPost, InboxReceipt};
use crate::schedules::{self, Slot};
use crate::store::hooks::{self, Hook, HookPatch, HookReceipt, HookWithSecret, NewHook};
use crate::store::messages;
use crate::store::schedules::{
    self as sched_store, NewSchedule, Schedule, SchedulePatch, ScheduleRow, ScheduleRun,
    ScheduleRunStatus,
};
use crate::store::sessions::CreateSession;
use crate::{Engine, Shared, secrets, sweep};

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
/// The scheduler looks at least this often (a clock change, a machine waking up).
const SCHEDULER_MAX_SLEEP: Duration = Duration::from_secs(30);

pub(crate) fn start(shared: &Arc<Shared>) {
    if let Err(e) = shared.store.write(sched_store::settle) {
        tracing::warn!("schedule runs could not be settled: {}", e.message);
    }
    let weak = Arc::downgrade(shared);
    let stopped = shared.stopped.clone();
    shared.runtime.spawn(async move {
        tokio::select! {
            () = stopped.cancelled() => {}
            () = scheduler_loop(weak.clone()) => {}
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
                Ok(frame) => schedule_run_ended(&shared, &frame).await,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    let _ = shared.write(|tx, _| sched_store::settle(tx)).await;
                }
                Err(_) => return,
            }
        }
    });
}

/// A run ended: if a schedule fired it, its firing takes the run's status.
async fn schedule_run_ended(shared: &Arc<Shared>, frame: &Frame) {
    let (FrameBody::RunCompleted { status, error, .. }, Some(run_id)) =
        (&frame.body, frame.run_id.clone())
    else {
        return;
    };
    let status = schedules::run_status(*status);
    let note = error.as_ref().map(|e| format!("{}: {}", e.code.name(), e.message));
    let done = shared
        .write(move |tx, _| sched_store::finish_run(tx, &run_id, status, note.as_deref()))
        .await;
    if let Err(e) = done {
        tracing::warn!("a schedule run could not be recorded: {}", e.message);
    }
}

async fn scheduler_loop(shared: Weak<Shared>) {
    loop {
        let Some(strong) = shared.upgrade() else { return };
        if let Err(e) = run_due(&strong).await {
            tracing::warn!("the scheduler failed: {}", e.message);
        }
        let now = strong.store.now();
        let next = strong
            .read(|c| {
                Ok(c.query_row(
                    "SELECT MIN(next_run_at) FROM schedules WHERE enabled = 1",
                    [],
                    |r| r.get::<_, Option<i64>>(0),
                )?)
            })
            .await
            .ok()
            .flatten();
        let sleep = next.map_or(SCHEDULER_MAX_SLEEP, |at| {
            Duration::from_millis(u64::try_from(at - now).unwrap_or(0)).min(SCHEDULER_MAX_SLEEP)
        });
        let wake = strong.clone();
        drop(strong);
        tokio::select! {
            () = tokio::time::sleep(sleep.max(Duration::from_millis(50))) => {}
            () = wake.schedules_changed.notified() => {}
        }
    }
}

async fn sweep_loop(shared: Weak<Shared>) {
    loop {
        let Some(strong) = shared.upgrade() else { return };
        let store = strong.store.clone();
        let days = strong.settings().event_retention_days;
        drop(strong);
        let swept = tokio::task::spawn_blocking(move || sweep::sweep(&store, days)).await;
        if let Ok(Err(e)) = swept {
            tracing::warn!("the sweep failed: {}", e.message);
        }
        tokio::time::sleep(SWEEP_EVERY).await;
    }
}

/// Fires every schedule whose slot has come (see [`schedules`] for the rules). Returns the
/// firings it recorded, skipped ones included.
async fn run_due(shared: &Arc<Shared>) -> Result<Vec<ScheduleRun>> {
    let now = shared.store.now();
    let due: Vec<ScheduleRow> = shared
        .read(move |c| {
            Ok(sched_store::all(c)?
                .into_iter()
                .filter(|r| r.enabled && r.next_run_at.is_some_and(|at| at <= now))
                .collect())
        })
        .await?;
    let paused = shared.settings().schedules_paused;
    let mut fired = Vec::new();
    for row in due {
        let due_at = row.next_run_at.unwrap_or(now);
        let id = row.id.clone();
        let running = shared.read(move |c| sched_store::has_running(c, &id)).await?;
        let run = match schedules::decide(due_at, now, row.catch_up, paused, running) {
            Slot::Fire | Slot::CatchUp => fire(shared, &row, due_at).await?,
            Slot::Skip(reason) => {
                let run = ScheduleRun {
                    id: uuid::Uuid::now_v7().to_string(),
                    schedule_id: row.id.clone(),
                    session_id: row.session_id.clone(),
                    run_id: None,
                    due_at,
                    fired_at: now,
                    status: ScheduleRunStatus::Skipped,
                    note: Some(reason.note().to_owned()),
                };
                let r = run.clone();
                shared.write(move |tx, _| sched_store::insert_run(tx, &r)).await?;
                tracing::info!(schedule = %row.id, reason = reason.note(), "schedule slot skipped");
                run
            }
        };
        // The next slot after now: a run missed many times is caught up (or skipped) once.
        let next = schedules::next_for(&row, now.max(due_at));
        let id = row.id.clone();
        shared.write(move |tx, _| sched_store::set_next_run(tx, &id, next)).await?;
        fired.push(run);
    }
    Ok(fired)
}

/// Starts one firing: records it, then sends the prompt (into a new chat when the schedule
/// has none). A firing that cannot start is recorded as an error with the reason.
async fn fire(shared: &Arc<Shared>, row: &ScheduleRow, due_at: i64) -> Result<ScheduleRun> {
    let now = shared.store.now();
    let mut run = ScheduleRun {
        id: uuid::Uuid::now_v7().to_string(),
        schedule_id: row.id.clone(),
        session_id: row.session_id.clone(),
        run_id: None,
        due_at,
        fired_at: now,
        status: ScheduleRunStatus::Running,
        note: None,
    };
    let r = run.clone();
    if !shared.write(move |tx, _| sched_store::insert_run(tx, &r)).await? {
        // This slot fired already (before a crash): never twice.
        let (id, limit) = (row.id.clone(), 50);
        let runs = shared.read(move |c| sched_store::runs(c, &id, limit)).await?;
        return Ok(runs.into_iter().find(|r| r.due_at == due_at).unwrap_or(run));
    }
    let started = async {
        let session_id = match &row.session_id {
            Some(id) => id.clone(),
            None => {
                let req = CreateSession {
                    title: Some(row.name.clone()),
                    model: row.model.clone(),
                    ..CreateSession::default()
                };
                shared.store.create_session(&req)?.id
            }
        };
        let req = SendMessage {
            text: row.prompt.clone(),
            client_msg_id: Some(format!("schedule:{}:{due_at}", row.id)),
            ..SendMessage::default()
        };
        let receipt = shared.send(&session_id, req).await?;
        Ok::<_, ApiError>((session_id, receipt.run_id))
    }
    .await;
    let (status, note) = match &started {
        Ok((session_id, run_id)) => {
            run.session_id = Some(session_id.clone());
            run.run_id = Some(run_id.clone());
            tracing::info!(schedule = %row.id, session = %session_id, "schedule fired");
            (ScheduleRunStatus::Running, None)
        }
        Err(e) => {
            tracing::warn!(schedule = %row.id, code = ?e.code, "a schedule could not start: {}", e.message);
            (ScheduleRunStatus::Error, Some(format!("{}: {}", e.code.name(), e.message)))
        }
    };
    run.status = status;
    run.note = note.clone();
    let r = run.clone();
    shared
        .write(move |tx, _| {
            sched_store::update_run(
                tx,
                &r.id,
                r.session_id.as_deref(),
                r.run_id.as_deref(),
                status,
                note.as_deref(),
            )
        })
        .await?;
    // The run may have ended before the firing was written: settle it against the run.
    if run.run_id.is_some() {
        shared.write(|tx, _| sched_store::settle(tx)).await?;
    }
    Ok(run)
}

fn schedule_not_found(id: &str) -> ApiError {
    ApiError::new(ErrorCode::ScheduleNotFound, format!("no schedule {id:?}"))
}

fn hook_not_found(name: &str) -> ApiError {
    ApiError::new(ErrorCode::HookNotFound, format!("no webhook {name:?} (or it is turned off)"))
}

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

    pub fn activity(&self) -> Result<Activity> {
        self.shared.store.read(|c| {
            let count = |sql: &str| c.query_row(sql, [], |r| r.get::<_, u32>(0));
            Ok(Activity {
                running: count("SELECT COUNT(*) FROM runs WHERE status = 'running'")?,
                queued: count("SELECT COUNT(*) FROM runs WHERE status = 'queued'")?,
                waiting_approval: count("SELECT COUNT(*) FROM approvals WHERE status = 'pending'")?,
            })
        })
    }

    /// The store and the keyring, checked now.
    pub fn health_checks(&self) -> Vec<HealthCheck> {
        let store = self.shared.store.read(|c| {
            Ok(c.query_row("SELECT COUNT(*) FROM sessions", [], |r| r.get::<_, i64>(0))?)
        });
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
        sweep::sweep(&self.shared.store, self.shared.settings().event_retention_days)
    }

    // ---- inbox -----------------------------------------------------------------------------

    /// A proactive message: an assistant-role message with source `external`, in the given
    /// chat or the thread's inbox chat, announced by a `proactive_message` frame. Returns once
    /// both are committed.
    pub async fn post_inbox(&self, post: &InboxPost) -> Result<InboxReceipt> {
        inbox::validate_post(post)?;
        let (session_id, origin) = match &post.session_id {
            Some(id) => (self.shared.store.get_session(id)?.id, "inbox".to_owned()),
            None => {
                let thread = post.thread.as_deref().unwrap_or("inbox");
                let session = self.shared.store.inbox_session(thread, post.title.as_deref())?;
                let origin =
                    if thread == "inbox" { "inbox".to_owned() } else { format!("inbox:{thread}") };
                (session.id, origin)
            }
        };
        let message_id = uuid::Uuid::now_v7().to_string();
        let (sid, mid, text) = (session_id.clone(), message_id.clone(), post.text.clone());
        self.shared
            .write(move |tx, now| {
                let content = [ContentBlock::Text { text }];
                let message = messages::NewMessage {
                    role: Role::Assistant,
                    source: MessageSource::External,
                    ..messages::NewMessage::user(&mid, &sid, &content, true)
                };
                messages::insert(tx, &message, now)
            })
            .await?;
        self.shared.writer.append(
            &session_id,
            None,
            FrameBody::ProactiveMessage {
                message_id: message_id.clone(),
                text: post.text.clone(),
                origin,
                notify: post.notify.unwrap_or(true),
            },
        );
        self.shared.writer.flush(&session_id).await?;
        tracing::info!(session = %session_id, message = %message_id, "proactive message");
        Ok(InboxReceipt { session_id, message_id })
    }

    // ---- webhooks --------------------------------------------------------------------------

    pub fn hooks(&self) -> Result<Vec<Hook>> {
        self.shared.store.read(hooks::all)
    }

    /// Makes a hook and its secret (kept in the keyring; returned only here).
    pub fn add_hook(&self, new: &NewHook) -> Result<HookWithSecret> {
        inbox::validate_hook_name(&new.name)?;
        inbox::validate_template(&new.template)?;
        let session_id = new.session_id.clone().filter(|s| !s.is_empty());
        if let Some(id) = &session_id {
            self.shared.store.get_session(id)?;
        }
        if self.shared.store.read(|c| hooks::get(c, &new.name))?.is_some() {
            return Err(ApiError::new(
                ErrorCode::InvalidHook,
                format!("there is already a webhook named {:?}", new.name),
            ));
        }
        let secret = secrets::new_token();
        secrets::set_secret(&inbox::hook_secret_name(&new.name), &secret)?;
        let hook = Hook {
            name: new.name.clone(),
            session_id,
            template: new.template.clone(),
            enabled: new.enabled.unwrap_or(true),
            created_at: self.shared.store.now(),
            last_fired_at: None,
        };
        if let Err(e) = self.shared.store.write(|tx| hooks::upsert(tx, &hook)) {
            let _ = secrets::delete_secret(&inbox::hook_secret_name(&new.name));
            return Err(e);
        }
        tracing::info!(hook = %hook.name, "webhook added");
        Ok(HookWithSecret { hook, secret: Some(secret) })
    }

    pub fn update_hook(&self, name: &str, patch: &HookPatch) -> Result<HookWithSecret> {
        let mut hook =
            self.shared.store.read(|c| hooks::get(c, name))?.ok_or_else(|| hook_not_found(name))?;
        if let Some(t) = &patch.template {
            inbox::validate_template(t)?;
            hook.template = t.clone();
        }
        if let Some(id) = &patch.session_id {
            if !id.is_empty() {
                self.shared.store.get_session(id)?;
            }
            hook.session_id = Some(id.clone()).filter(|s| !s.is_empty());
        }
        if let Some(enabled) = patch.enabled {
            hook.enabled = enabled;
        }
        let secret = if patch.rotate_secret == Some(true) {
            let secret = secrets::new_token();
            secrets::set_secret(&inbox::hook_secret_name(name), &secret)?;
            Some(secret)
        } else {
            None
        };
        self.shared.store.write(|tx| hooks::upsert(tx, &hook))?;
        Ok(HookWithSecret { hook, secret })
    }

    pub fn remove_hook(&self, name: &str) -> Result<()> {
        if !self.shared.store.write(|tx| hooks::delete(tx, name))? {
            return Err(hook_not_found(name));
        }
        let _ = secrets::delete_secret(&inbox::hook_secret_name(name));
        tracing::info!(hook = %name, "webhook removed");
        Ok(())
    }

    /// A webhook call: `secret` must be the hook's; the payload goes through its template
    /// into a background turn. `delivery` (a sender's delivery id) makes a repeat harmless.
    pub async fn fire_hook(
        &self,
        name: &str,
        secret: Option<&str>,
        delivery: Option<&str>,
        payload: &serde_json::Value,
    ) -> Result<HookReceipt> {
        let unauthorized =
            || ApiError::new(ErrorCode::Unauthorized, "wrong or missing webhook secret");
        let hook = self
            .shared
            .store
            .read(|c| hooks::get(c, name))?
            .filter(|h| h.enabled)
            .ok_or_else(|| hook_not_found(name))?;
        let expected = secrets::secret(&inbox::hook_secret_name(name))?.ok_or_else(unauthorized)?;
        if !secret.is_some_and(|s| secrets::token_matches(s, &expected)) {
            return Err(unauthorized());
        }
        if let Some(d) = delivery
            && (d.is_empty() || d.len() > 128)
        {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "the delivery id is 1 to 128 characters",
            ));
        }
        let session_id = match &hook.session_id {
            Some(id) => id.clone(),
            None => {
                let title = format!("Webhook: {name}");
                self.shared.store.inbox_session(&format!("hook:{name}"), Some(&title))?.id
            }
        };
        let req = SendMessage {
            text: inbox::render_template(name, &hook.template, payload),
            client_msg_id: delivery.map(|d| format!("hook:{name}:{d}")),
            source: Some(MessageSource::External),
            ..SendMessage::default()
        };
        let receipt = self.shared.send(&session_id, req).await?;
        let now = self.shared.store.now();
        self.shared.store.write(|tx| hooks::fired(tx, name, now))?;
        tracing::info!(hook = %name, session = %session_id, "webhook fired");
        Ok(HookReceipt { session_id, message_id: receipt.message_id, run_id: receipt.run_id })
    }

    // ---- schedules -------------------------------------------------------------------------

    fn schedule_row(&self, id: &str) -> Result<ScheduleRow> {
        self.shared.store.read(|c| sched_store::get(c, id))?.ok_or_else(|| schedule_not_found(id))
    }

    fn public_schedule(&self, row: ScheduleRow) -> Result<Schedule> {
        let id = row.id.clone();
        let last = self.shared.store.read(|c| sched_store::runs(c, &id, 1))?.into_iter().next();
        Ok(schedules::to_public(row, last))
    }

    pub fn schedules(&self) -> Result<Vec<Schedule>> {
        let rows = self.shared.store.read(sched_store::all)?;
        rows.into_iter().map(|r| self.public_schedule(r)).collect()
    }

    pub fn schedule(&self, id: &str) -> Result<Schedule> {
        self.public_schedule(self.schedule_row(id)?)
    }

    pub fn add_schedule(&self, new: &NewSchedule) -> Result<Schedule> {
        let row = schedules::new_row(new, self.shared.store.now())?;
        if let Some(id) = &row.session_id {
            self.shared.store.get_session(id)?;
        }
        self.shared.store.write(|tx| sched_store::upsert(tx, &row))?;
        self.shared.schedules_changed.notify_one();
        tracing::info!(schedule = %row.id, cron = %row.cron, tz = %row.timezone, "schedule added");
        self.public_schedule(row)
    }

    pub fn update_schedule(&self, id: &str, patch: &SchedulePatch) -> Result<Schedule> {
        let before = self.schedule_row(id)?;
        let row = schedules::patched_row(&before, patch, self.shared.store.now())?;
        if let Some(sid) = &row.session_id
            && row.session_id != before.session_id
        {
            self.shared.store.get_session(sid)?;
        }
        self.shared.store.write(|tx| sched_store::upsert(tx, &row))?;
        self.shared.schedules_changed.notify_one();
        self.public_schedule(row)
    }

    pub fn remove_schedule(&self, id: &str) -> Result<()> {
        if !self.shared.store.write(|tx| sched_store::delete(tx, id))? {
            return Err(schedule_not_found(id));
        }
        self.shared.schedules_changed.notify_one();
        Ok(())
    }

    /// Fires the schedule now (even while paused or disabled), unless its last run is still
    /// going.
    pub async fn run_schedule_now(&self, id: &str) -> Result<ScheduleRun> {
        let row = self.schedule_row(id)?;
        let sid = row.id.clone();
        if self.shared.read(move |c| sched_store::has_running(c, &sid)).await? {
            return Err(ApiError::new(
                ErrorCode::InvalidSchedule,
                "the schedule's previous run is still going",
            ));
        }
        fire(&self.shared, &row, self.shared.store.now()).await
    }

    /// The schedule's firings, newest first.
    pub fn schedule_runs(&self, id: &str, limit: u32) -> Result<Vec<ScheduleRun>> {
        self.schedule_row(id)?;
        self.shared.store.read(|c| sched_store::runs(c, id, limit.clamp(1, 200)))
    }

    /// Fires what is due at the store clock's now (the scheduler loop calls this; tests that
    /// move the clock call it themselves).
    pub async fn run_due_schedules(&self) -> Result<Vec<ScheduleRun>> {
        run_due(&self.shared).await
    }
}
