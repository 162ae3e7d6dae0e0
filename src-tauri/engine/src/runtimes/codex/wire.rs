//! `codex app-server`'s protocol as data, with no IO: newline-delimited JSON-RPC without the
//! `jsonrpc` field. A line of its stdout in, what it means out; the lines Hearth writes; and
//! how its commands and file changes look to Hearth's policy.

use serde_json::{Value, json};

use crate::frames::Usage;

/// Hearth's requests, by id (one of each per process).
pub(crate) const INITIALIZE: u64 = 1;
pub(crate) const THREAD: u64 = 2;
pub(crate) const TURN: u64 = 3;
pub(crate) const INTERRUPT: u64 = 4;
/// Steered text: `turn/steer` requests take ids from here on.
pub(crate) const STEER_BASE: u64 = 100;

/// One line of the app-server's stdout.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Incoming {
    /// The answer to one of Hearth's requests: its result, or the error's message.
    Response { id: u64, result: Result<Value, String> },
    /// A request of the server's (an approval), answered by `id`.
    Request { id: Value, method: String, params: Value },
    /// A notification.
    Notification { method: String, params: Value },
}

/// Parses one line; `Err` for a line that is not a JSON-RPC message.
pub(crate) fn parse(line: &str) -> Result<Incoming, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not JSON ({e})"))?;
    let method = v.get("method").and_then(Value::as_str).map(str::to_owned);
    let id = v.get("id").filter(|id| !id.is_null()).cloned();
    match (method, id) {
        (Some(method), Some(id)) => {
            Ok(Incoming::Request { id, method, params: v["params"].clone() })
        }
        (Some(method), None) => Ok(Incoming::Notification { method, params: v["params"].clone() }),
        (None, Some(id)) => {
            let id = id.as_u64().ok_or("a response to a request Hearth did not make")?;
            let result = match v.get("error") {
                Some(e) if !e.is_null() => {
                    Err(e["message"].as_str().map(str::to_owned).unwrap_or_else(|| e.to_string()))
                }
                _ => Ok(v["result"].clone()),
            };
            Ok(Incoming::Response { id, result })
        }
        (None, None) => Err("a message with neither a method nor an id".into()),
    }
}

fn request(id: u64, method: &str, params: Value) -> String {
    json!({"id": id, "method": method, "params": params}).to_string()
}

pub(crate) fn initialize() -> String {
    request(
        INITIALIZE,
        "initialize",
        json!({"clientInfo": {"name": "hearth", "title": "Hearth",
                              "version": env!("CARGO_PKG_VERSION")},
               "capabilities": null}),
    )
}

pub(crate) fn initialized() -> String {
    json!({"method": "initialized"}).to_string()
}

/// What the thread is told besides its folder (`None`: Codex's own config decides).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ThreadConfig {
    pub model: Option<String>,
    pub provider: Option<String>,
    /// The chat's system prompt, as developer instructions.
    pub instructions: Option<String>,
    /// The reasoning effort the chat's thinking budget maps to.
    pub effort: Option<&'static str>,
}

/// A thinking budget in tokens as Codex's reasoning effort.
pub(crate) fn effort_for(budget: u32) -> &'static str {
    match budget {
        0..=4_096 => "low",
        4_097..=16_384 => "medium",
        _ => "high",
    }
}

/// `thread/start`, or `thread/resume` of the thread kept. Every command that is not known to
/// be safe, and every write, is asked about (and so decided by Hearth's rules or the user);
/// writes stay in the workspace.
pub(crate) fn thread(resume: Option<&str>, cwd: &str, config: &ThreadConfig) -> String {
    let mut params =
        json!({"cwd": cwd, "approvalPolicy": "untrusted", "sandbox": "workspace-write"});
    if let Some(model) = &config.model {
        params["model"] = json!(model);
    }
    if let Some(provider) = &config.provider {
        params["modelProvider"] = json!(provider);
    }
    if let Some(instructions) = &config.instructions {
        params["developerInstructions"] = json!(instructions);
    }
    match resume {
        Some(id) => {
            params["threadId"] = json!(id);
            request(THREAD, "thread/resume", params)
        }
        None => request(THREAD, "thread/start", params),
    }
}

fn text_input(text: &str) -> Value {
    json!([{"type": "text", "text": text, "text_elements": []}])
}

pub(crate) fn turn_start(thread: &str, text: &str, effort: Option<&str>) -> String {
    let mut params = json!({"threadId": thread, "input": text_input(text)});
    if let Some(effort) = effort {
        params["effort"] = json!(effort);
    }
    request(TURN, "turn/start", params)
}

/// Adds text to the turn running (steering).
pub(crate) fn turn_steer(id: u64, thread: &str, turn: &str, text: &str) -> String {
    request(
        id,
        "turn/steer",
        json!({"threadId": thread, "expectedTurnId": turn, "input": text_input(text)}),
    )
}

