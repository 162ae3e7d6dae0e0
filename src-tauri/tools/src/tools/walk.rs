//! The directory walk shared by glob and grep: ripgrep's rules (gitignore, .ignore) over a
//! confined root, never following symlinks out of the workspace.

use std::path::Path;

use ignore::{DirEntry, Walk, WalkBuilder};

/// Walks `start` (a resolved path inside `root`) in name order. Hidden files are included (a
/// workspace's `.github/` matters) but `.git/` is not. `.gitignore` applies even outside a git
/// repository, since a workspace folder need not be one.
pub fn walk(start: &Path) -> Walk {
    WalkBuilder::new(start)
        .hidden(false)
        .follow_links(false)
        .require_git(false)
        .filter_entry(|entry| entry.file_name() != ".git")
        .sort_by_file_name(|a, b| a.cmp(b))
        .build()
}

/// Whether a walked entry is a file to report: a regular file, or a symlink whose target is a
/// file inside the workspace `root` (a symlink pointing out is skipped, never read).
pub fn is_confined_file(entry: &DirEntry, root: &Path) -> bool {
    let Some(kind) = entry.file_type() else {
        return false;
    };
    if kind.is_file() {
        return true;
    }
    if !kind.is_symlink() {
        return false;
    }
    match std::fs::canonicalize(entry.path()) {
        Ok(target) => target.starts_with(root) && target.is_file(),
        Err(_) => false,
    }
}
