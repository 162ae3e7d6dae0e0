//! The writer: the only place a frame gets its `seq`.
//!
//! Producers (runs, the session actor) hand frames to [`Writer::append`] and go on; a
//! dedicated thread drains everything queued (group commit: while one transaction commits,
//! the next batch gathers), coalesces adjacent deltas of the same block, assigns each
//! session's next seqs, appends them to the event log in one transaction and only then
//! publishes them on the live bus. So a subscriber can never see a frame that a crash takes
//! back, and a slow subscriber never slows a run (the bus drops for it; it re-reads the log).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{broadcast, oneshot};

use crate::error::{ApiError, ErrorCode, Result};
use crate::frames::{Frame, FrameBody};
use crate::store::{Store, StoreError, events};

/// Frames a lagging live subscriber may fall behind before it re-reads the log.
const BUS_CAPACITY: usize = 1024;
/// At most this many frames per transaction (keeps one commit short under a flood).
const MAX_BATCH: usize = 4096;

/// Called with the session's last seq once a flush is committed.
type Done = Box<dyn FnOnce(Result<i64>) + Send>;

enum Op {
    Append {
        session_id: String,
        run_id: Option<String>,
        body: FrameBody,
    },
    /// Answered once everything appended before it is committed, with the session's last seq.
    Flush {
        session_id: String,
        done: Box<dyn FnOnce(Result<i64>) + Send>,
    },
    /// Commit what is queued, then stop.
    Stop,
}

/// Per-session live fan-out of committed frames, plus one feed of the frames that matter
/// outside a chat (runs starting and ending, approvals, proactive messages) for the tray,
/// notifications and schedules.
pub struct Bus {
    senders: Mutex<HashMap<String, broadcast::Sender<Arc<Frame>>>>,
    notable: broadcast::Sender<Arc<Frame>>,
    /// Ids of sessions created, imported, changed, deleted or restored (by any caller).
    sessions: broadcast::Sender<String>,
}

impl Default for Bus {
    fn default() -> Self {
        Bus {
            senders: Mutex::default(),
            notable: broadcast::channel(BUS_CAPACITY).0,
            sessions: broadcast::channel(BUS_CAPACITY).0,
        }
    }
}

impl Bus {
    /// Committed frames of every session that change what is running, waiting or new.
    pub fn watch(&self) -> broadcast::Receiver<Arc<Frame>> {
        self.notable.subscribe()
    }

    /// Ids of sessions whose row changed outside a run: made, imported, renamed, deleted…
    pub fn watch_sessions(&self) -> broadcast::Receiver<String> {
        self.sessions.subscribe()
    }

    pub fn session_changed(&self, session_id: &str) {
        let _ = self.sessions.send(session_id.to_owned());
    }

    pub fn subscribe(&self, session_id: &str) -> broadcast::Receiver<Arc<Frame>> {
        let mut senders = self.senders.lock().unwrap_or_else(|p| p.into_inner());
        senders
            .entry(session_id.to_owned())
            .or_insert_with(|| broadcast::channel(BUS_CAPACITY).0)
            .subscribe()
    }

    pub fn has_subscribers(&self, session_id: &str) -> bool {
        let senders = self.senders.lock().unwrap_or_else(|p| p.into_inner());
        senders.get(session_id).is_some_and(|tx| tx.receiver_count() > 0)
    }

    fn publish(&self, frames: &[Arc<Frame>]) {
        for frame in frames.iter().filter(|f| f.body.is_notable()) {
            let _ = self.notable.send(frame.clone());
        }
        let mut senders = self.senders.lock().unwrap_or_else(|p| p.into_inner());
        for frame in frames {
            if let Some(tx) = senders.get(&frame.session_id)
                && tx.send(frame.clone()).is_err()
            {
                // Nobody listens any more: forget the channel so memory stays flat.
                senders.remove(&frame.session_id);
            }
        }
    }
}

#[derive(Clone)]
pub struct Writer {
    tx: std::sync::mpsc::Sender<Op>,
    bus: Arc<Bus>,
    thread: Arc<Mutex<Option<std::thread::JoinHandle<()>>>>,
}

impl Writer {
    pub fn start(store: Arc<Store>) -> Writer {
        let (tx, rx) = std::sync::mpsc::channel();
        let bus = Arc::new(Bus::default());
        let thread_bus = bus.clone();
        let thread = std::thread::Builder::new()
            .name("hearth-writer".into())
            .spawn(move || run(store, rx, thread_bus))
            .expect("spawn the writer thread");
        Writer { tx, bus, thread: Arc::new(Mutex::new(Some(thread))) }
    }

