//! A Codex chat through `hearth serve`: the real pinned `codex` CLI offline against the
//! loopback server's Responses route, on the `env:openai` account. Its tool request is an
//! approval answered over HTTP; `hearth serve` killed with -9 mid-turn leaves the run
//! `interrupted`, and after a restart the next message resumes the same Codex thread.

use std::time::{Duration, Instant};

use hearth_testkit::{ModelServer, Reply, responses_call, responses_text};
use serde_json::{Value, json};

use super::Serve;

fn have_codex() -> bool {
    use hearth_engine::runtimes::locate;
    match locate::locate(&locate::CODEX, "") {
        Ok(_) => true,
        Err(e) => {
            eprintln!("SKIPPED: no codex CLI ({}); `scripts/deps.sh test` installs it", e.message);
            false
        }
    }
}

/// Frames of the session until `stop` holds (20 s at most).
async fn frames_until(
    s: &Serve,
    id: &str,
    stop: impl Fn(&[(i64, Value)]) -> bool,
) -> Vec<(i64, Value)> {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen: Vec<(i64, Value)> = Vec::new();
    while !stop(&seen) {
        assert!(Instant::now() < deadline, "timed out; frames: {seen:?}");
        let after = seen.last().map_or(0, |f| f.0);
        seen.extend(s.events(id, after, 5).await);
    }
    seen
}

fn text_of(frames: &[(i64, Value)]) -> String {
    frames
        .iter()
        .filter(|f| f.1["type"] == "text_delta")
        .map(|f| f.1["text"].as_str().unwrap_or_default())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_codex_chat_over_http_asks_then_survives_kill_9_and_resumes_its_thread() {
    if !have_codex() {
        return;
    }
    let model = ModelServer::start().await;
    let cmd = json!({"cmd": "echo from-codex > made.txt && echo made"});
    model.push(Reply::events(&responses_call("call_k9", "exec_command", &cmd), Duration::ZERO));
    let words: Vec<String> = (0..200).map(|i| format!("c{i} ")).collect();
    let refs: Vec<&str> = words.iter().map(String::as_str).collect();
    model.push(Reply::events(&responses_text(&refs), Duration::from_millis(50)));
    let (data, workspace) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let s = Serve::start(data.path(), &model);
    // Made by the CLI: `hearth new --runtime codex --workspace DIR`.
    let ws = workspace.path().display().to_string();
    let bad = super::run_cli(data.path(), &["new", "--runtime", "codex", "--json"]).await;
    assert!(!bad.status.success(), "a codex chat without a folder is refused");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("INVALID_WORKSPACE"), "{bad:?}");
    let out = super::run_cli(
        data.path(),
        &[
            "new",
            "--runtime",
            "codex",
            "--workspace",
            &ws,
            "--model",
            "env:openai/test-model",
            "--title",
            "Codex",
            "--json",
        ],
    )
    .await;
    assert!(out.status.success(), "hearth new: {out:?}");
    let made: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (made["runtime"].as_str(), made["workspace"].as_str()),
        (Some("codex"), Some(ws.as_str()))
    );
    let id = made["id"].as_str().unwrap().to_owned();
    s.post(&format!("/v1/sessions/{id}/messages"), json!({"text": "make a file, then talk"})).await;

    let frames =
        frames_until(&s, &id, |f| f.iter().any(|f| f.1["type"] == "approval_requested")).await;
    let approval =
        &frames.iter().find(|f| f.1["type"] == "approval_requested").unwrap().1["approval"];
    assert_eq!(approval["tool"], "shell");
    assert_eq!(approval["subject"], "echo from-codex > made.txt && echo made");
    let approval_id = approval["id"].as_str().unwrap();
    s.post(&format!("/v1/approvals/{approval_id}"), json!({"allow": true})).await;

    // The command ran; the model got its output and streams an answer; kill -9 mid-way.
    let seen = frames_until(&s, &id, |f| text_of(f).contains("c5 ")).await;
    assert_eq!(std::fs::read_to_string(workspace.path().join("made.txt")).unwrap(), "from-codex\n");
    let sent = model.requests()[1]["input"].to_string();
    assert!(sent.contains("function_call_output") && sent.contains("made"), "{sent}");
    s.kill9();

    let s = Serve::start(data.path(), &model);
    let frames = s.all_events(&id).await;
    for (seq, frame) in &seen {
        assert_eq!(
            frames.iter().find(|f| f.0 == *seq).map(|f| &f.1),
            Some(frame),
            "frame {seq} kept"
        );
    }
    let completed = frames.iter().rev().find(|f| f.1["type"] == "run_completed").expect("an end");
    assert_eq!(completed.1["status"], "interrupted", "{:?}", completed.1);

    // The next message resumes the same thread: the model gets the first exchange.
    model.push(Reply::events(&responses_text(&["Resumed."]), Duration::ZERO));
    let before = completed.0;
    s.post(&format!("/v1/sessions/{id}/messages"), json!({"text": "where were we?"})).await;
    let frames =
        frames_until(&s, &id, |f| f.iter().any(|f| f.0 > before && f.1["type"] == "run_completed"))
            .await;
    let end = frames.iter().rev().find(|f| f.1["type"] == "run_completed").unwrap();
    assert_eq!(end.1["status"], "done", "{:?}", end.1);
    let last = model.requests().last().unwrap()["input"].to_string();
    assert!(
        last.contains("make a file, then talk") && last.contains("where were we?"),
        "one thread across the crash: {last}"
    );
}
