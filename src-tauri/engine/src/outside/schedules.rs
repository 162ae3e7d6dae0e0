//! Schedules: a prompt that fires on a cron expression in a time zone, as a background turn in
//! a chosen chat (or a new chat per run).
//!
//! Rules: one slot fires at most once (firings are keyed by their due time, and the send is
//! idempotent on `schedule:<id>:<due>`); never two runs of one schedule at once (a slot that
//! comes while the last run is still going is recorded as skipped); a slot more than
//! [`LATE_AFTER_MS`] late — Hearth was closed, the machine slept — is "missed": caught up once
//! or skipped, per schedule. Time comes from the store's clock, so tests move it.

use std::str::FromStr;

use chrono::TimeZone;
use croner::Cron;

use crate::error::{ApiError, ErrorCode, Result};
use crate::store::schedules::{
    NewSchedule, Schedule, SchedulePatch, ScheduleRow, ScheduleRun, ScheduleRunStatus,
};

/// A slot this late did not fire on time: it was missed.
pub const LATE_AFTER_MS: i64 = 2 * 60 * 1000;
pub const MAX_PROMPT_CHARS: usize = 100_000;
pub const MAX_NAME_CHARS: usize = 100;

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidSchedule, message)
}

pub fn parse_cron(expr: &str) -> Result<Cron> {
    let expr = expr.trim();
    if expr.is_empty() || expr.len() > 200 {
        return Err(invalid("the cron expression is empty or too long"));
    }
    Cron::from_str(expr).map_err(|e| invalid(format!("the cron expression {expr:?}: {e}")))
}

pub fn parse_timezone(name: &str) -> Result<chrono_tz::Tz> {
    chrono_tz::Tz::from_str(name.trim()).map_err(|_| {
        invalid(format!("{name:?} is not a time zone (use an IANA name such as Europe/Berlin)"))
    })
}

/// The first slot strictly after `after_ms` (Unix ms), in the schedule's zone. Times a DST
/// change skips fire when the gap ends (a 02:30 job runs at 03:00 that night); times it
/// repeats fire once.
pub fn next_after(cron: &Cron, tz: chrono_tz::Tz, after_ms: i64) -> Option<i64> {
    let after = tz.timestamp_millis_opt(after_ms).single()?;
    cron.find_next_occurrence(&after, false).ok().map(|t| t.timestamp_millis())
}

/// The next slot of a stored schedule, or None while it is disabled (or never fires again).
pub fn next_for(row: &ScheduleRow, after_ms: i64) -> Option<i64> {
    if !row.enabled {
        return None;
    }
    let cron = parse_cron(&row.cron).ok()?;
    let tz = parse_timezone(&row.timezone).ok()?;
    next_after(&cron, tz, after_ms)
}

/// What becomes of a slot that is due now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Fire,
    /// Missed and caught up: fire once, for all the slots missed.
    CatchUp,
    Skip(SkipReason),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    Missed,
    Paused,
    StillRunning,
}

impl SkipReason {
    pub fn note(self) -> &'static str {
        match self {
            SkipReason::Missed => "missed while Hearth was not running",
            SkipReason::Paused => "schedules were paused",
            SkipReason::StillRunning => "the previous run was still going",
        }
    }
}

/// The decision for a due slot; pure, so every case is tested without a clock.
pub fn decide(due_at: i64, now: i64, catch_up: bool, paused: bool, running: bool) -> Slot {
    if paused {
        Slot::Skip(SkipReason::Paused)
    } else if running {
        Slot::Skip(SkipReason::StillRunning)
    } else if now - due_at > LATE_AFTER_MS {
        if catch_up { Slot::CatchUp } else { Slot::Skip(SkipReason::Missed) }
    } else {
        Slot::Fire
    }
}

fn clean_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(invalid("a schedule's name is 1 to 100 characters"));
    }
    Ok(name.to_owned())
}

fn clean_prompt(prompt: &str) -> Result<String> {
    if prompt.trim().is_empty() || prompt.chars().count() > MAX_PROMPT_CHARS {
        return Err(invalid("the prompt is empty or over 100,000 characters"));
    }
    Ok(prompt.to_owned())
}

