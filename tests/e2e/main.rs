//! End-to-end: the real app in its real webview, driven through WebDriver.

mod harness;
mod runtimes;

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
    let app = App::launch_with_model(data.path(), &server, &[]).await;
    app.testid("new-session").await.click().await.unwrap();
    // The new chat has loaded (history and subscription) before we type into it.
    app.testid("chat-empty").await;
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

    app.assert_one_exchange(&expected).await;
    app.screenshot("chat-after-reload.png").await;
    app.quit().await;
}

/// Settings → Model accounts in the real app: the key typed into the form reaches the model
/// server from the OS keyring, and no file under the data dir holds it.
#[tokio::test(flavor = "multi_thread")]
async fn an_account_added_in_settings_keeps_its_key_in_the_keyring_and_works() {
    let server = hearth_testkit::ModelServer::start().await;
    server.set_fallback(hearth_testkit::Reply::text(&["from ", "settings"]));
    let key = format!("sk-e2e-{}", std::process::id());
    let data = tempfile::tempdir().unwrap();
    let app = App::launch(data.path()).await;
    app.testid("new-session").await.click().await.unwrap();

    app.testid("settings-open").await.click().await.unwrap();
    app.testid("settings-dialog").await;
    app.wait_for_css("[data-testid='account-add-kind'] option[value='openai_compatible']")
        .await
        .click()
        .await
        .unwrap();
    for (id, value) in [
        ("account-add-label", "Local test"),
        ("account-add-url", server.base_url().as_str()),
        ("account-add-key", key.as_str()),
        ("account-add-model", "test-model"),
    ] {
        let input = app.testid(id).await;
        input.send_keys(Key::Control + "a").await.unwrap();
        input.send_keys(value).await.unwrap();
    }
    app.testid("account-add-submit").await.click().await.unwrap();
    let item = app.wait_for_css("[data-testid='account-item'][data-account-id='local-test']").await;
    assert_eq!(item.attr("data-source").await.unwrap().as_deref(), Some("settings"));
    app.testid("settings-close").await.click().await.unwrap();

    app.wait_for_css("[data-testid='model-picker'] option[value='local-test/test-model']")
        .await
        .click()
        .await
        .unwrap();
    let input = app.testid("composer-input").await;
    input.send_keys("hello" + Key::Enter).await.unwrap();
    app.wait_text("the reply from the settings account", |t| t.contains("from settings")).await;
    assert_eq!(
        server.auth_headers(),
        [format!("Bearer {key}")],
        "the key went from the keyring to the server"
    );
    app.screenshot("settings-account.png").await;
    app.quit().await;

    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() { walk(&p, out) } else { out.push(p) }
        }
    }
    let mut files = Vec::new();
    walk(data.path(), &mut files);
    assert!(files.iter().any(|f| f.to_string_lossy().contains("logs")), "the app wrote its log");
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !bytes.windows(key.len()).any(|w| w == key.as_bytes()),
            "the key is in {}",
            f.display()
        );
    }
}

/// First run with no account: onboarding offers the local server that answers (Ollama here,
/// played by the loopback server), a wrong server gives a clear error, and "Start chatting"
/// lands in a chat that works.
#[tokio::test(flavor = "multi_thread")]
async fn first_run_onboarding_connects_a_local_server_and_starts_a_chat() {
    let server = hearth_testkit::ModelServer::start().await;
    server.set_models(&["llama3.2", "qwen3:8b"]);
    server.set_fallback(hearth_testkit::Reply::text(&["Hello ", "from ", "Ollama"]));
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://127.0.0.1:{}/v1", closed.local_addr().unwrap().port());
    drop(closed);
    let data = tempfile::tempdir().unwrap();
    let ollama = server.addr.to_string();
    let app = App::launch_with(data.path(), &[("OLLAMA_HOST", ollama.as_str())]).await;
    app.testid("onboarding").await;
    assert!(
        app.driver.find(By::Css("[data-testid='onboarding-local-lmstudio']")).await.is_err(),
        "LM Studio does not answer, so it is not offered"
    );

    // A server that is not there: the test fails clearly and no account is left behind.
    app.testid("onboarding-provider-openai_compatible").await.click().await.unwrap();
    app.testid("onboarding-base-url").await.send_keys(&dead).await.unwrap();
    app.testid("onboarding-test").await.click().await.unwrap();
    let error = app.testid("onboarding-error").await;
    assert_eq!(error.attr("data-error-code").await.unwrap().as_deref(), Some("NETWORK"));
    app.screenshot("onboarding-error.png").await;
    app.testid("onboarding-back").await.click().await.unwrap();

    app.testid("onboarding-local-ollama").await.click().await.unwrap();
    app.testid("onboarding-test").await.click().await.unwrap();
    let picker = app.testid("onboarding-model").await;
    let options = picker.find_all(By::Css("option")).await.unwrap();
    assert_eq!(options.len(), 2, "the server's two models");
    app.screenshot("onboarding-model.png").await;
    app.testid("onboarding-start").await.click().await.unwrap();

    app.testid("chat-empty").await;
    let input = app.testid("composer-input").await;
    input.send_keys("hi" + Key::Enter).await.unwrap();
    app.wait_text("the local model answers", |t| t.trim() == "Hello from Ollama").await;
    let sent = server.requests().last().unwrap().clone();
    assert_eq!(sent["model"], "llama3.2");
    let rows = app.rows().await;
    assert_eq!(rows.len(), 1, "one chat: {rows:?}");
    app.quit().await;
}

