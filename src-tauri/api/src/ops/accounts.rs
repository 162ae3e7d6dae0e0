//! Model accounts, the models they offer, local model servers, and what the runs used.

use hearth_engine::chat::ModelList;
use hearth_engine::local::LocalServer;
use hearth_engine::store::accounts::{AccountCheck, AccountInfo, AccountPatch, NewAccount};
use hearth_engine::usage::{AccountUsage, UsageSummary};

use super::declare::operations;

operations! {
    area: accounts, "Accounts, models and usage";

    /// Each account's models (cached for ten minutes unless `refresh` asks the servers again),
    /// and the default model.
    models_list {
        ipc(refresh: Option<bool>) -> ModelList;
        http GET "/v1/models" query(refresh: Option<bool>) => 200 json(ModelList);
        errors(InvalidInput);
    }

    /// Ollama and LM Studio on this computer: those that answered (within about a second).
    local_servers_probe {
        ipc() -> Vec<LocalServer>;
        errors();
    }

    /// The environment's accounts, then those added in settings. Never their keys.
    accounts_list {
        ipc() -> Vec<AccountInfo>;
        errors();
    }

    /// Adds an account; its key, if any, goes to the OS keyring only.
    account_add {
        ipc(req: NewAccount) -> AccountInfo;
        errors(InvalidAccount, KeyringUnavailable, InvalidInput);
    }

    /// Changes an account added in settings: absent fields stay; `api_key` replaces the key in
    /// the keyring, and an empty one removes it.
    account_update {
        ipc(account_id: String, patch: AccountPatch) -> AccountInfo;
        errors(AccountNotFound, InvalidAccount, KeyringUnavailable, InvalidInput);
    }

    /// Reaches the account's server with its key: how many models it lists, or why not.
    account_test {
        ipc(account_id: String) -> AccountCheck;
        errors(AccountNotFound);
    }

    /// Removes an account added in settings, and its key.
    account_remove {
        ipc(account_id: String) -> ();
        errors(AccountNotFound, KeyringUnavailable);
    }

    /// A chat's tokens, and their cost where its models have a price.
    session_usage {
        ipc(session_id: String) -> UsageSummary;
        errors(SessionNotFound);
    }

    /// Tokens and cost per account, over every run.
    usage_by_account {
        ipc() -> Vec<AccountUsage>;
        errors();
    }
}