    /// Commits everything queued so far, then stops the writer thread and waits for it.
    /// Frames appended afterwards are dropped (the process is shutting down).
    pub fn shutdown(&self) {
        let _ = self.tx.send(Op::Stop);
        let thread = self.thread.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(thread) = thread
            && thread.thread().id() != std::thread::current().id()
        {
            let _ = thread.join();
        }
    }

    pub fn bus(&self) -> &Bus {
        &self.bus
    }

    /// Queues a frame; it is numbered, committed and published shortly (or, if the process
    /// dies first, never seen by anyone).
    pub fn append(&self, session_id: &str, run_id: Option<&str>, body: FrameBody) {
        let _ = self.tx.send(Op::Append {
            session_id: session_id.to_owned(),
            run_id: run_id.map(str::to_owned),
            body,
        });
    }

    /// Waits until every frame appended so far is committed; returns the session's last seq.
    pub async fn flush(&self, session_id: &str) -> Result<i64> {
        let (tx, wait) = oneshot::channel();
        let done = Box::new(move |r| {
            let _ = tx.send(r);
        });
        self.tx
            .send(Op::Flush { session_id: session_id.to_owned(), done })
            .map_err(|_| stopped())?;
        wait.await.map_err(|_| stopped())?
    }

    /// Blocking form of [`Writer::flush`] for synchronous callers (safe inside a runtime's
    /// `block_on`: it waits on a plain channel).
    pub fn flush_blocking(&self, session_id: &str) -> Result<i64> {
        let (tx, wait) = std::sync::mpsc::channel();
        let done = Box::new(move |r| {
            let _ = tx.send(r);
        });
        self.tx
            .send(Op::Flush { session_id: session_id.to_owned(), done })
            .map_err(|_| stopped())?;
        wait.recv().map_err(|_| stopped())?
    }
}

fn stopped() -> ApiError {
    ApiError::new(ErrorCode::Internal, "the writer has stopped")
}

struct Pending {
    session_id: String,
    run_id: Option<String>,
    body: FrameBody,
}

fn run(store: Arc<Store>, rx: std::sync::mpsc::Receiver<Op>, bus: Arc<Bus>) {
    let mut last_seq: HashMap<String, i64> = HashMap::new();
    let mut stopping = false;
    while !stopping && let Ok(first) = rx.recv() {
        let mut pending: Vec<Pending> = Vec::new();
        let mut flushes: Vec<(String, Done)> = Vec::new();
        let mut next = Some(first);
        while let Some(op) = next {
            match op {
                Op::Append { session_id, run_id, body } => {
                    push_coalesced(&mut pending, Pending { session_id, run_id, body })
                }
                Op::Flush { session_id, done } => flushes.push((session_id, done)),
                Op::Stop => {
                    stopping = true;
                    break;
                }
            }
            next = if pending.len() < MAX_BATCH { rx.try_recv().ok() } else { None };
        }

        let now = store.now();
        let result = store.write(|tx| -> Result<_, StoreError> {
            let mut frames = Vec::with_capacity(pending.len());
            let mut touched: HashMap<&str, i64> = HashMap::new();
            for p in &pending {
                let seq = match last_seq.get(&p.session_id) {
                    Some(s) => *s,
                    None => events::last_seq(tx, &p.session_id)?,
                } + 1;
                last_seq.insert(p.session_id.clone(), seq);
                touched.insert(&p.session_id, seq);
                let frame = Frame {
                    session_id: p.session_id.clone(),
                    seq,
                    run_id: p.run_id.clone(),
                    ts: now,
                    body: p.body.clone(),
                };
                events::append(tx, &frame)?;
                frames.push(Arc::new(frame));
            }
            for (session_id, seq) in touched {
                events::set_last_seq(tx, session_id, seq)?;
            }
            Ok(frames)
        });
        match result {
            Ok(frames) => bus.publish(&frames),
            Err(e) => {
                // The batch is rolled back whole: forget cached seqs so the next batch
                // reloads them from the store and no seq is skipped.
                tracing::error!(error = %e, frames = pending.len(), "event log write failed");
                last_seq.clear();
            }
        }
        for (session_id, done) in flushes {
            let seq = match last_seq.get(&session_id) {
                Some(s) => Ok(*s),
                None => store.read(|conn| events::last_seq(conn, &session_id)).map_err(Into::into),
            };
            done(seq);
        }
    }
}

fn push_coalesced(pending: &mut Vec<Pending>, next: Pending) {
    if let Some(last) = pending.last_mut()
        && last.session_id == next.session_id
        && last.run_id == next.run_id
    {
        // Merged into the last frame, or handed back to stand on its own.
        if let Some(body) = last.body.try_merge(next.body) {
            pending.push(Pending { body, ..next });
        }
    } else {
        pending.push(next);
    }
}
