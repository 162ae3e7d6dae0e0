//! Merging notes per session: pure bookkeeping, no IO and no clock of its own (the caller passes
//! `now`), so every rule here is unit-tested without a bus.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::Note;

/// What one Notify call shows for one session: the latest note, and how many it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Batch {
    pub session_id: String,
    pub title: String,
    pub body: String,
    /// The approval this notification asks about (it stands for that one note only).
    pub approval_id: Option<String>,
    /// How many notes arrived in this batch (at least 1).
    pub notes: usize,
}

#[derive(Debug)]
struct Pending {
    due: Instant,
    session_id: String,
    title: String,
    body: String,
    notes: usize,
    approval_id: Option<String>,
}

impl Batch {
    /// What a notification on screen stands for: its session, or for an approval that
    /// approval alone (an approval is never merged with other notes, nor replaced by them).
    pub fn key(&self) -> String {
        key_of(&self.session_id, self.approval_id.as_deref())
    }
}

/// The key an approval's notification is kept by.
pub(crate) fn approval_key(approval_id: &str) -> String {
    format!("approval:{approval_id}")
}

fn key_of(session_id: &str, approval_id: Option<&str>) -> String {
    match approval_id {
        Some(id) => approval_key(id),
        None => session_id.to_owned(),
    }
}

/// Notes waiting for their session's window to end. A window opens with a session's first note
/// and is fixed (a steady stream of notes cannot postpone it), so a burst costs at most one call
/// per window and the first note waits at most one window.
#[derive(Debug)]
pub(crate) struct Coalescer {
    window: Duration,
    pending: HashMap<String, Pending>,
}

impl Coalescer {
    pub fn new(window: Duration) -> Coalescer {
        Coalescer { window, pending: HashMap::new() }
    }

    pub fn push(&mut self, note: Note, now: Instant) {
        let Note { session_id, title, body, approval_id } = note;
        let due = now + self.window;
        self.pending
            .entry(key_of(&session_id, approval_id.as_deref()))
            .and_modify(|pending| {
                pending.title.clone_from(&title);
                pending.body.clone_from(&body);
                pending.notes += 1;
            })
            .or_insert(Pending { due, session_id, title, body, notes: 1, approval_id });
    }

    /// Forgets an approval's note not shown yet (it was answered meanwhile); whether one was.
    pub fn withdraw_approval(&mut self, key: &str) -> bool {
        self.pending.remove(key).is_some()
    }

    /// When the earliest pending batch is due, if any is pending.
    pub fn next_due(&self) -> Option<Instant> {
        self.pending.values().map(|pending| pending.due).min()
    }

    /// Removes and returns the batches due at `now`, earliest first.
    pub fn take_due(&mut self, now: Instant) -> Vec<Batch> {
        let mut due: Vec<(Instant, Batch)> = self
            .pending
            .extract_if(|_, pending| pending.due <= now)
            .map(|(_, Pending { due, session_id, title, body, notes, approval_id })| {
                (due, Batch { session_id, title, body, notes, approval_id })
            })
            .collect();
        due.sort_by_key(|(due, _)| *due);
        due.into_iter().map(|(_, batch)| batch).collect()
    }
}

/// The body shown for the latest note when it stands for `notes` notes in all.
#[cfg_attr(
    not(all(unix, not(target_os = "macos"))),
    allow(dead_code, reason = "only the D-Bus backend shows notifications")
)]
pub(crate) fn body_for(latest: &str, notes: usize) -> String {
    match notes.saturating_sub(1) {
        0 => latest.to_owned(),
        more if latest.is_empty() => format!("and {more} more"),
        more => format!("{latest}\nand {more} more"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(session: &str, n: usize) -> Note {
        Note {
            session_id: session.into(),
            title: format!("title {n}"),
            body: format!("body {n}"),
            approval_id: None,
        }
    }

    const WINDOW: Duration = Duration::from_millis(1500);

    #[test]
    fn notes_of_one_session_within_the_window_make_one_batch_with_the_latest_note() {
        let start = Instant::now();
        let mut c = Coalescer::new(WINDOW);
        for n in 0..50 {
            c.push(note("a", n), start + Duration::from_millis(n as u64 * 10));
        }
        assert_eq!(c.next_due(), Some(start + WINDOW), "the window opens with the first note");
        assert!(c.take_due(start + WINDOW - Duration::from_millis(1)).is_empty(), "nothing early");
        let batches = c.take_due(start + WINDOW);
        assert_eq!(
            batches,
            vec![Batch {
                session_id: "a".into(),
                title: "title 49".into(),
                body: "body 49".into(),
                notes: 50,
                approval_id: None
            }],
            "fifty notes in one window must be one batch showing the latest"
        );
        assert_eq!(c.next_due(), None, "a taken batch is no longer pending");
    }

    #[test]
    fn sessions_never_merge_and_come_out_earliest_first() {
        let start = Instant::now();
        let mut c = Coalescer::new(WINDOW);
        c.push(note("b", 1), start + Duration::from_millis(5));
        c.push(note("a", 2), start);
        c.push(note("b", 3), start + Duration::from_millis(6));
        let batches = c.take_due(start + WINDOW * 2);
        let order: Vec<_> = batches.iter().map(|b| (b.session_id.as_str(), b.notes)).collect();
        assert_eq!(order, [("a", 1), ("b", 2)], "one batch per session, in due order");
    }

    #[test]
    fn a_note_after_the_window_starts_a_new_batch() {
        let start = Instant::now();
        let mut c = Coalescer::new(WINDOW);
        c.push(note("a", 1), start);
        assert_eq!(c.take_due(start + WINDOW).len(), 1);
        c.push(note("a", 2), start + WINDOW + Duration::from_millis(1));
        assert_eq!(c.next_due(), Some(start + WINDOW * 2 + Duration::from_millis(1)));
    }

    #[test]
    fn the_body_says_how_many_more_notes_it_stands_for() {
        assert_eq!(body_for("done", 1), "done", "a single note is shown as it is");
        assert_eq!(body_for("done", 3), "done\nand 2 more");
        assert_eq!(body_for("", 2), "and 1 more", "no blank first line for an empty body");
        assert_eq!(body_for("done", 0), "done", "zero is treated as one, never an underflow");
    }
}
