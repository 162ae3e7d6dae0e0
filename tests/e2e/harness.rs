//! Launches the real Hearth binary in its real webview through WebKitWebDriver (the WebDriver
//! server of WebKitGTK, which tauri-driver proxies to on Linux) and hands out a `WebDriver`.
//! Needs an X display and a D-Bus session: `make test` runs the suite under
//! `xvfb-run -a dbus-run-session`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;
use tokio::process::{Child, Command};

pub const APP: &str = env!("CARGO_BIN_EXE_hearth");
const WEBDRIVER: &str = "/usr/bin/WebKitWebDriver";

pub struct App {
    pub driver: WebDriver,
    server: Child,
    data_dir: PathBuf,
}

impl App {
    /// Starts the app on `data_dir` and waits until the sidebar has loaded its first page.
    pub async fn launch(data_dir: &Path) -> App {
        App::launch_with(data_dir, &[]).await
    }

    /// The app with the loopback model server as its only model (`env:openai/test-model`),
    /// and `extra` environment.
    pub async fn launch_with_model(
        data_dir: &Path,
        server: &hearth_testkit::ModelServer,
        extra: &[(&str, &str)],
    ) -> App {
        let base = server.base_url();
        let mut env = vec![
            ("OPENAI_BASE_URL", base.as_str()),
            ("OPENAI_API_KEY", "test-key"),
            ("HEARTH_MODEL", "env:openai/test-model"),
        ];
        env.extend_from_slice(extra);
        App::launch_with(data_dir, &env).await
    }

    /// The same, with extra environment for the app (a model server, say).
    pub async fn launch_with(data_dir: &Path, env: &[(&str, &str)]) -> App {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "end-to-end tests need an X display and a D-Bus session: run them with `make test` \
             (xvfb-run -a dbus-run-session)"
        );
        assert!(
            Path::new(WEBDRIVER).exists(),
            "{WEBDRIVER} is missing: apt-get install webkit2gtk-driver"
        );
        let port = free_port();
        let server = Command::new(WEBDRIVER)
            .arg(format!("--port={port}"))
            .env("TAURI_WEBVIEW_AUTOMATION", "true")
            .env("HEARTH_DATA_DIR", data_dir)
            .env("HEARTH_PORT", "0")
            .env("HEARTH_AUTO_TITLE", "0")
            // Only the accounts and local servers a test names: none from the machine.
            .env_remove("OPENAI_API_KEY")
            .env_remove("OPENAI_BASE_URL")
            .env_remove("ANTHROPIC_API_KEY")
            .env_remove("ANTHROPIC_BASE_URL")
            .env_remove("HEARTH_MODEL")
            .env("OLLAMA_HOST", "127.0.0.1:9")
            .env("LMSTUDIO_HOST", "127.0.0.1:9")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start WebKitWebDriver");
        wait_until_listening(port).await;

