//! Full-text search on a real SQLite file: what is found (text, tool inputs, tool outputs), what
//! is not (reasoning, deleted chats), the index following edits and purges, a file from before
//! the index existing, and bad input.

use hearth_engine::chat::{ContentBlock, MessageSource, Role};
use hearth_engine::store::messages::{self, NewMessage};
use hearth_engine::store::search::SearchQuery;
use hearth_engine::{CreateSession, Engine, ErrorCode};
use serde_json::json;

fn chat(engine: &Engine, title: &str) -> String {
    engine
        .create_session(&CreateSession { title: Some(title.into()), ..Default::default() })
        .unwrap()
        .id
}

fn put(engine: &Engine, session: &str, id: &str, role: Role, content: &[ContentBlock]) {
    let mut m = NewMessage::user(id, session, content, true);
    m.role = role;
    // As the engine saves a step's tool results: user role, written by the model's turn.
    if content.iter().any(|b| matches!(b, ContentBlock::ToolResult { .. })) {
        m.source = MessageSource::Model;
    }
    engine.store().write(|tx| messages::insert(tx, &m, 1_700_000_000_000)).unwrap();
}

fn text(t: &str) -> ContentBlock {
    ContentBlock::Text { text: t.into() }
}

/// (message id, the snippet with hits in brackets), best first.
fn find(engine: &Engine, q: &str) -> Vec<(String, String)> {
    let query = SearchQuery { q: q.into(), ..Default::default() };
    engine
        .search(&query)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| {
            let snippet: String = h
                .snippet
                .iter()
                .map(|p| if p.hit { format!("[{}]", p.text) } else { p.text.clone() })
                .collect();
            (h.message_id, snippet)
        })
        .collect()
}

fn ids(hits: &[(String, String)]) -> Vec<&str> {
    hits.iter().map(|(id, _)| id.as_str()).collect()
}

fn seed(engine: &Engine) -> (String, String) {
    let a = chat(engine, "Deploy notes");
    let b = chat(engine, "Holiday");
    put(engine, &a, "a1", Role::User, &[text("Why does the deploy fail on Fridays?")]);
    put(
        engine,
        &a,
        "a2",
        Role::Assistant,
        &[
            ContentBlock::Thinking { text: "secretplan hidden reasoning".into(), signature: None },
            text("Let me read the logs."),
            ContentBlock::ToolUse {
                id: "t1".into(),
                name: "read_file".into(),
                input: json!({"path": "/var/log/deployd.log"}),
            },
        ],
    );
    put(
        engine,
        &a,
        "a3",
        Role::User,
        &[ContentBlock::ToolResult {
            tool_use_id: "t1".into(),
            content: "ERROR quota exceeded for bucket artefacts-eu".into(),
            is_error: false,
        }],
    );
    put(engine, &b, "b1", Role::User, &[text("Book a café near the Fjord for Friday")]);
    (a, b)
}

#[test]
fn finds_text_tool_inputs_and_tool_outputs_with_marked_snippets() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    let (a, _b) = seed(&engine);

    let hits = find(&engine, "quota");
    assert_eq!(ids(&hits), ["a3"], "a word from a tool's output");
    assert!(hits[0].1.contains("[quota]"), "the hit is marked: {}", hits[0].1);
    assert_eq!(ids(&find(&engine, "deployd")), ["a2"], "a word from a tool's input");
    assert_eq!(ids(&find(&engine, "read_file")), ["a2"], "a tool's name");
    assert!(find(&engine, "secretplan").is_empty(), "hidden reasoning is not indexed");

    // Words are prefixes, all required, case and accents folded.
    assert_eq!(ids(&find(&engine, "DEPL")).len(), 2, "{:?}", find(&engine, "DEPL"));
    assert_eq!(ids(&find(&engine, "cafe fjo")), ["b1"]);
    assert_eq!(ids(&find(&engine, "friday deploy")), ["a1"]);
    assert!(find(&engine, "friday quota").is_empty(), "all words in one message");

    // Hostile or empty input is just words, never FTS syntax or an error.
    for q in ["", "   ", "\"", "NEAR(", "a OR", "*", "quota\" OR \"x"] {
        let query = SearchQuery { q: q.into(), ..Default::default() };
        engine.search(&query).unwrap_or_else(|e| panic!("{q:?}: {e:?}"));
    }

    let hit =
        &engine.search(&SearchQuery { q: "quota".into(), ..Default::default() }).unwrap().hits[0];
    assert_eq!((hit.session_id.as_str(), hit.session_title.as_str()), (a.as_str(), "Deploy notes"));
    assert_eq!(hit.role, Role::User);
    assert_eq!(hit.shown_in, "a2", "a tool's output is shown in its call's message");
    let text_hit =
        &engine.search(&SearchQuery { q: "fjord".into(), ..Default::default() }).unwrap().hits[0];
    assert_eq!(text_hit.shown_in, text_hit.message_id, "any other message is shown as itself");

    // One chat only.
    let only_b = SearchQuery {
        q: "friday".into(),
        session_id: Some(hit.session_id.clone()),
        ..Default::default()
    };
    let only: Vec<_> =
        engine.search(&only_b).unwrap().hits.into_iter().map(|h| h.message_id).collect();
    assert_eq!(only, ["a1"]);
}

