//! The schemas the model sees agree with what the tools accept: same fields, same required
//! ones, unknown fields refused.

use std::collections::BTreeSet;

use hearth_tools::{ToolErrorCode, ToolKind, builtin};
use serde_json::{Value, json};

use crate::support::{Workspace, assert_code};

/// A complete, valid input for each tool, every optional field included.
fn full_input(tool: &str) -> Value {
    match tool {
        "read_file" => json!({"path": "a.txt", "offset": 1, "limit": 5}),
        "write_file" => json!({"path": "b.txt", "content": "x"}),
        "edit_file" => {
            json!({"path": "a.txt", "old_string": "hello", "new_string": "bye", "replace_all": false})
        }
        "list_dir" => json!({"path": "."}),
        "glob" => json!({"pattern": "*.txt", "path": "."}),
        "grep" => {
            json!({"pattern": "hello", "path": ".", "glob": "*.txt", "case_insensitive": true})
        }
        "run_shell" => json!({"command": "true", "timeout_secs": 5}),
        // Loopback without a gate is refused at once, which proves the arguments parsed.
        "fetch_url" => json!({"url": "http://127.0.0.1:1/", "max_bytes": 10}),
        other => panic!("no sample input for {other}"),
    }
}

fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default()
}

#[test]
fn builtin_lists_every_tool_once_with_its_kind() {
    let tools: Vec<_> = builtin().into_iter().map(|def| (def.name, def.kind)).collect();
    assert_eq!(
        tools,
        [
            ("read_file", ToolKind::ReadOnly),
            ("write_file", ToolKind::Write),
            ("edit_file", ToolKind::Write),
            ("list_dir", ToolKind::ReadOnly),
            ("glob", ToolKind::ReadOnly),
            ("grep", ToolKind::ReadOnly),
            ("run_shell", ToolKind::Shell),
            ("fetch_url", ToolKind::Network),
        ]
    );
}

#[test]
fn every_schema_is_a_closed_object_schema() {
    for def in builtin() {
        let schema = &def.input_schema;
        assert_eq!(schema["type"], "object", "{}", def.name);
        assert_eq!(schema["additionalProperties"], false, "{} must be closed", def.name);
        let properties = keys(&schema["properties"]);
        let required: BTreeSet<String> = schema["required"]
            .as_array()
            .unwrap_or_else(|| panic!("{} lists its required fields", def.name))
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        assert!(required.is_subset(&properties), "{}: required ⊆ properties", def.name);
        for (name, property) in schema["properties"].as_object().unwrap() {
            assert!(property["type"].is_string(), "{}.{name} has a type", def.name);
            assert!(property["description"].is_string(), "{}.{name} is described", def.name);
        }
        assert!(!def.description.is_empty());
        assert_eq!(
            properties,
            keys(&full_input(def.name)),
            "{}: sample covers the schema",
            def.name
        );
    }
}

#[tokio::test]
async fn schema_fields_match_what_each_tool_accepts() {
    let ws = Workspace::new();
    for def in builtin() {
        ws.put("a.txt", "hello\n");
        let full = full_input(def.name);
        let result = ws.call(def.name, full.clone()).await;
        if let Err(err) = &result {
            assert_ne!(
                err.code,
                ToolErrorCode::InvalidArguments,
                "{}: full input: {err}",
                def.name
            );
        }
        let required = def.input_schema["required"].as_array().unwrap();
        for field in keys(&full) {
            let mut partial = full.clone();
            partial.as_object_mut().unwrap().remove(&field);
            ws.put("a.txt", "hello\n");
            let result = ws.call(def.name, partial).await;
            let is_required = required.iter().any(|r| r == field.as_str());
            match (&result, is_required) {
                (Err(err), true) => {
                    assert_eq!(err.code, ToolErrorCode::InvalidArguments, "{}", def.name);
                    assert!(err.message.contains(&format!("`{field}`")), "name it: {err}");
                }
                (Ok(_), true) => panic!("{}: `{field}` is required but was not needed", def.name),
                (Err(err), false) => {
                    let code = err.code;
                    assert_ne!(
                        code,
                        ToolErrorCode::InvalidArguments,
                        "{}: `{field}` is optional: {err}",
                        def.name
                    );
                }
                (Ok(_), false) => {}
            }
        }
        let mut extra = full.clone();
        extra.as_object_mut().unwrap().insert("bogus".into(), json!(1));
        let result = ws.call(def.name, extra).await;
        assert_code(&result, ToolErrorCode::InvalidArguments, "unknown fields are refused");
    }
}

#[tokio::test]
async fn empty_input_is_invalid_for_tools_with_required_fields() {
    let ws = Workspace::new();
    for def in builtin() {
        let has_required = !def.input_schema["required"].as_array().unwrap().is_empty();
        let result = ws.call(def.name, json!({})).await;
        if has_required {
            assert_code(&result, ToolErrorCode::InvalidArguments, def.name);
        } else {
            assert!(result.is_ok(), "{} needs no arguments: {result:?}", def.name);
        }
        let not_object = ws.call(def.name, json!(["path"])).await;
        assert_code(&not_object, ToolErrorCode::InvalidArguments, "arguments are an object");
    }
}

#[tokio::test]
async fn unknown_tools_are_reported() {
    let ws = Workspace::new();
    let result = ws.call("delete_everything", json!({})).await;
    assert_code(&result, ToolErrorCode::UnknownTool, "only built-in tools run");
}

#[test]
fn error_codes_are_screaming_snake() {
    assert_eq!(ToolErrorCode::OutsideWorkspace.as_str(), "OUTSIDE_WORKSPACE");
    assert_eq!(ToolErrorCode::NotUnique.to_string(), "NOT_UNIQUE");
    let err = hearth_tools::ToolError::new(ToolErrorCode::Timeout, "slow");
    assert_eq!(serde_json::to_value(&err).unwrap(), json!({"code": "TIMEOUT", "message": "slow"}));
}

#[test]
fn run_can_be_spawned_on_a_multi_threaded_runtime() {
    fn assert_send<T: Send + 'static>(_: &T) {}
    let ctx = hearth_tools::ToolContext::default();
    let input = json!({});
    let call = async move { hearth_tools::run("list_dir", &input, &ctx).await };
    assert_send(&call);
}
