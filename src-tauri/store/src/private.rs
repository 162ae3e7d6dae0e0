//! Files only their user may read: the data dir and its folders are 0700, every file Hearth
//! keeps there 0600 (the database and its WAL and shared-memory files, the lock, logs,
//! attachments). A mode is given when a file or folder is created, so no umask can leave it
//! open even for a moment; [`tighten`] takes group and other bits off what an older Hearth
//! left behind. On other platforms these are no-ops: the user's profile folder protects it.

use std::fs::OpenOptions;
use std::io;
use std::path::Path;

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};

/// Folders: the owner may list and enter them; no one else.
pub const DIR_MODE: u32 = 0o700;
/// Files: the owner may read and write them; no one else.
pub const FILE_MODE: u32 = 0o600;

/// Creates `dir` and any missing parents as 0700, then tightens `dir` if it already was there.
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(DIR_MODE);
    builder.create(dir)?;
    tighten(dir);
    Ok(())
}

/// Options that create a 0600 file (add `create`, `create_new`, `append` … as needed).
pub fn file_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    options.mode(FILE_MODE);
    options
}

/// Takes the group and other permission bits off `path` (a file or folder; a symlink is left
/// alone, its target may not be Hearth's). Missing is fine; a failure (a file of another
/// user, a filesystem without modes) is logged, not fatal: the folder above still protects it.
pub fn tighten(path: &Path) {
    #[cfg(unix)]
    {
        let Ok(meta) = std::fs::symlink_metadata(path) else { return };
        let mode = meta.permissions().mode();
        if meta.file_type().is_symlink() || mode & 0o077 == 0 {
            return;
        }
        let private = std::fs::Permissions::from_mode(mode & 0o7700);
        match std::fs::set_permissions(path, private) {
            Ok(()) => tracing::info!(path = %path.display(), was = format!("{:o}", mode & 0o777),
                "made private"),
            Err(e) => tracing::warn!(path = %path.display(), error = %e,
                "cannot make this file private to its user"),
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// [`tighten`] for `dir` and everything under it (not following symlinks).
pub fn tighten_tree(dir: &Path) {
    tighten(dir);
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => tighten_tree(&entry.path()),
            Ok(kind) if kind.is_file() => tighten(&entry.path()),
            _ => {}
        }
    }
}
