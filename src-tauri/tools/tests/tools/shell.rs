//! run_shell with real bash: output, exit codes, caps, and — the important part — that a
//! timeout or a cancellation kills the whole process tree, grandchildren included.

use std::path::Path;
use std::time::{Duration, Instant};

use hearth_tools::ToolErrorCode;
use serde_json::json;

use crate::support::{Workspace, assert_code, call};

/// Whether `pid` has exited: gone from /proc, or a zombie nobody has reaped yet (in a container
/// whose init does not reap, a killed orphan lingers as one).
fn is_dead(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => {
            stat.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
        }
    }
}

/// Polls for up to 2 s for every pid to be dead.
async fn assert_all_dead(pids: &[u32], why: &str) {
    let deadline = Instant::now() + Duration::from_secs(2);
    while !pids.iter().all(|&pid| is_dead(pid)) {
        assert!(Instant::now() < deadline, "{why}: still alive among {pids:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Reads a pid the command wrote to `file`, waiting up to 2 s for it to appear.
async fn read_pid(dir: &Path, file: &str) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        if let Ok(text) = std::fs::read_to_string(dir.join(file))
            && let Ok(pid) = text.trim().parse()
        {
            return pid;
        }
        assert!(Instant::now() < deadline, "the command never wrote {file}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A subshell that starts a grandchild `sleep`, records both pids, and waits forever.
const TREE: &str = "(sleep 300 & echo $! > grandchild.pid; echo $BASHPID > child.pid; wait)";

#[tokio::test]
async fn output_and_exit_code_are_reported() {
    let ws = Workspace::new();
    let out =
        ws.call("run_shell", json!({"command": "echo out; echo err >&2; exit 3"})).await.unwrap();
    assert_eq!(out, "out\nerr\n[exit code: 3]", "stdout and stderr interleave, then the code");
    let quiet = ws.call("run_shell", json!({"command": "true"})).await.unwrap();
    assert_eq!(quiet, "[no output]\n[exit code: 0]");
    let stdin = ws.call("run_shell", json!({"command": "cat; echo done"})).await.unwrap();
    assert_eq!(stdin, "done\n[exit code: 0]", "stdin is empty, so cat returns at once");
}

#[tokio::test]
async fn runs_in_the_workspace_or_home() {
    let ws = Workspace::new();
    let out = ws.call("run_shell", json!({"command": "pwd"})).await.unwrap();
    let expected = std::fs::canonicalize(ws.path()).unwrap();
    assert_eq!(out, format!("{}\n[exit code: 0]", expected.display()));

    let ctx = hearth_tools::ToolContext::default();
    let home = call(&ctx, "run_shell", json!({"command": "pwd -P"})).await.unwrap();
    let expected = std::fs::canonicalize(std::env::home_dir().unwrap()).unwrap();
    assert_eq!(home, format!("{}\n[exit code: 0]", expected.display()));
}

#[tokio::test]
async fn timeout_kills_the_whole_tree() {
    let ws = Workspace::new();
    let started = Instant::now();
    let result = ws.call("run_shell", json!({"command": TREE, "timeout_secs": 1})).await;
    assert_code(&result, ToolErrorCode::Timeout, "a command past its limit times out");
    assert!(started.elapsed() < Duration::from_secs(3), "the timeout must be prompt");
    let child = read_pid(ws.path(), "child.pid").await;
    let grandchild = read_pid(ws.path(), "grandchild.pid").await;
    assert_all_dead(&[child, grandchild], "a timeout must kill grandchildren too").await;
}

#[tokio::test]
async fn cancellation_kills_the_whole_tree() {
    let ws = Workspace::new();
    let ctx = ws.ctx.clone();
    let running =
        tokio::spawn(async move { call(&ctx, "run_shell", json!({"command": TREE})).await });
    let child = read_pid(ws.path(), "child.pid").await;
    let grandchild = read_pid(ws.path(), "grandchild.pid").await;
    ws.ctx.cancel.cancel();
    let result = tokio::time::timeout(Duration::from_secs(2), running)
        .await
        .expect("a cancelled command must return promptly")
        .unwrap();
    assert_code(&result, ToolErrorCode::Aborted, "a cancelled command is Aborted");
    assert_all_dead(&[child, grandchild], "cancellation must kill grandchildren too").await;
}

#[tokio::test]
async fn background_processes_do_not_outlive_the_command() {
    let ws = Workspace::new();
    let started = Instant::now();
    let out = ws
        .call("run_shell", json!({"command": "sleep 300 & echo $! > bg.pid; echo started"}))
        .await
        .unwrap();
    assert_eq!(out, "started\n[exit code: 0]");
    assert!(started.elapsed() < Duration::from_secs(2), "a background job must not hold the call");
    let bg = read_pid(ws.path(), "bg.pid").await;
    assert_all_dead(&[bg], "a background job is killed when the command exits").await;
}

#[tokio::test]
async fn output_is_capped_keeping_head_and_tail() {
    let ws = Workspace::new();
    let out = ws.call("run_shell", json!({"command": "seq 1 100000"})).await.unwrap();
    assert!(out.len() < 70 * 1024, "output must be capped: {} bytes", out.len());
    assert!(out.starts_with("1\n2\n3\n"), "the head is kept");
    assert!(out.ends_with("99999\n100000\n[exit code: 0]"), "the tail is kept");
    assert!(out.contains("bytes of output cut from the middle"), "the cut must be said");
}

#[tokio::test]
async fn bad_arguments_are_refused() {
    let ws = Workspace::new();
    let cases = [
        json!({"command": "true", "timeout_secs": 0}),
        json!({"command": "true", "timeout_secs": 601}),
        json!({"command": "  "}),
        json!({"command": 42}),
    ];
    for input in cases {
        let why = format!("{input}");
        let result = ws.call("run_shell", input).await;
        assert_code(&result, ToolErrorCode::InvalidArguments, &why);
    }
}

/// Prints what a command sees of the environment. Run (with secrets in its environment) by
/// `a_command_sees_no_secret_of_hearths`, never on its own.
#[tokio::test]
#[ignore = "run by a_command_sees_no_secret_of_hearths, with secrets in its environment"]
async fn prints_the_environment_a_command_sees() {
    let ws = Workspace::new();
    let out = ws.call("run_shell", json!({"command": "env"})).await.unwrap();
    println!("ENV-BEGIN\n{out}\nENV-END");
}

#[test]
fn a_command_sees_no_secret_of_hearths() {
    // This test binary again, as Hearth would run: with its API token and a provider key set.
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "shell::prints_the_environment_a_command_sees",
            "--nocapture",
        ])
        .env("HEARTH_API_TOKEN", "hearth-token-7f3a")
        .env("OPENAI_API_KEY", "sk-test-9c2e")
        .env("GITHUB_TOKEN", "ghp-test-51d0")
        .env("HEARTH_TEST_VISIBLE_DIR", "/nowhere")
        .env("PLAIN_SETTING", "plain-value-3b")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&child.stdout);
    assert!(child.status.success(), "the child test failed: {text}");
    let env = text.split("ENV-BEGIN").nth(1).expect("the child printed the command's environment");
    assert!(
        env.contains("PLAIN_SETTING=plain-value-3b"),
        "the rest of the environment is inherited: {env}"
    );
    for secret in ["hearth-token-7f3a", "sk-test-9c2e", "ghp-test-51d0", "HEARTH_TEST_VISIBLE_DIR"]
    {
        assert!(!env.contains(secret), "a shell command must not see {secret}: {env}");
    }
}
