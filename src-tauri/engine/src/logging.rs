//! Tracing to stderr and to a daily-rotated file (seven kept) in the log dir.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{EnvFilter, fmt, layer::SubscriberExt, util::SubscriberInitExt};

/// Installs the global subscriber. Keep the guard alive for the process lifetime: dropping it
/// flushes the file writer. The level comes from `HEARTH_LOG` (default `info`).
pub fn init(log_dir: &Path) -> Option<WorkerGuard> {
    let filter = EnvFilter::try_from_env("HEARTH_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let file = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("hearth")
        .filename_suffix("log")
        .max_log_files(7)
        .build(log_dir);
    let registry =
        tracing_subscriber::registry().with(filter).with(fmt::layer().with_writer(std::io::stderr));
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
