//! The `hearth` CLI: `hearth` alone starts the desktop app; subcommands serve the API or talk
//! to a running Hearth (found through `<data dir>/api.json`). Exit 0 on success; otherwise
//! the error code and message on stderr and a non-zero exit.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use futures_util::StreamExt;
use hearth_engine::{ApiError, Engine, ErrorCode, paths, secrets};
use serde_json::{Value, json};

mod client;

use client::{Client, not_running};

use crate::ops::{app, hooks, sessions, turns};

#[derive(Parser)]
#[command(name = "hearth", version, about = "Hearth: a desktop app for working with AI agents")]
struct Cli {
    /// The API to talk to (default: the running Hearth's, from <data dir>/api.json). When
    /// api.json names the same loopback port it must prove itself as without this; any other
    /// URL gets the token as given, so it must be loopback or https.
    #[arg(long, global = true, env = "HEARTH_URL")]
    url: Option<String>,
    /// Start the desktop app in the tray, window hidden (how start-at-login launches it).
    #[arg(long, hide = true)]
    hidden: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the engine and the HTTP API with no window.
    Serve {
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// 0 picks a free port.
        #[arg(long, default_value_t = 7821)]
        port: u16,
    },
    /// Print the API token.
    Token,
    /// List sessions.
    Sessions {
        #[arg(long)]
        json: bool,
    },
    /// Make a session; prints its id.
    New {
        #[arg(long)]
        title: Option<String>,
        /// `<account>/<model>` (default: the default model; for claude-code and codex, the CLI's own).
        #[arg(long)]
        model: Option<String>,
        /// hearth (default) | claude-code | codex
        #[arg(long)]
        runtime: Option<String>,
        /// The agent's working folder (required for claude-code and codex); relative paths are resolved
        /// here.
        #[arg(long)]
        workspace: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Send a message to a session.
    Send {
        session: String,
        text: String,
        /// Stream the reply to stdout and exit when the run ends.
        #[arg(long)]
        wait: bool,
        #[arg(long)]
        json: bool,
        /// now | next | later
        #[arg(long)]
        priority: Option<String>,
        /// A file to attach (image, PDF or text); repeat for more.
        #[arg(long = "attach", value_name = "FILE")]
        attach: Vec<std::path::PathBuf>,
    },
    /// Print a session's frames as JSON lines, then follow live ones.
    Tail {
        session: String,
        #[arg(long, default_value_t = 0)]
        after_seq: i64,
    },
    /// Stop the session's running run.
    Abort { session: String },
    /// Post a proactive message to the inbox (or a thread's chat, or a given chat).
    Post {
        text: String,
        /// The inbox thread (its own chat, made on first use); default `inbox`.
        #[arg(long, conflicts_with = "session")]
        thread: Option<String>,
        /// Into this chat instead.
        #[arg(long)]
        session: Option<String>,
        /// The title of the thread's chat when it is made.
        #[arg(long, requires = "thread")]
        title: Option<String>,
        /// No desktop notification.
        #[arg(long)]
        no_notify: bool,
        #[arg(long)]
        json: bool,
    },
    /// Search every chat (message text, tool inputs and outputs); best hits first.
    Search {
        query: String,
        /// Only this chat.
        #[arg(long)]
        session: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Print recent log lines of the running Hearth.
    Logs {
        /// trace | debug | info | warn | error (this level and above).
        #[arg(long)]
        level: Option<String>,
        #[arg(long)]
        session: Option<String>,
        #[arg(long, default_value_t = 200)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
}

/// Runs the CLI if a subcommand was given; `None` means "start the desktop app".
pub fn main() -> Option<ExitCode> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return Some(if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS });
        }
    };
    let command = cli.command?;
    let runtime =
        match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
            Ok(rt) => rt,
            Err(e) => return Some(fail(&ApiError::new(ErrorCode::Internal, e.to_string()))),
        };
    let result = runtime.block_on(run(cli.url, command));
    // A tool's blocking thread that never returns must not keep the process alive.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    Some(match result {
        Ok(code) => code,
        Err(e) => fail(&e),
    })
}

fn fail(e: &ApiError) -> ExitCode {
    eprintln!("hearth: {}: {}", e.code.name(), e.message);
    ExitCode::FAILURE
}

async fn run(url: Option<String>, command: Command) -> Result<ExitCode, ApiError> {
    match command {
        Command::Serve { data_dir, port } => serve(data_dir, port).await,
        Command::Token => {
            println!("{}", secrets::existing_api_token()?);
            Ok(ExitCode::SUCCESS)
        }
        command => {
            let client = Client::connect(url).await?;
            client.run(command).await
        }
    }
}

