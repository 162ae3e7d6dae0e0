//! The store on real SQLite files in temp dirs: pagination, migrations, soft delete, locking,
//! bad input, and the freshness of the generated TypeScript bindings.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use hearth_engine::chat::ContentBlock;
use hearth_engine::store::messages;
use hearth_engine::{
    CreateSession, Engine, ErrorCode, ListSessions, Session, StoreOptions, UpdateSession,
};

/// A clock the test moves by hand, so that timestamps tie exactly when we want them to.
struct TestClock(Arc<AtomicI64>);

impl TestClock {
    fn new(start: i64) -> (TestClock, StoreOptions) {
        let now = Arc::new(AtomicI64::new(start));
        let reader = now.clone();
        let options = StoreOptions {
            clock: Arc::new(move || reader.load(Ordering::SeqCst)),
            lock_wait: Duration::ZERO,
        };
        (TestClock(now), options)
    }

    fn set(&self, ms: i64) {
        self.0.store(ms, Ordering::SeqCst);
    }
}

fn open(dir: &Path) -> (Engine, TestClock) {
    let (clock, options) = TestClock::new(1_700_000_000_000);
    (Engine::open_with(dir, options).expect("open store"), clock)
}

fn all_pages(engine: &Engine, limit: u32, q: Option<&str>) -> Vec<Session> {
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = engine
            .list_sessions(&ListSessions { limit: Some(limit), cursor, q: q.map(Into::into) })
            .expect("list page");
        assert!(page.sessions.len() <= limit as usize, "a page never exceeds its limit");
        seen.extend(page.sessions);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return seen,
        }
    }
}

fn sort_key(s: &Session) -> (bool, i64, String) {
    (s.pinned, s.last_message_at.unwrap_or(s.created_at), s.id.clone())
}

#[test]
fn pagination_over_1000_sessions_with_ties_and_pins_visits_each_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, clock) = open(dir.path());
    let mut ids = HashSet::new();
    for i in 0..1000i64 {
        // Only 37 distinct creation times: many exact ties, broken by id.
        clock.set(1_700_000_000_000 + (i % 37) * 1000);
        let s = engine.create_session(&CreateSession::default()).unwrap();
        if i % 7 == 0 {
            engine
                .update_session(&s.id, &UpdateSession { pinned: Some(true), ..Default::default() })
                .unwrap();
        }
        if i % 3 == 0 {
            // Some sessions have messages (activity = last message), at tied times too.
            clock.set(1_700_000_000_000 + (i % 11) * 1500);
            let id = format!("m{i}");
            let content = [ContentBlock::Text { text: "hi".into() }];
            let message = messages::NewMessage::user(&id, &s.id, &content, true);
            let at = 1_700_000_000_000 + (i % 11) * 1500;
            engine.store().write(|tx| messages::insert(tx, &message, at)).unwrap();
        }
        ids.insert(s.id);
    }

    for limit in [1, 7, 50, 200] {
        let seen = all_pages(&engine, limit, None);
        let unique: HashSet<_> = seen.iter().map(|s| s.id.clone()).collect();
        assert_eq!(unique.len(), seen.len(), "limit {limit}: no session may appear twice");
        assert_eq!(unique, ids, "limit {limit}: every session must appear exactly once");
        for pair in seen.windows(2) {
            assert!(
                sort_key(&pair[0]) > sort_key(&pair[1]),
                "limit {limit}: order is pinned, then activity, then id, all descending: {:?} before {:?}",
                sort_key(&pair[0]),
                sort_key(&pair[1])
            );
        }
        let first_unpinned = seen.iter().position(|s| !s.pinned).unwrap();
        assert!(seen[first_unpinned..].iter().all(|s| !s.pinned), "pinned sessions come first");
    }
}

#[test]
fn a_session_created_between_pages_does_not_shift_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, clock) = open(dir.path());
    for i in 0..10 {
        clock.set(1_000 + i);
        engine.create_session(&CreateSession::default()).unwrap();
    }
    let first =
        engine.list_sessions(&ListSessions { limit: Some(4), ..Default::default() }).unwrap();
    clock.set(5_000);
    engine.create_session(&CreateSession::default()).unwrap();
    let second = engine
        .list_sessions(&ListSessions { limit: Some(100), cursor: first.next_cursor, q: None })
        .unwrap();
    assert_eq!(
        first.sessions.len() + second.sessions.len(),
        10,
        "the keyset cursor neither skips nor repeats"
    );
}

