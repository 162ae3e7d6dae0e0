//! An agent CLI's child process as the runtimes drive it: stdout read a line at a time (each
//! line bounded), stdin written a line at a time, the tail of stderr kept for a failure's
//! message, and closing it down with everything it started.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin};
use tokio::sync::mpsc;

use crate::error::{ApiError, ErrorCode, Result};

/// How much of the CLI's stderr a failed run quotes.
const STDERR_TAIL: usize = 2_000;
/// The longest stdout line taken (a whole tool result can be one line); a longer one fails
/// the run rather than growing without bound.
const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// The pipes of one running CLI.
pub(crate) struct Pipes {
    /// What people call the CLI, for messages.
    label: &'static str,
    stdin: Option<ChildStdin>,
    /// Its stdout, line by line; `None` once it closed.
    pub lines: mpsc::Receiver<std::io::Result<String>>,
    stderr: tokio::task::JoinHandle<String>,
}

impl Pipes {
    /// Takes the child's pipes and starts reading them on `runtime`.
    pub(crate) fn take(
        label: &'static str,
        runtime: &tokio::runtime::Handle,
        child: &mut Child,
    ) -> Result<Pipes> {
        let broken = || ApiError::new(ErrorCode::Internal, format!("{label}'s pipes are missing"));
        let stdout = child.stdout.take().ok_or_else(broken)?;
        let mut stderr = child.stderr.take().ok_or_else(broken)?;
        let (line_tx, lines) = mpsc::channel(256);
        runtime.spawn(async move {
            let mut reader = BufReader::new(stdout);
            let mut buf = Vec::new();
            loop {
                buf.clear();
                let item = match (&mut reader)
                    .take(MAX_LINE_BYTES as u64 + 1)
                    .read_until(b'\n', &mut buf)
                    .await
                {
                    Ok(0) => break,
                    Ok(_) if buf.len() > MAX_LINE_BYTES => Err(std::io::Error::other(format!(
                        "a line of over {} MiB",
                        MAX_LINE_BYTES / (1024 * 1024)
                    ))),
                    Ok(_) => {
                        while matches!(buf.last(), Some(b'\n' | b'\r')) {
                            buf.pop();
                        }
                        Ok(String::from_utf8_lossy(&buf).into_owned())
                    }
                    Err(e) => Err(e),
                };
                let end = item.is_err();
                if line_tx.send(item).await.is_err() || end {
                    break;
                }
            }
        });
        let stderr = runtime.spawn(async move {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut chunk).await {
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                if buf.len() > 4 * STDERR_TAIL {
                    buf.drain(..buf.len() - STDERR_TAIL);
                }
            }
            let text = String::from_utf8_lossy(&buf).into_owned();
            let cut = text.len().saturating_sub(STDERR_TAIL);
            let cut = (cut..text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            text[cut..].to_owned()
        });
        Ok(Pipes { label, stdin: child.stdin.take(), lines, stderr })
    }

    /// Writes one line to the CLI's stdin.
    pub(crate) async fn write(&mut self, line: &str) -> Result<()> {
        let label = self.label;
        let failed = |e: std::io::Error| {
            ApiError::new(ErrorCode::RuntimeFailed, format!("{label} stopped reading: {e}"))
        };
        let stdin = self.stdin.as_mut().ok_or_else(|| {
            ApiError::new(ErrorCode::RuntimeFailed, format!("{label}'s input is closed"))
        })?;
        stdin.write_all(line.as_bytes()).await.map_err(failed)?;
        stdin.write_all(b"\n").await.map_err(failed)?;
        stdin.flush().await.map_err(failed)
    }

    /// Closes the CLI's input, gives it a moment to exit, then kills its process group.
    /// Returns the tail of its stderr.
    /// `quick`: the turn was cut (abort, failure), so the CLI is not waited for.
    pub(crate) async fn finish(&mut self, child: &mut Child, quick: bool) -> String {
        self.stdin = None;
        let wait = if quick { Duration::from_millis(50) } else { Duration::from_millis(500) };
        let pid = child.id().and_then(|id| i32::try_from(id).ok());
        let exited = tokio::time::timeout(wait, child.wait()).await.is_ok();
        // Whatever it started (a shell command's children) goes with it.
        if let Some(pid) = pid {
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
        if !exited {
            let _ = child.kill().await;
        }
        match tokio::time::timeout(Duration::from_secs(1), &mut self.stderr).await {
            Ok(Ok(tail)) => tail,
            _ => String::new(),
        }
    }
}

/// Adds the CLI's stderr tail to a `RUNTIME_FAILED` error's message (a crash's reason is
/// there), and bounds the message.
pub(crate) fn quote_stderr(error: &mut ApiError, stderr: &str) {
    if error.code == ErrorCode::RuntimeFailed && !stderr.trim().is_empty() {
        error.message = format!("{}\n{}", error.message, stderr.trim());
    }
    let mut end = error.message.len().min(8_000);
    while !error.message.is_char_boundary(end) {
        end -= 1;
    }
    error.message.truncate(end);
}
