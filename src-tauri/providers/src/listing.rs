//! An account's server: the provider that streams from it, and the models it lists.

use std::sync::Arc;

use serde_json::Value;

use crate::Provider;
use crate::anthropic::{API_VERSION, AnthropicMessages};
use crate::openai::OpenAiChat;
use crate::responses::OpenAiResponses;
use hearth_protocol::chat::ModelInfo;
use hearth_protocol::error::{ApiError, ErrorCode};
use hearth_protocol::model::AccountKind;

/// OpenAI's own API: it streams through the Responses API.
pub const OPENAI_BASE: &str = "https://api.openai.com/v1";

/// The provider for an account of `kind` at `base_url`.
pub fn for_account(
    kind: AccountKind,
    base_url: &str,
    api_key: Option<String>,
) -> Arc<dyn Provider> {
    match kind {
        AccountKind::Anthropic => Arc::new(AnthropicMessages::new(base_url, api_key)),
        // OpenAI itself streams through the Responses API; anything else that speaks
        // "OpenAI" (a proxy, a local server) gets Chat Completions.
        AccountKind::Openai if base_url.starts_with(OPENAI_BASE) => {
            Arc::new(OpenAiResponses::new(base_url, api_key))
        }
        AccountKind::Openai | AccountKind::OpenaiCompatible => {
            Arc::new(OpenAiChat::new(base_url, api_key))
        }
    }
}

/// The models an account's server lists (its models endpoint), as `<account_id>/<name>`.
pub async fn list_models(
    http: &reqwest::Client,
    account_id: &str,
    kind: AccountKind,
    base_url: &str,
    api_key: Option<&str>,
) -> Result<Vec<ModelInfo>, ApiError> {
    let base = base_url.trim_end_matches('/');
    let mut req = match kind {
        AccountKind::Anthropic => {
            http.get(format!("{base}/v1/models?limit=100")).header("anthropic-version", API_VERSION)
        }
        _ => http.get(format!("{base}/models")),
    };
    if let Some(key) = api_key {
        req = match kind {
            AccountKind::Anthropic => req.header("x-api-key", key),
            _ => req.bearer_auth(key),
        };
    }
    let resp = req.send().await.map_err(|e| ApiError::from(crate::network_error(e)))?;
    let status = resp.status();
    if !status.is_success() {
        let body = resp.text().await.unwrap_or_default();
        return Err(crate::http_error(status.as_u16(), &body, None).into());
    }
    let value: Value = resp.json().await.map_err(|e| {
        ApiError::new(ErrorCode::BadProviderStream, format!("the models list is not JSON: {e}"))
    })?;
    Ok(value
        .get("data")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|entry| {
            let name = entry.get("id").and_then(Value::as_str)?;
            Some(ModelInfo {
                id: format!("{account_id}/{name}"),
                provider: kind.as_str().to_owned(),
                name: name.to_owned(),
                capabilities: crate::models::listed_capabilities(entry)
                    .unwrap_or_else(|| crate::models::capabilities(name)),
            })
        })
        .collect())
}
