//! `make bench`: the durable-turn pipeline, writer → event log (SQLite) → live subscriber,
//! beside (a) a raw SQLite batched insert of same-size rows, the limit, and (b) a naive
//! baseline of one autocommit insert per frame, all in this run. Then replay of a
//! 100,000-frame session. Figures are printed, not asserted.
//!
//! Frames alternate between two block indexes so the writer cannot coalesce them: every
//! delta is one frame, one row, one delivery.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hearth_engine::frames::FrameBody;
use hearth_engine::writer::Writer;
use hearth_engine::{CreateSession, Store, StoreOptions, subscribe};

const THROUGHPUT_FRAMES: usize = 1_000_000;
const LATENCY_FRAMES: usize = 100_000;
const LATENCY_RATE: u64 = 20_000; // frames per second, paced
const NAIVE_FRAMES: usize = 20_000;
const REPLAY_FRAMES: usize = 100_000;
const DELTA: &str = "lorem ips"; // a typical streamed token or two

fn body(i: usize) -> FrameBody {
    FrameBody::TextDelta { index: (i % 2) as u32, text: DELTA.into() }
}

fn open() -> (tempfile::TempDir, Arc<Store>, String) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path(), StoreOptions::default()).unwrap());
    let session = store.create_session(&CreateSession::default()).unwrap().id;
    (dir, store, session)
}

fn main() {
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let row_bytes = serde_json::to_string(&body(0)).unwrap().len();
        println!("pipeline: {THROUGHPUT_FRAMES} text deltas ({row_bytes}-byte bodies), one subscriber");

        // Throughput: as fast as the producer can append, until the subscriber has them all.
        let (_d, store, sid) = open();
        let writer = Writer::start(store.clone());
        let mut sub = subscribe::start(store.clone(), &writer, &sid, 0);
        let start = Instant::now();
        let producer = {
            let (writer, sid) = (writer.clone(), sid.clone());
            std::thread::spawn(move || {
                for i in 0..THROUGHPUT_FRAMES {
                    writer.append(&sid, Some("run"), body(i));
                }
            })
        };
        let mut got = 0;
        while got < THROUGHPUT_FRAMES {
            sub.frames.recv().await.unwrap();
            got += 1;
        }
        producer.join().unwrap();
        let pipeline_rate = THROUGHPUT_FRAMES as f64 / start.elapsed().as_secs_f64();
        println!("  hearth writer → log → subscriber  {:>9.0} frames/s ({:.2} s)", pipeline_rate, start.elapsed().as_secs_f64());
        writer.shutdown();
        drop(sub);

        // Latency: a paced stream, each frame timed from append to delivery.
        let (_d, store, sid) = open();
        let writer = Writer::start(store.clone());
        let mut sub = subscribe::start(store.clone(), &writer, &sid, 0);
        let sent: Arc<Vec<AtomicU64>> = Arc::new((0..LATENCY_FRAMES).map(|_| AtomicU64::new(0)).collect());
        let epoch = Instant::now();
        let producer = {
            let (writer, sid, sent) = (writer.clone(), sid.clone(), sent.clone());
            std::thread::spawn(move || {
                // Tokens arrive in small bursts: each millisecond, that millisecond's share.
                let per_ms = (LATENCY_RATE / 1000) as usize;
                let begin = Instant::now();
                for (tick, chunk) in (0..LATENCY_FRAMES).collect::<Vec<_>>().chunks(per_ms).enumerate() {
                    let due = begin + Duration::from_millis(tick as u64);
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    for &i in chunk {
                        sent[i].store(epoch.elapsed().as_nanos() as u64, Ordering::SeqCst);
                        writer.append(&sid, Some("run"), body(i));
                    }
                }
            })
        };
        let mut latencies = Vec::with_capacity(LATENCY_FRAMES);
        for _ in 0..LATENCY_FRAMES {
            let frame = sub.frames.recv().await.unwrap();
            let at = epoch.elapsed().as_nanos() as u64;
            latencies.push(Duration::from_nanos(at - sent[(frame.seq - 1) as usize].load(Ordering::SeqCst)));
        }
        producer.join().unwrap();
        latencies.sort();
        let pct = |p: f64| latencies[((latencies.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e3;
        println!(
            "  publish → delivery at {LATENCY_RATE}/s     p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms  (target p99 ≤ 20 ms)",
            pct(0.5),
            pct(0.99),
            pct(1.0)
        );
        writer.shutdown();
        drop(sub);

        // (a) The limit: raw batched inserts of the same rows into the same schema.
        let (_d, store, sid) = open();
        let conn = rusqlite::Connection::open(store.db_path()).unwrap();
        conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
        let payload = serde_json::to_string(&body(0)).unwrap();
        let start = Instant::now();
        let mut seq = 0i64;
        for _ in 0..(THROUGHPUT_FRAMES / 4096 + 1) {
            let tx = conn.unchecked_transaction().unwrap();
            {
                let mut stmt = tx.prepare_cached("INSERT INTO events (session_id, seq, run_id, ts, type, body) VALUES (?1, ?2, 'run', 0, 'text_delta', ?3)").unwrap();
                for _ in 0..4096 {
                    if seq as usize == THROUGHPUT_FRAMES {
                        break;
                    }
                    seq += 1;
                    stmt.execute(rusqlite::params![sid, seq, payload]).unwrap();
                }
            }
            tx.commit().unwrap();
        }
        let raw_rate = THROUGHPUT_FRAMES as f64 / start.elapsed().as_secs_f64();
        println!("  (a) raw SQLite batched insert     {:>9.0} rows/s   → pipeline at {:.0} % of it (target ≥ 50 %)", raw_rate, 100.0 * pipeline_rate / raw_rate);

        // (b) Naive: one autocommit insert per frame.
        let (_d, store, sid) = open();
        let conn = rusqlite::Connection::open(store.db_path()).unwrap();
        conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
        let start = Instant::now();
        for seq in 1..=NAIVE_FRAMES as i64 {
            conn.execute("INSERT INTO events (session_id, seq, run_id, ts, type, body) VALUES (?1, ?2, 'run', 0, 'text_delta', ?3)", rusqlite::params![sid, seq, payload]).unwrap();
        }
        let naive_rate = NAIVE_FRAMES as f64 / start.elapsed().as_secs_f64();
        println!("  (b) naive autocommit per frame    {:>9.0} rows/s   ({NAIVE_FRAMES} rows) → pipeline is {:.0}× faster", naive_rate, pipeline_rate / naive_rate);

        // Replay: a reloaded viewer catching up on a 100,000-frame session.
        let (_d, store, sid) = open();
        let writer = Writer::start(store.clone());
        for i in 0..REPLAY_FRAMES {
            writer.append(&sid, Some("run"), body(i));
        }
        writer.flush(&sid).await.unwrap();
        let start = Instant::now();
        let mut sub = subscribe::start(store.clone(), &writer, &sid, 0);
        for _ in 0..REPLAY_FRAMES {
            sub.frames.recv().await.unwrap();
        }
        println!("  replay of {REPLAY_FRAMES} frames            {:.0} ms (target ≤ 200 ms)", start.elapsed().as_secs_f64() * 1e3);
        writer.shutdown();
    });
}
