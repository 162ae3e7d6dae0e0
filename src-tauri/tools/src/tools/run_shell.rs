//! `run_shell`: `bash -c` in the workspace, output captured and capped, with a time limit.
//!
//! The command runs in a process group of its own, so everything it starts can be killed at
//! once: on timeout, on cancellation, and — so nothing outlives the call — when the shell
//! exits. A process that moves itself to another group or session (`setsid`, `set -m`) escapes
//! that; containing those needs OS sandboxing, which is not this crate's job.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::args::parse;
use crate::error::{ToolError, ToolErrorCode};
use crate::{ToolContext, ToolDef, ToolKind, ToolOutput, confine};

pub const NAME: &str = "run_shell";

const DEFAULT_TIMEOUT_SECS: u64 = 120;
const MAX_TIMEOUT_SECS: u64 = 600;
/// Most output kept: the first and last half of it.
const OUTPUT_CAP: usize = 64 * 1024;
/// How long output is still read after the shell exits and its group is killed; bounds the wait
/// for a process that escaped the group but still holds the output pipe.
const DRAIN_GRACE: Duration = Duration::from_millis(500);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Args {
    command: String,
    timeout_secs: Option<u64>,
}

pub fn def() -> ToolDef {
    ToolDef {
        name: NAME,
        description: "Run a shell command with `bash -c` in the workspace folder (or the home \
            folder when the chat has none). stdout and stderr are returned together, capped at \
            64 KiB (the start and the end are kept), followed by the exit code. stdin is empty. \
            The command and everything it starts are killed when it times out, and background \
            processes it leaves do not outlive it.",
        input_schema: json!({
            "type": "object",
            "properties": {
                "command": {
                    "type": "string",
                    "description": "The bash command line to run."
                },
                "timeout_secs": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_TIMEOUT_SECS,
                    "description": "Time limit in seconds. Default 120, at most 600."
                }
            },
            "required": ["command"],
            "additionalProperties": false
        }),
        kind: ToolKind::Shell,
    }
}

pub async fn run(input: &Value, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
    let args: Args = parse(NAME, input)?;
    if args.command.trim().is_empty() {
        return Err(ToolError::invalid("command is empty"));
    }
    let secs = args.timeout_secs.unwrap_or(DEFAULT_TIMEOUT_SECS);
    if !(1..=MAX_TIMEOUT_SECS).contains(&secs) {
        return Err(ToolError::invalid(format!(
            "timeout_secs must be between 1 and {MAX_TIMEOUT_SECS}; got {secs}"
        )));
    }
    let cwd = working_dir(ctx)?;
    imp::run(&args.command, &cwd, Duration::from_secs(secs), &ctx.cancel).await
}

/// The workspace folder, or the user's home folder for a chat without one.
fn working_dir(ctx: &ToolContext) -> Result<PathBuf, ToolError> {
    match &ctx.workspace {
        Some(workspace) => confine::canonical_root(workspace),
        None => std::env::home_dir().ok_or_else(|| {
            ToolError::new(
                ToolErrorCode::Io,
                "the home folder is unknown and there is no workspace",
            )
        }),
    }
}

#[cfg(unix)]
mod imp {
    use std::os::unix::process::ExitStatusExt;
    use std::path::Path;
    use std::process::{ExitStatus, Stdio};
    use std::time::Duration;

    use nix::errno::Errno;
    use nix::sys::signal::{Signal, killpg};
    use nix::unistd::Pid;
    use tokio::io::AsyncReadExt;
    use tokio::net::unix::pipe;
    use tokio::process::{Child, Command};
    use tokio_util::sync::CancellationToken;

    use super::{DRAIN_GRACE, OUTPUT_CAP};
    use crate::ToolOutput;
    use crate::cap::HeadTail;
    use crate::error::{ToolError, ToolErrorCode};

    /// How the wait for the shell ended.
    enum End {
        Exited(ExitStatus),
        TimedOut,
        Cancelled,
    }

