//! Schedules: prompts that run by a cron expression in a time zone, into a chat of their own
//! or a chosen one.

use hearth_engine::store::schedules::{NewSchedule, Schedule, SchedulePatch, ScheduleRun};

use super::declare::operations;

operations! {
    area: schedules, "Schedules";

    /// Every schedule, with its next time and its last run.
    schedules_list {
        ipc() -> Vec<Schedule>;
        http GET "/v1/schedules" => 200 object(schedules: Vec<Schedule>);
        errors();
    }

    /// A new schedule.
    schedule_add {
        ipc(schedule: NewSchedule) -> Schedule;
        http POST "/v1/schedules" body json(NewSchedule) => 201 json(Schedule);
        errors(InvalidSchedule, SessionNotFound, InvalidInput);
    }

    /// One schedule.
    schedule_get {
        http GET "/v1/schedules/{id}" => 200 json(Schedule);
        errors(ScheduleNotFound);
    }

    /// Changes a schedule: absent fields stay; `session_id: ""` (or `model: ""`) clears it.
    schedule_update {
        ipc(id: String, patch: SchedulePatch) -> Schedule;
        http PATCH "/v1/schedules/{id}" body json(SchedulePatch) => 200 json(Schedule);
        errors(ScheduleNotFound, InvalidSchedule, SessionNotFound, InvalidInput);
    }

    /// Removes a schedule (the chats it made stay).
    schedule_remove {
        ipc(id: String) -> ();
        http DELETE "/v1/schedules/{id}" => 204 empty;
        errors(ScheduleNotFound);
    }

    /// Fires the schedule now, whatever its next time, unless its last run is still going.
    schedule_run_now {
        ipc(id: String) -> ScheduleRun;
        http POST "/v1/schedules/{id}/run" => 202 json(ScheduleRun);
        errors(ScheduleNotFound, InvalidSchedule);
    }

    /// The schedule's past firings, newest first: `limit` of them (1 to 200, default 50).
    schedule_runs {
        ipc(id: String, limit: Option<u32>) -> Vec<ScheduleRun>;
        http GET "/v1/schedules/{id}/runs"
            query(limit: Option<u32>)
            => 200 object(runs: Vec<ScheduleRun>);
        errors(ScheduleNotFound, InvalidLimit);
    }
}
