//! What a child process (a shell command, an MCP server, an agent runtime) inherits from
//! Hearth's environment: everything but secrets. Hearth's own variables (`HEARTH_*`: the API
//! token among them) and any variable whose name says it holds a key, token, secret or
//! password (`OPENAI_API_KEY`, `GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY` …) stay home; a child
//! that needs one is given it deliberately (an MCP server's configured secrets).

/// Whether a variable of this name is kept from child processes.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper.starts_with("HEARTH_")
        || ["KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL"]
            .iter()
            .any(|word| upper.contains(word))
}

/// The variables a child inherits from `vars` (a process's environment).
pub fn inherited(vars: impl IntoIterator<Item = (String, String)>) -> Vec<(String, String)> {
    vars.into_iter().filter(|(name, _)| !is_secret_name(name)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_stay_home_and_the_rest_is_inherited() {
        let vars = [
            "HEARTH_API_TOKEN",
            "HEARTH_DATA_DIR",
            "OPENAI_API_KEY",
            "ANTHROPIC_API_KEY",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "PGPASSWORD",
            "openai_api_key",
            "PATH",
            "HOME",
            "LANG",
            "TERM",
            "USER",
        ]
        .map(|n| (n.to_owned(), "v".to_owned()));
        let kept: Vec<String> = inherited(vars).into_iter().map(|(n, _)| n).collect();
        assert_eq!(kept, ["PATH", "HOME", "LANG", "TERM", "USER"], "only what holds no secret");
    }
}