    pub async fn run(
        command: &str,
        cwd: &Path,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<ToolOutput, ToolError> {
        let spawn_err = |err: std::io::Error| {
            ToolError::new(ToolErrorCode::Io, format!("could not start bash: {err}"))
        };
        // One pipe for stdout and stderr, so their lines interleave as they were written.
        let (reader, writer) = std::io::pipe().map_err(spawn_err)?;
        let mut cmd = Command::new("bash");
        // Hearth's secrets (its API token, provider keys) never reach a command the model runs.
        cmd.env_clear()
            .envs(hearth_protocol::env::inherited(std::env::vars()))
            .arg("-c")
            .arg(command)
            .current_dir(cwd)
            .stdin(Stdio::null())
            .stdout(writer.try_clone().map_err(spawn_err)?)
            .stderr(writer)
            .process_group(0)
            .kill_on_drop(true);
        let mut child = cmd.spawn().map_err(spawn_err)?;
        // Our copies of the pipe's write end must close, or the read below never sees EOF.
        drop(cmd);
        let mut group = Group(child.id().and_then(|id| i32::try_from(id).ok()).map(Pid::from_raw));
        let mut output = pipe::Receiver::from_owned_fd(reader.into()).map_err(spawn_err)?;
        let mut captured = HeadTail::new(OUTPUT_CAP);

        let end = {
            let mut chunk = vec![0u8; 16 * 1024];
            let mut eof = false;
            let deadline = tokio::time::sleep(timeout);
            tokio::pin!(deadline);
            loop {
                tokio::select! {
                    read = output.read(&mut chunk), if !eof => match read {
                        Ok(0) | Err(_) => eof = true,
                        Ok(n) => captured.push(&chunk[..n]),
                    },
                    status = child.wait() => match status {
                        Ok(status) => break End::Exited(status),
                        Err(err) => {
                            let message = format!("waiting for bash failed: {err}");
                            return Err(ToolError::new(ToolErrorCode::Io, message));
                        }
                    },
                    () = &mut deadline => break End::TimedOut,
                    () = cancel.cancelled() => break End::Cancelled,
                }
            }
        };

        // Whatever still runs in the group is killed: stragglers after a normal exit, the whole
        // tree after a timeout or a cancellation.
        group.kill();
        reap(&mut child).await;
        let _ = tokio::time::timeout(DRAIN_GRACE, drain(&mut output, &mut captured)).await;

        match end {
            End::Exited(status) => Ok(ToolOutput::new(render(&captured, status))),
            End::TimedOut => Err(ToolError::new(
                ToolErrorCode::Timeout,
                format!(
                    "the command timed out after {}s; it and every process it started were \
                     killed. Output before the timeout:\n{}",
                    timeout.as_secs(),
                    shown(&captured)
                ),
            )),
            End::Cancelled => Err(ToolError::new(
                ToolErrorCode::Aborted,
                "the command was cancelled; it and every process it started were killed",
            )),
        }
    }

    /// The command's process group. Killed once: right after the shell exits or is given up
    /// on, or on drop when the call's future is dropped mid-run (the engine may drop rather
    /// than cancel). Never twice: once the group is empty its id may be reused.
    struct Group(Option<Pid>);

    impl Group {
        /// SIGKILL to every process in the group. `ESRCH` means it is already empty.
        fn kill(&mut self) {
            let Some(pgid) = self.0.take() else { return };
            match killpg(pgid, Signal::SIGKILL) {
                Ok(()) | Err(Errno::ESRCH) => {}
                Err(err) => {
                    tracing::warn!(%err, pgid = pgid.as_raw(), "killing a shell's process group failed");
                }
            }
        }
    }

    impl Drop for Group {
        fn drop(&mut self) {
            self.kill();
        }
    }

    /// Collects the shell's exit status, so no zombie is left behind. The shell is killed
    /// directly too (a no-op once it has exited), so a failed group kill can't hang the wait.
    async fn reap(child: &mut Child) {
        let _ = child.start_kill();
        if let Err(err) = child.wait().await {
            tracing::warn!(%err, "reaping bash failed");
        }
    }

    async fn drain(output: &mut pipe::Receiver, captured: &mut HeadTail) {
        let mut chunk = vec![0u8; 16 * 1024];
        while let Ok(n @ 1..) = output.read(&mut chunk).await {
            captured.push(&chunk[..n]);
        }
    }

    fn shown(captured: &HeadTail) -> String {
        let text = captured.render();
        if text.is_empty() { "[no output]".to_owned() } else { text }
    }

    fn render(captured: &HeadTail, status: ExitStatus) -> String {
        let mut out = shown(captured);
        if !out.ends_with('\n') {
            out.push('\n');
        }
        match (status.code(), status.signal()) {
            (Some(code), _) => out.push_str(&format!("[exit code: {code}]")),
            (None, Some(signal)) => out.push_str(&format!("[killed by signal {signal}]")),
            (None, None) => out.push_str("[exit status unknown]"),
        }
        out
    }
}

#[cfg(not(unix))]
mod imp {
    use std::path::Path;
    use std::time::Duration;

    use tokio_util::sync::CancellationToken;

    use crate::ToolOutput;
    use crate::error::{ToolError, ToolErrorCode};

    /// Killing a whole process tree needs job objects on Windows; until then, refuse rather
    /// than leave processes behind.
    pub async fn run(
        _command: &str,
        _cwd: &Path,
        _timeout: Duration,
        _cancel: &CancellationToken,
    ) -> Result<ToolOutput, ToolError> {
        Err(ToolError::new(ToolErrorCode::Io, "run_shell is not supported on this platform yet"))
    }
}
