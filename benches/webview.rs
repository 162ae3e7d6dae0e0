//! `make bench`: the chat view in the real webview (WebKitGTK under Xvfb, through
//! WebKitWebDriver, as the end-to-end tests drive it). For a 10,000-message chat and, as the
//! baseline in the same run, a 20-message one: the time to open it, frame times while scrolling
//! up through its history (older pages load as it goes), and frame times while 2,000 deltas
//! stream into a reply. Frame time is the interval between animation frames, recorded in the
//! page with requestAnimationFrame; at 60 Hz a frame that keeps up is 16.7 ms. A second
//! baseline is the webview's own floor: the same scrolling and appending done to a plain
//! page of static text of the same size, without Hearth's code. Printed, not asserted.

#[allow(dead_code)]
#[path = "../tests/e2e/harness.rs"]
mod harness;

use std::time::Duration;

use harness::App;
use serde_json::{Value, json};
use thirtyfour::prelude::*;

const BIG: usize = 10_000;
const SMALL: usize = 20;
const DELTAS: usize = 2_000;
const TOKEN: &str = "bench-token";

/// Realistic replies: paragraphs, lists, code, tables, quotes; questions in between.
fn text_of(i: usize) -> String {
    if i.is_multiple_of(2) {
        return format!("Question {i}: how should we handle the retry logic in module {}?", i % 37);
    }
    match (i / 2) % 5 {
        0 => format!(
            "Here is the plan for step {i}:\n\n1. Read the **config** first.\n2. Then call `retry()` with a backoff.\n3. Log the outcome.\n\nThat keeps it simple."
        ),
        1 => format!(
            "```rust\nfn retry_{i}(n: u32) -> Result<(), Error> {{\n    for attempt in 0..n {{\n        if try_once(attempt).is_ok() {{\n            return Ok(());\n        }}\n    }}\n    Err(Error::GaveUp)\n}}\n```\n\nThis retries up to `n` times."
        ),
        2 => format!(
            "| attempt | delay |\n|---|---|\n| 1 | 100 ms |\n| 2 | 200 ms |\n| 3 | 400 ms |\n\nRow {i}: the delay doubles each time."
        ),
        3 => format!(
            "> Note {i}: the upstream API rate-limits at 10 requests per second.\n\nSo the backoff must start at *100 ms* at least, and see [the docs](https://example.com/{i})."
        ),
        _ => format!(
            "Short answer {i}: yes. The longer one is that it depends on whether the caller can tolerate duplicates; if it cannot, make the operation idempotent first, then retry."
        ),
    }
}

fn document(title: &str, messages: usize) -> Value {
    let messages: Vec<_> = (0..messages)
        .map(|i| {
            let (role, source) =
                if i.is_multiple_of(2) { ("user", "user") } else { ("assistant", "model") };
            json!({"role": role, "source": source, "status": "complete", "usage": null,
                "created_at": 1_700_000_000_000i64 + i as i64,
                "content": [{"type": "text", "text": text_of(i)}]})
        })
        .collect();
    json!({"format": "hearth.session", "version": 1, "messages": messages, "attachments": [],
        "session": {"title": title, "pinned": false, "model": null, "system_prompt": null,
            "thinking_budget": null, "max_steps": null, "created_at": 1_700_000_000_000i64}})
}

/// Starts recording animation-frame intervals in the page.
const RECORD: &str = "
    window.__frames = []; window.__recording = true;
    let last = performance.now();
    const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__recording) requestAnimationFrame(tick); };
    requestAnimationFrame((t) => { last = t; requestAnimationFrame(tick); });
";
/// Stops recording; returns the intervals (ms).
const STOP: &str = "window.__recording = false; return window.__frames;";

struct Figures {
    frames: Vec<f64>,
}

impl Figures {
    fn line(&self, what: &str) -> String {
        let mut f = self.frames.clone();
        if f.is_empty() {
            return format!("{what:<34} no frames recorded");
        }
        f.sort_by(f64::total_cmp);
        let at = |q: f64| f[((f.len() - 1) as f64 * q).round() as usize];
        let slow = f.iter().filter(|&&d| d > 16.7 * 1.5).count();
        format!(
            "{what:<34} {:>5} frames: p50 {:>5.1} ms  p95 {:>5.1} ms  max {:>6.1} ms  {:>4} dropped (> 25 ms)",
            f.len(),
            at(0.5),
            at(0.95),
            f[f.len() - 1],
            slow
        )
    }
}