async fn serve(data_dir: Option<PathBuf>, port: u16) -> Result<ExitCode, ApiError> {
    let dir = data_dir.unwrap_or_else(paths::data_dir);
    let _log = hearth_engine::logging::init(&dir.join("logs"));
    let engine = Arc::new(Engine::open(&dir)?);
    let token = secrets::api_token()?;
    let served = crate::server::serve(
        engine.clone(),
        token,
        port,
        &dir,
        |addr| println!("listening on http://{addr}"),
        shutdown_signal(),
    )
    .await;
    tracing::info!("shutting down: runs in flight become interrupted");
    // Bounded: a run that does not stop in time is left for the next start's repair, which
    // marks it `interrupted` all the same.
    if tokio::time::timeout(std::time::Duration::from_secs(3), engine.shutdown()).await.is_err() {
        tracing::warn!("runs did not stop within 3 s; the next start marks them interrupted");
    }
    served.map_err(|e| {
        ApiError::new(ErrorCode::Internal, format!("cannot serve on 127.0.0.1:{port}: {e}"))
    })?;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

/// The commands that talk to a running Hearth.
impl Client {
    async fn run(&self, command: Command) -> Result<ExitCode, ApiError> {
        match command {
            Command::Sessions { json } => {
                let mut all = Vec::new();
                let mut cursor: Option<String> = None;
                loop {
                    let query = match &cursor {
                        Some(c) => format!("?limit=200&cursor={c}"),
                        None => "?limit=200".to_owned(),
                    };
                    let page = self.call(&sessions::session_list::HTTP, &[], &query, None).await?;
                    all.extend(page["sessions"].as_array().cloned().unwrap_or_default());
                    match page["next_cursor"].as_str() {
                        Some(c) => cursor = Some(c.to_owned()),
                        None => break,
                    }
                }
                if json {
                    println!("{}", json!({"sessions": all}));
                } else {
                    for s in &all {
                        let pin = if s["pinned"] == true { "*" } else { " " };
                        let runtime = match s["runtime"].as_str() {
                            Some(r) if r != "hearth" => format!(" [{r}]"),
                            _ => String::new(),
                        };
                        println!(
                            "{} {pin} {}{runtime}",
                            s["id"].as_str().unwrap_or(""),
                            s["title"].as_str().unwrap_or("")
                        );
                    }
                }
                Ok(ExitCode::SUCCESS)
            }
            Command::New { title, model, runtime, workspace, json } => {
                let mut body = json!({});
                if let Some(t) = title {
                    body["title"] = json!(t);
                }
                if let Some(m) = model {
                    body["model"] = json!(m);
                }
                if let Some(r) = runtime {
                    body["runtime"] = json!(r);
                }
                if let Some(w) = workspace {
                    // The server checks it; a relative path means "from here".
                    let w = std::path::absolute(&w).unwrap_or(w);
                    body["workspace"] = json!(w.display().to_string());
                }
                let session =
                    self.call(&sessions::session_create::HTTP, &[], "", Some(body)).await?;
                if json {
                    println!("{session}");
                } else {
                    println!("{}", session["id"].as_str().unwrap_or(""));
                }
                Ok(ExitCode::SUCCESS)
            }
            Command::Send { session, text, wait, json, priority, attach } => {
                let after = self
                    .call(&sessions::session_get::HTTP, &[&session], "", None)
                    .await?["last_seq"]
                    .as_i64()
                    .unwrap_or(0);
                let mut body = json!({"text": text});
                if let Some(p) = priority {
                    body["priority"] = json!(p);
                }
                if !attach.is_empty() {
                    let mut ids = Vec::new();
                    for file in &attach {
                        ids.push(self.upload(&session, file).await?);
                    }
                    body["attachments"] = json!(ids);
                }
                let receipt =
                    self.call(&turns::chat_send::HTTP, &[&session], "", Some(body)).await?;
                if json {
                    println!("{receipt}");
                }
                if !wait {
                    if !json {
                        println!("{}", receipt["message_id"].as_str().unwrap_or(""));
                    }
                    return Ok(ExitCode::SUCCESS);
                }
                let run_id = receipt["run_id"].as_str().unwrap_or("").to_owned();
                let mut outcome = ExitCode::SUCCESS;
                self.follow(&session, after, |frame| {
                    if frame["run_id"].as_str() != Some(run_id.as_str()) {
                        return true;
                    }
                    if json {
                        println!("{frame}");
                    } else if frame["type"] == "text_delta" {
                        use std::io::Write;
                        print!("{}", frame["text"].as_str().unwrap_or(""));
                        let _ = std::io::stdout().flush();
                    }
                    if frame["type"] == "run_completed" {
                        if !json {
                            println!();
                        }
                        if frame["status"] != "done" {
                            let error = &frame["error"];
                            eprintln!(
                                "hearth: {}: {}",
                                error["code"].as_str().unwrap_or("RUN_NOT_DONE"),
                                error["message"]
                                    .as_str()
                                    .unwrap_or(frame["status"].as_str().unwrap_or("")),
                            );
                            outcome = ExitCode::FAILURE;
                        }
                        return false;
                    }
                    true
                })
                .await?;
                Ok(outcome)
            }
            Command::Tail { session, after_seq } => {
                self.follow(&session, after_seq, |frame| {
                    println!("{frame}");
                    true
                })
                .await?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Abort { session } => {
                let answer = self.call(&turns::chat_abort::HTTP, &[&session], "", None).await?;
                println!(
                    "{}",
                    if answer["aborted"] == true { "aborted" } else { "nothing was running" }
                );
                Ok(ExitCode::SUCCESS)
            }
            Command::Post { text, thread, session, title, no_notify, json } => {
                let mut body = json!({"text": text, "notify": !no_notify});
                for (key, value) in [("thread", thread), ("session_id", session), ("title", title)]
                {
                    if let Some(v) = value {
                        body[key] = json!(v);
                    }
                }
                let receipt = self.call(&hooks::inbox_post::HTTP, &[], "", Some(body)).await?;
                if json {
                    println!("{receipt}");
                } else {
                    println!(
                        "{} {}",
                        receipt["session_id"].as_str().unwrap_or(""),
                        receipt["message_id"].as_str().unwrap_or("")
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            Command::Logs { level, session, limit, json } => {
                let mut url = reqwest::Url::parse("http://h/").expect("a valid URL");
                url.query_pairs_mut().append_pair("limit", &limit.to_string());
                if let Some(l) = &level {
                    url.query_pairs_mut().append_pair("level", l);
                }
                if let Some(s) = &session {
                    url.query_pairs_mut().append_pair("session_id", s);
                }
                let query = format!("?{}", url.query().unwrap_or(""));
                let answer = self.call(&app::logs_recent::HTTP, &[], &query, None).await?;
                for line in answer["lines"].as_array().into_iter().flatten() {
                    if json {
                        println!("{line}");
                    } else {
                        println!(
                            "{} {:5} {} {} {}",
                            line["ts"],
                            line["level"].as_str().unwrap_or("").to_uppercase(),
                            line["target"].as_str().unwrap_or(""),
                            line["message"].as_str().unwrap_or(""),
                            line["fields"].as_str().unwrap_or("")
                        );
                    }
                }
                Ok(ExitCode::SUCCESS)
            }
            Command::Search { query, session, limit, json } => {
                let mut url = reqwest::Url::parse("http://h/").expect("a valid URL");
                url.query_pairs_mut()
                    .append_pair("q", &query)
                    .append_pair("limit", &limit.to_string());
                if let Some(s) = &session {
                    url.query_pairs_mut().append_pair("session_id", s);
                }
                let query = format!("?{}", url.query().unwrap_or(""));
                let answer = self.call(&sessions::search::HTTP, &[], &query, None).await?;
                for hit in answer["hits"].as_array().into_iter().flatten() {
                    if json {
                        println!("{hit}");
                        continue;
                    }
                    // Matches in *asterisks*: the terminal has no highlighting we can rely on.
                    let snippet: String = hit["snippet"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|p| {
                            let text = p["text"].as_str().unwrap_or("").replace('\n', " ");
                            if p["hit"] == true { format!("*{text}*") } else { text }
                        })
                        .collect();
                    println!(
                        "{}  {}  {}",
                        hit["session_id"].as_str().unwrap_or(""),
                        hit["session_title"].as_str().unwrap_or(""),
                        snippet
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            Command::Serve { .. } | Command::Token => unreachable!("handled before connecting"),
        }
    }

    /// Streams the session's frames after `after` to `each` until it returns false.
    async fn follow(
        &self,
        session: &str,
        after: i64,
        mut each: impl FnMut(&Value) -> bool,
    ) -> Result<(), ApiError> {
        let resp = self
            .request(&turns::chat_events::HTTP, &[session], &format!("?after_seq={after}"))
            .send()
            .await
            .map_err(|e| not_running(&e.to_string()))?;
        if !resp.status().is_success() {
            let value: Value = resp.json().await.unwrap_or(Value::Null);
            return Err(serde_json::from_value(value["error"].clone()).unwrap_or_else(|_| {
                ApiError::new(ErrorCode::Internal, "the event stream was refused")
            }));
        }
        let mut events = eventsource_stream::EventStream::new(resp.bytes_stream());
        while let Some(event) = events.next().await {
            let event = event.map_err(|e| {
                ApiError::new(ErrorCode::Network, format!("the event stream broke: {e}"))
            })?;
            let Ok(frame) = serde_json::from_str::<Value>(&event.data) else { continue };
            if !each(&frame) {
                return Ok(());
            }
        }
        Ok(())
    }
}
