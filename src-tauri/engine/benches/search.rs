//! `make bench`: full-text search over 100,000 messages in 200 chats (the FTS5 index, as the app
//! searches), beside the naive baseline (`LIKE '%word%'` over the stored content) on the same
//! file in the same run. Figures are printed, not asserted. Target: p95 ≤ 50 ms.

use std::time::{Duration, Instant};

use hearth_engine::chat::ContentBlock;
use hearth_engine::store::messages::{self, NewMessage};
use hearth_engine::store::search::SearchQuery;
use hearth_engine::{CreateSession, Engine};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const MESSAGES: usize = 100_000;
const CHATS: usize = 200;
const QUERIES: usize = 200;

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    let mut rng = StdRng::seed_from_u64(7);
    // A Zipf-ish vocabulary: a few very common words, a long tail of rare ones.
    let vocabulary: Vec<String> = (0..20_000).map(|i| format!("w{i:x}q")).collect();
    let word = |rng: &mut StdRng| {
        let r: f64 = rng.random();
        &vocabulary[((r * r * r) * vocabulary.len() as f64) as usize]
    };
    let chats: Vec<String> =
        (0..CHATS).map(|_| engine.create_session(&CreateSession::default()).unwrap().id).collect();

    let start = Instant::now();
    for batch in 0..MESSAGES / 1000 {
        let rows: Vec<(String, String, Vec<ContentBlock>)> = (0..1000)
            .map(|i| {
                let n = batch * 1000 + i;
                let words = rng.random_range(8..120);
                let text =
                    (0..words).map(|_| word(&mut rng).as_str()).collect::<Vec<_>>().join(" ");
                (format!("m{n}"), chats[n % CHATS].clone(), vec![ContentBlock::Text { text }])
            })
            .collect();
        engine
            .store()
            .write(|tx| -> hearth_engine::store::Result<()> {
                for (id, chat, content) in &rows {
                    messages::insert(tx, &NewMessage::user(id, chat, content, true), 1)?;
                }
                Ok(())
            })
            .unwrap();
    }
    let loaded = start.elapsed();
    println!(
        "load: {MESSAGES} messages in {:.1} s ({:.0}/s, indexed as they are written)",
        loaded.as_secs_f64(),
        MESSAGES as f64 / loaded.as_secs_f64()
    );

    // The same queries for both: one or two words, common and rare, some as typed prefixes
    // (three letters: the shortest that is still a prefix search).
    let queries: Vec<String> = (0..QUERIES)
        .map(|i| {
            let a = word(&mut rng).clone();
            match i % 3 {
                0 => a,
                1 => format!("{a} {}", word(&mut rng)),
                _ => a[..3].to_owned(),
            }
        })
        .collect();

    let mut fts = Vec::new();
    let mut found = 0;
    let mut slowest = Vec::new();
    for q in &queries {
        let t = Instant::now();
        let hits = engine
            .search(&SearchQuery { q: q.clone(), limit: Some(50), ..Default::default() })
            .unwrap();
        fts.push(t.elapsed());
        slowest.push((t.elapsed(), q.clone()));
        found += hits.hits.len();
    }
    slowest.sort();
    let worst: Vec<String> = slowest
        .iter()
        .rev()
        .take(3)
        .map(|(t, q)| format!("{q:?} {:.1} ms", t.as_secs_f64() * 1e3))
        .collect();
    report("FTS5 (Hearth)", &mut fts);
    println!("  slowest: {}", worst.join(", "));
    if let Ok(keep) = std::env::var("HEARTH_BENCH_KEEP") {
        std::fs::copy(engine.store().db_path(), &keep).unwrap();
    }
    println!(
        "  {found} hits in all, at most 50 per query, ranked by bm25 (a word's newest 4000 matches)"
    );

    // Baseline: every word as a LIKE over the content, newest first, on a second connection.
    let conn = rusqlite::Connection::open(engine.store().db_path()).unwrap();
    let mut like = Vec::new();
    for q in queries.iter().take(QUERIES / 4) {
        let words: Vec<String> = q.split(' ').map(|w| format!("%{w}%")).collect();
        let clause = (1..=words.len()).map(|i| format!("content LIKE ?{i}")).collect::<Vec<_>>();
        let sql = format!(
            "SELECT id FROM messages WHERE {} ORDER BY created_at DESC LIMIT 50",
            clause.join(" AND ")
        );
        let t = Instant::now();
        let mut stmt = conn.prepare(&sql).unwrap();
        let n = stmt
            .query_map(rusqlite::params_from_iter(&words), |r| r.get::<_, String>(0))
            .unwrap()
            .count();
        like.push(t.elapsed());
        std::hint::black_box(n);
    }
    report("LIKE scan baseline", &mut like);
}

fn report(name: &str, times: &mut [Duration]) {
    times.sort();
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e3;
    println!(
        "{name:<20} {} queries: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms (target p95 ≤ 50 ms)",
        times.len(),
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );
}
