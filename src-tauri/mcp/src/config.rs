//! A server's configuration as the engine stores it, its validation, and how long to wait for servers.
//!
//! Validation happens before anything is spawned or dialled, so a bad configuration is an
//! `INVALID_CONFIG` the user can fix in settings rather than an obscure spawn or HTTP error.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use http::{HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};

use crate::error::McpError;

/// The longest server name: it prefixes every tool name sent to a model (`<server>__<tool>`),
/// and providers cap those at 64 characters.
pub(crate) const MAX_SERVER_NAME_LEN: usize = 32;

/// Headers the streamable-HTTP transport sets itself; a user-supplied one would break the
/// session (rmcp refuses them at request time, we refuse them up front).
const RESERVED_HEADERS: &[&str] =
    &["accept", "content-type", "content-length", "host", "mcp-session-id", "last-event-id"];

/// How to reach a server.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Transport {
    /// A child process speaking MCP on its stdin/stdout; `env` is added to Hearth's environment.
    Stdio {
        command: String,
        #[serde(default)]
        args: Vec<String>,
        #[serde(default)]
        env: BTreeMap<String, String>,
    },
    /// A remote server over streamable HTTP; `headers` go with every request (e.g. auth).
    Http {
        url: String,
        #[serde(default)]
        headers: BTreeMap<String, String>,
    },
}

/// Env values and headers often hold tokens: keep them out of logs and panics.
impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Stdio { command, args, env } => f
                .debug_struct("Stdio")
                .field("command", command)
                .field("args", args)
                .field("env", &env.keys().collect::<Vec<_>>())
                .finish(),
            Self::Http { url, headers } => f
                .debug_struct("Http")
                .field("url", url)
                .field("headers", &headers.keys().collect::<Vec<_>>())
                .finish(),
        }
    }
}

/// One configured server: its name (which prefixes its tools) and how to reach it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerConfig {
    pub name: String,
    pub transport: Transport,
}

impl ServerConfig {
    /// Checks everything that can be checked without starting the server.
    pub fn validate(&self) -> Result<(), McpError> {
        validate_name(&self.name)?;
        match &self.transport {
            Transport::Stdio { command, args, env } => validate_stdio(command, args, env),
            Transport::Http { url, headers } => {
                validate_url(url)?;
                http_headers(headers).map(drop)
            }
        }
    }
}

fn validate_name(name: &str) -> Result<(), McpError> {
    let well_formed = !name.is_empty()
        && name.len() <= MAX_SERVER_NAME_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if well_formed {
        Ok(())
    } else {
        Err(McpError::invalid_config(format!(
            "server name `{name}` must be 1 to {MAX_SERVER_NAME_LEN} characters of a-z, 0-9, `_` and `-`"
        )))
    }
}

fn validate_stdio(
    command: &str,
    args: &[String],
    env: &BTreeMap<String, String>,
) -> Result<(), McpError> {
    if command.trim().is_empty() {
        return Err(McpError::invalid_config("the server's command is empty"));
    }
    // A NUL cannot cross exec(2): the spawn would fail with a confusing error.
    if command.contains('\0') || args.iter().any(|arg| arg.contains('\0')) {
        return Err(McpError::invalid_config(
            "the server's command or arguments contain a NUL byte",
        ));
    }
    for (key, value) in env {
        if key.is_empty() || key.contains(['=', '\0']) || value.contains('\0') {
            return Err(McpError::invalid_config(format!(
                "environment variable `{key}` is not a valid name=value pair"
            )));
        }
    }
    Ok(())
}

fn validate_url(url: &str) -> Result<(), McpError> {
    let invalid = |why: &str| McpError::invalid_config(format!("server url `{url}` {why}"));
    let uri: http::Uri = url.parse().map_err(|_| invalid("is not a valid URL"))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err(invalid("must start with http:// or https://")),
    }
    match uri.host() {
        Some(host) if !host.is_empty() => Ok(()),
        _ => Err(invalid("has no host")),
    }
}

/// The configured headers as the HTTP transport takes them; errors name the offending header
/// but never echo its value.
pub(crate) fn http_headers(
    headers: &BTreeMap<String, String>,
) -> Result<HashMap<HeaderName, HeaderValue>, McpError> {
    headers
        .iter()
        .map(|(name, value)| {
            let header = HeaderName::try_from(name.as_str()).map_err(|_| {
                McpError::invalid_config(format!("`{name}` is not a valid HTTP header name"))
            })?;
            if RESERVED_HEADERS.contains(&header.as_str()) {
                return Err(McpError::invalid_config(format!(
                    "header `{name}` is set by the MCP transport itself and cannot be configured"
                )));
            }
            let value = HeaderValue::try_from(value.as_str()).map_err(|_| {
                McpError::invalid_config(format!(
                    "the value of header `{name}` is not a valid header value"
                ))
            })?;
            Ok((header, value))
        })
        .collect()
}

