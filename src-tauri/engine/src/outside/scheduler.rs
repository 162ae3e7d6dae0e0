//! The scheduler: schedules fire as background turns in their chats, and the schedules' API.
//! loop, the sweep, and the activity the tray shows.

use std::sync::{Arc, Weak};
use std::time::Duration;

use crate::Engine;
use crate::chat::SendMessage;
use crate::core::Shared;
use crate::error::{ApiError, ErrorCode, Result};
use crate::frames::{Frame, FrameBody};
use crate::outside::schedules::{self, Slot};
use crate::store::schedules::{
    self as sched_store, NewSchedule, Schedule, SchedulePatch, ScheduleRow, ScheduleRun,
    ScheduleRunStatus,
};
use crate::store::sessions::CreateSession;

/// The longest the scheduler sleeps before looking again (a clock change, a missed wake).
const SCHEDULER_MAX_SLEEP: Duration = Duration::from_secs(30);

pub(crate) async fn schedule_run_ended(shared: &Arc<Shared>, frame: &Frame) {
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

pub(crate) async fn scheduler_loop(shared: Weak<Shared>) {
    loop {
        let Some(strong) = shared.upgrade() else { return };
        if let Err(e) = run_due(&strong).await {
            tracing::warn!("the scheduler failed: {}", e.message);
        }
        let now = strong.store.now();
        let next = strong.read(sched_store::next_due).await.ok().flatten();
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

async fn run_due(shared: &Arc<Shared>) -> Result<Vec<ScheduleRun>> {
    let now = shared.store.now();
    let due: Vec<ScheduleRow> = shared
        .read(move |c| -> Result<_> {
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

impl Engine {
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
        Ok(self.shared.store.read(|c| sched_store::runs(c, id, limit.clamp(1, 200)))?)
    }

    /// Fires what is due at the store clock's now (the scheduler loop calls this; tests that
    /// move the clock call it themselves).
    pub async fn run_due_schedules(&self) -> Result<Vec<ScheduleRun>> {
        run_due(&self.shared).await
    }
}