/// A new row from the form, validated; `next_run_at` computed from `now`.
pub fn new_row(req: &NewSchedule, now: i64) -> Result<ScheduleRow> {
    let mut row = ScheduleRow {
        id: uuid::Uuid::now_v7().to_string(),
        name: clean_name(&req.name)?,
        cron: req.cron.trim().to_owned(),
        timezone: req.timezone.as_deref().unwrap_or("UTC").trim().to_owned(),
        prompt: clean_prompt(&req.prompt)?,
        session_id: req.session_id.clone().filter(|s| !s.is_empty()),
        model: req.model.clone().filter(|m| !m.is_empty()),
        catch_up: req.catch_up.unwrap_or(false),
        enabled: req.enabled.unwrap_or(true),
        next_run_at: None,
        created_at: now,
        updated_at: now,
    };
    check_timing(&row)?;
    row.next_run_at = next_for(&row, now);
    Ok(row)
}

/// The row after a patch, validated; the next slot recomputed from `now`.
pub fn patched_row(before: &ScheduleRow, patch: &SchedulePatch, now: i64) -> Result<ScheduleRow> {
    let mut row = before.clone();
    if let Some(name) = &patch.name {
        row.name = clean_name(name)?;
    }
    if let Some(cron) = &patch.cron {
        row.cron = cron.trim().to_owned();
    }
    if let Some(tz) = &patch.timezone {
        row.timezone = tz.trim().to_owned();
    }
    if let Some(prompt) = &patch.prompt {
        row.prompt = clean_prompt(prompt)?;
    }
    if let Some(session_id) = &patch.session_id {
        row.session_id = Some(session_id.clone()).filter(|s| !s.is_empty());
    }
    if let Some(model) = &patch.model {
        row.model = Some(model.clone()).filter(|m| !m.is_empty());
    }
    if let Some(catch_up) = patch.catch_up {
        row.catch_up = catch_up;
    }
    if let Some(enabled) = patch.enabled {
        row.enabled = enabled;
    }
    check_timing(&row)?;
    row.updated_at = now;
    row.next_run_at = next_for(&row, now);
    Ok(row)
}

fn check_timing(row: &ScheduleRow) -> Result<()> {
    let cron = parse_cron(&row.cron)?;
    let tz = parse_timezone(&row.timezone)?;
    if let Some(model) = &row.model {
        crate::store::sessions::validate_model(model)
            .map_err(|e| invalid(format!("model: {}", e.message())))?;
    }
    // An expression that never fires (30 February) is a mistake, not a schedule.
    if next_after(&cron, tz, 0).is_none() {
        return Err(invalid(format!("{:?} never fires", row.cron)));
    }
    Ok(())
}

pub fn to_public(row: ScheduleRow, last_run: Option<ScheduleRun>) -> Schedule {
    row.with_last_run(last_run)
}

