//! Finding the `claude` CLI: the `claude_code_path` setting, else `HEARTH_CLAUDE_PATH`, else
//! `claude` on `PATH`, else the pinned copy `scripts/deps.sh` installs in the project's
//! `.tools/`. It must answer `--version` with a version at least [`MIN_VERSION`]; otherwise
//! session creation and runs fail with `RUNTIME_NOT_FOUND`, saying what was found and what is
//! wanted.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use crate::error::{ApiError, ErrorCode, Result};

/// The oldest Claude Code that speaks what Hearth uses (stream-json input, the stdio
/// permission prompt, partial messages, `--session-id`).
pub const MIN_VERSION: (u32, u32, u32) = (2, 1, 0);
/// The version the tests run and `scripts/deps.sh` installs.
pub const TESTED_VERSION: &str = "2.1.332";

/// A usable `claude`: where it is and what it said its version was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cli {
    pub path: PathBuf,
    pub version: String,
}

/// The CLI to run, found as the module doc says.
pub fn locate(setting: &str) -> Result<Cli> {
    let path = candidate(setting).ok_or_else(|| {
        not_found(format!(
            "the claude CLI was not found (set claude_code_path in Settings or \
             HEARTH_CLAUDE_PATH, or install it: npm install -g @anthropic-ai/claude-code@{TESTED_VERSION}); \
             version {} or newer is wanted",
            show(MIN_VERSION)
        ))
    })?;
    let version = version_of(&path)?;
    match parse(&version) {
        Some(v) if v >= MIN_VERSION => Ok(Cli { path, version }),
        _ => Err(not_found(format!(
            "{} is Claude Code {version:?}; version {} or newer is wanted",
            path.display(),
            show(MIN_VERSION)
        ))),
    }
}

fn candidate(setting: &str) -> Option<PathBuf> {
    if !setting.is_empty() {
        return Some(PathBuf::from(setting));
    }
    if let Some(path) = std::env::var_os("HEARTH_CLAUDE_PATH").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    if let Some(found) = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths).map(|d| d.join("claude")).find(|p| is_executable(p))
    }) {
        return Some(found);
    }
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/node_modules/.bin/claude");
    is_executable(&tools).then_some(tools)
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// `claude --version`'s first word, cached per file and modification time (it takes a moment,
/// and session creation asks every time).
fn version_of(path: &Path) -> Result<String> {
    static CACHE: Mutex<Option<HashMap<PathBuf, (SystemTime, String)>>> = Mutex::new(None);
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).map_err(|e| {
        not_found(format!(
            "the claude CLI at {} cannot be used ({e}); version {} or newer is wanted",
            path.display(),
            show(MIN_VERSION)
        ))
    })?;
    if let Some((at, v)) =
        CACHE.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert_default().get(path)
        && *at == modified
    {
        return Ok(v.clone());
    }
    let output = run_version(path)?;
    let version = output.split_whitespace().next().unwrap_or("").to_owned();
    CACHE
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get_or_insert_default()
        .insert(path.to_owned(), (modified, version.clone()));
    Ok(version)
}

/// Runs `--version` with a clean environment and a deadline (a broken binary never hangs
/// session creation).
fn run_version(path: &Path) -> Result<String> {
    use std::process::{Command, Stdio};
    let mut child = Command::new(path)
        .arg("--version")
        .env_clear()
        .envs(hearth_protocol::env::inherited(std::env::vars()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| not_found(format!("cannot start {}: {e}", path.display())))?;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20))
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(not_found(format!(
                    "{} --version did not answer within 10 s",
                    path.display()
                )));
            }
        }
    }
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        use std::io::Read;
        let _ = stdout.read_to_string(&mut out);
    }
    Ok(out)
}

/// `2.1.332` (or `2.1.332-beta`) as numbers.
pub fn parse(version: &str) -> Option<(u32, u32, u32)> {
    let core = version.split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u32>().ok());
    Some((parts.next()??, parts.next()??, parts.next().flatten().unwrap_or(0)))
}

fn show((a, b, c): (u32, u32, u32)) -> String {
    format!("{a}.{b}.{c}")
}

fn not_found(message: String) -> ApiError {
    ApiError::new(ErrorCode::RuntimeNotFound, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_as_numbers() {
        assert_eq!(parse("2.1.332"), Some((2, 1, 332)));
        assert_eq!(parse("2.10.0-beta.1"), Some((2, 10, 0)));
        assert!(parse("2.1.332").unwrap() >= MIN_VERSION);
        assert!(parse("2.0.99").unwrap() < MIN_VERSION, "2.0.99 is older than 2.1.0");
        assert_eq!(parse("Claude"), None, "garbage is no version");
    }

    #[test]
    fn a_missing_or_too_old_cli_says_what_was_found_and_what_is_wanted() {
        let dir = tempfile::tempdir().unwrap();
        let err = locate(&dir.path().join("nope").display().to_string()).unwrap_err();
        assert_eq!(err.code, ErrorCode::RuntimeNotFound);
        let old = dir.path().join("claude");
        std::fs::write(&old, "#!/bin/sh\necho '1.0.3 (Claude Code)'\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o755)).unwrap();
        let err = locate(&old.display().to_string()).unwrap_err();
        assert_eq!(err.code, ErrorCode::RuntimeNotFound);
        assert!(
            err.message.contains("\"1.0.3\"") && err.message.contains("2.1.0"),
            "the message names the version found and the one wanted: {}",
            err.message
        );
    }
}
