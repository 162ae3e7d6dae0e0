//! What models can do, and which small model names a chat: both from a data file
//! (`data/models.json`), not code, so a new model needs an edit there, not a release.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;
use serde_json::Value;

use hearth_protocol::model::AccountKind;

pub const VISION: &str = "vision";
pub const TOOLS: &str = "tools";
pub const REASONING: &str = "reasoning";

#[derive(Deserialize)]
struct CatalogFile {
    capabilities: HashMap<String, Vec<String>>,
    title_models: HashMap<String, Vec<String>>,
}

struct Catalog {
    /// (prefix, capabilities), longest prefix first.
    capabilities: Vec<(String, Vec<String>)>,
    title_models: HashMap<String, Vec<String>>,
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    let file: CatalogFile = serde_json::from_str(include_str!("../data/models.json"))
        .expect("data/models.json is valid (a test checks it)");
    let mut capabilities: Vec<_> = file.capabilities.into_iter().collect();
    capabilities.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
    Catalog { capabilities, title_models: file.title_models }
});

/// The name the catalog matches: after the last `/` (routers prefix the vendor), lowercased.
fn key(name: &str) -> String {
    name.rsplit('/').next().unwrap_or(name).to_lowercase()
}

/// What the catalog knows a model can do (empty when it does not know the model).
pub fn capabilities(name: &str) -> Vec<String> {
    let key = key(name);
    CATALOG
        .capabilities
        .iter()
        .find(|(prefix, _)| key.starts_with(prefix.as_str()))
        .map(|(_, caps)| caps.clone())
        .unwrap_or_default()
}

/// What a models endpoint's entry says the model can do, when it says (OpenRouter lists
/// `supported_parameters` and `architecture.input_modalities`).
pub fn listed_capabilities(entry: &Value) -> Option<Vec<String>> {
    let params = entry.get("supported_parameters").and_then(Value::as_array);
    let inputs = entry.pointer("/architecture/input_modalities").and_then(Value::as_array);
    if params.is_none() && inputs.is_none() {
        return None;
    }
    let has = |list: Option<&Vec<Value>>, what: &str| {
        list.is_some_and(|l| l.iter().any(|v| v.as_str() == Some(what)))
    };
    let mut caps = Vec::new();
    if has(inputs, "image") {
        caps.push(VISION.to_owned());
    }
    if has(params, "tools") {
        caps.push(TOOLS.to_owned());
    }
    if has(params, "reasoning") || has(params, "include_reasoning") {
        caps.push(REASONING.to_owned());
    }
    Some(caps)
}

/// The model auto-title should use on an account of `kind` that lists `listed`: the first of
/// the catalog's small models it has, or None (then the chat's own model titles it).
pub fn title_model(kind: AccountKind, listed: &[String]) -> Option<String> {
    let wanted = CATALOG.title_models.get(kind.as_str())?;
    wanted.iter().find_map(|prefix| {
        listed
            .iter()
            .filter(|name| key(name).starts_with(prefix.as_str()))
            .min_by_key(|n| n.len())
            .cloned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_longest_prefix_wins_and_vendor_prefixes_are_ignored() {
        assert_eq!(capabilities("claude-sonnet-4-5-20250929"), ["vision", "tools", "reasoning"]);
        assert_eq!(capabilities("gpt-4o-mini"), ["vision", "tools"]);
        assert_eq!(capabilities("gpt-4-0613"), ["tools"]);
        assert_eq!(capabilities("anthropic/claude-3-7-sonnet"), ["vision", "tools", "reasoning"]);
        assert_eq!(capabilities("qwen3:8b"), ["tools", "reasoning"]);
        assert_eq!(capabilities("Llama3.2-Vision:11b"), ["vision"]);
        assert!(capabilities("my-own-finetune").is_empty());
    }

    #[test]
    fn a_listing_that_says_what_a_model_does_is_read() {
        let entry = json!({
            "id": "x/y",
            "architecture": {"input_modalities": ["text", "image"]},
            "supported_parameters": ["tools", "reasoning", "temperature"],
        });
        assert_eq!(listed_capabilities(&entry).unwrap(), ["vision", "tools", "reasoning"]);
        assert_eq!(listed_capabilities(&json!({"id": "gpt-4o"})), None);
    }

    #[test]
    fn title_models_prefer_the_catalogs_order_then_the_plain_name() {
        let listed: Vec<String> =
            ["gpt-5", "gpt-4o-mini-2024-07-18", "gpt-4o-mini", "gpt-4.1-nano"]
                .map(String::from)
                .into();
        assert_eq!(title_model(AccountKind::Openai, &listed).as_deref(), Some("gpt-4.1-nano"));
        let listed: Vec<String> =
            ["gpt-4o-mini-2024-07-18", "gpt-4o-mini"].map(String::from).into();
        assert_eq!(title_model(AccountKind::Openai, &listed).as_deref(), Some("gpt-4o-mini"));
        let listed: Vec<String> = ["llama3.2"].map(String::from).into();
        assert_eq!(title_model(AccountKind::OpenaiCompatible, &listed), None);
        assert_eq!(title_model(AccountKind::Openai, &listed), None);
    }
}
