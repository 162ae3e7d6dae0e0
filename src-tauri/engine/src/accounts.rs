//! Model accounts: `env:openai` from `OPENAI_API_KEY` / `OPENAI_BASE_URL` (read, used, never
//! written anywhere), and accounts added in settings (a row without secrets; the key in the
//! OS keyring). Model ids are `<account>/<model>`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::chat::{ModelInfo, ModelList};
use crate::error::{ApiError, ErrorCode, Result};
use crate::provider::Provider;
use crate::store::accounts::{AccountInfo, AccountKind, AccountRow, AccountSource, NewAccount};

pub const ENV_OPENAI: &str = "env:openai";
pub const ENV_ANTHROPIC: &str = "env:anthropic";
const DEFAULT_OPENAI_BASE: &str = crate::provider::OPENAI_BASE;
const DEFAULT_ANTHROPIC_BASE: &str = "https://api.anthropic.com";
const MODELS_TTL: Duration = Duration::from_secs(600);

struct Account {
    info: AccountInfo,
    api_key: Option<String>,
    provider: Arc<dyn Provider>,
}

impl Account {
    fn new(info: AccountInfo, api_key: Option<String>) -> Account {
        let provider = crate::provider::for_account(info.kind, &info.base_url, api_key.clone());
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

    /// The account's stored row as it is now (settings accounts only).
    pub(crate) fn settings_row(&self, id: &str) -> Option<(AccountRow, Option<String>)> {
        self.accounts
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .find(|a| a.info.id == id && a.info.source == AccountSource::Settings)
            .map(|a| {
                (
                    AccountRow {
                        id: a.info.id.clone(),
                        label: a.info.label.clone(),
                        kind: a.info.kind,
                        base_url: a.info.base_url.clone(),
                        default_model: a.info.default_model.clone(),
                    },
                    a.api_key.clone(),
                )
            })
    }

    /// Replaces an account (after an edit); keeps its place in the list.
    pub(crate) fn replace(&self, row: &AccountRow, key: Option<String>) -> AccountInfo {
        let account = Account::new(settings_info(row), key);
        let info = account.info.clone();
        let mut accounts = self.accounts.write().unwrap_or_else(|p| p.into_inner());
        if let Some(slot) = accounts.iter_mut().find(|a| a.info.id == row.id) {
            *slot = account;
        }
        self.models.lock().unwrap_or_else(|p| p.into_inner()).remove(&row.id);
        info
    }

    /// An account and its key, to reach its server.
    fn target(&self, id: &str) -> Option<(AccountInfo, Option<String>)> {
        self.accounts
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .find(|a| a.info.id == id)
            .map(|a| (a.info.clone(), a.api_key.clone()))
    }

    /// An account's kind, base URL and key, for handing to an agent CLI through its
    /// environment (never argv, never a file).
    pub(crate) fn credentials(&self, id: &str) -> Option<(AccountKind, String, Option<String>)> {
        self.target(id).map(|(info, key)| (info.kind, info.base_url, key))
    }

    /// Lists the account's models now (no cache): what "Test" in settings does.
    pub async fn check(&self, id: &str) -> Result<crate::store::accounts::AccountCheck> {
        let Some((info, key)) = self.target(id) else {
            return Err(ApiError::new(ErrorCode::AccountNotFound, format!("no account {id:?}")));
        };
        self.models.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
        let models = self.fetch_models(&info, key.as_deref()).await?;
        Ok(crate::store::accounts::AccountCheck { models: models.len() as u32 })
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

    /// Forgets every cached model list: the next listing asks each server again.
    pub fn forget_models(&self) {
        self.models.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// What a model (`<account>/<model>`) can do: as its account lists it, else as the
    /// catalog knows its name.
    pub async fn capabilities(&self, model_id: &str) -> Vec<String> {
        let Some((account_id, name)) = model_id.split_once('/') else { return Vec::new() };
        let listed = self
            .models
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(account_id)
            .and_then(|(_, list)| list.iter().find(|m| m.id == model_id).cloned());
        listed.map(|m| m.capabilities).unwrap_or_else(|| crate::models::capabilities(name))
    }

    /// The model that titles a chat held by `model_id`: a small model of the same account
    /// when it lists one, else the chat's own model.
    pub async fn title_model(&self, model_id: &str) -> String {
        let Some((account_id, _)) = model_id.split_once('/') else { return model_id.to_owned() };
        let Some((info, key)) = self.target(account_id) else { return model_id.to_owned() };
        let names: Vec<String> =
            self.account_models(&info, key.as_deref()).await.into_iter().map(|m| m.name).collect();
        match crate::models::title_model(info.kind, &names) {
            Some(small) => format!("{account_id}/{small}"),
            None => model_id.to_owned(),
        }
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
        match self.fetch_models(account, api_key).await {
            Ok(list) => {
                self.models
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(account.id.clone(), (Instant::now(), list.clone()));
                list
            }
            Err(e) => {
                tracing::warn!(account = %account.id, "listing models failed: {}", e.message);
                Vec::new()
            }
        }
    }

    /// The account's models from its server's models endpoint.
    async fn fetch_models(
        &self,
        account: &AccountInfo,
        api_key: Option<&str>,
    ) -> Result<Vec<ModelInfo>> {
        let (id, kind, base) = (&account.id, account.kind, &account.base_url);
        crate::provider::list_models(&self.http, id, kind, base, api_key).await
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

fn invalid(m: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidAccount, m)
}

fn valid_label(label: &str) -> Result<String> {
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 60 || label.chars().any(char::is_control) {
        return Err(invalid("the label must be 1 to 60 characters".into()));
    }
    Ok(label.to_owned())
}

fn valid_url(base_url: &str) -> Result<String> {
    let base_url = base_url.trim().trim_end_matches('/').to_owned();
    match reqwest::Url::parse(&base_url) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(base_url),
        _ => Err(invalid(format!("the base URL must be an http(s) URL; got {base_url:?}"))),
    }
}

fn valid_key(key: Option<&str>) -> Result<Option<String>> {
    match key.map(str::trim) {
        None | Some("") => Ok(None),
        Some(k) if k.len() > 500 || k.chars().any(|c| c.is_whitespace() || c.is_control()) => {
            Err(invalid("the API key has spaces or is too long; paste it exactly".into()))
        }
        Some(k) => Ok(Some(k.to_owned())),
    }
}

fn valid_model(model: Option<&str>) -> Result<Option<String>> {
    match model.map(str::trim) {
        None | Some("") => Ok(None),
        Some(m) if m.chars().count() > 200 || m.chars().any(char::is_whitespace) => {
            Err(invalid("the default model is a model name without spaces".into()))
        }
        Some(m) => Ok(Some(m.to_owned())),
    }
}

/// Applies a patch to a stored account: the new row, and the key to store (`Some(None)`
/// removes it, `None` keeps it).
pub fn validate_patch(
    row: &AccountRow,
    patch: &crate::store::accounts::AccountPatch,
) -> Result<(AccountRow, Option<Option<String>>)> {
    let label = match patch.label.as_deref() {
        Some(l) => valid_label(l)?,
        None => row.label.clone(),
    };
    let base_url = match patch.base_url.as_deref() {
        Some(u) => valid_url(u)?,
        None => row.base_url.clone(),
    };
    let default_model = match patch.default_model.as_deref() {
        Some(m) => valid_model(Some(m))?,
        None => row.default_model.clone(),
    };
    let key = match patch.api_key.as_deref() {
        Some(k) => Some(valid_key(Some(k))?),
        None => None,
    };
    Ok((AccountRow { id: row.id.clone(), label, kind: row.kind, base_url, default_model }, key))
}

/// Checks a settings form; returns the row to store (with a fresh id) and the trimmed key.
pub fn validate_new(
    req: &NewAccount,
    taken: impl Fn(&str) -> bool,
) -> Result<(AccountRow, Option<String>)> {
    let label = valid_label(&req.label)?;
    let label = label.as_str();
    let base_url = match (&req.base_url, req.kind) {
        (Some(u), _) if !u.trim().is_empty() => valid_url(u)?,
        (_, AccountKind::Openai) => DEFAULT_OPENAI_BASE.to_owned(),
        (_, AccountKind::Anthropic) => DEFAULT_ANTHROPIC_BASE.to_owned(),
        (_, AccountKind::OpenaiCompatible) => {
            return Err(invalid(
                "an OpenAI-compatible account needs its server's base URL (…/v1)".into(),
            ));
        }
    };
    let key = valid_key(req.api_key.as_deref())?;
    let default_model = valid_model(req.default_model.as_deref())?;
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
