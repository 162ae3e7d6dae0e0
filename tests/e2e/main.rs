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
