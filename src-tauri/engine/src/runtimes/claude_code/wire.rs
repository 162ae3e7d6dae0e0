//! Claude Code's stream-json protocol as data, with no IO: a line of its stdout in, what it
//! means out; the lines Hearth writes to its stdin; and how its tools look to Hearth's policy.

use serde_json::{Value, json};

use crate::frames::Usage;
use crate::policy::ToolClass;

/// One line of the CLI's stdout, as far as Hearth cares.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Line {
    /// `system/init`: the conversation id the CLI runs under (again at every turn).
    Init { session_id: String },
    /// A raw Anthropic stream event of the main conversation (`--include-partial-messages`).
    Stream(Value),
    /// Tool results the CLI feeds back to the model: `(tool_use_id, text, is_error)`.
    ToolResults(Vec<(String, String, bool)>),
    /// `control_request can_use_tool`: may the CLI run this tool?
    Permission { request_id: String, tool: String, input: Value, tool_use_id: String },
    /// The turn ended.
    Result(TurnResult),
    /// Anything else (`system/status`, whole `assistant` messages already streamed, answers
    /// to our control requests, a subagent's messages, future types).
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TurnResult {
    pub session_id: Option<String>,
    pub is_error: bool,
    /// `success`, `error_during_execution`, `error_max_turns`, …
    pub subtype: String,
    /// The final text, or what went wrong.
    pub text: String,
    pub usage: Usage,
    pub cost_usd: Option<f64>,
}

/// Parses one line; `Err` for a line that is not JSON or not an object with a `type`.
pub(crate) fn parse(line: &str) -> Result<Line, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not JSON ({e})"))?;
    let kind = v.get("type").and_then(Value::as_str).ok_or("a message without a type")?;
    // A subagent's (Task) traffic: its parent call's result shows what it did.
    let nested = v.get("parent_tool_use_id").is_some_and(|p| !p.is_null());
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    Ok(match kind {
        "system" if v["subtype"] == "init" => Line::Init { session_id: text(&v["session_id"]) },
        "stream_event" if !nested => Line::Stream(v["event"].clone()),
        "user" if !nested => {
            let results: Vec<(String, String, bool)> = v["message"]["content"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|b| b["type"] == "tool_result")
                .map(|b| {
                    (
                        text(&b["tool_use_id"]),
                        result_text(&b["content"]),
                        b["is_error"].as_bool().unwrap_or(false),
                    )
                })
                .collect();
            if results.is_empty() { Line::Other } else { Line::ToolResults(results) }
        }
        "control_request" if v["request"]["subtype"] == "can_use_tool" => Line::Permission {
            request_id: text(&v["request_id"]),
            tool: text(&v["request"]["tool_name"]),
            input: v["request"]["input"].clone(),
            tool_use_id: text(&v["request"]["tool_use_id"]),
        },
        "result" => {
            let u = &v["usage"];
            let n = |key: &str| u[key].as_u64().unwrap_or(0);
            Line::Result(TurnResult {
                session_id: v["session_id"].as_str().map(str::to_owned),
                is_error: v["is_error"].as_bool().unwrap_or(false),
                subtype: text(&v["subtype"]),
                text: match &v["result"] {
                    Value::String(s) => s.clone(),
                    _ => v["errors"]
                        .as_array()
                        .map(|e| e.iter().map(|x| x.as_str().unwrap_or("").to_owned()).collect())
                        .unwrap_or_default(),
                },
                usage: Usage {
                    input_tokens: n("input_tokens"),
                    output_tokens: n("output_tokens"),
                    cache_read_tokens: n("cache_read_input_tokens"),
                    cache_write_tokens: n("cache_creation_input_tokens"),
                },
                cost_usd: v["total_cost_usd"].as_f64(),
            })
        }
        _ => Line::Other,
    })
}