#[test]
fn query_filters_titles_and_its_cursor_is_bound_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, _clock) = open(dir.path());
    for i in 0..30 {
        let title = if i % 2 == 0 { format!("Trip plan {i}") } else { format!("Recipe {i}") };
        engine.create_session(&CreateSession { title: Some(title), ..Default::default() }).unwrap();
    }
    engine
        .create_session(&CreateSession { title: Some("100% done".into()), ..Default::default() })
        .unwrap();
    let trips = all_pages(&engine, 4, Some("trip"));
    assert_eq!(trips.len(), 15);
    assert!(trips.iter().all(|s| s.title.starts_with("Trip plan")));
    let percent = all_pages(&engine, 10, Some("0%"));
    assert_eq!(percent.len(), 1, "% in a query matches a literal percent sign");

    let page = engine
        .list_sessions(&ListSessions { limit: Some(2), cursor: None, q: Some("trip".into()) })
        .unwrap();
    let err = engine
        .list_sessions(&ListSessions {
            limit: Some(2),
            cursor: page.next_cursor,
            q: Some("recipe".into()),
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidCursor, "a cursor of another listing is foreign");
}

#[test]
fn migrations_apply_to_an_empty_file_and_reopening_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hearth.db"), b"").unwrap();
    let id = {
        let (engine, _clock) = open(dir.path());
        let s = engine
            .create_session(&CreateSession { title: Some("Keep me".into()), ..Default::default() })
            .unwrap();
        engine
            .update_session(&s.id, &UpdateSession { pinned: Some(true), ..Default::default() })
            .unwrap();
        s.id
    };
    let (engine, _clock) = open(dir.path());
    let s = engine.get_session(&id).expect("the session survives a reopen");
    assert_eq!((s.title.as_str(), s.pinned), ("Keep me", true));

    let conn = rusqlite::Connection::open(dir.path().join("hearth.db")).unwrap();
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version as usize, hearth_engine::Store::schema_version());
    let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    for table in ["sessions", "messages", "runs", "events", "attachments"] {
        let n: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "table {table} must exist");
    }
}

#[test]
fn a_database_from_a_newer_hearth_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    {
        let conn = rusqlite::Connection::open(dir.path().join("hearth.db")).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
    }
    let err = Engine::open_with(
        dir.path(),
        StoreOptions { lock_wait: Duration::ZERO, ..Default::default() },
    )
    .err()
    .expect("a newer schema must be refused");
    assert_eq!(err.code, ErrorCode::Storage);
    let conn = rusqlite::Connection::open(dir.path().join("hearth.db")).unwrap();
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, 999, "the file is left as it was");
}

#[test]
fn soft_delete_hides_and_restore_brings_back() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, _clock) = open(dir.path());
    let a = engine.create_session(&CreateSession::default()).unwrap();
    let b = engine.create_session(&CreateSession::default()).unwrap();
    let deleted = engine.delete_session(&a.id).unwrap();
    assert!(deleted.deleted_at.is_some());
    let listed: Vec<_> = all_pages(&engine, 50, None).into_iter().map(|s| s.id).collect();
    assert_eq!(listed, vec![b.id.clone()], "a deleted session leaves the list");
    assert_eq!(engine.get_session(&a.id).unwrap_err().code, ErrorCode::SessionNotFound);
    assert_eq!(
        engine.delete_session(&a.id).unwrap_err().code,
        ErrorCode::SessionNotFound,
        "deleting twice"
    );
    assert_eq!(
        engine
            .update_session(&a.id, &UpdateSession { title: Some("x".into()), ..Default::default() })
            .unwrap_err()
            .code,
        ErrorCode::SessionNotFound,
        "a deleted session cannot be renamed"
    );

    let restored = engine.restore_session(&a.id).unwrap();
    assert_eq!(restored.deleted_at, None);
    assert_eq!(all_pages(&engine, 50, None).len(), 2, "restore puts it back");
    assert_eq!(engine.restore_session("nope").unwrap_err().code, ErrorCode::SessionNotFound);
}

