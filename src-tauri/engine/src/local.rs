//! Local model servers the first-run screen offers: Ollama and LM Studio, found by asking
//! their OpenAI-compatible models endpoint on their usual ports.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// A local server that answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LocalServer {
    /// `ollama` or `lmstudio`.
    pub id: String,
    /// What to call it: "Ollama", "LM Studio".
    pub name: String,
    /// The OpenAI-compatible base URL, e.g. `http://127.0.0.1:11434/v1`.
    pub base_url: String,
    /// The model names it serves.
    pub models: Vec<String>,
}

/// How long a server has to answer: a local one answers at once or is not there.
const PROBE_TIMEOUT: Duration = Duration::from_millis(800);

/// The base URL of a server given as Ollama takes its host (`OLLAMA_HOST`): a URL, or a bare
/// `host:port`, `0.0.0.0` meaning this machine.
fn base_url(host: Option<&str>, default: &str) -> String {
    let host = host.map(str::trim).filter(|h| !h.is_empty()).unwrap_or(default);
    let host = host.trim_end_matches('/').replace("0.0.0.0", "127.0.0.1");
    let url = if host.contains("://") { host } else { format!("http://{host}") };
    format!("{url}/v1")
}

/// The local servers that answer now, with their models: Ollama where `OLLAMA_HOST` says (its
/// own setting) or 127.0.0.1:11434; LM Studio where `LMSTUDIO_HOST` says or 127.0.0.1:1234.
pub async fn probe() -> Vec<LocalServer> {
    let ollama = std::env::var("OLLAMA_HOST").ok();
    let lmstudio = std::env::var("LMSTUDIO_HOST").ok();
    probe_at(&[
        ("ollama", "Ollama", base_url(ollama.as_deref(), "127.0.0.1:11434")),
        ("lmstudio", "LM Studio", base_url(lmstudio.as_deref(), "127.0.0.1:1234")),
    ])
    .await
}

/// Asks each `(id, name, base URL)` for its models, all at once; those that answer.
pub async fn probe_at(candidates: &[(&str, &str, String)]) -> Vec<LocalServer> {
    let client = reqwest::Client::builder().timeout(PROBE_TIMEOUT).build().unwrap_or_default();
    let probes = candidates.iter().map(|(id, name, base_url)| {
        let client = client.clone();
        async move {
            let response = client.get(format!("{base_url}/models")).send().await.ok()?;
            let body: Value = response.error_for_status().ok()?.json().await.ok()?;
            let models = body
                .get("data")?
                .as_array()?
                .iter()
                .filter_map(|m| m.get("id").and_then(Value::as_str).map(str::to_owned))
                .collect();
            Some(LocalServer {
                id: (*id).into(),
                name: (*name).into(),
                base_url: base_url.clone(),
                models,
            })
        }
    });
    futures_util::future::join_all(probes).await.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::base_url;

    #[test]
    fn hosts_are_read_as_ollama_reads_them() {
        assert_eq!(base_url(None, "127.0.0.1:11434"), "http://127.0.0.1:11434/v1");
        assert_eq!(base_url(Some(" "), "127.0.0.1:1234"), "http://127.0.0.1:1234/v1");
        assert_eq!(base_url(Some("0.0.0.0:8080"), "x"), "http://127.0.0.1:8080/v1");
        assert_eq!(base_url(Some("https://box.lan:11434/"), "x"), "https://box.lan:11434/v1");
    }
}
