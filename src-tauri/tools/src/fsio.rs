//! How the file tools touch a file once [`crate::confine`] has placed it inside the workspace:
//! only regular files and directories are opened, and a write replaces a file whole.
//!
//! Opening: the path is looked at first (so a device is not even opened), then opened
//! non-blocking and without following a final symlink, and the opened descriptor is what is
//! checked. A FIFO opened that way returns at once instead of waiting for a writer, a path
//! swapped for a symlink after `confine` checked it fails to open, and a file swapped for a
//! FIFO between the look and the open is still refused.
//!
//! Writing: the content goes to a new temporary file in the same directory, which is flushed
//! and then renamed over the target, so a crash, a full disk or a stopped turn leaves either
//! the old file or the new one, never half of one. An existing file keeps its permissions.
//! A file with more than one hard link is refused: one of its other names may be outside the
//! workspace, and a rename would quietly split the names apart. Renaming replaces a name, it
//! never writes through one, so a link or FIFO swapped in at the last moment is replaced, not
//! written into.

use std::fs::{File, FileType, Metadata, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

#[cfg(unix)]
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};

use crate::error::{ToolError, ToolErrorCode};

/// A regular file or a directory, opened for reading, with the opened descriptor's metadata.
pub struct Opened {
    pub file: File,
    pub meta: Metadata,
}

/// Opens `path` (as the model wrote it: `raw`) for reading if it is a regular file or a
/// directory; anything else is `UnsupportedFile`, without blocking.
pub fn open_read(path: &Path, raw: &str) -> Result<Opened, ToolError> {
    let io_err = |err: std::io::Error| ToolError::io(raw, &err);
    let seen = std::fs::symlink_metadata(path).map_err(io_err)?;
    check_kind(seen.file_type(), raw)?;
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW | libc::O_NOCTTY);
    let file = options.open(path).map_err(|err| {
        if is_symlink_refusal(&err) {
            ToolError::outside(format!(
                "`{raw}` was replaced by a symbolic link while it was being opened"
            ))
        } else {
            io_err(err)
        }
    })?;
    let meta = file.metadata().map_err(io_err)?;
    check_kind(meta.file_type(), raw)?;
    Ok(Opened { file, meta })
}

/// What stands at `path` before a write: `None` when nothing does yet, the file's metadata
/// when it is a regular file with one link; refused when it is a directory, not a regular
/// file, or hard-linked.
pub fn existing_target(path: &Path, raw: &str) -> Result<Option<Metadata>, ToolError> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(ToolError::io(raw, &err)),
    };
    if meta.is_dir() {
        return Err(ToolError::invalid(format!("`{raw}` is a directory")));
    }
    check_kind(meta.file_type(), raw)?;
    check_single_link(&meta, raw)?;
    Ok(Some(meta))
}

/// Refuses a file with more than one hard link (for writes).
pub fn check_single_link(meta: &Metadata, raw: &str) -> Result<(), ToolError> {
    let links = link_count(meta);
    if links > 1 {
        return Err(ToolError::new(
            ToolErrorCode::UnsupportedFile,
            format!(
                "`{raw}` has {links} hard links: the same file has another name, which may be \
                 outside the workspace folder, so it is not changed; write a new file instead"
            ),
        ));
    }
    Ok(())
}

#[cfg(unix)]
fn link_count(meta: &Metadata) -> u64 {
    meta.nlink()
}

#[cfg(not(unix))]
fn link_count(_meta: &Metadata) -> u64 {
    1
}

/// Replaces (or creates) `path` with `content`: written to a temporary file beside it,
/// flushed, given `existing`'s permissions, then renamed into place. On any error the
/// temporary file is removed and the target is as it was.
pub fn replace(
    path: &Path,
    raw: &str,
    content: &[u8],
    existing: Option<&Metadata>,
) -> Result<(), ToolError> {
    let io_err = |err: std::io::Error| ToolError::io(raw, &err);
    let dir = path.parent().ok_or_else(|| ToolError::invalid(format!("`{raw}` is not a file")))?;
    let temp = dir.join(temp_name());
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    // A new file gets the usual mode (the umask applies); a replacement starts private and
    // takes the old file's permissions once its content is complete.
    #[cfg(unix)]
    options.mode(if existing.is_some() { 0o600 } else { 0o666 });
    let mut file = options.open(&temp).map_err(|err| {
        ToolError::new(
            ToolErrorCode::Io,
            format!("`{raw}`: cannot create a temporary file beside it to write into: {err}"),
        )
    })?;
    let written = (|| {
        file.write_all(content)?;
        if let Some(meta) = existing {
            file.set_permissions(kept_permissions(meta))?;
        }
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, path)
    })();
    if let Err(err) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(io_err(err));
    }
    Ok(())
}

/// The permissions a replacement keeps: the old file's, without set-user-ID and set-group-ID
/// (the new file is the writer's, so those bits would now grant the writer's rights).
#[cfg(unix)]
fn kept_permissions(meta: &Metadata) -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::Permissions::from_mode(meta.mode() & 0o1777)
}

#[cfg(not(unix))]
fn kept_permissions(meta: &Metadata) -> std::fs::Permissions {
    meta.permissions()
}

/// A name no other write (of this or another process) uses at the same moment; hidden, and
/// short enough beside any file name.
fn temp_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(".hearth-write-{}-{count}-{nanos:08x}.tmp", std::process::id())
}

/// Refuses what is neither a regular file nor a directory, naming what it is.
fn check_kind(kind: FileType, raw: &str) -> Result<(), ToolError> {
    if kind.is_file() || kind.is_dir() {
        return Ok(());
    }
    Err(ToolError::new(
        ToolErrorCode::UnsupportedFile,
        format!(
            "`{raw}` is {}, not a regular file; the file tools only open regular files and \
             directories",
            describe(kind)
        ),
    ))
}

fn describe(kind: FileType) -> &'static str {
    #[cfg(unix)]
    {
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
    }
    if kind.is_symlink() { "a symbolic link" } else { "a special file" }
}

/// Whether `open` failed because the last component is a symlink (`O_NOFOLLOW`): `ELOOP` on
/// Linux and macOS, `EMLINK` on FreeBSD.
fn is_symlink_refusal(err: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        matches!(err.raw_os_error(), Some(libc::ELOOP) | Some(libc::EMLINK))
    }
    #[cfg(not(unix))]
    {
        let _ = err;
        false
    }
}