/// A tool call waiting for approval survives a reload of the webview, and answering it in
/// the reloaded page lets the run finish.
#[tokio::test(flavor = "multi_thread")]
async fn a_pending_approval_survives_a_reload() {
    let server = hearth_testkit::ModelServer::start().await;
    let calls = hearth_testkit::openai_tool_calls(&[(
        "w1",
        "write_file",
        r#"{"path": "hello.txt", "content": "written by the agent"}"#,
    )]);
    server.push(hearth_testkit::Reply::split_at(calls.as_bytes(), &[]));
    server.push(hearth_testkit::Reply::text(&["The ", "file ", "is ", "written."]));
    let data = tempfile::tempdir().unwrap();
    let workspace = tempfile::tempdir().unwrap();
    let app = App::launch_with_model(data.path(), &server, &[]).await;
    app.testid("new-session").await.click().await.unwrap();
    app.testid("chat-empty").await;
    app.testid("workspace-button").await.click().await.unwrap();
    let folder = workspace.path().to_string_lossy().into_owned();
    app.testid("workspace-input").await.send_keys(&folder).await.unwrap();
    app.testid("workspace-save").await.click().await.unwrap();
    let input = app.testid("composer-input").await;
    input.send_keys("write hello.txt" + Key::Enter).await.unwrap();

    let card = app.testid("approval-card").await;
    assert!(card.text().await.unwrap().contains("written by the agent"), "the full arguments");
    app.driver.refresh().await.unwrap();
    app.wait_for_css("body[data-ready='true']").await;
    if app.driver.find(By::Css("[data-testid='message-list']")).await.is_err() {
        app.testid("session-title").await.click().await.unwrap();
    }
    app.testid("approval-card").await;
    app.screenshot("approval-after-reload.png").await;
    assert!(!workspace.path().join("hello.txt").exists(), "nothing runs before the answer");
    app.testid("approval-allow-once").await.click().await.unwrap();
    app.wait_text("the run finishes", |t| t.contains("The file is written.")).await;
    assert_eq!(
        std::fs::read_to_string(workspace.path().join("hello.txt")).unwrap(),
        "written by the agent"
    );
    app.wait_for_css("[data-testid='tool-card'][data-status='done']").await;
    app.quit().await;
}

