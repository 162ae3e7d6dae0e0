//! Locating the real MCP servers from npm, and small helpers the tests share.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hearth_mcp::{ServerConfig, Transport};

/// What to do when the servers are missing; `make test` runs it.
pub const INSTALL_HINT: &str = "run `npm ci --prefix src-tauri/mcp/tests/servers`";

/// The installed entry point of one of the `@modelcontextprotocol/server-*` packages.
pub fn server_script(package: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/servers/node_modules/@modelcontextprotocol")
        .join(package)
        .join(if package == "sdk" { "package.json" } else { "dist/index.js" });
    assert!(
        path.is_file(),
        "the MCP test server `@modelcontextprotocol/{package}` is not installed (no {}): {INSTALL_HINT}",
        path.display()
    );
    let node = std::process::Command::new("node").arg("--version").output();
    assert!(
        node.is_ok_and(|out| out.status.success()),
        "`node` must be on PATH to run the MCP test servers"
    );
    path
}

/// hearth-mcp's own fixture server (`tests/servers/fixture-server.mjs`), on the installed SDK.
pub fn fixture_js() -> String {
    server_script("sdk");
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/servers/fixture-server.mjs")
        .display()
        .to_string()
}

pub fn everything_js() -> String {
    server_script("server-everything").display().to_string()
}

pub fn filesystem_js() -> String {
    server_script("server-filesystem").display().to_string()
}

pub fn stdio(name: &str, command: &str, args: &[&str]) -> ServerConfig {
    ServerConfig {
        name: name.into(),
        transport: Transport::Stdio {
            command: command.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            env: BTreeMap::new(),
        },
    }
}

/// The everything server over stdio, as a user would configure it.
pub fn everything(name: &str) -> ServerConfig {
    stdio(name, "node", &[&everything_js(), "stdio"])
}

/// The everything server behind a shell that appends its pid to `pid_file` (the shell `exec`s
/// node, so the pid is the server's) and says hello on stderr, for tests that kill it.
pub fn everything_with_pid(name: &str, pid_file: &Path) -> ServerConfig {
    let script = format!(
        "echo $$ >> '{}'; echo 'hearth-test: server starting' >&2; exec node '{}' stdio",
        pid_file.display(),
        everything_js()
    );
    stdio(name, "sh", &["-c", &script])
}

/// Every pid the wrapper has written, one per start.
pub fn started_pids(pid_file: &Path) -> Vec<u32> {
    let text = std::fs::read_to_string(pid_file).unwrap_or_default();
    text.lines().filter_map(|line| line.trim().parse().ok()).collect()
}

/// The pid of the latest start, waiting for it to appear.
pub async fn read_pid(pid_file: &Path) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(&pid) = started_pids(pid_file).last() {
            return pid;
        }
        assert!(
            Instant::now() < deadline,
            "the server never wrote its pid to {}",
            pid_file.display()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Whether a process is alive (a zombie awaiting its reaper counts as dead).
pub fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name.
        Ok(stat) => {
            stat.rsplit_once(')').is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z'))
        }
        Err(_) => false,
    }
}

pub fn kill(pid: u32) {
    let status = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status();
    assert!(status.is_ok_and(|s| s.success()), "could not kill {pid}");
}

/// Waits until `done` holds, failing with `what` after `within`.
pub async fn eventually(within: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !done() {
        assert!(Instant::now() < deadline, "{what} (waited {within:?})");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
