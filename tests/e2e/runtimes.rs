//! Agent runtimes in the real app: a Claude Code chat (the real pinned `claude` CLI, offline
//! against the loopback server speaking Anthropic's stream) asks for a tool through the same
//! approval card, survives a reload while it waits and while it streams, and the sidebar
//! groups chats by project folder.

use std::time::Duration;

use serde_json::json;
use thirtyfour::prelude::*;

use crate::harness::App;

/// The app with the loopback server as the `env:anthropic` account, and Claude Code's config,
/// home and temp dirs under `dirs` (nothing on the machine is read or written).
async fn launch(
    data: &std::path::Path,
    dirs: &std::path::Path,
    server: &hearth_testkit::ModelServer,
) -> App {
    let sub = |d: &str| {
        let p = dirs.join(d);
        std::fs::create_dir_all(&p).unwrap();
        p.display().to_string()
    };
    let (cfg, home, tmp) = (sub("cfg"), sub("home"), sub("tmp"));
    let root = server.root_url();
    let env = [
        ("ANTHROPIC_BASE_URL", root.as_str()),
        ("ANTHROPIC_API_KEY", "sk-ant-test"),
        ("HEARTH_MODEL", "env:anthropic/test-model"),
        ("CLAUDE_CONFIG_DIR", cfg.as_str()),
        ("HOME", home.as_str()),
        ("TMPDIR", tmp.as_str()),
        ("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"),
        ("HEARTH_API_TOKEN", "e2e-token"),
    ];
    App::launch_with(data, &env).await
}

async fn create(api: &str, body: serde_json::Value) -> String {
    let made = reqwest::Client::new()
        .post(format!("{api}/v1/sessions"))
        .bearer_auth("e2e-token")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 201);
    made.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
}

async fn reload(app: &App, title: &str) {
    app.driver.refresh().await.unwrap();
    app.wait_for_css("body[data-ready='true']").await;
    if app.driver.find(By::Css("[data-testid='message-list']")).await.is_err() {
        open(app, title).await;
    }
}

/// Opens the chat with this title from the sidebar.
async fn open(app: &App, title: &str) {
    app.wait_rows("the chat is listed", |r| r.iter().any(|row| row.0 == title)).await;
    for title_el in app.driver.find_all(By::Css("[data-testid='session-title']")).await.unwrap() {
        if title_el.prop("textContent").await.unwrap().as_deref() == Some(title) {
            title_el.click().await.unwrap();
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_claude_code_chat_asks_through_the_card_and_resumes_exactly_after_reloads() {
    use hearth_engine::runtimes::locate;
    if let Err(e) = locate::locate(&locate::CLAUDE, "") {
        eprintln!("SKIPPED: no claude CLI ({}); `scripts/deps.sh test` installs it", e.message);
        return;
    }
    let server = hearth_testkit::ModelServer::start().await;
    let input = json!({"command": "echo hearth > out.txt", "description": "write out.txt"});
    server.push(hearth_testkit::Reply::events(
        &hearth_testkit::anthropic_tool_use("toolu_e2e", "Bash", &input),
        Duration::ZERO,
    ));
    let words: Vec<String> = (1..=40).map(|i| format!("w{i} ")).collect();
    let refs: Vec<&str> = words.iter().map(String::as_str).collect();
    server.push(hearth_testkit::Reply::events(
        &hearth_testkit::anthropic_text(&refs),
        Duration::from_millis(100),
    ));
    let (data, dirs) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // Project folders with names a person would give them (the screenshots show them).
    let projects = tempfile::tempdir().unwrap();
    let dir = |name: &str| {
        let p = projects.path().join(name);
        std::fs::create_dir_all(&p).unwrap();
        p
    };
    let (site, api_dir, other) = (dir("site"), dir("api"), dir("notes"));
    let app = launch(data.path(), dirs.path(), &server).await;
    let (_, api) = app.api().await;

    // Chats in two project folders, and one without: the sidebar can group them.
    let folder = |d: &std::path::Path| d.display().to_string();
    create(&api, json!({"title": "Plain chat"})).await;
    create(
        &api,
        json!({"title": "API tidy", "runtime": "claude-code", "workspace": folder(&api_dir)}),
    )
    .await;
    create(&api, json!({"title": "Site notes", "workspace": folder(&other)})).await;
    let title = "Site build";
    create(
        &api,
        json!({"title": title, "runtime": "claude-code", "workspace": folder(&site),
               "model": "env:anthropic/test-model"}),
    )
    .await;
    open(&app, title).await;
    app.testid("chat-empty").await;
    let badge = app.testid("session-runtime").await;
    assert_eq!(badge.prop("textContent").await.unwrap().as_deref(), Some("Claude Code"));
    let composer = app.testid("composer-input").await;
    composer.send_keys("write out.txt, then count to forty" + Key::Enter).await.unwrap();

    // The CLI's Bash request is Hearth's approval card, and it survives a reload.
    let card = app.testid("approval-card").await;
    let subject = app.testid("approval-subject").await;
    assert_eq!(
        subject.prop("textContent").await.unwrap().as_deref(),
        Some("echo hearth > out.txt")
    );
    // Painted before it is photographed (the README shows it).
    assert!(card.is_displayed().await.unwrap());
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.screenshot("claude-code-approval.png").await;
    let tool = app.testid("tool-card").await;
    assert!(tool.text().await.unwrap().contains("Bash"), "the tool card names the CLI's tool");
    assert!(card.text().await.unwrap().contains("Command"), "the card says what it runs");
    reload(&app, title).await;
    app.testid("approval-card").await;
    assert!(!site.as_path().join("out.txt").exists(), "nothing runs before the answer");
    app.testid("approval-allow-once").await.click().await.unwrap();

    // Its result reaches the model; the answer streams, and a reload mid-stream shows every
    // word exactly once.
    let partial = app.wait_text("the reply streams", |t| t.contains("w5 ")).await;
    assert!(!partial.contains("w40"), "the reload happens mid-stream (saw {partial:?})");
    assert_eq!(std::fs::read_to_string(site.as_path().join("out.txt")).unwrap(), "hearth\n");
    reload(&app, title).await;
    app.wait_for_css("[data-testid='message'][data-role='assistant'][data-status='complete']")
        .await;
    let text = app.wait_text("the whole reply", |t| t.contains("w40")).await;
    assert_eq!(
        text.split_whitespace().collect::<Vec<_>>(),
        words.iter().map(|w| w.trim()).collect::<Vec<_>>(),
        "every word exactly once, in order"
    );
    let sent = server.requests();
    assert!(
        sent[1]["messages"].to_string().contains("toolu_e2e"),
        "the tool's result went back to the model"
    );

    // Grouped by project: one group per folder, newest first, the chat without one last.
    app.testid("group-by-workspace").await.click().await.unwrap();
    let groups = app.driver.find_all(By::Css("[data-testid='workspace-group']")).await.unwrap();
    let mut labels = Vec::new();
    for g in &groups {
        labels.push(g.attr("title").await.unwrap().unwrap_or_default());
    }
    assert_eq!(labels.len(), 4, "three folders and no folder: {labels:?}");
    assert_eq!(labels[0], folder(&site), "the folder of the newest chat first: {labels:?}");
    app.wait_for_css("[data-testid='tool-card'][data-status='done']").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.screenshot("sidebar-grouped.png").await;
    app.quit().await;
}
