//! `make bench`: listing sessions page by page with the keyset cursor, beside the naive
//! baseline (LIMIT/OFFSET over the same ORDER BY) on the same file in the same run.
//! Figures are printed, not asserted.

use std::time::{Duration, Instant};

use hearth_engine::{CreateSession, Engine, ListSessions, UpdateSession};

// Pages are timed from the caller's side: the engine's keyset call includes its cursor
// decoding and encoding; the baseline is the bare statement.

const SESSIONS: usize = 20_000;
const PAGE: u32 = 50;

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    let start = Instant::now();
    for i in 0..SESSIONS {
        let s = engine.create_session(&CreateSession::default()).unwrap();
        if i % 50 == 0 {
            engine
                .update_session(&s.id, &UpdateSession { pinned: Some(true), ..Default::default() })
                .unwrap();
        }
    }
    let created = start.elapsed();
    println!(
        "create: {SESSIONS} sessions in {:.2} s ({:.0}/s, one transaction each)",
        created.as_secs_f64(),
        SESSIONS as f64 / created.as_secs_f64()
    );

    // Keyset: what the app does.
    let mut page_times = Vec::new();
    let mut cursor = None;
    let mut seen = 0;
    loop {
        let t = Instant::now();
        let page = engine
            .list_sessions(&ListSessions { limit: Some(PAGE), cursor: cursor.take(), q: None })
            .unwrap();
        page_times.push(t.elapsed());
        seen += page.sessions.len();
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen, SESSIONS);
    report("keyset cursor (Hearth)", &mut page_times);

    // Baseline: OFFSET pagination over the same order, on a second connection to the file.
    let conn = rusqlite::Connection::open(engine.store().db_path()).unwrap();
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {} FROM sessions s WHERE s.deleted_at IS NULL
             ORDER BY s.pinned DESC, COALESCE(s.last_message_at, s.created_at) DESC, s.id DESC
             LIMIT ?1 OFFSET ?2",
            hearth_engine::store::sessions::COLUMNS
        ))
        .unwrap();
    let mut offset_times = Vec::new();
    let mut offset = 0;
    loop {
        let t = Instant::now();
        let n =
            stmt.query_map([i64::from(PAGE), offset], |r| r.get::<_, String>(0)).unwrap().count();
        offset_times.push(t.elapsed());
        if n == 0 {
            break;
        }
        offset += n as i64;
    }
    report("LIMIT/OFFSET baseline", &mut offset_times);
}

fn report(name: &str, times: &mut [Duration]) {
    times.sort();
    let total: Duration = times.iter().sum();
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e3;
    println!(
        "{name:<24} {} pages of {PAGE}: total {:.1} ms, p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        times.len(),
        total.as_secs_f64() * 1e3,
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
}
