//! Tools as the engine offers them to a model, and the checks on what a server lists.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::Value;

/// Separates the server's name from the tool's in the name a model sees.
const SEPARATOR: &str = "__";

/// Providers (OpenAI, Anthropic) refuse tool names longer than this.
pub(crate) const MAX_QUALIFIED_LEN: usize = 64;

/// One tool of one server, ready to offer to a model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct McpTool {
    pub server: String,
    pub name: String,
    pub description: String,
    /// A JSON Schema object (`"type": "object"`), as providers require for tool parameters.
    pub input_schema: Value,
}

impl McpTool {
    /// The name a model sees and calls: `<server>__<tool>`. Both parts may contain `_`, so map a
    /// model's call back through the tool list rather than by splitting the string.
    pub fn qualified(&self) -> String {
        format!("{}{SEPARATOR}{}", self.server, self.name)
    }
}

/// Turns a server's tool list into tools a provider will accept, skipping (with a warning) any
/// it would refuse: a bad or overlong name, a duplicate, or a schema that is not an object.
pub(crate) fn accept_tools(server: &str, listed: Vec<rmcp::model::Tool>) -> Vec<McpTool> {
    let mut seen = HashSet::new();
    let mut tools = Vec::with_capacity(listed.len());
    for tool in listed {
        let name = tool.name.to_string();
        if let Err(why) = check_name(server, &name) {
            tracing::warn!(server, tool = %name.escape_debug(), "skipping MCP tool: {why}");
            continue;
        }
        if !seen.insert(name.clone()) {
            tracing::warn!(server, tool = %name, "skipping MCP tool: listed twice");
            continue;
        }
        let Some(input_schema) = object_schema(&tool.input_schema) else {
            tracing::warn!(server, tool = %name, "skipping MCP tool: its input schema is not an object schema");
            continue;
        };
        let description = tool
            .description
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty())
            .or(tool.title)
            .unwrap_or_default();
        tools.push(McpTool { server: server.to_owned(), name, description, input_schema });
    }
    tools
}

/// Why a provider would refuse this tool name, if it would.
fn check_name(server: &str, name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("its name is empty".into());
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        return Err("its name has characters other than A-Z, a-z, 0-9, `_` and `-`".into());
    }
    let qualified_len = server.len() + SEPARATOR.len() + name.len();
    if qualified_len > MAX_QUALIFIED_LEN {
        return Err(format!(
            "its qualified name would be {qualified_len} characters, over the {MAX_QUALIFIED_LEN} providers accept"
        ));
    }
    Ok(())
}

/// The schema as providers take it: an object schema, with `"type": "object"` filled in when a
/// server leaves it out (an empty schema means "no arguments").
fn object_schema(schema: &rmcp::model::JsonObject) -> Option<Value> {
    let mut schema = schema.clone();
    match schema.get("type") {
        None => {
            schema.insert("type".into(), Value::String("object".into()));
        }
        Some(Value::String(kind)) if kind == "object" => {}
        Some(_) => return None,
    }
    Some(Value::Object(schema))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::*;

    fn listed(name: &str, schema: Value) -> rmcp::model::Tool {
        let Value::Object(schema) = schema else { panic!("test schemas are objects") };
        let mut tool = rmcp::model::Tool::default();
        tool.name = name.to_owned().into();
        tool.description = Some(format!("does {name}").into());
        tool.input_schema = Arc::new(schema);
        tool
    }

    #[test]
    fn qualified_joins_server_and_tool_with_a_double_underscore() {
        let tool = McpTool {
            server: "files".into(),
            name: "read_file".into(),
            description: String::new(),
            input_schema: json!({"type": "object"}),
        };
        assert_eq!(tool.qualified(), "files__read_file");
    }

    #[test]
    fn names_providers_refuse_are_skipped() {
        let server = "srv";
        let longest_ok = "t".repeat(MAX_QUALIFIED_LEN - server.len() - 2);
        let too_long = "t".repeat(MAX_QUALIFIED_LEN - server.len() - 1);
        let tools = accept_tools(
            server,
            vec![
                listed("echo", json!({"type": "object"})),
                listed("get-sum", json!({"type": "object"})),
                listed("", json!({"type": "object"})),
                listed("has space", json!({"type": "object"})),
                listed("dotted.name", json!({"type": "object"})),
                listed("slash/name", json!({"type": "object"})),
                listed("ünïcode", json!({"type": "object"})),
                listed(&longest_ok, json!({"type": "object"})),
                listed(&too_long, json!({"type": "object"})),
            ],
        );
        let names: Vec<_> = tools.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["echo", "get-sum", longest_ok.as_str()]);
        assert!(tools.iter().all(|t| t.qualified().len() <= MAX_QUALIFIED_LEN));
    }

    #[test]
    fn duplicates_and_non_object_schemas_are_skipped() {
        let tools = accept_tools(
            "s",
            vec![
                listed("a", json!({"type": "object", "properties": {"x": {"type": "string"}}})),
                listed("a", json!({"type": "object"})),
                listed("b", json!({"type": "array"})),
                listed("c", json!({})),
            ],
        );
        let names: Vec<_> = tools.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["a", "c"], "the first `a` wins; an array schema is refused");
        assert_eq!(tools[0].input_schema["properties"]["x"]["type"], "string");
        assert_eq!(tools[1].input_schema, json!({"type": "object"}), "a missing type is filled in");
    }

    #[test]
    fn description_falls_back_to_the_title() {
        let mut tool = listed("t", json!({"type": "object"}));
        tool.description = Some("  ".into());
        tool.title = Some("Title".into());
        assert_eq!(accept_tools("s", vec![tool])[0].description, "Title");
    }
}