#[test]
fn renaming_marks_the_title_as_the_users() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, _clock) = open(dir.path());
    let s = engine.create_session(&CreateSession::default()).unwrap();
    assert_eq!(
        (s.title.as_str(), s.title_source),
        ("New chat", hearth_engine::store::sessions::TitleSource::Default)
    );
    let r = engine
        .update_session(
            &s.id,
            &UpdateSession { title: Some("  Budget  ".into()), ..Default::default() },
        )
        .unwrap();
    assert_eq!(
        (r.title.as_str(), r.title_source),
        ("Budget", hearth_engine::store::sessions::TitleSource::User)
    );
}

#[test]
fn bad_input_gets_a_typed_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, _clock) = open(dir.path());
    let s = engine
        .create_session(&CreateSession { title: Some("Before".into()), ..Default::default() })
        .unwrap();

    type Call<'a> = Box<dyn Fn() -> hearth_engine::Result<Session> + 'a>;
    let cases: Vec<(&str, ErrorCode, Call)> = vec![
        (
            "empty title",
            ErrorCode::InvalidTitle,
            Box::new(|| {
                engine.update_session(
                    &s.id,
                    &UpdateSession {
                        title: Some("".into()),
                        pinned: Some(true),
                        ..Default::default()
                    },
                )
            }),
        ),
        (
            "201-char title",
            ErrorCode::InvalidTitle,
            Box::new(|| {
                engine.update_session(
                    &s.id,
                    &UpdateSession {
                        title: Some("a".repeat(201)),
                        pinned: Some(true),
                        ..Default::default()
                    },
                )
            }),
        ),
        (
            "bad model with a good title",
            ErrorCode::InvalidModel,
            Box::new(|| {
                engine.update_session(
                    &s.id,
                    &UpdateSession {
                        title: Some("After".into()),
                        model: Some("nomodel".into()),
                        ..Default::default()
                    },
                )
            }),
        ),
        (
            "unknown id",
            ErrorCode::SessionNotFound,
            Box::new(|| {
                engine.update_session(
                    "00000000-0000-0000-0000-000000000000",
                    &UpdateSession { pinned: Some(true), ..Default::default() },
                )
            }),
        ),
        (
            "create with empty title",
            ErrorCode::InvalidTitle,
            Box::new(|| {
                engine.create_session(&CreateSession {
                    title: Some(" ".into()),
                    ..Default::default()
                })
            }),
        ),
        (
            "create with relative workspace",
            ErrorCode::InvalidWorkspace,
            Box::new(|| {
                engine.create_session(&CreateSession {
                    workspace: Some("rel/dir".into()),
                    ..Default::default()
                })
            }),
        ),
    ];
    for (what, code, call) in cases {
        assert_eq!(call().unwrap_err().code, code, "{what}");
    }
    for (limit, cursor) in [(Some(0), None), (Some(201), None), (None, Some("garbage".to_string()))]
    {
        let err = engine.list_sessions(&ListSessions { limit, cursor, q: None }).unwrap_err();
        assert!(matches!(err.code, ErrorCode::InvalidLimit | ErrorCode::InvalidCursor), "{err:?}");
    }

    let after = engine.get_session(&s.id).unwrap();
    assert_eq!(
        (after.title.as_str(), after.pinned, after.model.as_deref()),
        ("Before", false, None),
        "nothing was written"
    );
    assert_eq!(all_pages(&engine, 50, None).len(), 1, "no session was created by a refused call");
}

#[test]
fn a_second_process_on_the_same_data_dir_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let (_first, _clock) = open(dir.path());
    let err = Engine::open_with(
        dir.path(),
        StoreOptions { lock_wait: Duration::from_millis(200), ..Default::default() },
    )
    .err()
    .expect("a second open of a locked data dir must fail");
    assert_eq!(err.code, ErrorCode::DataDirLocked);
    assert!(err.message.contains("another Hearth process"), "{}", err.message);
}

#[test]
fn generated_bindings_are_fresh() {
    let committed = hearth_engine::bindings::ui_bindings_dir();
    let fresh = tempfile::tempdir().unwrap();
    hearth_engine::bindings::export_all(fresh.path()).unwrap();
    let names = |dir: &Path| -> Vec<String> {
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let stale = "ui/src/bindings is stale: run `make bindings` (cargo run -p hearth-engine --bin gen-bindings)";
    assert_eq!(names(&committed), names(fresh.path()), "{stale}");
    for name in names(fresh.path()) {
        let want = std::fs::read_to_string(fresh.path().join(&name)).unwrap();
        let have = std::fs::read_to_string(committed.join(&name)).unwrap();
        assert_eq!(have, want, "{name}: {stale}");
    }
}
