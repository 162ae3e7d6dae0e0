//! Hearth's SQLite store: one file (`hearth.db`, WAL, foreign keys on) in the data dir, and
//! every SQL statement of the project.
//!
//! Owns: the schema and its migrations (per table), row types, queries, full-text search, the
//! data-dir lock. Must never: know about providers, runs or windows, hold behaviour beyond
//! validating what it writes, or log a secret (no table holds one). It is the only crate that
//! depends on `rusqlite`; callers name its connection types through [`Conn`] and [`Tx`] and
//! pass them to this crate's functions, never run SQL of their own.
//!
//! Each table's module owns its migration, row type and queries. Migrations run in the order
//! of [`MIGRATIONS`] and are tracked with `PRAGMA user_version`; append, never edit, a step
//! that has shipped. Writes go through the one writer connection, reads through their own.
//! A lock file makes a second process fail with `DATA_DIR_LOCKED` instead of racing the first.
//! The data dir and every file in it are private to their user ([`private`]).

pub mod accounts;
pub mod approvals;
pub mod attachments;
pub mod branches;
pub mod error;
pub mod events;
pub mod hooks;
pub mod mcp_servers;
pub mod memory;
pub mod messages;
pub mod presets;
pub mod private;
pub mod rules;
pub mod runs;
pub mod schedules;
pub mod search;
pub mod sessions;
pub mod settings;
pub mod sweep;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::error::ErrorCode;
pub use crate::error::{Result, StoreError};

/// A read connection, as [`Store::read`] lends it.
pub type Conn = rusqlite::Connection;
/// A write transaction, as [`Store::write`] lends it.
pub type Tx<'a> = rusqlite::Transaction<'a>;

/// Every schema step, oldest first. `user_version` = how many have been applied.
const MIGRATIONS: &[&str] = &[
    sessions::MIGRATION_1,
    runs::MIGRATION_1,
    messages::MIGRATION_1,
    events::MIGRATION_1,
    attachments::MIGRATION_1,
    accounts::MIGRATION_1,
    sessions::MIGRATION_2,
    settings::MIGRATION_1,
    sessions::MIGRATION_3,
    approvals::MIGRATION_1,
    rules::MIGRATION_1,
    mcp_servers::MIGRATION_1,
    sessions::MIGRATION_4,
    schedules::MIGRATION_1,
    hooks::MIGRATION_1,
    search::MIGRATION_1,
    attachments::MIGRATION_2,
    branches::MIGRATION_1,
    memory::MIGRATION_1,
    presets::MIGRATION_1,
    hooks::MIGRATION_2,
    sessions::MIGRATION_5,
    runs::MIGRATION_2,
];

/// Milliseconds since the Unix epoch; injectable so tests can make exact ties.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    })
}

pub struct StoreOptions {
    pub clock: Clock,
    /// How long to wait for another process to release the data dir (a window that is still
    /// closing) before answering `DATA_DIR_LOCKED`.
    pub lock_wait: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions { clock: system_clock(), lock_wait: Duration::from_secs(3) }
    }
}

pub struct Store {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    clock: Clock,
    db_path: PathBuf,
    /// Held (with an OS file lock) for as long as the store lives.
    _lock: File,
}

pub const DB_FILE: &str = "hearth.db";
const LOCK_FILE: &str = "hearth.lock";

impl Store {
    pub fn open(dir: &Path, options: StoreOptions) -> Result<Store> {
        private::create_dir_all(dir).map_err(|e| {
            StoreError::new(
                ErrorCode::Storage,
                format!("cannot create the data dir {}: {e}", dir.display()),
            )
        })?;
        let lock = acquire_lock(&dir.join(LOCK_FILE), options.lock_wait)?;
        let db_path = dir.join(DB_FILE);
        make_private(dir, &db_path)?;
        let mut writer = open_connection(&db_path)?;
        migrate(&mut writer)?;
        let reader = open_connection(&db_path)?;
        Ok(Store {
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
            clock: options.clock,
            db_path,
            _lock: lock,
        })
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// The data dir: the database and the attachment files beside it.
    pub fn dir(&self) -> &Path {
        self.db_path.parent().unwrap_or(Path::new("."))
    }

    pub fn now(&self) -> i64 {
        (self.clock)()
    }

    /// Runs `f` in one write transaction: all of it is committed, or none of it.
    /// `f` may fail with the caller's own error type, as long as a store error converts into it.
    pub fn write<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Tx<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction().map_err(StoreError::from)?;
        let out = f(&tx)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// Runs `f` on the read connection (a consistent snapshot for the statement it runs).
    pub fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Conn) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let conn = lock(&self.reader);
        f(&conn)
    }

    /// Lets another process open the data dir (at shutdown, after the last write).
    pub fn release_lock(&self) {
        let _ = self._lock.unlock();
    }

    /// The schema version this build migrates to.
    pub fn schema_version() -> usize {
        MIGRATIONS.len()
    }
}

fn lock(m: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while holding the connection cannot leave a transaction half-committed (it is
    // rolled back on drop), so the connection is still good to use.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Applies the steps past the file's `user_version`, each in its own transaction together
/// with the version bump. (rusqlite_migration would do this, but it pins an older rusqlite.)
/// A file from a newer Hearth is refused rather than misread.
fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let current = usize::try_from(current).unwrap_or(usize::MAX);
    if current > MIGRATIONS.len() {
        return Err(StoreError::new(
            ErrorCode::Storage,
            format!(
                "the database has schema version {current}, newer than this Hearth knows ({}); \
                 update Hearth",
                MIGRATIONS.len()
            ),
        ));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (index + 1) as i64)?;
        tx.commit()?;
        tracing::info!(version = index + 1, "applied schema migration");
    }
    Ok(())
}

/// Tightens what an older Hearth left readable (the lock is already private, `api.json` holds
/// the API's port), and creates the database file 0600 before SQLite opens it: SQLite gives
/// the WAL and shared-memory files the database file's mode.
fn make_private(dir: &Path, db_path: &Path) -> Result<()> {
    for name in [LOCK_FILE, DB_FILE, "hearth.db-wal", "hearth.db-shm", "api.json"] {
        private::tighten(&dir.join(name));
    }
    private::tighten_tree(&dir.join("attachments"));
    private::file_options().write(true).create(true).truncate(false).open(db_path).map_err(
        |e| StoreError::new(ErrorCode::Storage, format!("cannot open {}: {e}", db_path.display())),
    )?;
    Ok(())
}

fn open_connection(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

fn acquire_lock(path: &Path, wait: Duration) -> Result<File> {
    private::tighten(path);
    let file =
        private::file_options().create(true).truncate(false).write(true).open(path).map_err(
            |e| StoreError::new(ErrorCode::Storage, format!("cannot open {}: {e}", path.display())),
        )?;
    let deadline = Instant::now() + wait;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StoreError::new(
                    ErrorCode::DataDirLocked,
                    format!(
                        "another Hearth process is using the data dir {}; close it first \
                         (or set HEARTH_DATA_DIR to use another one)",
                        path.parent().unwrap_or(path).display()
                    ),
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(StoreError::new(
                    ErrorCode::Storage,
                    format!("cannot lock {}: {e}", path.display()),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_applies_in_order_and_foreign_keys_hold() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        migrate(&mut conn).expect("every migration step must apply cleanly in order");
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version as usize, MIGRATIONS.len());
        let violations: i64 = conn
            .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(violations, 0);
        migrate(&mut conn).expect("migrating an up-to-date file is a no-op");
    }
}