/// Closing the window mid-run hides it to the tray: the process and the run go on, the run
/// completes with no window, and starting Hearth again (a second instance hands over to the
/// first) brings the window back showing the whole reply.
#[tokio::test(flavor = "multi_thread")]
async fn closing_the_window_mid_run_keeps_it_going_and_starting_again_shows_it() {
    let server = hearth_testkit::ModelServer::start().await;
    let words: Vec<String> = (1..=30).map(|i| format!("w{i} ")).collect();
    let refs: Vec<&str> = words.iter().map(String::as_str).collect();
    server.push(hearth_testkit::Reply::slow_text(&refs, std::time::Duration::from_millis(100)));
    let expected: String = words.concat();

    let data = tempfile::tempdir().unwrap();
    let data_path = data.path().to_string_lossy().into_owned();
    let app =
        App::launch_with_model(data.path(), &server, &[("HEARTH_API_TOKEN", "e2e-token")]).await;
    let (pid, api) = app.api().await;
    assert_eq!(app.window("state").await, "shown", "a normal start shows the window");
    app.testid("new-session").await.click().await.unwrap();
    app.testid("chat-empty").await;
    let input = app.testid("composer-input").await;
    input.send_keys("Tell me thirty words" + Key::Enter).await.unwrap();
    let partial = app.wait_text("the reply starts streaming", |t| t.contains("w3 ")).await;
    assert!(!partial.contains("w30"), "the window must close mid-run (saw {partial:?})");

    // The close button: the window goes to the tray, the process stays.
    app.close_window().await;
    assert!(std::path::Path::new(&format!("/proc/{pid}")).exists(), "Hearth is still running");

    // With no window, the run goes on to the end.
    let http = reqwest::Client::new();
    let get = |path: &str| {
        let path = path.to_owned();
        let request = http.get(format!("{api}{path}")).bearer_auth("e2e-token");
        async move {
            let response = request.send().await.unwrap();
            assert!(response.status().is_success(), "{path}: {}", response.status());
            response.json::<serde_json::Value>().await.unwrap()
        }
    };
    let sessions = get("/v1/sessions").await;
    let session_id = sessions["sessions"][0]["id"].as_str().unwrap().to_owned();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let reply = loop {
        let history = get(&format!("/v1/sessions/{session_id}/history")).await;
        let last = history["messages"].as_array().unwrap().last().cloned().unwrap();
        if last["role"] == "assistant" {
            break last;
        }
        assert!(std::time::Instant::now() < deadline, "the run never ended: {last}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(reply["status"], "complete", "the run completed while hidden: {reply}");
    assert_eq!(app.window("state").await, "hidden", "nothing showed the window meanwhile");
    assert_eq!(get("/v1/activity").await["running"], 0);

    // Starting Hearth again hands over to the running one, which shows its window.
    let second = tokio::process::Command::new(harness::APP)
        .env("HEARTH_DATA_DIR", &data_path)
        .env("HEARTH_PORT", "0")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start Hearth a second time");
    let handed_over =
        tokio::time::timeout(std::time::Duration::from_secs(20), second.wait_with_output())
            .await
            .expect("the second start exits once it has handed over")
            .unwrap();
    assert!(
        handed_over.status.success(),
        "the second start hands over and exits 0: {:?} {}",
        handed_over.status,
        String::from_utf8_lossy(&handed_over.stderr)
    );
    app.wait_window("shown").await;

    if app.driver.find(By::Css("[data-testid='message-list']")).await.is_err() {
        app.testid("session-title").await.click().await.unwrap();
    }
    app.assert_one_exchange(&expected).await;
    app.screenshot("chat-after-reopen.png").await;
    app.quit().await;
}

/// A proactive message while the window is in the tray is announced on the desktop's
/// notification server (a real one on a bus of its own); its "Open" action brings the window
/// back on that chat, showing the message as external.
#[tokio::test(flavor = "multi_thread")]
async fn a_notification_for_a_posted_message_opens_its_chat() {
    use hearth_testkit::notifications::{Mock, PrivateBus, Server};
    let bus = PrivateBus::start(Server::Mock);
    let mock = Mock::on(&bus);
    let data = tempfile::tempdir().unwrap();
    let env = [("DBUS_SESSION_BUS_ADDRESS", bus.address()), ("HEARTH_API_TOKEN", "e2e-token")];
    let app = App::launch_with(data.path(), &env).await;
    let (_, api) = app.api().await;
    app.close_window().await;

    let posted = reqwest::Client::new()
        .post(format!("{api}/v1/inbox"))
        .bearer_auth("e2e-token")
        .json(&serde_json::json!({
            "thread": "builds", "title": "Builds", "text": "Build 42 passed on main"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 201);
    let session_id = posted.json::<serde_json::Value>().await.unwrap()["session_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let calls =
        tokio::task::block_in_place(|| mock.wait_for_calls(1, std::time::Duration::from_secs(10)));
    assert_eq!(calls.len(), 1, "one notification: {calls:#?}");
    assert_eq!(calls[0].app_name, "Hearth");
    assert_eq!(calls[0].summary, "Builds", "titled with the chat");
    assert_eq!(calls[0].body, "Build 42 passed on main");
    assert!(calls[0].actions.iter().any(|a| a == "open"), "an Open action: {:?}", calls[0].actions);
    assert_eq!(app.window("state").await, "hidden", "a notification does not show the window");

    // The user clicks "Open". The app listens for the server's signals only once Notify has
    // returned, and nothing tells the test when: repeat the click until the window is up (a
    // notification opens its chat at most once).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.window("state").await != "shown" {
        assert!(std::time::Instant::now() < deadline, "Open never brought the window up");
        tokio::task::block_in_place(|| mock.invoke_action(1, "open"));
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // It is that very chat, selected in the sidebar.
    app.wait_for_css(&format!("[data-session-id='{session_id}'][data-selected='true']")).await;
    let header = app.testid("chat-header").await;
    assert_eq!(header.prop("textContent").await.unwrap().as_deref(), Some("Builds"));
    let message = app.wait_for_css("[data-testid='message'][data-source='external']").await;
    assert!(message.text().await.unwrap().contains("Build 42 passed on main"));
    app.screenshot("opened-from-notification.png").await;
    app.quit().await;
}

/// A run in the background that waits for an approval says so in a notification with Allow
/// and Deny; Allow answers it without opening the window, and the run goes on.
#[tokio::test(flavor = "multi_thread")]
async fn an_approval_in_the_background_is_answered_from_its_notification() {
    use hearth_testkit::notifications::{Mock, PrivateBus, Server};
    let server = hearth_testkit::ModelServer::start().await;
    let call = hearth_testkit::openai_tool_calls(&[(
        "s1",
        "run_shell",
        r#"{"command": "echo allowed-from-a-notification"}"#,
    )]);
    server.push(hearth_testkit::Reply::split_at(call.as_bytes(), &[]));
    server.push(hearth_testkit::Reply::text(&["Ran it."]));
    let bus = PrivateBus::start(Server::Mock);
    let mock = Mock::on(&bus);
    let (data, workspace) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let env = [("DBUS_SESSION_BUS_ADDRESS", bus.address()), ("HEARTH_API_TOKEN", "e2e-token")];
    let app = App::launch_with_model(data.path(), &server, &env).await;
    let (_, api) = app.api().await;
    app.close_window().await;

    let http = reqwest::Client::new();
    let folder = workspace.path().to_string_lossy().into_owned();
    let created = http
        .post(format!("{api}/v1/sessions"))
        .bearer_auth("e2e-token")
        .json(&serde_json::json!({"title": "Cleanup", "workspace": folder}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let session =
        created.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let sent = http
        .post(format!("{api}/v1/sessions/{session}/messages"))
        .bearer_auth("e2e-token")
        .json(&serde_json::json!({"text": "tidy up"}))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 202);

    let within = std::time::Duration::from_secs(10);
    let calls = tokio::task::block_in_place(|| mock.wait_for_calls(1, within));
    let asked = calls.iter().position(|c| c.actions.iter().any(|a| a == "allow")).unwrap();
    let call = &calls[asked];
    assert_eq!(call.summary, "Cleanup · wants to use run_shell");
    assert_eq!(call.body, "echo allowed-from-a-notification", "what it wants to do");
    assert!(call.actions.iter().any(|a| a == "deny"), "{:?}", call.actions);
    let id = u32::try_from(asked + 1).unwrap();

    // Allow, repeated until heard (the app listens only once Notify has returned).
    let deadline = std::time::Instant::now() + within;
    while server.requests().len() < 2 {
        assert!(std::time::Instant::now() < deadline, "Allow never answered the approval");
        tokio::task::block_in_place(|| mock.invoke_action(id, "allow"));
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let second = server.requests()[1].clone();
    let result = second["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "tool")
        .map(|m| m["content"].as_str().unwrap_or_default().to_owned())
        .unwrap_or_default();
    assert!(
        result.contains("allowed-from-a-notification") && !result.contains("denied"),
        "the command ran and its output reached the model: {result}"
    );
    assert_eq!(app.window("state").await, "hidden", "answered without opening the window");
    app.quit().await;
}

/// Search finds a word that only a tool's output holds and jumps to that message; the chat
/// exported as JSON and imported back is the same chat.
#[tokio::test(flavor = "multi_thread")]
async fn search_finds_a_tool_output_and_an_exported_chat_imports_back() {
    let server = hearth_testkit::ModelServer::start().await;
    let calls =
        hearth_testkit::openai_tool_calls(&[("r1", "read_file", r#"{"path": "notes.txt"}"#)]);
    server.push(hearth_testkit::Reply::split_at(calls.as_bytes(), &[]));
    server.push(hearth_testkit::Reply::text(&["The ", "notes ", "are ", "read."]));
    let data = tempfile::tempdir().unwrap();
    let workspace = tempfile::tempdir().unwrap();
    let exports = tempfile::tempdir().unwrap();
    std::fs::write(workspace.path().join("notes.txt"), "the flamingo budget is 42").unwrap();
    let export_dir = exports.path().to_string_lossy().into_owned();
    let app =
        App::launch_with_model(data.path(), &server, &[("HEARTH_EXPORT_DIR", export_dir.as_str())])
            .await;
    app.testid("new-session").await.click().await.unwrap();
    app.testid("chat-empty").await;
    app.testid("workspace-button").await.click().await.unwrap();
    let folder = workspace.path().to_string_lossy().into_owned();
    app.testid("workspace-input").await.send_keys(&folder).await.unwrap();
    app.testid("workspace-save").await.click().await.unwrap();
    app.testid("composer-input").await.send_keys("read my notes" + Key::Enter).await.unwrap();
    app.wait_text("the run finishes", |t| t.contains("The notes are read.")).await;

    // Search: the word is only in the tool's output.
    app.testid("search-input").await.send_keys("flamin").await.unwrap();
    let hit = app.wait_for_css("[data-testid='search-hit']").await;
    let marks = hit.find_all(By::Css("mark")).await.unwrap();
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0].text().await.unwrap(), "flamingo");
    // The output is drawn in the call's card: the message that made the call is highlighted.
    hit.click().await.unwrap();
    let shown = app.wait_for_css("[data-testid='message'][data-highlighted='true']").await;
    assert!(shown.find(By::Css("[data-testid='tool-card']")).await.is_ok(), "the call's message");

    // A hit in a reply: clicking it scrolls to that message and highlights it.
    let input = app.testid("search-input").await;
    input.send_keys(Key::Escape).await.unwrap();
    input.send_keys("notes are").await.unwrap();
    let hit = app.wait_for_css("[data-testid='search-hit']").await;
    let message_id = hit.attr("data-message-id").await.unwrap().unwrap();
    hit.click().await.unwrap();
    app.wait_for_css(&format!(
        "[data-testid='message'][data-message-id='{message_id}'][data-highlighted='true']"
    ))
    .await;
    app.screenshot("search-jump.png").await;
    app.testid("search-input").await.send_keys(Key::Escape).await.unwrap();

    // Export as JSON: a file in the exports folder, named after the chat.
    app.testid("export-menu").await.click().await.unwrap();
    app.testid("export-json").await.click().await.unwrap();
    let saved = app.testid("export-saved").await.text().await.unwrap();
    let files: Vec<_> =
        std::fs::read_dir(exports.path()).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "{saved}");
    assert!(saved.contains(&files[0].display().to_string()), "{saved}");
    let exported = std::fs::read_to_string(&files[0]).unwrap();

    // Import it back through the file picker: a second chat with the same messages.
    app.driver
        .find(By::Css("[data-testid='import-file']"))
        .await
        .unwrap()
        .send_keys(files[0].display().to_string())
        .await
        .unwrap();
    app.wait_rows("two chats", |rows| rows.len() == 2).await;
    app.wait_text("the imported chat shows its reply", |t| t.contains("The notes are read.")).await;
    app.testid("export-menu").await.click().await.unwrap();
    app.testid("export-json").await.click().await.unwrap();
    app.testid("export-saved").await;
    let first = files[0].clone();
    let files: Vec<_> =
        std::fs::read_dir(exports.path()).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 2, "a second export never overwrites the first: {files:?}");
    let second = files.iter().find(|f| **f != first).unwrap();
    let again = std::fs::read_to_string(second).unwrap();
    assert_eq!(again, exported, "export → import → export: the same chat");
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_attached_image_reaches_the_model_byte_for_byte_and_shows_in_the_chat() {
    use base64::Engine as _;
    let server = hearth_testkit::ModelServer::start().await;
    server.set_fallback(hearth_testkit::Reply::text(&["A ", "small ", "chart."]));
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let png = hearth_testkit::files::png(40, 30, 7);
    let image = files.path().join("chart.png");
    std::fs::write(&image, &png).unwrap();
    let notes = files.path().join("notes.md");
    std::fs::write(&notes, "# Figures\nQ3 was up.\n").unwrap();
    let app = App::launch_with_model(data.path(), &server, &[]).await;
    app.testid("new-session").await.click().await.unwrap();
    app.testid("chat-empty").await;

    // Two files through the real file picker: both upload and are ready to send.
    let picked = format!("{}\n{}", image.display(), notes.display());
    app.testid("composer-attach-input").await.send_keys(picked).await.unwrap();
    app.wait_for_css(
        "[data-testid='pending-attachment'][data-status='ready'] + [data-status='ready']",
    )
    .await;
    app.testid("composer-input").await.send_keys("What is this?" + Key::Enter).await.unwrap();
    app.wait_text("the reply arrives", |t| t.contains("A small chart.")).await;

    let request = &server.requests()[0];
    let user = request["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "user")
        .expect("a user message")
        .clone();
    let url = user["content"][0]["image_url"]["url"].as_str().unwrap().to_owned();
    let sent = base64::engine::general_purpose::STANDARD
        .decode(url.strip_prefix("data:image/png;base64,").expect("a PNG data URL"))
        .unwrap();
    assert_eq!(sent, png, "the model server received the file's exact bytes");
    assert_eq!(
        user["content"][1]["text"],
        "<document name=\"notes.md\">\n# Figures\nQ3 was up.\n</document>"
    );
    assert_eq!(user["content"][2]["text"], "What is this?");

    // The message shows the picture (decoded from the stored bytes) and the file's chip.
    let img = app.wait_for_css("[data-testid='attached-image'] img").await;
    let mut width = 0;
    for _ in 0..100 {
        width = img.prop("naturalWidth").await.unwrap().and_then(|w| w.parse().ok()).unwrap_or(0);
        if width > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(width, 40, "the thumbnail is the attached image");
    app.screenshot("attachments.png").await;
    let chip =
        app.testid("attached-file").await.prop("textContent").await.unwrap().unwrap_or_default();
    assert!(chip.contains("notes.md"), "{chip}");
    assert!(app.driver.find(By::Css("[data-testid='pending-attachment']")).await.is_err(), "sent");
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn editing_a_message_makes_a_branch_the_model_sees_alone_and_the_switcher_goes_back() {
    let server = hearth_testkit::ModelServer::start().await;
    server.push(hearth_testkit::Reply::text(&["Reply ", "one."]));
    server.push(hearth_testkit::Reply::text(&["Reply ", "two."]));
    let data = tempfile::tempdir().unwrap();
    let app = App::launch_with_model(data.path(), &server, &[]).await;
    app.testid("new-session").await.click().await.unwrap();
    app.testid("chat-empty").await;
    app.testid("composer-input").await.send_keys("first question" + Key::Enter).await.unwrap();
    app.wait_text("the first reply", |t| t.contains("Reply one.")).await;

    // Edit (the button shows on hover: clicked as the page would be).
    let edit = app.testid("message-edit").await;
    app.driver.execute("arguments[0].click()", vec![edit.to_json().unwrap()]).await.unwrap();
    let editor = app.testid("message-editor-input").await;
    editor.clear().await.unwrap();
    editor.send_keys("second question" + Key::Enter).await.unwrap();
    app.wait_text("the edited question is answered", |t| t == "Reply two.\n").await;
    assert_eq!(user_texts(&app).await, ["second question"]);
    let position = app.wait_for_css("[data-testid='branch-position']").await;
    assert_eq!(position.text().await.unwrap(), "2/2");

    // The model saw only the new version: not the first question, not its reply.
    let sent = server.requests()[1]["messages"].to_string();
    assert!(sent.contains("second question"), "{sent}");
    assert!(!sent.contains("first question") && !sent.contains("Reply one"), "{sent}");

    // Back to the first version: its own reply comes with it.
    app.testid("branch-prev").await.click().await.unwrap();
    app.wait_text("the first branch is shown", |t| t == "Reply one.\n").await;
    assert_eq!(user_texts(&app).await, ["first question"]);
    let position = app.wait_for_css("[data-testid='branch-position']").await;
    assert_eq!(position.text().await.unwrap(), "1/2");
    app.screenshot("branches.png").await;

    // Search finds the other version's reply, marked so; opening it shows that version.
    app.testid("search-input").await.send_keys("two").await.unwrap();
    let hit = app.wait_for_css("[data-testid='search-hit'][data-active='false']").await;
    assert!(hit.find(By::Css("[data-testid='search-hit-version']")).await.is_ok());
    hit.click().await.unwrap();
    app.wait_for_css("[data-testid='message'][data-highlighted='true']").await;
    app.wait_text("the second version is back", |t| t == "Reply two.\n").await;
    assert_eq!(user_texts(&app).await, ["second question"]);
    app.quit().await;
}

/// What the user's messages on screen say, top to bottom.
async fn user_texts(app: &App) -> Vec<String> {
    let css = "[data-testid='message'][data-role='user'] [data-testid='message-text']";
    let mut out = Vec::new();
    for m in app.driver.find_all(By::Css(css)).await.unwrap() {
        out.push(m.prop("textContent").await.unwrap().unwrap_or_default());
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn a_link_in_a_reply_opens_in_the_system_browser_and_the_window_stays_on_hearth() {
    use std::os::unix::fs::PermissionsExt;
    let server = hearth_testkit::ModelServer::start().await;
    server.set_fallback(hearth_testkit::Reply::text(&[
        "Read [the guide](https://example.com/guide?x=1) first.\n\n",
        "```rust\nfn main() {\n    println!(\"hi\"); // greet\n}\n```\n",
    ]));
    let data = tempfile::tempdir().unwrap();
    // The system's "browser": an xdg-open first on PATH that writes down what it was asked to open.
    let bin = tempfile::tempdir().unwrap();
    let opened = bin.path().join("opened.txt");
    let script = bin.path().join("xdg-open");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.path().display(), std::env::var("PATH").unwrap_or_default());
    let app = App::launch_with_model(data.path(), &server, &[("PATH", path.as_str())]).await;
    app.testid("new-session").await.click().await.unwrap();
    app.testid("chat-empty").await;
    app.testid("composer-input").await.send_keys("Where do I start?" + Key::Enter).await.unwrap();
    app.wait_text("the reply arrives", |t| t.contains("first.")).await;

    // The code block is highlighted, under its language and a Copy button.
    let keyword = app.wait_for_css(".code-block pre code .hljs-keyword").await;
    assert_eq!(keyword.text().await.unwrap(), "fn");
    let lang = app.wait_for_css(".code-block .code-block-lang").await;
    assert_eq!(lang.prop("textContent").await.unwrap().as_deref(), Some("rust"));
    app.screenshot("link-and-code.png").await;

    let read_opened = || std::fs::read_to_string(&opened).unwrap_or_default();
    let wait_opened = |lines: usize| async move {
        for _ in 0..100 {
            if read_opened().lines().count() >= lines {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the browser was not started: {:?}", read_opened());
    };
    let home = app.driver.current_url().await.unwrap();
    app.driver.find(By::LinkText("the guide")).await.unwrap().click().await.unwrap();
    wait_opened(1).await;
    assert_eq!(read_opened(), "https://example.com/guide?x=1\n");

    // Anything else that would take the window elsewhere is opened outside instead.
    app.driver.execute("location.href = 'https://example.org/away'", vec![]).await.unwrap();
    wait_opened(2).await;
    assert_eq!(read_opened().lines().nth(1), Some("https://example.org/away"));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.driver.current_url().await.unwrap(), home, "the window stayed on Hearth");
    app.testid("composer-input").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn instructions_kept_as_a_preset_reach_the_model_and_show_in_settings() {
    let server = hearth_testkit::ModelServer::start().await;
    server.set_fallback(hearth_testkit::Reply::text(&["Arr, ", "ahoy."]));
    let data = tempfile::tempdir().unwrap();
    let app = App::launch_with_model(data.path(), &server, &[]).await;
    app.testid("new-session").await.click().await.unwrap();
    app.testid("chat-empty").await;
    let label = app.testid("assistant-label").await;
    assert_eq!(text_of(&label).await, "No instructions");

    // Written in the header's popover, kept as a preset, and given to this chat.
    app.testid("assistant-button").await.click().await.unwrap();
    app.testid("assistant-no-presets").await;
    app.testid("assistant-prompt").await.send_keys("Talk like a pirate.").await.unwrap();
    app.testid("assistant-keep").await.click().await.unwrap();
    app.testid("assistant-preset-name").await.send_keys("Pirate" + Key::Enter).await.unwrap();
    app.wait_for_css("[data-testid='assistant-preset'][aria-checked='true']").await;
    app.screenshot("assistant-picker.png").await;
    app.testid("assistant-save").await.click().await.unwrap();
    app.wait_for_css("[data-testid='assistant-button'][aria-expanded='false']").await;
    let mut shown = String::new();
    for _ in 0..100 {
        shown = text_of(&app.testid("assistant-label").await).await;
        if shown == "Pirate" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(shown, "Pirate", "the header names the chat's preset");

    app.testid("composer-input").await.send_keys("Hello" + Key::Enter).await.unwrap();
    app.wait_text("the reply arrives", |t| t.contains("Arr, ahoy.")).await;
    let system = &server.requests()[0]["messages"][0];
    assert_eq!(system["role"], "system");
    assert_eq!(system["content"], "Talk like a pirate.", "the model was told the instructions");

    // The preset is in Settings → Presets.
    app.testid("settings-open").await.click().await.unwrap();
    app.testid("settings-tab-presets").await.click().await.unwrap();
    app.testid("settings-panel-presets").await;
    let name = app.testid("preset-name").await;
    assert_eq!(text_of(&name).await, "Pirate");
    // The webview paints a moment after the DOM changes.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.screenshot("presets-settings.png").await;
    app.quit().await;
}

/// An element's text as the DOM has it (WebDriver's rendered text can miss text in flex items).
async fn text_of(element: &WebElement) -> String {
    element.prop("textContent").await.unwrap().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_chat_reads_older_messages_and_a_search_jumps_past_the_loaded_page() {
    let data = tempfile::tempdir().unwrap();
    let app = App::launch_with(data.path(), &[("HEARTH_API_TOKEN", "e2e-token")]).await;
    let (_, api) = app.api().await;
    // 1,200 messages: the window reads the latest 200 first.
    let messages: Vec<_> = (0..1_200)
        .map(|i| {
            let (role, source) = if i % 2 == 0 { ("user", "user") } else { ("assistant", "model") };
            let text = if i == 3 { "The zanzibar plan, first draft.".to_owned() } else { format!("Message {i}.") };
            serde_json::json!({"role": role, "source": source, "status": "complete", "usage": null,
                "created_at": 1_700_000_000_000i64 + i, "content": [{"type": "text", "text": text}]})
        })
        .collect();
    let doc = serde_json::json!({"format": "hearth.session", "version": 1, "messages": messages,
        "session": {"title": "Long chat", "pinned": false, "model": null, "system_prompt": null,
            "thinking_budget": null, "max_steps": null, "created_at": 1_700_000_000_000i64}});
    let made = reqwest::Client::new()
        .post(format!("{api}/v1/import"))
        .bearer_auth("e2e-token")
        .json(&doc)
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 201);
    app.wait_rows("the imported chat", |rows| rows.len() == 1).await;

    // Search for a word in the fourth message: the chat opens at its end and reads back to it.
    app.testid("search-input").await.send_keys("zanzibar").await.unwrap();
    let hit = app.wait_for_css("[data-testid='search-hit']").await;
    let message_id = hit.attr("data-message-id").await.unwrap().unwrap();
    let session_id = hit.attr("data-session-id").await.unwrap().unwrap();
    hit.click().await.unwrap();
    let shown = app
        .wait_for_css(&format!(
            "[data-testid='message'][data-message-id='{message_id}'][data-highlighted='true']"
        ))
        .await;
    assert!(text_of(&shown).await.contains("The zanzibar plan"));
    app.screenshot("long-chat-search.png").await;

    // Only what is near the viewport is in the page, of 1,200.
    let rendered = app.driver.find_all(By::Css("[data-testid='message']")).await.unwrap().len();
    assert!(rendered < 60, "{rendered} messages rendered");

    // Deleted by a script: it leaves the sidebar without a reload.
    let deleted = reqwest::Client::new()
        .delete(format!("{api}/v1/sessions/{session_id}"))
        .bearer_auth("e2e-token")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    app.wait_rows("the deleted chat leaves the list", |rows| rows.is_empty()).await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_memory_added_in_settings_is_in_the_next_chat_and_can_be_forgotten() {
    let server = hearth_testkit::ModelServer::start().await;
    server.set_fallback(hearth_testkit::Reply::text(&["Noted."]));
    let data = tempfile::tempdir().unwrap();
    let app = App::launch_with_model(data.path(), &server, &[]).await;
    app.testid("settings-open").await.click().await.unwrap();
    app.testid("settings-tab-memory").await.click().await.unwrap();
    app.testid("memory-empty").await;
    app.testid("memory-add-text").await.send_keys("Name: Ada Lovelace").await.unwrap();
    let kind = app.testid("memory-add-kind").await;
    kind.find(By::Css("option[value='profile']")).await.unwrap().click().await.unwrap();
    let tier = app.testid("memory-add-tier").await;
    tier.find(By::Css("option[value='core']")).await.unwrap().click().await.unwrap();
    app.testid("memory-add-submit").await.click().await.unwrap();
    let core = app.wait_for_css("[data-testid='memory-core'] [data-testid='memory-text']").await;
    assert_eq!(text_of(&core).await, "Name: Ada Lovelace");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.screenshot("memory-settings.png").await;
    app.testid("settings-close").await.click().await.unwrap();

    // The next chat's system prompt carries it.
    app.testid("new-session").await.click().await.unwrap();
    app.testid("composer-input").await.send_keys("Hello" + Key::Enter).await.unwrap();
    app.wait_text("the reply arrives", |t| t.contains("Noted.")).await;
    let system = server.requests()[0]["messages"][0].clone();
    assert_eq!(system["role"], "system");
    assert!(system["content"].as_str().unwrap().contains("Name: Ada Lovelace"), "{system}");

    // Forgotten in the page: the next request no longer has it.
    app.testid("settings-open").await.click().await.unwrap();
    app.testid("settings-tab-memory").await.click().await.unwrap();
    app.testid("memory-remove").await.click().await.unwrap();
    app.testid("memory-empty").await;
    app.testid("settings-close").await.click().await.unwrap();
    app.testid("composer-input").await.send_keys("Again" + Key::Enter).await.unwrap();
    for _ in 0..200 {
        if server.requests().len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let sent = server.requests()[1]["messages"].to_string();
    assert!(!sent.contains("Ada Lovelace"), "{sent}");
    app.quit().await;
}