#[test]
fn deleted_chats_edits_and_purges_keep_the_index_exact() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    let (a, b) = seed(&engine);

    engine.delete_session(&b).unwrap();
    assert!(find(&engine, "fjord").is_empty(), "a chat in the bin is not searched");
    engine.restore_session(&b).unwrap();
    assert_eq!(ids(&find(&engine, "fjord")), ["b1"], "and is again once restored");

    // A message whose content changes is found by its new words only.
    engine
        .store()
        .write(|tx| -> hearth_engine::store::Result<()> {
            tx.execute(
                "UPDATE messages SET content = ?1 WHERE id = 'a1'",
                [serde_json::to_string(&[text("Why does the rollout stall?")]).unwrap()],
            )?;
            Ok(())
        })
        .unwrap();
    assert!(find(&engine, "fridays").iter().all(|(id, _)| id != "a1"));
    assert_eq!(ids(&find(&engine, "rollout")), ["a1"]);

    // A purge (rows gone by cascade) leaves nothing behind in the index.
    engine
        .store()
        .write(|tx| -> hearth_engine::store::Result<()> {
            tx.execute("DELETE FROM sessions WHERE id = ?1", [&a])?;
            Ok(())
        })
        .unwrap();
    assert!(find(&engine, "quota").is_empty());
    let indexed: i64 = engine
        .store()
        .read(|c| -> hearth_engine::store::Result<i64> {
            Ok(c.query_row("SELECT COUNT(*) FROM messages_fts", [], |r| r.get(0))?)
        })
        .unwrap();
    assert_eq!(indexed, 1, "only b1 is left in the index");
}

#[test]
fn a_file_from_before_the_index_is_indexed_on_open() {
    let dir = tempfile::tempdir().unwrap();
    {
        let engine = Engine::open(dir.path()).unwrap();
        seed(&engine);
    }
    // Make the file what the schema version before the index left: no index, no triggers (and
    // none of the later steps: the attachments' text column, the branches' columns, the
    // memories, the presets, the hooks' auth, the sessions' runtime and the runs' runtime
    // columns).
    let conn = rusqlite::Connection::open(dir.path().join("hearth.db")).unwrap();
    conn.execute_batch(
        "DROP TRIGGER messages_fts_insert; DROP TRIGGER messages_fts_update;
         DROP TRIGGER messages_fts_delete; DROP TABLE messages_fts;
         ALTER TABLE attachments DROP COLUMN text;
         DROP INDEX messages_by_parent; ALTER TABLE messages DROP COLUMN parent_id;
         ALTER TABLE messages DROP COLUMN active_at;
         DROP TABLE memories_fts; DROP TABLE memories; DROP TABLE presets;
         ALTER TABLE hooks DROP COLUMN auth;
         ALTER TABLE sessions DROP COLUMN runtime;
         ALTER TABLE sessions DROP COLUMN runtime_session_id;
         ALTER TABLE runs DROP COLUMN cost_usd; ALTER TABLE runs DROP COLUMN runtime_session_id;",
    )
    .unwrap();
    let version = hearth_engine::Store::schema_version() as i64 - 8;
    conn.pragma_update(None, "user_version", version).unwrap();
    drop(conn);

    let engine = Engine::open(dir.path()).unwrap();
    assert_eq!(ids(&find(&engine, "quota")), ["a3"]);
    assert_eq!(ids(&find(&engine, "fjord")), ["b1"]);
}

#[test]
fn bad_limits_and_overlong_queries_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    for limit in [0, 201] {
        let q = SearchQuery { q: "x".into(), limit: Some(limit), ..Default::default() };
        assert_eq!(engine.search(&q).unwrap_err().code, ErrorCode::InvalidLimit);
    }
    let q = SearchQuery { q: "word ".repeat(200), ..Default::default() };
    assert_eq!(engine.search(&q).unwrap_err().code, ErrorCode::InvalidInput);
}

/// Many messages at once (one transaction).
fn put_many(engine: &Engine, session: &str, prefix: &str, texts: impl Iterator<Item = String>) {
    let rows: Vec<(String, Vec<ContentBlock>)> =
        texts.enumerate().map(|(i, t)| (format!("{prefix}{i}"), vec![text(&t)])).collect();
    engine
        .store()
        .write(|tx| -> hearth_engine::store::Result<()> {
            for (id, content) in &rows {
                messages::insert(tx, &NewMessage::user(id, session, content, true), 1)?;
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_word_in_thousands_of_messages_ranks_the_newest_and_looks_past_deleted_chats() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    let old = chat(&engine, "Old");
    let gone = chat(&engine, "Gone");
    // The best match by relevance is the oldest message; then 6,000 ordinary ones, the newest
    // 5,000 of them in a chat that is then deleted.
    put(&engine, &old, "best", Role::User, &[text("otter otter otter")]);
    put_many(&engine, &old, "o", (0..1_000).map(|i| format!("an otter, and filler words {i}")));
    put_many(&engine, &gone, "g", (0..5_000).map(|i| format!("an otter, and filler words {i}")));
    engine.delete_session(&gone).unwrap();

    // Past the deleted chat's matches, in the live one, best first within what is ranked.
    let hits = find(&engine, "otter");
    assert_eq!(hits.len(), 50);
    assert!(hits.iter().all(|(id, _)| id == "best" || id.starts_with('o')), "{hits:?}");
    assert_eq!(hits[0].0, "best", "the window reached back to it");

    // A rare word alongside: ranked over all its matches as before.
    put(&engine, &old, "rare", Role::User, &[text("otter quokka")]);
    assert_eq!(ids(&find(&engine, "quokka")), ["rare"]);
}