pub fn run_status(status: crate::frames::RunStatus) -> ScheduleRunStatus {
    use crate::frames::RunStatus;
    match status {
        RunStatus::Done => ScheduleRunStatus::Done,
        RunStatus::Error => ScheduleRunStatus::Error,
        RunStatus::Aborted => ScheduleRunStatus::Aborted,
        RunStatus::Interrupted => ScheduleRunStatus::Interrupted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, Utc};

    fn ms(tz: chrono_tz::Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
        let naive = NaiveDate::from_ymd_opt(y, mo, d).unwrap().and_hms_opt(h, mi, 0).unwrap();
        tz.from_local_datetime(&naive).earliest().unwrap().timestamp_millis()
    }

    fn local(tz: chrono_tz::Tz, at: i64) -> String {
        tz.timestamp_millis_opt(at).unwrap().format("%Y-%m-%d %H:%M %Z").to_string()
    }

    fn next(expr: &str, tz: chrono_tz::Tz, after: i64) -> i64 {
        next_after(&parse_cron(expr).unwrap(), tz, after).unwrap()
    }

    #[test]
    fn a_daily_time_keeps_its_local_hour_across_dst_changes() {
        let berlin = chrono_tz::Europe::Berlin;
        // The night clocks go forward (29 March 2026, 02:00 → 03:00).
        let before = ms(berlin, 2026, 3, 28, 10, 0);
        let first = next("0 9 * * *", berlin, before);
        assert_eq!(local(berlin, first), "2026-03-29 09:00 CEST");
        assert_eq!(first - next("0 9 * * *", berlin, before - 24 * 3600 * 1000), 23 * 3600 * 1000);
        // 02:30 does not exist that night: that day's run comes when the gap ends, not never.
        let gap = next("30 2 * * *", berlin, ms(berlin, 2026, 3, 28, 12, 0));
        assert_eq!(local(berlin, gap), "2026-03-29 03:00 CEST");
        assert_eq!(local(berlin, next("30 2 * * *", berlin, gap)), "2026-03-30 02:30 CEST");
        // 02:30 happens twice on 25 October 2026: it fires once.
        let fall = ms(berlin, 2026, 10, 24, 12, 0);
        let once = next("30 2 * * *", berlin, fall);
        assert_eq!(local(berlin, once), "2026-10-25 02:30 CEST");
        let after = next("30 2 * * *", berlin, once);
        assert_eq!(local(berlin, after), "2026-10-26 02:30 CET");
    }

    #[test]
    fn month_ends_and_leap_days() {
        let utc = chrono_tz::UTC;
        // The 31st skips the months that have none.
        let a = next("0 12 31 * *", utc, ms(utc, 2026, 4, 1, 0, 0));
        assert_eq!(local(utc, a), "2026-05-31 12:00 UTC");
        // Last day of the month (`L`), in February of a leap year and not.
        assert_eq!(
            local(utc, next("0 8 L * *", utc, ms(utc, 2028, 2, 1, 0, 0))),
            "2028-02-29 08:00 UTC"
        );
        assert_eq!(
            local(utc, next("0 8 L * *", utc, ms(utc, 2027, 2, 1, 0, 0))),
            "2027-02-28 08:00 UTC"
        );
        // 29 February only.
        assert_eq!(
            local(utc, next("0 0 29 2 *", utc, ms(utc, 2026, 3, 1, 0, 0))),
            "2028-02-29 00:00 UTC"
        );
        // Year end.
        assert_eq!(
            local(utc, next("0 0 1 1 *", utc, ms(utc, 2026, 12, 31, 23, 59))),
            "2027-01-01 00:00 UTC"
        );
    }

    #[test]
    fn bad_expressions_and_zones_are_refused() {
        for bad in ["", "* * *", "61 * * * *", "0 25 * * *", "banana", "0 0 30 2 *"] {
            let row = ScheduleRow {
                id: "s".into(),
                name: "n".into(),
                cron: bad.into(),
                timezone: "UTC".into(),
                prompt: "p".into(),
                session_id: None,
                model: None,
                catch_up: false,
                enabled: true,
                next_run_at: None,
                created_at: 0,
                updated_at: 0,
            };
            assert_eq!(check_timing(&row).unwrap_err().code, ErrorCode::InvalidSchedule, "{bad:?}");
        }
        assert!(parse_timezone("Mars/Olympus").is_err());
        assert!(parse_timezone("America/New_York").is_ok());
        let now = Utc::now().timestamp_millis();
        let req = NewSchedule {
            name: "  ".into(),
            cron: "0 9 * * *".into(),
            timezone: None,
            prompt: "p".into(),
            session_id: None,
            model: None,
            catch_up: None,
            enabled: None,
        };
        assert_eq!(new_row(&req, now).unwrap_err().code, ErrorCode::InvalidSchedule);
    }

    #[test]
    fn due_slots_fire_catch_up_or_skip() {
        let t = 1_000_000_000_000;
        assert_eq!(decide(t, t + 500, false, false, false), Slot::Fire);
        assert_eq!(
            decide(t, t + LATE_AFTER_MS + 1, false, false, false),
            Slot::Skip(SkipReason::Missed)
        );
        assert_eq!(decide(t, t + 86_400_000, true, false, false), Slot::CatchUp);
        assert_eq!(decide(t, t, true, true, false), Slot::Skip(SkipReason::Paused));
        assert_eq!(decide(t, t, false, false, true), Slot::Skip(SkipReason::StillRunning));
    }
}
