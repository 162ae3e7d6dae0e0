//! The directory walk shared by glob and grep: ripgrep's rules (gitignore, .ignore) over a
//! confined root, never following symlinks out of the workspace.
//!
//! The walker opens the ignore files it meets itself, so they are looked at first: a
//! `.gitignore` (or `.ignore`, `.git`, `.git/info/exclude`) that is a FIFO, socket or device
//! would block the walk forever. A folder holding one is skipped; one above where the walk
//! starts refuses the call.

use std::path::{Path, PathBuf};

use ignore::{DirEntry, Walk, WalkBuilder};

use crate::error::{ToolError, ToolErrorCode};

/// The files in a folder that the walker reads to learn what to ignore.
const IGNORE_FILES: [&str; 4] = [".gitignore", ".ignore", ".git", ".git/info/exclude"];

/// Walks `start` (a resolved path inside the workspace) in name order. Hidden files are
/// included (a workspace's `.github/` matters) but `.git/` is not. `.gitignore` applies even
/// outside a git repository, since a workspace folder need not be one.
pub fn walk(start: &Path) -> Result<Walk, ToolError> {
    // The walker also reads the ignore files of the folders above the start.
    let dirs = if start.is_dir() { Some(start) } else { start.parent() };
    for dir in dirs.into_iter().flat_map(Path::ancestors) {
        if let Some(special) = special_ignore_file(dir) {
            return Err(ToolError::new(
                ToolErrorCode::UnsupportedFile,
                format!(
                    "{} is not a regular file, and the search would block reading it",
                    special.display()
                ),
            ));
        }
    }
    Ok(WalkBuilder::new(start)
        .hidden(false)
        .follow_links(false)
        .require_git(false)
        .filter_entry(|entry| {
            if entry.file_name() == ".git" {
                return false;
            }
            let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
            match is_dir.then(|| special_ignore_file(entry.path())).flatten() {
                Some(special) => {
                    tracing::debug!(file = %special.display(), "a walk skipped a folder");
                    false
                }
                None => true,
            }
        })
        .sort_by_file_name(|a, b| a.cmp(b))
        .build())
}

/// An ignore file in `dir` that is neither absent nor a regular file (`.git` may be a folder).
fn special_ignore_file(dir: &Path) -> Option<PathBuf> {
    IGNORE_FILES.iter().map(|name| dir.join(name)).find(|path| match std::fs::metadata(path) {
        Ok(meta) => !(meta.is_file() || (meta.is_dir() && path.ends_with(".git"))),
        Err(_) => false,
    })
}

/// Whether a walked entry is a file to report: a regular file, or a symlink whose target is a
/// regular file inside the workspace `root` (a symlink pointing out is skipped, never read;
/// so are FIFOs, sockets and devices).
pub fn is_confined_file(entry: &DirEntry, root: &Path) -> bool {
    confined_file(entry, root).is_some()
}

/// The real path to open for a walked entry that [`is_confined_file`]: the entry itself, or
/// a symlink's resolved target.
pub fn confined_file(entry: &DirEntry, root: &Path) -> Option<PathBuf> {
    let kind = entry.file_type()?;
    if kind.is_file() {
        return Some(entry.path().to_path_buf());
    }
    if !kind.is_symlink() {
        return None;
    }
    let target = std::fs::canonicalize(entry.path()).ok()?;
    (target.starts_with(root) && target.is_file()).then_some(target)
}