/// A tool result's content: a string, or blocks whose text is joined.
fn result_text(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(blocks) => blocks
            .iter()
            .filter_map(|b| match b["type"].as_str() {
                Some("text") => b["text"].as_str().map(str::to_owned),
                Some("image") => Some("[image]".to_owned()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A user message for the CLI's stdin.
pub(crate) fn user_message(text: &str) -> String {
    json!({"type": "user", "message": {"role": "user", "content": [{"type": "text", "text": text}]}})
        .to_string()
}

/// The answer to a `can_use_tool` request: allow with the input as asked, or deny saying why.
pub(crate) fn permission_answer(request_id: &str, allow: Result<&Value, &str>) -> String {
    let response = match allow {
        Ok(input) => json!({"behavior": "allow", "updatedInput": input}),
        Err(message) => json!({"behavior": "deny", "message": message}),
    };
    json!({"type": "control_response",
           "response": {"subtype": "success", "request_id": request_id, "response": response}})
    .to_string()
}

/// Asks the CLI to stop the turn (it answers, then ends the turn with an error result).
pub(crate) fn interrupt(request_id: &str) -> String {
    json!({"type": "control_request", "request_id": request_id,
           "request": {"subtype": "interrupt"}})
    .to_string()
}

/// How one of Claude Code's tools looks to Hearth's policy: its class and the subject a
/// rule's pattern is matched against (a command; a path relative to the workspace when it is
/// inside it; a URL).
pub(crate) fn classify(tool: &str, input: &Value, workspace: &str) -> (ToolClass, Option<String>) {
    let field = |key: &str| input.get(key).and_then(Value::as_str).map(str::to_owned);
    let path = |key: &str| {
        field(key).map(|p| {
            std::path::Path::new(&p)
                .strip_prefix(workspace)
                .map(|rel| rel.to_string_lossy().into_owned())
                .unwrap_or(p)
        })
    };
    match tool {
        "Bash" | "BashOutput" | "KillShell" | "Monitor" => (ToolClass::Shell, field("command")),
        "Write" | "Edit" | "MultiEdit" => (ToolClass::Write, path("file_path")),
        "NotebookEdit" => (ToolClass::Write, path("notebook_path")),
        "WebFetch" => (ToolClass::Network, field("url")),
        "WebSearch" => (ToolClass::Network, field("query")),
        "Read" | "Glob" | "Grep" | "LS" | "TodoWrite" => (ToolClass::ReadOnly, path("file_path")),
        _ if tool.starts_with("mcp__") => (ToolClass::Mcp, Some(input.to_string())),
        // Anything else the CLI asks about (a new tool, a subagent, plan mode): ask the user.
        _ => (ToolClass::Write, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lines_hearth_acts_on_are_recognised() {
        let init =
            r#"{"type":"system","subtype":"init","cwd":"/w","session_id":"abc","tools":["Bash"]}"#;
        assert_eq!(parse(init).unwrap(), Line::Init { session_id: "abc".into() });
        let ev =
            r#"{"type":"stream_event","event":{"type":"message_stop"},"parent_tool_use_id":null}"#;
        assert_eq!(parse(ev).unwrap(), Line::Stream(json!({"type": "message_stop"})));
        let nested =
            r#"{"type":"stream_event","event":{"type":"message_stop"},"parent_tool_use_id":"t1"}"#;
        assert_eq!(parse(nested).unwrap(), Line::Other, "a subagent's stream is not the chat's");
        let perm = r#"{"type":"control_request","request_id":"r1","request":{"subtype":"can_use_tool","tool_name":"Bash","input":{"command":"ls"},"tool_use_id":"toolu_1"}}"#;
        assert_eq!(
            parse(perm).unwrap(),
            Line::Permission {
                request_id: "r1".into(),
                tool: "Bash".into(),
                input: json!({"command": "ls"}),
                tool_use_id: "toolu_1".into()
            }
        );
        let user = r#"{"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_1","type":"tool_result","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}],"is_error":true}]},"parent_tool_use_id":null}"#;
        assert_eq!(
            parse(user).unwrap(),
            Line::ToolResults(vec![("toolu_1".into(), "a\nb".into(), true)])
        );
        assert_eq!(parse(r#"{"type":"system","subtype":"status"}"#).unwrap(), Line::Other);
    }

    #[test]
    fn a_result_carries_usage_cost_and_errors() {
        let ok = r#"{"type":"result","subtype":"success","is_error":false,"session_id":"s","result":"hi","total_cost_usd":0.5,"usage":{"input_tokens":10,"output_tokens":5,"cache_read_input_tokens":2,"cache_creation_input_tokens":3}}"#;
        let Line::Result(r) = parse(ok).unwrap() else { panic!("a result") };
        assert_eq!(
            r.usage,
            Usage {
                input_tokens: 10,
                output_tokens: 5,
                cache_read_tokens: 2,
                cache_write_tokens: 3
            }
        );
        assert_eq!(
            (r.cost_usd, r.is_error, r.session_id.as_deref()),
            (Some(0.5), false, Some("s"))
        );
        let err = r#"{"type":"result","subtype":"error_during_execution","is_error":true,"errors":["boom"]}"#;
        let Line::Result(r) = parse(err).unwrap() else { panic!("a result") };
        assert!(r.is_error && r.text == "boom", "the errors say what went wrong: {r:?}");
    }

    #[test]
    fn garbage_is_refused_not_guessed_at() {
        assert!(parse("Welcome to Claude Code!").is_err());
        assert!(parse("[1,2]").is_err(), "JSON without a type is not the protocol");
    }

    #[test]
    fn answers_have_the_shape_the_cli_reads() {
        let allow: Value =
            serde_json::from_str(&permission_answer("r1", Ok(&json!({"command": "ls"})))).unwrap();
        assert_eq!(allow["response"]["request_id"], "r1");
        assert_eq!(
            allow["response"]["response"],
            json!({"behavior": "allow", "updatedInput": {"command": "ls"}})
        );
        let deny: Value = serde_json::from_str(&permission_answer("r2", Err("no"))).unwrap();
        assert_eq!(deny["response"]["response"], json!({"behavior": "deny", "message": "no"}));
        let user: Value = serde_json::from_str(&user_message("hi")).unwrap();
        assert_eq!(user["message"]["content"][0]["text"], "hi");
    }

    #[test]
    fn tools_map_onto_hearths_classes_and_subjects() {
        let ws = "/home/u/proj";
        assert_eq!(
            classify("Bash", &json!({"command": "git status"}), ws),
            (ToolClass::Shell, Some("git status".into()))
        );
        assert_eq!(
            classify("Write", &json!({"file_path": "/home/u/proj/src/a.rs"}), ws),
            (ToolClass::Write, Some("src/a.rs".into())),
            "a path in the workspace is matched relative to it, as Hearth's own file rules are"
        );
        assert_eq!(
            classify("Edit", &json!({"file_path": "/etc/passwd"}), ws).1.as_deref(),
            Some("/etc/passwd")
        );
        assert_eq!(
            classify("WebFetch", &json!({"url": "https://x.org/"}), ws).0,
            ToolClass::Network
        );
        assert_eq!(
            classify("SomethingNew", &json!({}), ws),
            (ToolClass::Write, None),
            "unknown tools ask"
        );
    }
}
