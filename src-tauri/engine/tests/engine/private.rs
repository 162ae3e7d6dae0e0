//! The data dir is its user's alone: the folder 0700, and the database (with its WAL and
//! shared-memory files), the lock, the logs, attachment files and saved exports 0600 — made
//! so when created, whatever the umask, and tightened at start when an older Hearth left them
//! readable by others.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use hearth_engine::transfer::ExportFormat;
use hearth_engine::{CreateSession, Engine};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).mode() & 0o777
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.push(path.clone());
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Every path in the data dir with its mode, for one message that shows them all.
fn modes(dir: &Path) -> Vec<(String, u32)> {
    let mut all: Vec<_> = std::iter::once(dir.to_path_buf())
        .chain(files_under(dir))
        .map(|p| (p.strip_prefix(dir).unwrap().display().to_string(), mode(&p)))
        .collect();
    all.sort();
    all
}

fn shown(all: &[(String, u32)]) -> String {
    all.iter().map(|(p, m)| format!("{p} {m:o}")).collect::<Vec<_>>().join(", ")
}

#[track_caller]
fn assert_private(dir: &Path) {
    let all = modes(dir);
    for (path, mode) in &all {
        let full = dir.join(path);
        let want = if full.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(*mode, want, "{path:?} must be {want:o}, is {mode:o}; all: {}", shown(&all));
    }
    for must in
        ["hearth.db", "hearth.db-wal", "hearth.db-shm", "hearth.lock", "logs", "attachments"]
    {
        assert!(all.iter().any(|(p, _)| p == must), "{must} was checked: {}", shown(&all));
    }
    assert!(all.iter().any(|(p, _)| p.starts_with("logs/hearth.")), "a log file: {}", shown(&all));
    assert!(
        all.iter().filter(|(p, _)| p.starts_with("attachments/")).count() >= 2,
        "{}",
        shown(&all)
    );
}

/// An engine in `dir` with a file attached, and a line logged to `dir/logs`; the engine is kept
/// open (so the WAL files exist) and logging flushed.
fn use_data_dir(dir: &Path) -> Engine {
    let log = hearth_engine::logging::init(&dir.join("logs"));
    tracing::info!("a line for the log file");
    drop(log);
    let engine = Engine::open(dir).unwrap();
    let session = engine.create_session(&CreateSession::default()).unwrap();
    engine.add_attachment(&session.id, Some("notes.txt"), b"private notes\n").unwrap();
    engine
}

#[test]
fn a_new_data_dir_is_private_whatever_the_umask() {
    // umask 0 would leave every file as open as its creator asked: only a mode given at
    // creation keeps them private. (Process-wide: nextest runs each test in its own process.)
    nix::sys::stat::umask(nix::sys::stat::Mode::empty());
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("data");
    let _engine = use_data_dir(&dir);
    assert_private(&dir);

    let exports = parent.path().join("Downloads");
    let saved =
        hearth_engine::transfer::save(&exports, "chat", ExportFormat::Md, "# chat").unwrap();
    assert_eq!(mode(&saved), 0o600, "a saved export holds the whole chat: the user's alone");
}

#[test]
fn an_older_data_dir_is_made_private_at_start() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("data");
    // What an older Hearth left behind, under the usual umask 022.
    drop(use_data_dir(&dir));
    std::fs::write(dir.join("hearth.db-wal"), b"").unwrap();
    std::fs::write(dir.join("hearth.db-shm"), b"").unwrap();
    for path in std::iter::once(dir.clone()).chain(files_under(&dir)) {
        chmod(&path, if path.is_dir() { 0o755 } else { 0o644 });
    }
    std::fs::write(dir.join("logs/hearth.2020-01-01.log"), b"old line\n").unwrap();
    chmod(&dir.join("logs/hearth.2020-01-01.log"), 0o644);

    let _engine = use_data_dir(&dir);
    assert_private(&dir);
}
