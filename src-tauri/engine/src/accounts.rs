//! Model accounts: `env:openai` from `OPENAI_API_KEY` / `OPENAI_BASE_URL` (read, used, never
//! written anywhere), and accounts added in settings (a row without secrets; the key in the
//! OS keyring). Model ids are `<account>/<model>`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::chat::{ModelInfo, ModelList};
use crate::error::{ApiError, ErrorCode, Result};
use crate::provider::Provider;
use crate::provider::anthropic::{API_VERSION, AnthropicMessages};
use crate::provider::openai::OpenAiChat;
use crate::provider::responses::OpenAiResponses;
use crate::store::accounts::{AccountInfo, AccountKind, AccountRow, AccountSource, NewAccount};

pub const ENV_OPENAI: &str = "env:openai";
pub const ENV_ANTHROPIC: &str = "env:anthropic";
const DEFAULT_OPENAI_BASE: &str = "https://api.openai.com/v1";
const DEFAULT_ANTHROPIC_BASE: &str = "https://api.anthropic.com";
const MODELS_TTL: Duration = Duration::from_secs(600);

struct Account {
    info: AccountInfo,
    api_key: Option<String>,
    provider: Arc<dyn Provider>,
}

impl Account {
    fn new(info: AccountInfo, api_key: Option<String>) -> Account {
        let provider: Arc<dyn Provider> = match info.kind {
            AccountKind::Anthropic => {
                Arc::new(AnthropicMessages::new(&info.base_url, api_key.clone()))
            }
            // OpenAI itself streams through the Responses API; anything else that speaks
            // "OpenAI" (a proxy, a local server) gets Chat Completions.
            AccountKind::Openai if info.base_url.starts_with(DEFAULT_OPENAI_BASE) => {
                Arc::new(OpenAiResponses::new(&info.base_url, api_key.clone()))
            }
            AccountKind::Openai | AccountKind::OpenaiCompatible => {
                Arc::new(OpenAiChat::new(&info.base_url, api_key.clone()))
            }
        };
        Account { info: AccountInfo { has_key: api_key.is_some(), ..info }, api_key, provider }
    }
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
    pub anthropic: Vec<AccountConfig>,
    /// `<account>/<model>` used when a session names none (`HEARTH_MODEL`).
    pub default_model: Option<String>,
}

impl AccountsConfig {
    /// `OPENAI_API_KEY` / `OPENAI_BASE_URL` (either makes `env:openai`; a local server needs
    /// no key), `ANTHROPIC_API_KEY` (+ `ANTHROPIC_BASE_URL`) for `env:anthropic`, and
    /// `HEARTH_MODEL`.
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
        let mut anthropic = Vec::new();
        if let Some(key) = var("ANTHROPIC_API_KEY") {
            anthropic.push(AccountConfig {
                id: ENV_ANTHROPIC.to_owned(),
                base_url: var("ANTHROPIC_BASE_URL")
                    .unwrap_or_else(|| DEFAULT_ANTHROPIC_BASE.to_owned()),
                api_key: Some(key),
            });
        }
        AccountsConfig { openai, anthropic, default_model: var("HEARTH_MODEL") }
    }
}

pub struct Accounts {
    accounts: RwLock<Vec<Account>>,
    http: reqwest::Client,
    models: Mutex<HashMap<String, (Instant, Vec<ModelInfo>)>>,
    /// `HEARTH_MODEL`: the default `<account>/<model>` when a session names none.
    default_model: Option<String>,
}

impl Accounts {
    /// The environment's accounts and those stored in settings (keys from the keyring; an
    /// unreadable keyring leaves an account without its key, and says so in the log).
    pub fn new(config: &AccountsConfig, stored: Vec<AccountRow>) -> Accounts {
        let mut accounts: Vec<Account> = config
            .openai
            .iter()
            .map(|a| {
                let info = AccountInfo {
                    id: a.id.clone(),
                    label: "OpenAI (environment)".into(),
                    kind: AccountKind::Openai,
                    base_url: a.base_url.clone(),
                    default_model: None,
                    source: AccountSource::Env,
                    has_key: false,
                };
                Account::new(info, a.api_key.clone())
            })
            .chain(config.anthropic.iter().map(|a| {
                let info = AccountInfo {
                    id: a.id.clone(),
                    label: "Anthropic (environment)".into(),
                    kind: AccountKind::Anthropic,
                    base_url: a.base_url.clone(),
                    default_model: None,
                    source: AccountSource::Env,
                    has_key: false,
                };
                Account::new(info, a.api_key.clone())
            }))
            .collect();
        for row in stored {
            let key = crate::secrets::account_key(&row.id).unwrap_or_else(|e| {
                tracing::warn!(account = %row.id, "cannot read the account's key: {}", e.message);
                None
            });
            accounts.push(Account::new(settings_info(&row), key));
        }
        Accounts {
            accounts: RwLock::new(accounts),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
            models: Mutex::new(HashMap::new()),
            default_model: config.default_model.clone(),
        }
    }

