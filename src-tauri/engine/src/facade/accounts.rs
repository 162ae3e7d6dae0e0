//! Model accounts (keys to the keyring), usage and cost, settings, and the model list.

use crate::Engine;
use crate::error::{ApiError, ErrorCode, Result};
use crate::store::{self};
use crate::{accounts, chat, secrets, usage};

impl Engine {
    // ---- accounts -------------------------------------------------------------------------

    pub fn accounts(&self) -> Vec<store::accounts::AccountInfo> {
        self.shared.accounts.infos()
    }

    /// Adds an account: the key to the keyring, the rest to the store; both or neither.
    pub fn add_account(
        &self,
        req: &store::accounts::NewAccount,
    ) -> Result<store::accounts::AccountInfo> {
        let accounts = &self.shared.accounts;
        let (row, key) =
            accounts::validate_new(req, |id| accounts.contains(id) || id.starts_with("env"))?;
        if let Some(key) = &key {
            secrets::set_account_key(&row.id, key)?;
        }
        let stored = self
            .shared
            .store
            .write(|tx| store::accounts::insert(tx, &row, self.shared.store.now()));
        if let Err(e) = stored {
            let _ = secrets::delete_account_key(&row.id);
            return Err(e.into());
        }
        tracing::info!(account = %row.id, "account added");
        Ok(accounts.insert(&row, key))
    }

    /// Edits a settings account; a new `api_key` rotates the key in the keyring (an empty one
    /// removes it). Both stores change, or neither.
    pub fn update_account(
        &self,
        id: &str,
        patch: &store::accounts::AccountPatch,
    ) -> Result<store::accounts::AccountInfo> {
        let accounts = &self.shared.accounts;
        let (row, old_key) = accounts.settings_row(id).ok_or_else(|| {
            ApiError::new(ErrorCode::AccountNotFound, format!("no account {id:?} in settings"))
        })?;
        let (row, new_key) = accounts::validate_patch(&row, patch)?;
        match &new_key {
            Some(Some(key)) => secrets::set_account_key(id, key)?,
            Some(None) => secrets::delete_account_key(id)?,
            None => {}
        }
        let written = self.shared.store.write(|tx| store::accounts::update(tx, &row));
        if let Err(e) = written {
            // Put the old key back: nothing half-changed.
            if new_key.is_some() {
                let _ = match &old_key {
                    Some(k) => secrets::set_account_key(id, k),
                    None => secrets::delete_account_key(id),
                };
            }
            return Err(e.into());
        }
        tracing::info!(account = %id, rotated = new_key.is_some(), "account updated");
        Ok(accounts.replace(&row, new_key.unwrap_or(old_key)))
    }

    /// Reaches the account's server with its key: how many models it lists, or why not.
    pub async fn test_account(&self, id: &str) -> Result<store::accounts::AccountCheck> {
        self.shared.accounts.check(id).await
    }

    pub fn remove_account(&self, id: &str) -> Result<()> {
        let not_found = || {
            ApiError::new(
                ErrorCode::AccountNotFound,
                format!(
                    "no account {id:?} in settings (environment accounts are removed by unsetting their variables)"
                ),
            )
        };
        if !self.shared.store.write(|tx| store::accounts::delete(tx, id))? {
            return Err(not_found());
        }
        if let Err(e) = secrets::delete_account_key(id) {
            tracing::warn!(account = %id, "the account's key stays in the keyring: {}", e.message);
        }
        self.shared.accounts.remove(id);
        tracing::info!(account = %id, "account removed");
        Ok(())
    }

    /// A session's tokens and cost (cost where its models have prices).
    pub fn session_usage(&self, session_id: &str) -> Result<usage::UsageSummary> {
        self.shared.store.get_session(session_id)?;
        let prices = usage::Prices::bundled();
        let rows = self.shared.store.read(|c| store::runs::usage_of_session(c, session_id))?;
        Ok(prices.session(rows))
    }

    /// Tokens and cost per account, over every run.
    pub fn usage_by_account(&self) -> Result<Vec<usage::AccountUsage>> {
        let prices = usage::Prices::bundled();
        let rows = self.shared.store.read(store::runs::usage_of_all)?;
        Ok(prices.by_account(rows))
    }

    // ---- settings --------------------------------------------------------------------------

    pub fn settings(&self) -> store::settings::Settings {
        self.shared.settings()
    }

    /// Validated by its type (unknown fields are refused); written in one transaction.
    pub fn update_settings(
        &self,
        patch: &store::settings::SettingsPatch,
    ) -> Result<store::settings::Settings> {
        let now = self.shared.store.now();
        let settings = self.shared.store.write(|tx| store::settings::apply(tx, patch, now))?;
        *self.shared.settings.write().unwrap_or_else(|p| p.into_inner()) = settings.clone();
        Ok(settings)
    }

    /// Every account's models; `refresh` asks the servers again instead of the cache.
    pub async fn models_refreshed(&self, refresh: bool) -> chat::ModelList {
        if refresh {
            self.shared.accounts.forget_models();
        }
        self.shared.accounts.list().await
    }

    pub async fn models(&self) -> chat::ModelList {
        self.shared.accounts.list().await
    }
}