pub(crate) fn interrupt(thread: &str, turn: &str) -> String {
    request(INTERRUPT, "turn/interrupt", json!({"threadId": thread, "turnId": turn}))
}

/// The answer to an approval request.
pub(crate) fn decision(id: &Value, accept: bool) -> String {
    json!({"id": id, "result": {"decision": if accept { "accept" } else { "decline" }}}).to_string()
}

/// The answer to a request Hearth does not take (user input, elicitations, …).
pub(crate) fn refuse(id: &Value, method: &str) -> String {
    json!({"id": id, "error": {"code": -32601,
        "message": format!("Hearth does not answer {method}")}})
    .to_string()
}

/// A tool call as Hearth shows it: the item id, the tool's name and its input.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ToolItem {
    pub id: String,
    pub name: String,
    pub input: Value,
}

/// What a started or completed item is to Hearth.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    /// The agent's text; its full text when completed.
    Message { text: String },
    /// Its reasoning (summary or raw text), when completed.
    Reasoning { text: String },
    /// A command, a file change or an MCP call; with its result when completed.
    Tool { call: ToolItem, result: Option<(String, bool)> },
    /// Anything else (the user's message, plans, web searches, future types).
    Other,
}

/// `item/started` / `item/completed`'s `item`.
pub(crate) fn item(item: &Value) -> Item {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let id = s(&item["id"]);
    let completed = |status: &str| !matches!(status, "inProgress" | "");
    match item["type"].as_str().unwrap_or_default() {
        "agentMessage" => Item::Message { text: s(&item["text"]) },
        "reasoning" => {
            let join = |v: &Value| -> Vec<String> {
                v.as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.as_str())
                    .map(str::to_owned)
                    .collect()
            };
            let mut parts = join(&item["summary"]);
            if parts.is_empty() {
                parts = join(&item["content"]);
            }
            Item::Reasoning { text: parts.join("\n\n") }
        }
        "commandExecution" => {
            let command = s(&item["command"]);
            let status = s(&item["status"]);
            let result = completed(&status).then(|| {
                let output = s(&item["aggregatedOutput"]);
                let code = item["exitCode"].as_i64();
                let failed = status != "completed" || code.is_some_and(|c| c != 0);
                let text = match (status.as_str(), code) {
                    ("declined", _) => "The command was declined.".to_owned(),
                    (_, Some(c)) if c != 0 => {
                        format!("{output}\n(exit code {c})").trim().to_owned()
                    }
                    _ => output,
                };
                (text, failed)
            });
            let input = json!({"command": shell_script(&command), "cwd": item["cwd"]});
            Item::Tool { call: ToolItem { id, name: "shell".into(), input }, result }
        }
        "fileChange" => {
            let status = s(&item["status"]);
            let changes = item["changes"].clone();
            let result = completed(&status).then(|| {
                let paths: Vec<String> = changes
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| format!("{} {}", s(&c["kind"]["type"]), s(&c["path"])))
                    .collect();
                let failed = status != "completed";
                let text = match status.as_str() {
                    "completed" => format!("Applied: {}", paths.join(", ")),
                    "declined" => "The change was declined.".to_owned(),
                    other => format!("The change was not applied ({other})."),
                };
                (text, failed)
            });
            let input = json!({"changes": changes});
            Item::Tool { call: ToolItem { id, name: "apply_patch".into(), input }, result }
        }
        "mcpToolCall" => {
            let status = s(&item["status"]);
            let result = completed(&status).then(|| {
                if item["error"].is_object() {
                    (s(&item["error"]["message"]), true)
                } else {
                    let text: Vec<String> = item["result"]["content"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|b| b["text"].as_str().map(str::to_owned))
                        .collect();
                    (text.join("\n"), status != "completed")
                }
            });
            let name = format!("mcp__{}__{}", s(&item["server"]), s(&item["tool"]));
            Item::Tool { call: ToolItem { id, name, input: item["arguments"].clone() }, result }
        }
        _ => Item::Other,
    }
}

/// The script of a `bash -lc '…'` wrapper (what Codex runs every command through), else the
/// command as it is: rules match what the model asked to run.
pub(crate) fn shell_script(command: &str) -> String {
    if let Some(words) = shlex::split(command)
        && let [shell, flag, script] = words.as_slice()
        && matches!(shell.rsplit('/').next(), Some("bash" | "sh" | "zsh" | "dash"))
        && matches!(flag.as_str(), "-c" | "-lc" | "-l")
    {
        return script.clone();
    }
    command.to_owned()
}

