//! Output caps: the model's context is finite, so every tool bounds what it returns and says
//! what it left out.

/// The longest prefix of `text` that is at most `max` bytes and ends on a char boundary.
pub fn truncate_str(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Keeps the first and last `cap / 2` bytes of a stream and counts what falls in between, so a
/// long build log still shows how it started and how it ended.
#[derive(Debug)]
pub struct HeadTail {
    half: usize,
    head: Vec<u8>,
    tail: std::collections::VecDeque<u8>,
    total: u64,
}

impl HeadTail {
    pub fn new(cap: usize) -> Self {
        let half = cap / 2;
        Self { half, head: Vec::new(), tail: std::collections::VecDeque::new(), total: 0 }
    }

    pub fn push(&mut self, mut bytes: &[u8]) {
        self.total += bytes.len() as u64;
        let room = self.half - self.head.len();
        if room > 0 {
            let take = room.min(bytes.len());
            self.head.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
        }
        if bytes.len() >= self.half {
            self.tail.clear();
            self.tail.extend(&bytes[bytes.len() - self.half..]);
            return;
        }
        let overflow = (self.tail.len() + bytes.len()).saturating_sub(self.half);
        self.tail.drain(..overflow);
        self.tail.extend(bytes);
    }

    /// The bytes seen, with a marker saying how many were cut from the middle.
    pub fn render(&self) -> String {
        let kept = (self.head.len() + self.tail.len()) as u64;
        let mut out = String::from_utf8_lossy(&self.head).into_owned();
        if self.total > kept {
            let cut = self.total - kept;
            out.push_str(&format!("\n[... {cut} bytes of output cut from the middle ...]\n"));
        }
        let (a, b) = self.tail.as_slices();
        out.push_str(&String::from_utf8_lossy(&[a, b].concat()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_never_splits_a_char() {
        assert_eq!(truncate_str("héllo", 2), "h");
        assert_eq!(truncate_str("héllo", 3), "hé");
        assert_eq!(truncate_str("abc", 10), "abc");
    }

    #[test]
    fn head_tail_keeps_both_ends_and_counts_the_cut() {
        let mut buf = HeadTail::new(8);
        for chunk in [&b"0123"[..], b"456789", b"ab", b"cdef"] {
            buf.push(chunk);
        }
        let shown = buf.render();
        assert!(shown.starts_with("0123"), "the head must be kept: {shown}");
        assert!(shown.ends_with("cdef"), "the tail must be kept: {shown}");
        assert!(shown.contains("[... 8 bytes"), "the cut must be counted: {shown}");
    }

    #[test]
    fn head_tail_below_cap_is_verbatim() {
        let mut buf = HeadTail::new(100);
        buf.push(b"hello ");
        buf.push(b"world");
        assert_eq!(buf.render(), "hello world");
    }
}
