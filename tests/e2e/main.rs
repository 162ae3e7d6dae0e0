//! End-to-end: the real app in its real webview, driven through WebDriver.

mod harness;

use harness::App;
use thirtyfour::prelude::*;

#[tokio::test(flavor = "multi_thread")]
async fn create_rename_pin_survive_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let app = App::launch(data.path()).await;
    assert!(app.rows().await.is_empty(), "a fresh data dir has no sessions");

    // Create a session: it appears, selected, with the default title.
    app.testid("new-session").await.click().await.unwrap();
    app.wait_rows("the new session is listed and selected", |r| {
        r.len() == 1 && r[0].0 == "New chat" && r[0].2
    })
    .await;

    // Rename it inline.
    app.rename(0, "Quarterly plan", Key::Enter).await;
    app.wait_rows("the rename shows", |r| r.len() == 1 && r[0].0 == "Quarterly plan").await;
    let header = app.testid("chat-header").await;
    assert_eq!(
        header.prop("textContent").await.unwrap().as_deref(),
        Some("Quarterly plan"),
        "the chat pane shows the title"
    );

    // A newer session goes on top...
    app.testid("new-session").await.click().await.unwrap();
    app.wait_rows("the newer session is first", |r| {
        r.len() == 2 && r[0].0 == "New chat" && r[1].0 == "Quarterly plan"
    })
    .await;

    // ...until the older one is pinned.
    let rows = app.driver.find_all(By::Css("[data-testid='session-item']")).await.unwrap();
    rows[1].find(By::Css("[data-testid='session-pin']")).await.unwrap().click().await.unwrap();
    app.wait_rows("the pinned session moves first", |r| {
        r.len() == 2 && r[0].0 == "Quarterly plan" && r[0].1 && !r[1].1
    })
    .await;

    // Delete with undo: the row goes, the toast brings it back.
    let rows = app.driver.find_all(By::Css("[data-testid='session-item']")).await.unwrap();
    rows[1].find(By::Css("[data-testid='session-delete']")).await.unwrap().click().await.unwrap();
    app.wait_rows("the deleted row leaves", |r| r.len() == 1).await;
    app.testid("undo-button").await.click().await.unwrap();
    app.wait_rows("undo restores the row", |r| r.len() == 2).await;

    let shot = app.screenshot("sidebar.png").await;
    assert!(std::fs::metadata(&shot).unwrap().len() > 0);
    app.quit().await;

    // Restart on the same data dir: the same list, the pinned one first.
    let app = App::launch(data.path()).await;
    app.wait_rows("after a restart the sessions are still there, the pinned one first", |r| {
        r.len() == 2 && r[0].0 == "Quarterly plan" && r[0].1 && r[1].0 == "New chat"
    })
    .await;
    app.screenshot("after-restart.png").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_rename_is_refused_and_changes_nothing() {
    let data = tempfile::tempdir().unwrap();
    let app = App::launch(data.path()).await;
    app.testid("new-session").await.click().await.unwrap();
    app.wait_rows("a session exists", |r| r.len() == 1).await;
    let input = app.rename(0, "   ", Key::Enter).await;
    let message = app.testid("session-rename-error").await;
    assert!(
        message
            .prop("textContent")
            .await
            .unwrap()
            .unwrap_or_default()
            .to_lowercase()
            .contains("empty"),
        "an empty title is refused with a message"
    );
    input.send_keys(Key::Escape).await.unwrap();
    app.wait_rows("the title is unchanged", |r| r.len() == 1 && r[0].0 == "New chat").await;
    app.quit().await;
}

/// The heart of Hearth: the webview is only a viewer. Reloading it mid-stream shows the same
/// text and then the rest, each word exactly once.
#[tokio::test(flavor = "multi_thread")]
async fn reloading_mid_stream_resumes_exactly() {
    let server = hearth_testkit::ModelServer::start().await;
    let words: Vec<String> = (1..=40).map(|i| format!("w{i} ")).collect();
    let refs: Vec<&str> = words.iter().map(String::as_str).collect();
    server.push(hearth_testkit::Reply::slow_text(&refs, std::time::Duration::from_millis(100)));
    let expected: String = words.concat();

    let data = tempfile::tempdir().unwrap();
    let base = server.base_url();
    let env = [
        ("OPENAI_BASE_URL", base.as_str()),
        ("OPENAI_API_KEY", "test-key"),
        ("HEARTH_MODEL", "env:openai/test-model"),
    ];
    let app = App::launch_with(data.path(), &env).await;
    app.testid("new-session").await.click().await.unwrap();
    let input = app.testid("composer-input").await;
    input.send_keys("Tell me forty words" + Key::Enter).await.unwrap();

    // Mid-stream: some words are on screen, not all.
    let partial = app.wait_text("the reply starts streaming", |t| t.contains("w5 ")).await;
    assert!(!partial.contains("w40"), "the reload must happen mid-stream (saw {partial:?})");
    app.driver.refresh().await.unwrap();
    app.wait_for_css("body[data-ready='true']").await;
    if app.driver.find(By::Css("[data-testid='message-list']")).await.is_err() {
        app.testid("session-title").await.click().await.unwrap();
    }
    let after = app.wait_text("the reloaded view shows text at once", |t| !t.is_empty()).await;
    assert!(after.len() >= partial.len() - 1, "after the reload the text is back: {after:?}");

    app.wait_for_css("[data-testid='message'][data-role='assistant'][data-status='complete']")
        .await;
    let text = app.wait_text("the whole reply", |t| t.contains("w40")).await;
    assert_eq!(
        text.split_whitespace().collect::<Vec<_>>(),
        expected.split_whitespace().collect::<Vec<_>>(),
        "every word exactly once, in order"
    );
    let messages = app.driver.find_all(By::Css("[data-testid='message']")).await.unwrap();
    assert_eq!(messages.len(), 2, "one user message and one reply, no duplicate");
    app.screenshot("chat-after-reload.png").await;
    app.quit().await;
}
