//! The Hearth-owned `CODEX_HOME` a session on a Hearth account runs Codex with: a
//! `config.toml` naming every OpenAI-style account as a model provider (base URL and the name
//! of the environment variable its key comes in; never the key), and a temp folder of its own
//! (Codex's sandbox helper is not created when `CODEX_HOME` is inside `TMPDIR`).

use std::path::Path;

use crate::error::{ApiError, ErrorCode, Result};
use crate::store::accounts::AccountKind;

use super::super::RunContext;
use super::Launch;

/// The variable the account's key reaches Codex in (its shell commands do not inherit it).
pub(super) const KEY_VAR: &str = "HEARTH_CODEX_API_KEY";

/// The provider id an account has in the config (`env:openai` → `hearth-env-openai`).
fn provider_id(account: &str) -> String {
    let id: String = account
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect();
    format!("hearth-{id}")
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The config: one provider per account, no analytics, and shell commands that inherit
/// nothing named like a secret.
pub(super) fn config(accounts: &[(String, String)]) -> String {
    let mut out = String::from(
        "# Written by Hearth for its Codex sessions on Hearth accounts; rewritten every turn.\n\
         [analytics]\nenabled = false\n\n\
         [shell_environment_policy]\ninherit = \"all\"\nignore_default_excludes = false\n\
         exclude = [\"HEARTH_*\", \"*KEY*\", \"*SECRET*\", \"*TOKEN*\"]\n",
    );
    for (account, base_url) in accounts {
        out += &format!(
            "\n[model_providers.{id}]\nname = {name}\nbase_url = {url}\nwire_api = \"responses\"\n\
             env_key = \"{KEY_VAR}\"\nrequest_max_retries = 2\nstream_max_retries = 2\n",
            id = provider_id(account),
            name = toml_string(&format!("Hearth account {account}")),
            url = toml_string(base_url),
        );
    }
    out
}

/// Writes `contents` to `path` through a temp file and a rename (a reader never sees half).
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = path.with_extension(format!("tmp-{}", uuid::Uuid::new_v4().simple()));
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp)?;
    f.write_all(contents.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

fn private_dir(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(path)
}

/// What Codex is run with for the session's model (see the module doc).
pub(super) fn launch_for(ctx: &RunContext, model: Option<&str>) -> Result<Launch> {
    let Some(model) = model else {
        return Ok(Launch {
            model_id: "codex".into(),
            model: None,
            provider: None,
            env: Vec::new(),
        });
    };
    let (account, name) = model.split_once('/').ok_or_else(|| {
        ApiError::new(ErrorCode::InvalidModel, format!("{model:?} is not <account>/<model>"))
    })?;
    let (kind, _, key) = ctx.shared.accounts.credentials(account).ok_or_else(|| {
        ApiError::new(ErrorCode::NoModel, format!("there is no account {account:?}"))
    })?;
    if kind == AccountKind::Anthropic {
        return Err(ApiError::new(
            ErrorCode::InvalidModel,
            format!("Codex speaks OpenAI's Responses API; {account:?} is an Anthropic account"),
        ));
    }
    let accounts: Vec<(String, String)> = ctx
        .shared
        .accounts
        .infos()
        .into_iter()
        .filter(|a| a.kind != AccountKind::Anthropic)
        .map(|a| (a.id, a.base_url))
        .collect();
    let dir = ctx.shared.store.dir().join("codex");
    let (home, tmp) = (dir.join("home"), dir.join("tmp"));
    let written = private_dir(&home)
        .and_then(|()| private_dir(&tmp))
        .and_then(|()| write_private(&home.join("config.toml"), &config(&accounts)));
    written.map_err(|e| {
        ApiError::new(
            ErrorCode::Storage,
            format!("cannot write Codex's config in {}: {e}", dir.display()),
        )
    })?;
    let mut env = vec![
        ("CODEX_HOME".to_owned(), home.display().to_string()),
        ("TMPDIR".to_owned(), tmp.display().to_string()),
    ];
    // A local server needs no key; Codex still wants the variable to exist.
    env.push((KEY_VAR.to_owned(), key.unwrap_or_else(|| "none".into())));
    Ok(Launch {
        model_id: model.to_owned(),
        model: Some(name.to_owned()),
        provider: Some(provider_id(account)),
        env,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_names_accounts_as_providers_and_holds_no_key() {
        let text = config(&[("env:openai".into(), "http://127.0.0.1:9/v1\"x".into())]);
        assert!(text.contains("[model_providers.hearth-env-openai]"), "{text}");
        assert!(text.contains(r#"base_url = "http://127.0.0.1:9/v1\"x""#), "quoted: {text}");
        assert!(text.contains(&format!("env_key = \"{KEY_VAR}\"")), "{text}");
        assert!(text.contains("wire_api = \"responses\""), "{text}");
        assert!(!text.contains("sk-"), "no key in the file");
    }
}
