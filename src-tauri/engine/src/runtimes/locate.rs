//! Finding an agent CLI (`claude`, `codex`): its path setting, else its `HEARTH_*_PATH`
//! variable, else the program on `PATH`, else the pinned copy `scripts/deps.sh` installs in
//! the project's `.tools/`. It must answer `--version` with a version at least the spec's
//! minimum; otherwise session creation and runs fail with `RUNTIME_NOT_FOUND`, saying what was
//! found and what is wanted.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use crate::error::{ApiError, ErrorCode, Result};

/// What Hearth knows of one agent CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CliSpec {
    /// The program's name on `PATH` and in `.tools/node_modules/.bin`.
    pub program: &'static str,
    /// What people call it.
    pub label: &'static str,
    /// The setting that names its path.
    pub setting: &'static str,
    /// The environment variable that names its path when the setting is empty.
    pub env: &'static str,
    /// Its npm package.
    pub package: &'static str,
    /// The oldest version that speaks what Hearth uses.
    pub min: (u32, u32, u32),
    /// The version the tests run and `scripts/deps.sh` installs.
    pub tested: &'static str,
}

/// Claude Code: stream-json input, the stdio permission prompt, partial messages and
/// `--session-id` came with 2.1.
pub const CLAUDE: CliSpec = CliSpec {
    program: "claude",
    label: "Claude Code",
    setting: "claude_code_path",
    env: "HEARTH_CLAUDE_PATH",
    package: "@anthropic-ai/claude-code",
    min: (2, 1, 0),
    tested: "2.1.332",
};

/// Codex: the v2 `app-server` protocol Hearth speaks (threads, turns, items, approvals as
/// requests) is the one of 0.171.
pub const CODEX: CliSpec = CliSpec {
    program: "codex",
    label: "Codex",
    setting: "codex_path",
    env: "HEARTH_CODEX_PATH",
    package: "@openai/codex",
    min: (0, 171, 0),
    tested: "0.171.0",
};

/// A usable CLI: where it is and what it said its version was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cli {
    pub path: PathBuf,
    pub version: String,
}

/// The CLI to run, found as the module doc says.
/// `setting`: the spec's path setting as the user left it (empty: look for it).
pub fn locate(spec: &CliSpec, setting: &str) -> Result<Cli> {
    let path = candidate(spec, setting).ok_or_else(|| {
        not_found(format!(
            "the {} CLI was not found (set {} in Settings or {}, or install it: \
             npm install -g {}@{}); version {} or newer is wanted",
            spec.program,
            spec.setting,
            spec.env,
            spec.package,
            spec.tested,
            show(spec.min)
        ))
    })?;
    let version = version_of(spec, &path)?;
    match parse(&version) {
        Some(v) if v >= spec.min => Ok(Cli { path, version }),
        _ => Err(not_found(format!(
            "{} is {} {version:?}; version {} or newer is wanted",
            path.display(),
            spec.label,
            show(spec.min)
        ))),
    }
}

fn candidate(spec: &CliSpec, setting: &str) -> Option<PathBuf> {
    if !setting.is_empty() {
        return Some(PathBuf::from(setting));
    }
    if let Some(path) = std::env::var_os(spec.env).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    if let Some(found) = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths).map(|d| d.join(spec.program)).find(|p| is_executable(p))
    }) {
        return Some(found);
    }
    let tools = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../.tools/node_modules/.bin")
        .join(spec.program);
    is_executable(&tools).then_some(tools)
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The version `--version` prints (`2.1.332 (Claude Code)`, `codex-cli 0.171.0`), cached per file and modification time (it takes a moment,
/// and session creation asks every time).
fn version_of(spec: &CliSpec, path: &Path) -> Result<String> {
    static CACHE: Mutex<Option<HashMap<PathBuf, (SystemTime, String)>>> = Mutex::new(None);
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).map_err(|e| {
        not_found(format!(
            "the {} CLI at {} cannot be used ({e}); version {} or newer is wanted",
            spec.program,
            path.display(),
            show(spec.min)
        ))
    })?;
    if let Some((at, v)) =
        CACHE.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert_default().get(path)
        && *at == modified
    {
        return Ok(v.clone());
    }
    let output = run_version(path)?;
    // The first word that reads as a version, else the first word (to say what was found).
    let words: Vec<&str> = output.split_whitespace().collect();
    let version = words
        .iter()
        .find(|w| parse(w).is_some())
        .or(words.first())
        .copied()
        .unwrap_or("")
        .to_owned();
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
        assert!(parse("2.1.332").unwrap() >= CLAUDE.min);
        assert!(parse("2.0.99").unwrap() < CLAUDE.min, "2.0.99 is older than 2.1.0");
        assert!(parse("0.171.0").unwrap() >= CODEX.min);
        assert_eq!(parse("Claude"), None, "garbage is no version");
    }

    #[test]
    fn a_missing_or_too_old_cli_says_what_was_found_and_what_is_wanted() {
        let dir = tempfile::tempdir().unwrap();
        let err = locate(&CLAUDE, &dir.path().join("nope").display().to_string()).unwrap_err();
        assert_eq!(err.code, ErrorCode::RuntimeNotFound);
        let old = dir.path().join("claude");
        std::fs::write(&old, "#!/bin/sh\necho '1.0.3 (Claude Code)'\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o755)).unwrap();
        let err = locate(&CLAUDE, &old.display().to_string()).unwrap_err();
        assert_eq!(err.code, ErrorCode::RuntimeNotFound);
        assert!(
            err.message.contains("\"1.0.3\"") && err.message.contains("2.1.0"),
            "the message names the version found and the one wanted: {}",
            err.message
        );
        let codex = dir.path().join("codex");
        std::fs::write(&codex, "#!/bin/sh\necho 'codex-cli 0.98.0'\n").unwrap();
        std::fs::set_permissions(&codex, std::fs::Permissions::from_mode(0o755)).unwrap();
        let err = locate(&CODEX, &codex.display().to_string()).unwrap_err();
        assert!(
            err.message.contains("Codex \"0.98.0\"") && err.message.contains("0.171.0"),
            "the version is found after the program's name: {}",
            err.message
        );
    }
}