        let mut caps = Capabilities::new();
        caps.set("webkitgtk:browserOptions", serde_json::json!({"binary": APP, "args": []}))
            .unwrap();
        let url = format!("http://127.0.0.1:{port}");
        // One retry: a fresh WebKitWebDriver occasionally drops the first connection.
        // The app must be up within a minute (WebKitWebDriver itself would wait forever for
        // an app that exited at start, e.g. on a locked data dir).
        let start = |caps: Capabilities| {
            let url = url.clone();
            async move {
                tokio::time::timeout(Duration::from_secs(60), WebDriver::new(&url, caps))
                    .await
                    .map_err(|_| {
                        "Hearth did not start within 60 s (see its log in the data dir)".to_string()
                    })?
                    .map_err(|e| e.to_string())
            }
        };
        let driver = match start(caps.clone()).await {
            Ok(d) => d,
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(500)).await;
                start(caps).await.expect("create a WebDriver session with Hearth")
            }
        };
        let app = App { driver, server, data_dir: data_dir.to_owned() };
        app.wait_for_css("body[data-ready='true']").await;
        app
    }

    pub async fn wait_for_css(&self, css: &str) -> WebElement {
        self.driver
            .query(By::Css(css))
            .wait(Duration::from_secs(20), Duration::from_millis(50))
            .first()
            .await
            .unwrap_or_else(|e| panic!("{css} never appeared: {e}"))
    }

    pub async fn testid(&self, id: &str) -> WebElement {
        self.wait_for_css(&format!("[data-testid='{id}']")).await
    }

    /// The sidebar rows as (title, pinned, selected), top to bottom: read in one go in the page,
    /// so a row that leaves meanwhile cannot turn up half-read.
    pub async fn rows(&self) -> Vec<(String, bool, bool)> {
        // textContent, not WebDriver's visibility-dependent text(); "" while renaming.
        let script = r#"return [...document.querySelectorAll("[data-testid='session-item']")].map((row) => [
            row.querySelector("[data-testid='session-title']")?.textContent ?? "",
            row.dataset.pinned === "true",
            row.dataset.selected === "true",
        ]);"#;
        let rows = self.driver.execute(script, vec![]).await.unwrap();
        serde_json::from_value(rows.json().clone()).expect("rows as [title, pinned, selected]")
    }

    /// Polls `rows()` until `ok` holds (20 s at most).
    pub async fn wait_rows(&self, what: &str, ok: impl Fn(&[(String, bool, bool)]) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let rows = self.rows().await;
            if ok(&rows) {
                return;
            }
            assert!(Instant::now() < deadline, "{what}: the sidebar shows {rows:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Opens inline rename on the first row whose title is `title`, replaces the text the way
    /// a person does (select all, type) and presses `end` (Enter or Escape).
    pub async fn rename(&self, row: usize, text: &str, end: Key) -> WebElement {
        let rows = self.driver.find_all(By::Css("[data-testid='session-item']")).await.unwrap();
        rows[row]
            .find(By::Css("[data-testid='session-rename']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let input = self.testid("session-rename-input").await;
        input.send_keys(Key::Control + "a").await.unwrap();
        input.send_keys(text.to_string() + end).await.unwrap();
        input
    }

    /// The assistant reply's text (all its text blocks), polled until `ok` holds (20 s).
    pub async fn wait_text(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let mut text = String::new();
            if let Ok(blocks) = self
                .driver
                .find_all(By::Css(
                    "[data-testid='message'][data-role='assistant'] [data-testid='message-text']",
                ))
                .await
            {
                for b in blocks {
                    text += &b.prop("textContent").await.ok().flatten().unwrap_or_default();
                }
            }
            if ok(&text) {
                return text;
            }
            assert!(Instant::now() < deadline, "{what}: the reply shows {text:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The chat shows one user message and one complete reply of exactly `expected`'s words,
    /// each once, in order (no gap, no duplicate).
    pub async fn assert_one_exchange(&self, expected: &str) {
        self.wait_for_css("[data-testid='message'][data-role='assistant'][data-status='complete']")
            .await;
        let last = expected.split_whitespace().last().unwrap_or_default().to_owned();
        let text = self.wait_text("the whole reply", |t| t.contains(&last)).await;
        assert_eq!(
            text.split_whitespace().collect::<Vec<_>>(),
            expected.split_whitespace().collect::<Vec<_>>(),
            "every word exactly once, in order"
        );
        let messages = self.driver.find_all(By::Css("[data-testid='message']")).await.unwrap();
        assert_eq!(messages.len(), 2, "one user message and one reply, no duplicate");
    }

    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        self.driver.screenshot(&path).await.expect("take a screenshot");
        path
    }

    /// The app's pid and its HTTP API's base URL, once the API listens (from `api.json`).
    pub async fn api(&self) -> (u32, String) {
        let path = self.data_dir.join("api.json");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let found = std::fs::read_to_string(&path)
                .ok()
                .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
                .and_then(|v| Some((v["pid"].as_u64()? as u32, v["port"].as_u64()?)));
            if let Some((pid, port)) = found {
                return (pid, format!("http://127.0.0.1:{port}"));
            }
            assert!(Instant::now() < deadline, "the app's HTTP API never wrote {}", path.display());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Does to the app's window what the user or a window manager would (`close`: the close
    /// button's WM_DELETE_WINDOW) or asks whether it is mapped (`state`: "shown" or "hidden").
    pub async fn window(&self, action: &str) -> String {
        let (pid, _) = self.api().await;
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/x11-window.py");
        let out = Command::new("/usr/bin/python3")
            .arg(&script)
            .arg(action)
            .arg(pid.to_string())
            .output()
            .await
            .expect("run tests/e2e/x11-window.py (needs python3-xlib: scripts/deps.sh test)");
        assert!(
            out.status.success(),
            "x11-window.py {action}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Presses the window's close button and waits until it is hidden. Once in a CI run (of
    /// many) the first WM_DELETE_WINDOW went unanswered under Xvfb (no window manager); a
    /// second press, as a user would give, is allowed — never a third.
    pub async fn close_window(&self) {
        for press in 0..2 {
            self.window("close").await;
            let deadline = Instant::now() + Duration::from_secs(if press == 0 { 4 } else { 10 });
            while Instant::now() < deadline {
                if self.window("state").await == "hidden" {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        panic!("the window stayed shown after two presses of its close button");
    }

    /// Waits until the window is `state` ("shown" or "hidden").
    pub async fn wait_window(&self, state: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let now = self.window("state").await;
            if now == state {
                return;
            }
            assert!(Instant::now() < deadline, "the window stayed {now}, never {state}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Closes the app (the WebDriver session owns the process) and its WebDriver server.
    pub async fn quit(mut self) {
        self.driver.quit().await.expect("end the WebDriver session");
        let _ = self.server.kill().await;
        // Wait until the app has really exited (it holds the data dir's lock until then), so a
        // restart on the same data dir never races it, however loaded the machine is.
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.data_dir.join("hearth.lock"))
            .expect("open the data dir's lock file");
        let started = Instant::now();
        let mut killed = false;
        while lock.try_lock().is_err() {
            // WebKitWebDriver sometimes ends its session without closing the app it started,
            // leaving it orphaned once the driver is gone: end it by its pid (from api.json).
            if !killed && started.elapsed() > Duration::from_secs(10) {
                let pid = std::fs::read_to_string(self.data_dir.join("api.json"))
                    .ok()
                    .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
                    .and_then(|v| v["pid"].as_u64());
                if let Some(pid) = pid {
                    eprintln!(
                        "note: Hearth (pid {pid}) was still running 10 s after the WebDriver session ended; stopping it"
                    );
                    let _ = std::process::Command::new("kill").arg(pid.to_string()).status();
                }
                killed = true;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "Hearth did not exit within 60 s of quitting"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = lock.unlock();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn wait_until_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(Instant::now() < deadline, "WebKitWebDriver did not listen on {port}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