/// How long to wait for servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct McpTimeouts {
    /// Starting a server and completing the MCP handshake (`npx` may download first).
    pub connect: Duration,
    /// Requests other than tool calls (listing tools).
    pub request: Duration,
    /// A tool call's silence: the wait restarts with each progress notification.
    pub call: Duration,
    /// An HTTP session idle this long is pinged before use, and replaced if it does not answer
    /// (a restarted server has forgotten it).
    pub idle_probe: Duration,
}

impl Default for McpTimeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(60),
            request: Duration::from_secs(30),
            call: Duration::from_secs(10 * 60),
            idle_probe: Duration::from_secs(30),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::error::McpErrorCode;

    fn stdio(name: &str, command: &str) -> ServerConfig {
        ServerConfig {
            name: name.into(),
            transport: Transport::Stdio {
                command: command.into(),
                args: vec![],
                env: BTreeMap::new(),
            },
        }
    }

    fn http(url: &str, headers: &[(&str, &str)]) -> ServerConfig {
        ServerConfig {
            name: "remote".into(),
            transport: Transport::Http {
                url: url.into(),
                headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            },
        }
    }

    #[test]
    fn transport_serializes_tagged_and_snake_case() {
        let config = stdio("files", "node");
        assert_eq!(
            serde_json::to_value(&config).unwrap(),
            json!({"name": "files", "transport": {"type": "stdio", "command": "node", "args": [], "env": {}}})
        );
        let parsed: ServerConfig = serde_json::from_value(json!({
            "name": "remote",
            "transport": {"type": "http", "url": "https://example.test/mcp"}
        }))
        .unwrap();
        assert_eq!(parsed, http("https://example.test/mcp", &[]), "headers default to none");
    }

    #[test]
    fn good_configs_validate() {
        for config in [
            stdio("a", "node"),
            stdio("my-server_2", "/usr/bin/env"),
            stdio(&"x".repeat(32), "node"),
            http("http://127.0.0.1:3001/mcp", &[("Authorization", "Bearer t")]),
            http("https://example.test", &[]),
        ] {
            assert_eq!(config.validate(), Ok(()), "{config:?} should be accepted");
        }
    }

    #[test]
    fn bad_configs_are_invalid_config() {
        let mut with_bad_env = stdio("env", "node");
        if let Transport::Stdio { env, .. } = &mut with_bad_env.transport {
            env.insert("A=B".into(), "1".into());
        }
        let cases = [
            (stdio("", "node"), "empty name"),
            (stdio("Files", "node"), "upper case name"),
            (stdio("my server", "node"), "space in name"),
            (stdio("a.b", "node"), "dot in name"),
            (stdio(&"x".repeat(33), "node"), "name too long"),
            (stdio("ok", ""), "empty command"),
            (stdio("ok", "   "), "blank command"),
            (stdio("ok", "no\0de"), "NUL in command"),
            (with_bad_env, "`=` in env name"),
            (http("ftp://example.test/mcp", &[]), "ftp url"),
            (http("file:///tmp/x", &[]), "file url"),
            (http("example.test/mcp", &[]), "no scheme"),
            (http("not a url", &[]), "garbage url"),
            (http("http://127.0.0.1/mcp", &[("bad header", "x")]), "bad header name"),
            (http("http://127.0.0.1/mcp", &[("x-token", "a\nb")]), "bad header value"),
            (http("http://127.0.0.1/mcp", &[("Mcp-Session-Id", "x")]), "reserved header"),
        ];
        for (config, why) in cases {
            let error = config.validate().expect_err(why);
            assert_eq!(error.code, McpErrorCode::InvalidConfig, "{why}: {error}");
        }
    }

    #[test]
    fn header_errors_never_echo_the_value() {
        let error =
            http("http://127.0.0.1/mcp", &[("x-token", "secret\n")]).validate().unwrap_err();
        assert!(!error.message.contains("secret"), "{}", error.message);
    }

    #[test]
    fn debug_output_hides_env_values_and_header_values() {
        let mut config = stdio("s", "node");
        if let Transport::Stdio { env, .. } = &mut config.transport {
            env.insert("API_KEY".into(), "sk-very-secret".into());
        }
        let remote = http("https://example.test", &[("Authorization", "Bearer sk-other-secret")]);
        let printed = format!("{config:?} {remote:?}");
        assert!(printed.contains("API_KEY") && printed.contains("Authorization"), "{printed}");
        assert!(!printed.contains("secret"), "{printed}");
    }
}
