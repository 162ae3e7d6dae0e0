//! A stdio server's stderr: traced as it comes, and its last few KiB kept so that a crash or a
//! failed start can tell the user what the server said before it died.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::watch;

/// How much of the end of stderr is kept for error messages.
pub(crate) const TAIL_BYTES: usize = 4 * 1024;

/// Lines longer than this are traced in pieces, so a server cannot make us buffer without bound.
const MAX_TRACED_LINE: usize = 1024;

/// The tail of a server's stderr, filled by a background task until the stream closes.
#[derive(Clone)]
pub(crate) struct StderrTail {
    bytes: Arc<Mutex<Vec<u8>>>,
    closed: watch::Receiver<bool>,
}

impl StderrTail {
    /// Starts reading `stream` in the background; the task ends when the stream closes (the
    /// server and everything it started have exited).
    pub(crate) fn capture(server: &str, stream: impl AsyncRead + Unpin + Send + 'static) -> Self {
        let bytes = Arc::new(Mutex::new(Vec::with_capacity(TAIL_BYTES)));
        let (closed_tx, closed) = watch::channel(false);
        let server = server.to_owned();
        let sink = Arc::clone(&bytes);
        tokio::spawn(async move {
            read_to_end(&server, stream, &sink).await;
            let _ = closed_tx.send(true);
        });
        Self { bytes, closed }
    }

    /// The kept tail as text, trimmed; waits up to `settle` for the stream to close first, so a
    /// server that just died has had the chance to flush its last words.
    pub(crate) async fn text(&self, settle: Duration) -> String {
        let mut closed = self.closed.clone();
        let _ = tokio::time::timeout(settle, closed.wait_for(|closed| *closed)).await;
        let bytes = self.bytes.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).trim().to_owned()
    }
}

async fn read_to_end(server: &str, mut stream: impl AsyncRead + Unpin, tail: &Mutex<Vec<u8>>) {
    let mut chunk = [0u8; 1024];
    let mut line = Vec::with_capacity(MAX_TRACED_LINE);
    loop {
        let read = match stream.read(&mut chunk).await {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) => {
                tracing::debug!(server, %error, "reading an MCP server's stderr failed");
                break;
            }
        };
        keep_tail(&mut tail.lock().unwrap_or_else(PoisonError::into_inner), &chunk[..read]);
        for &byte in &chunk[..read] {
            if byte == b'\n' || line.len() == MAX_TRACED_LINE {
                trace_line(server, &line);
                line.clear();
            }
            if byte != b'\n' {
                line.push(byte);
            }
        }
    }
    trace_line(server, &line);
}

fn trace_line(server: &str, line: &[u8]) {
    let line = String::from_utf8_lossy(line);
    let line = line.trim_end();
    if !line.is_empty() {
        tracing::debug!(server, "stderr: {line}");
    }
}

/// Appends `new` and drops from the front so at most [`TAIL_BYTES`] remain.
fn keep_tail(tail: &mut Vec<u8>, new: &[u8]) {
    tail.extend_from_slice(new);
    if tail.len() > TAIL_BYTES {
        let excess = tail.len() - TAIL_BYTES;
        tail.drain(..excess);
        // Start the tail at a line (or at least a character) boundary, not mid-way through one.
        let start = tail.iter().position(|&b| b == b'\n').map_or_else(
            || tail.iter().position(|&b| b & 0xC0 != 0x80).unwrap_or(tail.len()),
            |newline| newline + 1,
        );
        if start < tail.len() {
            tail.drain(..start);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_is_bounded_and_starts_at_a_line() {
        let mut tail = Vec::new();
        for i in 0..1000 {
            keep_tail(&mut tail, format!("line {i}\n").as_bytes());
        }
        assert!(tail.len() <= TAIL_BYTES);
        let text = String::from_utf8(tail).unwrap();
        assert!(text.starts_with("line "), "the tail starts at a whole line: {:?}", &text[..20]);
        assert!(text.ends_with("line 999\n"), "the newest output is kept");
    }

    #[test]
    fn a_tail_without_newlines_starts_at_a_character() {
        let mut tail = Vec::new();
        keep_tail(&mut tail, "é".repeat(TAIL_BYTES).as_bytes());
        assert!(String::from_utf8(tail.clone()).is_ok(), "no split UTF-8 sequence at the start");
        assert!(tail.len() <= TAIL_BYTES);
    }

    #[tokio::test]
    async fn capture_keeps_what_the_stream_said() {
        let (mut writer, reader) = tokio::io::duplex(64);
        let tail = StderrTail::capture("test", reader);
        tokio::io::AsyncWriteExt::write_all(&mut writer, b"starting\nfatal: no config\n")
            .await
            .unwrap();
        drop(writer);
        assert_eq!(tail.text(Duration::from_secs(5)).await, "starting\nfatal: no config");
    }
}