    pub fn infos(&self) -> Vec<AccountInfo> {
        self.accounts
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|a| a.info.clone())
            .collect()
    }

    pub fn contains(&self, id: &str) -> bool {
        self.accounts.read().unwrap_or_else(|p| p.into_inner()).iter().any(|a| a.info.id == id)
    }

    pub(crate) fn insert(&self, row: &AccountRow, key: Option<String>) -> AccountInfo {
        let account = Account::new(settings_info(row), key);
        let info = account.info.clone();
        self.accounts.write().unwrap_or_else(|p| p.into_inner()).push(account);
        info
    }

    pub(crate) fn remove(&self, id: &str) {
        self.accounts.write().unwrap_or_else(|p| p.into_inner()).retain(|a| a.info.id != id);
        self.models.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
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
        let provider = self
            .accounts
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .find(|a| a.info.id == account_id)
            .map(|a| a.provider.clone())
            .ok_or_else(|| no_model(&format!("there is no account {account_id:?}")))?;
        Ok((provider, name.to_owned(), id.clone()))
    }

    async fn first_model(&self) -> Result<String> {
        let list = self.list().await;
        list.default.ok_or_else(|| {
            no_model("no model is configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a local server)")
        })
    }

    /// Every account's models (each list cached for ten minutes).
    pub async fn list(&self) -> ModelList {
        let targets: Vec<(AccountInfo, Option<String>)> = self
            .accounts
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|a| (a.info.clone(), a.api_key.clone()))
            .collect();
        let mut models = Vec::new();
        let mut default = self.default_model.clone();
        for (info, key) in &targets {
            let listed = self.account_models(info, key.as_deref()).await;
            if default.is_none() {
                default = info.default_model.as_ref().map(|m| format!("{}/{m}", info.id));
            }
            models.extend(listed);
        }
        let default = default.or_else(|| models.first().map(|m| m.id.clone()));
        ModelList { models, default }
    }

    async fn account_models(&self, account: &AccountInfo, api_key: Option<&str>) -> Vec<ModelInfo> {
        if let Some((at, list)) =
            self.models.lock().unwrap_or_else(|p| p.into_inner()).get(&account.id)
            && at.elapsed() < MODELS_TTL
        {
            return list.clone();
        }
        let base = account.base_url.trim_end_matches('/');
        let mut req = match account.kind {
            AccountKind::Anthropic => self
                .http
                .get(format!("{base}/v1/models?limit=100"))
                .header("anthropic-version", API_VERSION),
            _ => self.http.get(format!("{base}/models")),
        };
        if let Some(key) = api_key {
            req = match account.kind {
                AccountKind::Anthropic => req.header("x-api-key", key),
                _ => req.bearer_auth(key),
            };
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
                    provider: account.kind.as_str().to_owned(),
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

fn settings_info(row: &AccountRow) -> AccountInfo {
    AccountInfo {
        id: row.id.clone(),
        label: row.label.clone(),
        kind: row.kind,
        base_url: row.base_url.clone(),
        default_model: row.default_model.clone(),
        source: AccountSource::Settings,
        has_key: false,
    }
}

/// Checks a settings form; returns the row to store (with a fresh id) and the trimmed key.
pub fn validate_new(
    req: &NewAccount,
    taken: impl Fn(&str) -> bool,
) -> Result<(AccountRow, Option<String>)> {
    let invalid = |m: String| ApiError::new(ErrorCode::InvalidAccount, m);
    let label = req.label.trim();
    if label.is_empty() || label.chars().count() > 60 || label.chars().any(char::is_control) {
        return Err(invalid("the label must be 1 to 60 characters".into()));
    }
    let base_url = match (&req.base_url, req.kind) {
        (Some(u), _) if !u.trim().is_empty() => u.trim().trim_end_matches('/').to_owned(),
        (_, AccountKind::Openai) => DEFAULT_OPENAI_BASE.to_owned(),
        (_, AccountKind::Anthropic) => DEFAULT_ANTHROPIC_BASE.to_owned(),
        (_, AccountKind::OpenaiCompatible) => {
            return Err(invalid(
                "an OpenAI-compatible account needs its server's base URL (…/v1)".into(),
            ));
        }
    };
    match reqwest::Url::parse(&base_url) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {}
        _ => return Err(invalid(format!("the base URL must be an http(s) URL; got {base_url:?}"))),
    }
    let key = match req.api_key.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(k) if k.len() > 500 || k.chars().any(|c| c.is_whitespace() || c.is_control()) => {
            return Err(invalid("the API key has spaces or is too long; paste it exactly".into()));
        }
        Some(k) => Some(k.to_owned()),
    };
    let default_model = match req.default_model.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(m) if m.chars().count() > 200 || m.chars().any(char::is_whitespace) => {
            return Err(invalid("the default model is a model name without spaces".into()));
        }
        Some(m) => Some(m.to_owned()),
    };
    // The id is what model ids start with: a slug of the label, unique.
    let mut slug: String = label
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    slug.truncate(32);
    if slug.is_empty() {
        slug = "account".into();
    }
    let mut id = slug.clone();
    let mut n = 2;
    while taken(&id) {
        id = format!("{slug}-{n}");
        n += 1;
    }
    Ok((AccountRow { id, label: label.to_owned(), kind: req.kind, base_url, default_model }, key))
}
