//! A provider's body with every SSE event bounded, counted on the raw bytes before the SSE
//! parser buffers them: a body that never ends an event (an endless line, or endless lines
//! without a blank one) fails with [`BodyError::TooLarge`] once it passes the limit, so memory
//! stays proportional to the limit, not to what the server sends.
//!
//! It also hands the parser whole lines only: bytes after the last line end of a piece wait
//! here for the next one. The parser re-reads an unfinished line on every piece, so a long line
//! in small pieces cost it quadratic time; here it is one copy.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::Stream;

/// What the bounded body yields instead of a chunk.
#[derive(Debug)]
pub(crate) enum BodyError<E> {
    Transport(E),
    /// An event passed the limit; nothing more is read.
    TooLarge,
}

impl<E: fmt::Display> fmt::Display for BodyError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyError::Transport(e) => e.fmt(f),
            BodyError::TooLarge => f.write_str("an event of the stream is over its limit"),
        }
    }
}

/// `body` in whole lines, failing once an event passes `limit` bytes (it ends after that).
pub(crate) fn bounded<S>(body: S, limit: usize) -> Bounded<S> {
    Bounded {
        body: Box::pin(body),
        count: EventBytes::default(),
        pending: Vec::new(),
        limit,
        done: false,
    }
}

pub(crate) struct Bounded<S> {
    body: Pin<Box<S>>,
    count: EventBytes,
    /// The unfinished line (at most `limit` bytes).
    pending: Vec<u8>,
    limit: usize,
    done: bool,
}

impl<S, E> Stream for Bounded<S>
where
    S: Stream<Item = Result<Bytes, E>>,
{
    type Item = Result<Bytes, BodyError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            let chunk = match this.body.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    this.done = true;
                    let rest = std::mem::take(&mut this.pending);
                    return Poll::Ready((!rest.is_empty()).then(|| Ok(Bytes::from(rest))));
                }
                Poll::Ready(Some(Err(e))) => {
                    return Poll::Ready(Some(Err(BodyError::Transport(e))));
                }
                Poll::Ready(Some(Ok(chunk))) => chunk,
            };
            if !this.count.feed(&chunk, this.limit) {
                this.done = true;
                this.pending = Vec::new();
                return Poll::Ready(Some(Err(BodyError::TooLarge)));
            }
            let Some(end) = chunk.iter().rposition(|b| *b == b'\n' || *b == b'\r') else {
                this.pending.extend_from_slice(&chunk);
                continue;
            };
            let lines = if this.pending.is_empty() {
                chunk.slice(..=end)
            } else {
                let mut joined = std::mem::take(&mut this.pending);
                joined.extend_from_slice(&chunk[..=end]);
                Bytes::from(joined)
            };
            this.pending.extend_from_slice(&chunk[end + 1..]);
            return Poll::Ready(Some(Ok(lines)));
        }
    }
}

/// Bytes since the last event boundary (a blank line, with LF, CR or CRLF line ends).
#[derive(Debug)]
struct EventBytes {
    since_boundary: usize,
    at_line_start: bool,
    after_cr: bool,
}

impl Default for EventBytes {
    fn default() -> Self {
        EventBytes { since_boundary: 0, at_line_start: true, after_cr: false }
    }
}

impl EventBytes {
    /// Counts `chunk`; false once an event is over `limit`.
    fn feed(&mut self, chunk: &[u8], limit: usize) -> bool {
        for &byte in chunk {
            match byte {
                b'\n' if self.after_cr => self.after_cr = false,
                b'\n' | b'\r' => {
                    self.after_cr = byte == b'\r';
                    if self.at_line_start {
                        self.since_boundary = 0;
                    }
                    self.at_line_start = true;
                }
                _ => {
                    self.after_cr = false;
                    self.at_line_start = false;
                    self.since_boundary += 1;
                    if self.since_boundary > limit {
                        return false;
                    }
                }
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_handed_on_whole_and_the_rest_at_the_end() {
        use futures_util::{FutureExt, StreamExt};
        let pieces = ["data: a", "b\ndata: c", "d\n\nda", "ta: e"];
        let body = futures_util::stream::iter(
            pieces.map(|p| Ok::<_, std::io::Error>(Bytes::from_static(p.as_bytes()))),
        );
        let out: Vec<Bytes> =
            bounded(body, 100).map(|r| r.unwrap()).collect::<Vec<_>>().now_or_never().unwrap();
        assert_eq!(out, ["data: ab\n", "data: cd\n\n", "data: e"]);
    }

    fn fits(pieces: &[&str], limit: usize) -> bool {
        let mut count = EventBytes::default();
        pieces.iter().all(|p| count.feed(p.as_bytes(), limit))
    }

    #[test]
    fn an_event_is_counted_up_to_its_blank_line_whatever_the_line_ends() {
        assert!(fits(&["data: 12345\n\n", "data: 12345\n\n"], 11), "each event alone");
        assert!(!fits(&["data: 12345\ndata: 1\n\n"], 11), "two lines, one event");
        assert!(fits(&["data: 12345\r\n\r\n", "data: 12345\r", "\n\r\n"], 11), "CRLF");
        assert!(fits(&["data: 12345\r\rdata: 12345\r\r"], 11), "CR");
        assert!(!fits(&["data: 12345\r\ndata: 1\r\n\r\n"], 11), "a CRLF is one line end");
        assert!(!fits(&["data: 1234", "5678"], 11), "across pieces");
    }
}