async fn frames(app: &App) -> Figures {
    let v = app.driver.execute(STOP, vec![]).await.unwrap().json().clone();
    Figures { frames: v.as_array().unwrap().iter().filter_map(Value::as_f64).collect() }
}

/// Opens the chat titled `title`: the time from the click until its messages are on screen.
async fn open(app: &App, title: &str) -> f64 {
    let script = "
        const [title, done] = [arguments[0], arguments[arguments.length - 1]];
        const row = [...document.querySelectorAll(\"[data-testid='session-item']\")]
            .find((r) => r.querySelector(\"[data-testid='session-title']\")?.textContent === title);
        const start = performance.now();
        row.querySelector('.session-select').click();
        const wait = () => {
            const list = document.querySelector(\"[data-testid='message-list']\");
            const header = document.querySelector(\"[data-testid='chat-header']\")?.textContent;
            if (list && header === title && list.querySelector(\"[data-testid='message']\")) {
                requestAnimationFrame(() => done(performance.now() - start));
            } else setTimeout(wait, 1);
        };
        wait();";
    let v = app.driver.execute_async(script, vec![json!(title)]).await.unwrap();
    v.json().as_f64().unwrap_or(f64::NAN)
}

/// Scrolls up through the history, 250 px a frame for `steps` frames.
async fn scroll_up(app: &App, steps: u32) -> Figures {
    app.driver.execute(RECORD, vec![]).await.unwrap();
    let script = "
        const [steps, done] = [arguments[0], arguments[arguments.length - 1]];
        const el = document.querySelector('.chat-scroll');
        let n = 0;
        const step = () => {
            el.scrollTop = Math.max(0, el.scrollTop - 250);
            if (++n < steps) requestAnimationFrame(step); else done(el.scrollTop);
        };
        requestAnimationFrame(step);";
    app.driver.execute_async(script, vec![json!(steps)]).await.unwrap();
    frames(app).await
}

/// Sends a message and records frames while the 2,000-delta reply streams in.
async fn stream_reply(app: &App, marker: &str) -> Figures {
    // Back at the bottom, following the stream, as a reader would.
    app.driver
        .execute(
            "const el = document.querySelector('.chat-scroll'); el.scrollTop = el.scrollHeight;",
            vec![],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.driver.execute(RECORD, vec![]).await.unwrap();
    app.testid("composer-input").await.send_keys("Stream please" + Key::Enter).await.unwrap();
    let script = "
        const [marker, done] = [arguments[0], arguments[arguments.length - 1]];
        const start = performance.now();
        const wait = () => {
            const replies = document.querySelectorAll(\"[data-testid='message'][data-role='assistant']\");
            const last = replies[replies.length - 1];
            if (last && last.textContent.includes(marker)) done(performance.now() - start);
            else if (performance.now() - start > 120000) done(-1);
            else setTimeout(wait, 20);
        };
        wait();";
    let took = app.driver.execute_async(script, vec![json!(marker)]).await.unwrap();
    assert!(took.json().as_f64().unwrap_or(-1.0) >= 0.0, "the reply never finished streaming");
    frames(app).await
}

/// The webview's floor: a plain overflow box of static paragraphs over the chat, the same
/// size, scrolled up 250 px a frame, then a word appended every 4 ms for 8 s while it follows
/// the bottom, as the chat does.
async fn floor(app: &App) -> (Figures, Figures) {
    let setup = "
        const chat = document.querySelector('.chat-scroll').getBoundingClientRect();
        const box = document.createElement('div');
        box.id = 'bench-floor';
        Object.assign(box.style, { position: 'fixed', left: chat.left + 'px', top: chat.top + 'px',
            width: chat.width + 'px', height: chat.height + 'px', overflow: 'auto',
            background: 'var(--bg)', zIndex: 1000, padding: '0 28px' });
        for (let i = 0; i < 2000; i++) {
            const p = document.createElement('p');
            p.textContent = 'Paragraph ' + i + ': the retry logic doubles the delay each time, starting at 100 ms, up to five attempts.';
            box.append(p);
        }
        document.body.append(box);
        box.scrollTop = box.scrollHeight;";
    app.driver.execute(setup, vec![]).await.unwrap();
    app.driver.execute(RECORD, vec![]).await.unwrap();
    let scroll = "
        const [steps, done] = [arguments[0], arguments[arguments.length - 1]];
        const el = document.getElementById('bench-floor');
        let n = 0;
        const step = () => { el.scrollTop = Math.max(0, el.scrollTop - 250); if (++n < steps) requestAnimationFrame(step); else done(0); };
        requestAnimationFrame(step);";
    app.driver.execute_async(scroll, vec![json!(240)]).await.unwrap();
    let scrolled = frames(app).await;
    app.driver.execute(RECORD, vec![]).await.unwrap();
    let append = "
        const done = arguments[arguments.length - 1];
        const el = document.getElementById('bench-floor');
        const p = document.createElement('p');
        el.append(p);
        let i = 0;
        const timer = setInterval(() => {
            p.append('word' + (i % 97) + ' ');
            el.scrollTop = el.scrollHeight;
            if (++i >= 2000) { clearInterval(timer); el.remove(); done(0); }
        }, 4);";
    app.driver.execute_async(append, vec![]).await.unwrap();
    (scrolled, frames(app).await)
}

/// A reply of `DELTAS` small pieces: words, markdown, code, ending with `marker`.
fn reply_deltas(marker: &str) -> Vec<String> {
    let mut out = Vec::with_capacity(DELTAS);
    for i in 0..DELTAS - 1 {
        out.push(match i % 200 {
            0 => "\n\n## Part\n\n".to_owned(),
            50 => "\n\n```rust\nlet x = retry(3);\n".to_owned(),
            51 => "assert!(x.is_ok());\n```\n\n".to_owned(),
            100 => "\n\n- one point\n- another point\n\n".to_owned(),
            _ => format!("word{} ", i % 97),
        });
    }
    out.push(format!(" {marker}"));
    out
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    if std::env::var_os("DISPLAY").is_none() {
        eprintln!("webview bench: skipped (needs an X display: run it with `make bench`)");
        return;
    }
    let server = hearth_testkit::ModelServer::start().await;
    let data = tempfile::tempdir().unwrap();
    let app = App::launch_with_model(data.path(), &server, &[("HEARTH_API_TOKEN", TOKEN)]).await;
    let (_, api) = app.api().await;
    let http = reqwest::Client::new();
    for (title, n) in [("Baseline chat", SMALL), ("Long chat", BIG)] {
        let made = http
            .post(format!("{api}/v1/import"))
            .bearer_auth(TOKEN)
            .json(&document(title, n))
            .send()
            .await
            .unwrap();
        assert_eq!(made.status(), 201, "import {title}");
    }
    app.wait_rows("both chats", |rows| rows.len() == 2).await;

    println!(
        "webview: WebKitGTK under Xvfb; frame time = interval between animation frames (16.7 ms at 60 Hz)"
    );
    let opened = open(&app, "Baseline chat").await;
    let (scrolled, appended) = floor(&app).await;
    println!("webview floor (static text, no Hearth code; chat opened in {opened:.0} ms):");
    println!("  {}", scrolled.line("scrolling up 240 × 250 px"));
    println!("  {}", appended.line(&format!("appending {DELTAS} words")));
    for (title, n) in [("Baseline chat", SMALL), ("Long chat", BIG)] {
        let opened = open(&app, title).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let scrolled = scroll_up(&app, 240).await;
        let rendered = app.driver.find_all(By::Css("[data-testid='message']")).await.unwrap().len();
        let marker = format!("END-{n}");
        let deltas = reply_deltas(&marker);
        let deltas: Vec<&str> = deltas.iter().map(String::as_str).collect();
        server.push(hearth_testkit::Reply::slow_text(&deltas, Duration::from_millis(4)));
        let streamed = stream_reply(&app, &marker).await;
        println!(
            "{n:>6} messages: opened in {opened:.0} ms, {rendered} messages in the page after scrolling"
        );
        println!("  {}", scrolled.line("scrolling up 240 × 250 px"));
        println!("  {}", streamed.line(&format!("streaming {DELTAS} deltas")));
    }
    app.quit().await;
}
