//! `subscribe(after_seq)`: every frame with a greater seq, exactly once, in order, however
//! replay from the log and live traffic interleave.
//!
//! How: take a live receiver *first*, then replay the log from `after_seq`; then forward live
//! frames, dropping those already sent (seq <= last sent). A gap (the receiver lagged, or a
//! frame was published before our receiver existed) is filled from the log. Frames are
//! published only after they are committed, so the log always has what the bus has.

use std::sync::Arc;

use tokio::sync::{broadcast, mpsc};

use crate::error::Result;
use crate::frames::Frame;
use crate::store::{Store, events};
use crate::turn::writer::Writer;

/// Frames read from the log per query while catching up.
const REPLAY_CHUNK: usize = 2000;
/// How far the consumer may fall behind before the task waits for it (the run never does).
const DELIVERY_BUFFER: usize = 256;

pub struct Subscription {
    pub frames: mpsc::Receiver<Arc<Frame>>,
}

pub fn start(store: Arc<Store>, writer: &Writer, session_id: &str, after_seq: i64) -> Subscription {
    let live = writer.bus().subscribe(session_id);
    let (tx, frames) = mpsc::channel(DELIVERY_BUFFER);
    let session_id = session_id.to_owned();
    tokio::spawn(async move {
        if let Err(e) = pump(store, live, &session_id, after_seq, tx).await {
            tracing::warn!(session = %session_id, error = %e, "subscription ended");
        }
    });
    Subscription { frames }
}

async fn pump(
    store: Arc<Store>,
    mut live: broadcast::Receiver<Arc<Frame>>,
    session_id: &str,
    after_seq: i64,
    tx: mpsc::Sender<Arc<Frame>>,
) -> Result<()> {
    let mut sent = after_seq;
    if !catch_up(&store, session_id, &mut sent, &tx).await? {
        return Ok(());
    }
    loop {
        match live.recv().await {
            Ok(frame) if frame.seq <= sent => {}
            Ok(frame) if frame.seq == sent + 1 => {
                if tx.send(frame).await.is_err() {
                    return Ok(());
                }
                sent += 1;
            }
            // A gap or a lag: what is missing is in the log (it was committed first).
            Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {
                if !catch_up(&store, session_id, &mut sent, &tx).await? {
                    return Ok(());
                }
            }
            Err(broadcast::error::RecvError::Closed) => return Ok(()),
        }
    }
}

/// Sends everything in the log after `sent`; false when the consumer has gone.
async fn catch_up(
    store: &Arc<Store>,
    session_id: &str,
    sent: &mut i64,
    tx: &mpsc::Sender<Arc<Frame>>,
) -> Result<bool> {
    loop {
        let (store2, sid, after) = (store.clone(), session_id.to_owned(), *sent);
        let chunk = tokio::task::spawn_blocking(move || {
            store2.read(|conn| events::read_after(conn, &sid, after, REPLAY_CHUNK))
        })
        .await
        .map_err(|e| crate::ApiError::new(crate::ErrorCode::Internal, e.to_string()))??;
        let done = chunk.len() < REPLAY_CHUNK;
        for frame in chunk {
            *sent = frame.seq;
            if tx.send(Arc::new(frame)).await.is_err() {
                return Ok(false);
            }
        }
        if done {
            return Ok(true);
        }
    }
}
