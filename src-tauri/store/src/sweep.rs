//! The sweep, at start and hourly: chats deleted over 30 days ago are purged with every row
//! they own (children first, one transaction) and then their attachment files; uploads never
//! sent are dropped after a day; files no row names are removed; event-log rows of runs that ended before the retention window go (their
//! messages hold what they said).

use std::collections::HashSet;
use std::path::Path;

use rusqlite::params;
use serde::Serialize;

use crate::Store;
use crate::error::Result;

/// Deleted chats are kept this long (restorable), then purged.
pub const PURGE_AFTER_MS: i64 = 30 * 24 * 3600 * 1000;
/// Attachments uploaded but never sent are dropped after this long.
pub const UNSENT_AFTER_MS: i64 = 24 * 3600 * 1000;
/// A file younger than this is never an orphan: its row may be on its way.
const ORPHAN_GRACE_MS: u128 = 3600 * 1000;

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    pub sessions_purged: usize,
    pub files_removed: usize,
    pub events_dropped: usize,
}

/// The tables that hold a session's rows, children before parents.
const SESSION_CHILDREN: &[&str] =
    &["events", "approvals", "permission_rules", "attachments", "messages", "runs"];

pub fn sweep(store: &Store, retention_days: u32) -> Result<SweepReport> {
    let now = store.now();
    let mut report = SweepReport::default();
    let purged_hashes = store.write(|tx| -> Result<_> {
        let cutoff = now - PURGE_AFTER_MS;
        let ids: Vec<String> = {
            let mut stmt = tx.prepare(
                "SELECT id FROM sessions WHERE deleted_at IS NOT NULL AND deleted_at < ?1",
            )?;
            stmt.query_map([cutoff], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
        };
        let mut hashes = HashSet::new();
        for id in &ids {
            let mut stmt = tx.prepare("SELECT sha256 FROM attachments WHERE session_id = ?1")?;
            for h in stmt.query_map([id], |r| r.get::<_, String>(0))? {
                hashes.insert(h?);
            }
            for table in SESSION_CHILDREN {
                tx.execute(&format!("DELETE FROM {table} WHERE session_id = ?1"), [id])?;
            }
            tx.execute("DELETE FROM sessions WHERE id = ?1", [id])?;
        }
        report.sessions_purged = ids.len();
        // Uploads never sent (the composer was closed, the file removed) for a day.
        let mut stmt = tx.prepare(
            "DELETE FROM attachments WHERE message_id IS NULL AND created_at < ?1 RETURNING sha256",
        )?;
        for h in stmt.query_map([now - UNSENT_AFTER_MS], |r| r.get::<_, String>(0))? {
            hashes.insert(h?);
        }
        drop(stmt);
        // Event rows of runs that ended before the window (and run-less ones as old).
        let horizon = now - i64::from(retention_days) * 24 * 3600 * 1000;
        report.events_dropped = tx.execute(
            "DELETE FROM events WHERE ts < ?1 AND (run_id IS NULL OR run_id IN
                (SELECT id FROM runs WHERE status NOT IN ('queued', 'running')
                   AND ended_at IS NOT NULL AND ended_at < ?1))",
            params![horizon],
        )?;
        Ok(hashes)
    })?;
    let data_dir = store.dir();
    let still_named = |hash: &str| -> Result<bool> {
        store.read(|c| {
            Ok(c.query_row("SELECT 1 FROM attachments WHERE sha256 = ?1 LIMIT 1", [hash], |_| {
                Ok(())
            })
            .is_ok())
        })
    };
    for hash in &purged_hashes {
        if !still_named(hash)? {
            let path = crate::attachments::file_path(data_dir, hash);
            if std::fs::remove_file(&path).is_ok() {
                report.files_removed += 1;
            }
        }
    }
    report.files_removed += remove_orphans(data_dir, &still_named)?;
    if report != SweepReport::default() {
        tracing::info!(
            sessions = report.sessions_purged,
            files = report.files_removed,
            events = report.events_dropped,
            "sweep done"
        );
    }
    Ok(report)
}

/// Attachment files (older than an hour) that no row names.
fn remove_orphans(data_dir: &Path, still_named: &dyn Fn(&str) -> Result<bool>) -> Result<usize> {
    let mut removed = 0;
    let Ok(shards) = std::fs::read_dir(data_dir.join("attachments")) else { return Ok(0) };
    for shard in shards.flatten() {
        let Ok(files) = std::fs::read_dir(shard.path()) else { continue };
        for file in files.flatten() {
            let name = file.file_name().to_string_lossy().into_owned();
            let old_enough = file
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_millis() > ORPHAN_GRACE_MS);
            if old_enough && !still_named(&name)? && std::fs::remove_file(file.path()).is_ok() {
                removed += 1;
            }
        }
    }
    Ok(removed)
}
