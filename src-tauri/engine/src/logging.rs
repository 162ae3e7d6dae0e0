//! Tracing to stderr, to a daily file (seven kept, private: see `logfile`) in the log dir, and
//! to an in-memory ring of the recent lines that the Logs page and `GET /v1/logs` read.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use tracing::field::{Field, Visit};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::{EnvFilter, fmt, layer::SubscriberExt, util::SubscriberInitExt};
use ts_rs::TS;

use crate::error::{ApiError, ErrorCode, Result};

/// Installs the global subscriber. Keep the guard alive for the process lifetime: dropping it
/// flushes the file writer. The level comes from `HEARTH_LOG` (default `info`).
pub fn init(log_dir: &Path) -> Option<WorkerGuard> {
    let filter = EnvFilter::try_from_env("HEARTH_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let file = crate::logfile::DailyFile::open(log_dir);
    let registry = tracing_subscriber::registry()
        .with(filter)
        .with(RingLayer)
        .with(fmt::layer().with_writer(std::io::stderr));
    match file {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let file_layer = fmt::layer().with_ansi(false).with_writer(writer);
            let _ = registry.with(file_layer).try_init();
            Some(guard)
        }
        Err(e) => {
            let _ = registry.try_init();
            tracing::warn!(error = %e, dir = %log_dir.display(), "file logging is off");
            None
        }
    }
}

/// How many recent lines the ring keeps.
pub const RING_LINES: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

impl From<tracing::Level> for LogLevel {
    fn from(level: tracing::Level) -> Self {
        match level {
            tracing::Level::ERROR => LogLevel::Error,
            tracing::Level::WARN => LogLevel::Warn,
            tracing::Level::INFO => LogLevel::Info,
            tracing::Level::DEBUG => LogLevel::Debug,
            tracing::Level::TRACE => LogLevel::Trace,
        }
    }
}

/// One recent log line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LogLine {
    /// Increasing for the process's lifetime: pass the last one back as `after_seq`.
    pub seq: u64,
    /// Milliseconds since the Unix epoch.
    pub ts: i64,
    pub level: LogLevel,
    /// The module that logged it, e.g. `hearth_engine::run`.
    pub target: String,
    pub message: String,
    /// The chat it is about, when it names one (`session = …`).
    pub session_id: Option<String>,
    /// The other fields, `key=value` separated by spaces.
    pub fields: String,
}

/// A filter over the ring; everything optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct LogQuery {
    /// This level and above.
    #[ts(optional)]
    pub level: Option<LogLevel>,
    #[ts(optional)]
    pub session_id: Option<String>,
    /// Lines whose message, target or fields contain this text (case-insensitive).
    #[ts(optional)]
    pub q: Option<String>,
    /// Only lines after this seq.
    #[ts(optional)]
    pub after_seq: Option<u64>,
    /// The newest this many (default 500, at most 2000).
    #[ts(optional)]
    pub limit: Option<u32>,
}

struct Ring {
    lines: VecDeque<LogLine>,
    next_seq: u64,
}

fn ring() -> &'static Mutex<Ring> {
    static RING: OnceLock<Mutex<Ring>> = OnceLock::new();
    RING.get_or_init(|| {
        Mutex::new(Ring { lines: VecDeque::with_capacity(RING_LINES), next_seq: 1 })
    })
}

/// The recent lines that pass the filter, oldest first.
pub fn recent(query: &LogQuery) -> Result<Vec<LogLine>> {
    let limit = query.limit.unwrap_or(500);
    if !(1..=RING_LINES as u32).contains(&limit) {
        return Err(ApiError::new(ErrorCode::InvalidLimit, "limit must be 1 to 2000"));
    }
    if query.q.as_ref().is_some_and(|q| q.len() > 200)
        || query.session_id.as_ref().is_some_and(|s| s.len() > 200)
    {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            "q and session_id are at most 200 characters",
        ));
    }
    let q = query.q.as_deref().map(str::to_lowercase).filter(|q| !q.is_empty());
    let ring = ring().lock().unwrap_or_else(|p| p.into_inner());
    let mut out: Vec<LogLine> = ring
        .lines
        .iter()
        .rev()
        .filter(|l| query.level.is_none_or(|min| l.level >= min))
        .filter(|l| query.after_seq.is_none_or(|after| l.seq > after))
        .filter(|l| query.session_id.as_ref().is_none_or(|s| l.session_id.as_ref() == Some(s)))
        .filter(|l| {
            q.as_ref().is_none_or(|q| {
                l.message.to_lowercase().contains(q)
                    || l.target.to_lowercase().contains(q)
                    || l.fields.to_lowercase().contains(q)
            })
        })
        .take(limit as usize)
        .cloned()
        .collect();
    out.reverse();
    Ok(out)
}

/// Appends a line (the layer calls this; tests may too).
pub fn record(
    level: LogLevel,
    target: &str,
    message: String,
    session_id: Option<String>,
    fields: String,
) {
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let mut ring = ring().lock().unwrap_or_else(|p| p.into_inner());
    let seq = ring.next_seq;
    ring.next_seq += 1;
    if ring.lines.len() == RING_LINES {
        ring.lines.pop_front();
    }
    ring.lines.push_back(LogLine {
        seq,
        ts,
        level,
        target: target.to_owned(),
        message,
        session_id,
        fields,
    });
}

/// Feeds the ring from tracing events (what passes the global filter).
struct RingLayer;

#[derive(Default)]
struct Fields {
    message: String,
    session_id: Option<String>,
    rest: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.put(field, format!("{value:?}"));
    }
}

impl Fields {
    fn put(&mut self, field: &Field, value: String) {
        match field.name() {
            "message" => self.message = value,
            "session" | "session_id" => self.session_id = Some(value),
            name => {
                if !self.rest.is_empty() {
                    self.rest.push(' ');
                }
                self.rest.push_str(name);
                self.rest.push('=');
                self.rest.push_str(&value);
            }
        }
    }
}

impl<S: tracing::Subscriber> Layer<S> for RingLayer {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let meta = event.metadata();
        record(
            (*meta.level()).into(),
            meta.target(),
            fields.message,
            fields.session_id,
            fields.rest,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ring_filters_by_level_session_and_text() {
        let marker = format!("ring-test-{}", uuid::Uuid::new_v4());
        record(LogLevel::Info, "t", format!("{marker} one"), Some("s1".into()), String::new());
        record(LogLevel::Warn, "t", format!("{marker} two"), Some("s2".into()), "code=X".into());
        record(LogLevel::Debug, "t", format!("{marker} three"), None, String::new());
        let q = |level, session: Option<&str>| {
            recent(&LogQuery {
                level,
                session_id: session.map(str::to_owned),
                q: Some(marker.clone()),
                ..LogQuery::default()
            })
            .unwrap()
            .into_iter()
            .map(|l| l.message.replace(&marker, ""))
            .collect::<Vec<_>>()
        };
        assert_eq!(q(None, None), [" one", " two", " three"]);
        assert_eq!(q(Some(LogLevel::Info), None), [" one", " two"]);
        assert_eq!(q(None, Some("s2")), [" two"]);
        assert!(recent(&LogQuery { limit: Some(0), ..LogQuery::default() }).is_err());
    }
}