/// `thread/tokenUsage/updated`'s last model call, for the turn it names.
pub(crate) fn token_usage(params: &Value) -> (String, Usage) {
    let last = &params["tokenUsage"]["last"];
    let n = |k: &str| last[k].as_u64().unwrap_or(0);
    let cached = n("cachedInputTokens");
    (
        params["turnId"].as_str().unwrap_or_default().to_owned(),
        Usage {
            input_tokens: n("inputTokens").saturating_sub(cached),
            output_tokens: n("outputTokens"),
            cache_read_tokens: cached,
            cache_write_tokens: n("cacheWriteInputTokens"),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_responses_requests_or_notifications() {
        assert_eq!(
            parse(r#"{"id":2,"result":{"thread":{"id":"t1"}}}"#).unwrap(),
            Incoming::Response { id: 2, result: Ok(json!({"thread": {"id": "t1"}})) }
        );
        assert_eq!(
            parse(r#"{"id":2,"error":{"code":-32600,"message":"no rollout found"}}"#).unwrap(),
            Incoming::Response { id: 2, result: Err("no rollout found".into()) }
        );
        let req = r#"{"method":"item/commandExecution/requestApproval","id":0,"params":{"itemId":"call_1"}}"#;
        assert_eq!(
            parse(req).unwrap(),
            Incoming::Request {
                id: json!(0),
                method: "item/commandExecution/requestApproval".into(),
                params: json!({"itemId": "call_1"})
            },
            "id 0 is an id"
        );
        assert!(matches!(
            parse(r#"{"method":"turn/completed","params":{}}"#).unwrap(),
            Incoming::Notification { .. }
        ));
        assert!(parse("Starting codex...").is_err());
        assert!(parse("{}").is_err(), "neither method nor id is not the protocol");
    }

    #[test]
    fn commands_are_shown_and_matched_as_the_model_wrote_them() {
        assert_eq!(shell_script("/bin/bash -lc 'echo hi > made.txt'"), "echo hi > made.txt");
        assert_eq!(shell_script(r#"bash -lc "git status""#), "git status");
        assert_eq!(
            shell_script("/bin/bash -lc 'echo '\\''x'\\'''"),
            "echo 'x'",
            "quotes inside the script are undone"
        );
        assert_eq!(shell_script("python3 -c 'print(1)'"), "python3 -c 'print(1)'");
        let started = item(&json!({"type": "commandExecution", "id": "call_1",
            "command": "/bin/bash -lc 'ls'", "cwd": "/w", "status": "inProgress",
            "aggregatedOutput": null, "exitCode": null}));
        assert_eq!(
            started,
            Item::Tool {
                call: ToolItem {
                    id: "call_1".into(),
                    name: "shell".into(),
                    input: json!({"command": "ls", "cwd": "/w"})
                },
                result: None
            }
        );
        let failed = item(&json!({"type": "commandExecution", "id": "c", "command": "false",
            "cwd": "/w", "status": "failed", "aggregatedOutput": "nope", "exitCode": 1}));
        let Item::Tool { result: Some((text, true)), .. } = failed else { panic!("{failed:?}") };
        assert!(text.contains("nope") && text.contains("exit code 1"), "{text}");
    }

    #[test]
    fn usage_is_the_last_model_call_of_the_turn_named() {
        let params = json!({"turnId": "t", "tokenUsage": {
            "total": {"inputTokens": 500, "outputTokens": 50},
            "last": {"inputTokens": 30, "cachedInputTokens": 10, "outputTokens": 7,
                     "cacheWriteInputTokens": 0}}});
        assert_eq!(
            token_usage(&params),
            (
                "t".into(),
                Usage {
                    input_tokens: 20,
                    output_tokens: 7,
                    cache_read_tokens: 10,
                    cache_write_tokens: 0
                }
            )
        );
    }

    #[test]
    fn requests_have_the_shape_the_server_reads() {
        let config = ThreadConfig {
            model: Some("m".into()),
            instructions: Some("Be terse.".into()),
            ..Default::default()
        };
        let start: Value = serde_json::from_str(&thread(None, "/w", &config)).unwrap();
        assert_eq!(start["params"]["developerInstructions"], "Be terse.");
        assert_eq!(
            (start["id"].as_u64(), start["method"].as_str()),
            (Some(THREAD), Some("thread/start"))
        );
        assert_eq!(start["params"]["approvalPolicy"], "untrusted");
        let resume: Value =
            serde_json::from_str(&thread(Some("t1"), "/w", &ThreadConfig::default())).unwrap();
        let turn: Value =
            serde_json::from_str(&turn_start("t1", "hi", Some(effort_for(20_000)))).unwrap();
        assert_eq!(turn["params"]["effort"], "high");
        assert_eq!(
            (resume["method"].as_str(), resume["params"]["threadId"].as_str()),
            (Some("thread/resume"), Some("t1"))
        );
        let d: Value = serde_json::from_str(&decision(&json!(0), false)).unwrap();
        assert_eq!(d, json!({"id": 0, "result": {"decision": "decline"}}));
    }
}
