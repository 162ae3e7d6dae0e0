//! Confinement: turns a path the model wrote into a real path inside the workspace folder, or
//! refuses it. Every file tool goes through [`resolve`]; nothing else touches user paths.
//!
//! The rules: relative paths only; `..` may not climb above the workspace; every symlink along
//! the path is resolved and must land inside the workspace; components that do not exist yet
//! (a new file, new parent directories) are appended to the deepest existing, already checked
//! ancestor, so a new file under a symlinked directory that points out is refused too.
//!
//! Known limit: the check and the later file operation are not atomic, so a process racing to
//! swap a directory for a symlink in between could still redirect a write (`fsio` narrows it:
//! the last component is opened without following a symlink, and writes rename into place).
//! A hard link can't be told from the file it names: reads follow it, writes refuse a file with
//! more than one link (`fsio`).

use std::ffi::OsString;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

use crate::error::{ToolError, ToolErrorCode};

/// Longest path accepted, in bytes (Linux's PATH_MAX).
pub const MAX_PATH_BYTES: usize = 4096;
/// Longest single path component accepted, in bytes (NAME_MAX on common filesystems).
pub const MAX_COMPONENT_BYTES: usize = 255;

const NO_WORKSPACE: &str = "this chat has no workspace folder; choose one in the chat's settings";

/// The workspace folder, or `NoWorkspace` for a chat without one.
pub fn workspace(workspace: Option<&Path>) -> Result<&Path, ToolError> {
    workspace.ok_or_else(|| ToolError::new(ToolErrorCode::NoWorkspace, NO_WORKSPACE))
}

/// The workspace folder with symlinks resolved: the prefix every resolved path must start with.
pub fn canonical_root(workspace: &Path) -> Result<PathBuf, ToolError> {
    std::fs::canonicalize(workspace).map_err(|err| {
        ToolError::new(
            ToolErrorCode::Io,
            format!("the workspace folder {} is not accessible: {err}", workspace.display()),
        )
    })
}

/// Resolves `raw` (relative to the workspace) to a path inside `root` (canonical), following
/// and checking symlinks for the parts that exist.
pub fn resolve(root: &Path, raw: &str) -> Result<PathBuf, ToolError> {
    let parts = normalize(raw)?;
    let mut current = root.to_path_buf();
    let mut rest = parts.into_iter();
    while let Some(part) = rest.next() {
        let next = current.join(&part);
        match std::fs::symlink_metadata(&next) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::canonicalize(&next).map_err(|_| {
                    ToolError::outside(format!(
                        "`{raw}` goes through a symbolic link whose target can't be resolved, \
                         so it can't be shown to stay inside the workspace folder"
                    ))
                })?;
                if !target.starts_with(root) {
                    return Err(ToolError::outside(format!(
                        "`{raw}` goes through a symbolic link to {}, which is outside the \
                         workspace folder",
                        target.display()
                    )));
                }
                current = target;
            }
            Ok(_) => current = next,
            // The rest does not exist yet (or a file stands where a directory should be, which
            // the tool's own operation reports): nothing further can be a symlink.
            Err(err) if matches!(err.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
                current = next;
                current.extend(rest);
                break;
            }
            Err(err) => return Err(ToolError::io(raw, &err)),
        }
    }
    Ok(current)
}

/// Checks lengths and shape, then removes `.` and `..` lexically. Refuses absolute paths and
/// `..` that would climb above the workspace. Lexical `..` is safe because the tools operate on
/// the normalized path, never on the original string.
pub fn normalize(raw: &str) -> Result<Vec<OsString>, ToolError> {
    if raw.is_empty() {
        return Err(ToolError::invalid("the path is empty; use `.` for the workspace folder"));
    }
    if raw.len() > MAX_PATH_BYTES {
        return Err(ToolError::invalid(format!(
            "the path is {} bytes long; the limit is {MAX_PATH_BYTES}",
            raw.len()
        )));
    }
    if raw.contains('\0') {
        return Err(ToolError::invalid("the path contains a NUL byte"));
    }
    let mut parts: Vec<OsString> = Vec::new();
    for component in Path::new(raw).components() {
        match component {
            Component::Prefix(_) | Component::RootDir => {
                return Err(ToolError::outside(format!(
                    "`{raw}` is an absolute path; give a path relative to the workspace folder"
                )));
            }
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.pop().is_none() {
                    return Err(ToolError::outside(format!(
                        "`{raw}` leaves the workspace folder; paths must stay inside it"
                    )));
                }
            }
            Component::Normal(name) => {
                if name.len() > MAX_COMPONENT_BYTES {
                    return Err(ToolError::invalid(format!(
                        "a component of the path is {} bytes long; the limit is \
                         {MAX_COMPONENT_BYTES}",
                        name.len()
                    )));
                }
                parts.push(name.to_os_string());
            }
        }
    }
    Ok(parts)
}

/// How a resolved path is shown to the model: relative to the workspace, `/`-separated, `.` for
/// the workspace itself.
pub fn display(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let shown = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if shown.is_empty() { ".".to_owned() } else { shown }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_drops_dots_and_keeps_inner_parent_steps() {
        let parts = normalize("./a/b/../c").unwrap();
        assert_eq!(parts, vec![OsString::from("a"), OsString::from("c")]);
        assert!(normalize(".").unwrap().is_empty(), "`.` is the workspace itself");
    }

    #[test]
    fn normalize_refuses_escapes_and_absolute_paths() {
        for raw in ["..", "../x", "a/../../x", "/etc/passwd"] {
            let err = normalize(raw).unwrap_err();
            assert_eq!(err.code, ToolErrorCode::OutsideWorkspace, "{raw} must be refused");
        }
    }

    #[test]
    fn normalize_refuses_oversized_paths() {
        let long = "a/".repeat(2100);
        assert_eq!(normalize(&long).unwrap_err().code, ToolErrorCode::InvalidArguments);
        let component = "x".repeat(256);
        assert_eq!(normalize(&component).unwrap_err().code, ToolErrorCode::InvalidArguments);
        assert_eq!(normalize("").unwrap_err().code, ToolErrorCode::InvalidArguments);
    }
}
