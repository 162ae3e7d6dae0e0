//! Model accounts. Today: `env:openai` from `OPENAI_API_KEY` / `OPENAI_BASE_URL` (read, used,
//! never written anywhere). Model ids are `<account>/<model>`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::chat::{ModelInfo, ModelList};
use crate::error::{ApiError, ErrorCode, Result};
use crate::provider::Provider;
use crate::provider::openai::OpenAiChat;

pub const ENV_OPENAI: &str = "env:openai";
const DEFAULT_OPENAI_BASE: &str = "https://api.openai.com/v1";
const MODELS_TTL: Duration = Duration::from_secs(600);

struct Account {
    id: String,
    kind: &'static str,
    base_url: String,
    api_key: Option<String>,
    provider: Arc<dyn Provider>,
}

/// One account as configured (from the environment, or by a test).
#[derive(Debug, Clone)]
pub struct AccountConfig {
    pub id: String,
    pub base_url: String,
    pub api_key: Option<String>,
}

/// Which accounts the engine uses, and the default model.
#[derive(Debug, Clone, Default)]
pub struct AccountsConfig {
    pub openai: Vec<AccountConfig>,
    /// `<account>/<model>` used when a session names none (`HEARTH_MODEL`).
    pub default_model: Option<String>,
}

impl AccountsConfig {
    /// `OPENAI_API_KEY` / `OPENAI_BASE_URL` (either makes `env:openai`; a local server needs
    /// no key) and `HEARTH_MODEL`.
    pub fn from_env() -> AccountsConfig {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let key = var("OPENAI_API_KEY");
        let base = var("OPENAI_BASE_URL");
        let mut openai = Vec::new();
        if key.is_some() || base.is_some() {
            openai.push(AccountConfig {
                id: ENV_OPENAI.to_owned(),
                base_url: base.unwrap_or_else(|| DEFAULT_OPENAI_BASE.to_owned()),
                api_key: key,
            });
        }
        AccountsConfig { openai, default_model: var("HEARTH_MODEL") }
    }
}

pub struct Accounts {
    accounts: Vec<Account>,
    http: reqwest::Client,
    models: Mutex<HashMap<String, (Instant, Vec<ModelInfo>)>>,
    /// `HEARTH_MODEL`: the default `<account>/<model>` when a session names none.
    default_model: Option<String>,
}

impl Accounts {
    pub fn new(config: &AccountsConfig) -> Accounts {
        let accounts = config
            .openai
            .iter()
            .map(|a| Account {
                id: a.id.clone(),
                kind: "openai",
                provider: Arc::new(OpenAiChat::new(&a.base_url, a.api_key.clone())),
                base_url: a.base_url.clone(),
                api_key: a.api_key.clone(),
            })
            .collect();
        Accounts {
            accounts,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
            models: Mutex::new(HashMap::new()),
            default_model: config.default_model.clone(),
        }
    }

    /// The provider and the provider-side model name for a session's model (or the default).
    pub async fn resolve(
        &self,
        model: Option<&str>,
    ) -> Result<(Arc<dyn Provider>, String, String)> {
        let id = match model.map(str::to_owned).or_else(|| self.default_model.clone()) {
            Some(id) => id,
            None => self.first_model().await?,
        };
        let (account_id, name) = id
            .split_once('/')
            .ok_or_else(|| no_model(&format!("{id:?} is not <account>/<model>")))?;
        let account = self
            .accounts
            .iter()
            .find(|a| a.id == account_id)
            .ok_or_else(|| no_model(&format!("there is no account {account_id:?}")))?;
        Ok((account.provider.clone(), name.to_owned(), id.clone()))
    }

    async fn first_model(&self) -> Result<String> {
        let list = self.list().await;
        list.default.ok_or_else(|| {
            no_model("no model is configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a local server)")
        })
    }

    /// Every account's models (each list cached for ten minutes).
    pub async fn list(&self) -> ModelList {
        let mut models = Vec::new();
        for account in &self.accounts {
            models.extend(self.account_models(account).await);
        }
        let default = self.default_model.clone().or_else(|| models.first().map(|m| m.id.clone()));
        ModelList { models, default }
    }

    async fn account_models(&self, account: &Account) -> Vec<ModelInfo> {
        if let Some((at, list)) =
            self.models.lock().unwrap_or_else(|p| p.into_inner()).get(&account.id)
            && at.elapsed() < MODELS_TTL
        {
            return list.clone();
        }
        let mut req = self.http.get(format!("{}/models", account.base_url.trim_end_matches('/')));
        if let Some(key) = &account.api_key {
            req = req.bearer_auth(key);
        }
        let list: Vec<ModelInfo> = match req.send().await {
            Ok(resp) if resp.status().is_success() => resp
                .json::<Value>()
                .await
                .ok()
                .and_then(|v| v.get("data").and_then(Value::as_array).cloned())
                .unwrap_or_default()
                .iter()
                .filter_map(|m| m.get("id").and_then(Value::as_str))
                .map(|name| ModelInfo {
                    id: format!("{}/{name}", account.id),
                    provider: account.kind.to_owned(),
                    name: name.to_owned(),
                    capabilities: Vec::new(),
                })
                .collect(),
            Ok(resp) => {
                tracing::warn!(account = %account.id, status = %resp.status(), "listing models failed");
                return Vec::new();
            }
            Err(e) => {
                tracing::warn!(account = %account.id, error = %e, "listing models failed");
                return Vec::new();
            }
        };
        self.models
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(account.id.clone(), (Instant::now(), list.clone()));
        list
    }
}

fn no_model(why: &str) -> ApiError {
    ApiError::new(ErrorCode::NoModel, why)
}
