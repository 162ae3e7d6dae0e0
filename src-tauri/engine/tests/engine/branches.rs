//! Branches: an edit or a regenerate keeps what was there as a sibling; the model sees only the
//! active path; switching shows another version and the branch after it, as last seen.

use std::time::Duration;

use hearth_engine::chat::Role;
use hearth_engine::{CreateSession, Engine, ErrorCode, History};
use hearth_testkit::{ModelServer, Reply};

use crate::support::{openai_options, text};

/// The history as (role initial + text), e.g. ["u:first", "a:A"].
fn shown(history: &History) -> Vec<String> {
    history
        .messages
        .iter()
        .map(|m| {
            let role = if m.role == Role::User { "u" } else { "a" };
            format!("{role}:{}", hearth_engine::store::messages::text_of(m))
        })
        .collect()
}

/// The texts of the messages the model was sent in request `i`.
fn sent(server: &ModelServer, i: usize) -> Vec<String> {
    server.requests()[i]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            m["content"].as_str().map(str::to_owned).unwrap_or_else(|| m["content"].to_string())
        })
        .collect()
}

async fn settled(engine: &Engine, session: &str, replies: usize) -> History {
    for _ in 0..400 {
        let h = engine.history(session, None, None).unwrap();
        let done = h.messages.iter().filter(|m| m.role == Role::Assistant).count() >= replies
            && engine.get_session(session).unwrap().queue_depth == 0
            && engine.activity().unwrap().running == 0;
        if done {
            return h;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the turn did not settle");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_regenerate_and_switch_keep_every_version_and_the_model_sees_the_active_path() {
    let server = ModelServer::start().await;
    for reply in ["A", "B", "C", "D"] {
        server.push(Reply::text(&[reply]));
    }
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open_with(dir.path(), openai_options(&server, "m")).unwrap();
    let s = engine.create_session(&CreateSession::default()).unwrap().id;
    engine.send(&s, text("first")).await.unwrap();
    let h = settled(&engine, &s, 1).await;
    assert_eq!(shown(&h), ["u:first", "a:A"]);
    assert!(h.messages.iter().all(|m| m.branch.is_none()), "one version each");
    let first = h.messages[0].id.clone();

    // Edit: a second version of the question, answered anew; the model never sees the first.
    engine.edit_message(&s, &first, "second").await.unwrap();
    let h = settled(&engine, &s, 1).await;
    assert_eq!(shown(&h), ["u:second", "a:B"]);
    let branch = h.messages[0].branch.clone().expect("two versions");
    assert_eq!((branch.index, branch.siblings.len()), (1, 2));
    assert_eq!(branch.siblings[0], first);
    let second = h.messages[0].id.clone();
    assert_eq!(sent(&server, 1), ["second"]);

    // Regenerate: a second reply to the same question.
    let b = h.messages[1].id.clone();
    engine.regenerate(&s, &b).await.unwrap();
    let h = settled(&engine, &s, 1).await;
    assert_eq!(shown(&h), ["u:second", "a:C"]);
    let branch = h.messages[1].branch.clone().expect("two replies");
    assert_eq!(
        (branch.index, branch.siblings.clone()),
        (1, vec![b.clone(), h.messages[1].id.clone()])
    );
    assert_eq!(sent(&server, 2), ["second"], "not the reply being replaced");

    // Switch back to the first question: its own reply follows.
    engine.switch_branch(&s, &first).await.unwrap();
    let h = engine.history(&s, None, None).unwrap();
    assert_eq!(shown(&h), ["u:first", "a:A"]);
    assert_eq!(h.messages[0].branch.as_ref().unwrap().index, 0);
    // And forth: the second question with the reply seen last (C, not B).
    engine.switch_branch(&s, &second).await.unwrap();
    assert_eq!(shown(&engine.history(&s, None, None).unwrap()), ["u:second", "a:C"]);

    // Going on from the first branch: the model sees that branch only.
    engine.switch_branch(&s, &first).await.unwrap();
    engine.send(&s, text("and then?")).await.unwrap();
    let h = settled(&engine, &s, 2).await;
    assert_eq!(shown(&h), ["u:first", "a:A", "u:and then?", "a:D"]);
    assert_eq!(sent(&server, 3), ["first", "A", "and then?"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn branching_refuses_what_it_cannot_do_and_changes_nothing() {
    let server = ModelServer::start().await;
    server.set_fallback(Reply::text(&["ok"]));
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open_with(dir.path(), openai_options(&server, "m")).unwrap();
    let s = engine.create_session(&CreateSession::default()).unwrap().id;
    let other = engine.create_session(&CreateSession::default()).unwrap().id;
    engine.send(&s, text("hi")).await.unwrap();
    let before = settled(&engine, &s, 1).await;
    let (user, reply) = (before.messages[0].id.clone(), before.messages[1].id.clone());

    let cases: Vec<(hearth_engine::ApiError, ErrorCode)> = vec![
        (engine.edit_message(&s, &reply, "x").await.unwrap_err(), ErrorCode::InvalidInput),
        (engine.edit_message(&s, &user, "  ").await.unwrap_err(), ErrorCode::MessageEmpty),
        (engine.edit_message(&other, &user, "x").await.unwrap_err(), ErrorCode::InvalidInput),
        (engine.edit_message(&s, "nope", "x").await.unwrap_err(), ErrorCode::InvalidInput),
        (engine.regenerate(&s, &user).await.unwrap_err(), ErrorCode::InvalidInput),
        (engine.switch_branch(&s, &user).await.unwrap_err(), ErrorCode::InvalidInput),
        (engine.edit_message("nope", &user, "x").await.unwrap_err(), ErrorCode::SessionNotFound),
    ];
    for (i, (e, code)) in cases.into_iter().enumerate() {
        assert_eq!(e.code, code, "case {i}: {}", e.message);
    }
    let after = engine.history(&s, None, None).unwrap();
    assert_eq!(shown(&after), shown(&before));
    assert!(after.messages.iter().all(|m| m.branch.is_none()));

    // While a reply is being written, nothing branches.
    server.push(Reply::slow_text(&["a ", "b ", "c ", "d"], Duration::from_millis(150)));
    engine.send(&s, text("slow")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let e = engine.edit_message(&s, &user, "x").await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("stop the reply"), "{}", e.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_deep_in_a_replaced_branch_is_found_marked_and_switched_to() {
    let server = ModelServer::start().await;
    for reply in ["A", "The walrus plan", "C"] {
        server.push(Reply::text(&[reply]));
    }
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open_with(dir.path(), openai_options(&server, "m")).unwrap();
    let s = engine.create_session(&CreateSession::default()).unwrap().id;
    engine.send(&s, text("first")).await.unwrap();
    settled(&engine, &s, 1).await;
    engine.send(&s, text("and then?")).await.unwrap();
    let h = settled(&engine, &s, 2).await;
    assert_eq!(shown(&h), ["u:first", "a:A", "u:and then?", "a:The walrus plan"]);
    let walrus = h.messages[3].id.clone();

    // Editing the first question replaces the whole branch after it.
    engine.edit_message(&s, &h.messages[0].id, "other").await.unwrap();
    let h = settled(&engine, &s, 1).await;
    assert_eq!(shown(&h), ["u:other", "a:C"]);

    // Search still finds the reply, on a version no longer shown.
    let q = hearth_engine::store::search::SearchQuery { q: "walrus".into(), ..Default::default() };
    let hits = engine.search(&q).unwrap().hits;
    assert_eq!(hits.len(), 1);
    assert_eq!((hits[0].message_id.as_str(), hits[0].active), (walrus.as_str(), false));

    // Switching to it (not a version of anything shown: its question's is) brings its branch back.
    engine.switch_branch(&s, &walrus).await.unwrap();
    let h = engine.history(&s, None, None).unwrap();
    assert_eq!(shown(&h), ["u:first", "a:A", "u:and then?", "a:The walrus plan"]);
    let hits = engine.search(&q).unwrap().hits;
    assert!(hits[0].active, "shown now");
    // Shown, with no other version of its own: nothing to switch to.
    let e = engine.switch_branch(&s, &walrus).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
}
