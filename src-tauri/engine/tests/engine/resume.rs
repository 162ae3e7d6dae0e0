//! Resume exactness at the writer: 5,000 frames appended at an uneven pace while a viewer
//! disconnects at random points 200 times and resubscribes from the last seq it saw. Every
//! frame must arrive exactly once, in order, whatever the interleaving of replay and live.

use std::sync::Arc;
use std::time::Duration;

use hearth_engine::frames::FrameBody;
use hearth_engine::writer::Writer;
use hearth_engine::{CreateSession, Store, StoreOptions, subscribe};
use rand::Rng;

const FRAMES: usize = 5_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_frame_exactly_once_across_200_random_reconnects() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path(), StoreOptions::default()).unwrap());
    let session = store.create_session(&CreateSession::default()).unwrap();
    let writer = Writer::start(store.clone());

    // The producer: frames that never coalesce (alternating block index), in bursts.
    let producer = {
        let (writer, sid) = (writer.clone(), session.id.clone());
        tokio::spawn(async move {
            for i in 0..FRAMES {
                writer.append(
                    &sid,
                    Some("run"),
                    FrameBody::TextDelta { index: (i % 2) as u32, text: format!("{i},") },
                );
                if i % 97 == 0 {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            }
        })
    };

    let mut seen: Vec<i64> = Vec::new();
    let mut last = 0i64;
    let mut reconnects = 0;
    while last < FRAMES as i64 {
        let mut sub = subscribe::start(store.clone(), &writer, &session.id, last);
        // Read a random number of frames, then drop the subscription (a disconnect).
        let take = if reconnects < 200 { rand::rng().random_range(1..=40) } else { usize::MAX };
        for _ in 0..take {
            let frame = match tokio::time::timeout(Duration::from_secs(10), sub.frames.recv()).await
            {
                Ok(Some(f)) => f,
                Ok(None) => panic!("the subscription ended early at seq {last}"),
                Err(_) => panic!("no frame after seq {last} within 10 s"),
            };
            assert_eq!(
                frame.seq,
                last + 1,
                "after seq {last} the next frame must be {} (no gap, no repeat)",
                last + 1
            );
            let FrameBody::TextDelta { text, .. } = &frame.body else {
                panic!("unexpected frame {frame:?}")
            };
            assert_eq!(
                text,
                &format!("{},", frame.seq - 1),
                "frame {} carries what was appended",
                frame.seq
            );
            last = frame.seq;
            seen.push(frame.seq);
            if last == FRAMES as i64 {
                break;
            }
        }
        reconnects += 1;
    }
    producer.await.unwrap();
    assert!(reconnects >= 200, "the test must actually reconnect 200 times (did {reconnects})");
    assert_eq!(seen.len(), FRAMES, "every frame once");
    assert_eq!(writer.flush(&session.id).await.unwrap(), FRAMES as i64, "seq is dense: 1..=5000");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_subscriber_never_slows_the_writer_and_catches_up_from_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path(), StoreOptions::default()).unwrap());
    let session = store.create_session(&CreateSession::default()).unwrap();
    let writer = Writer::start(store.clone());
    let mut stuck = subscribe::start(store.clone(), &writer, &session.id, 0);

    let started = std::time::Instant::now();
    for i in 0..20_000u32 {
        writer.append(&session.id, None, FrameBody::TextDelta { index: i % 2, text: "x".into() });
    }
    assert_eq!(writer.flush(&session.id).await.unwrap(), 20_000);
    let write_time = started.elapsed();
    assert!(
        write_time < Duration::from_secs(10),
        "20,000 frames committed in {write_time:?} with a stuck reader"
    );

    // Far past the live buffer: the subscriber must still get every frame, from the log.
    let mut expected = 1;
    while expected <= 20_000 {
        let frame = tokio::time::timeout(Duration::from_secs(10), stuck.frames.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            frame.seq, expected,
            "the lagging subscriber resumes from the log without a gap"
        );
        expected += 1;
    }
}
