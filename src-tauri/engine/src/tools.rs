//! The tools a run offers the model: Hearth's built-ins (`hearth-tools`) and the tools of the
//! enabled MCP servers (`hearth-mcp`, named `<server>__<tool>`). Running one never fails the
//! run: every failure becomes an error result the model reads.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::policy::ToolClass;
use crate::provider::ToolSpec;
use crate::store::mcp_servers::{McpServerRow, McpTransport};

/// What one call produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub content: String,
    pub is_error: bool,
    pub duration_ms: u64,
}

/// A tool the model can call, and how policy treats it.
#[derive(Debug, Clone)]
pub struct Offered {
    pub spec: ToolSpec,
    pub class: ToolClass,
}

/// A tool as settings lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ToolInfo {
    pub name: String,
    pub description: String,
    /// `read_only`, `write`, `shell`, `network`, `mcp` or `memory`.
    pub class: String,
    /// What happens without a rule.
    pub default: crate::policy::Decision,
    /// The MCP server it comes from (null for a built-in).
    pub server: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum McpStatus {
    /// Not started yet (it starts when a chat first needs its tools), or disabled.
    Stopped,
    Running,
    /// It failed to start or list its tools: `error` says why.
    Error,
}

/// An MCP server as settings shows it. Secret values are never here, only their names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct McpServerInfo {
    pub name: String,
    pub transport: McpTransport,
    pub enabled: bool,
    /// Env vars (stdio) or headers (http) whose values are in the OS keyring.
    pub secret_keys: Vec<String>,
    pub status: McpStatus,
    pub error: Option<String>,
    /// Its tools, as the model sees them (`<server>__<tool>`), when it last listed them.
    pub tools: Vec<String>,
}

#[derive(Default)]
struct Health {
    error: Option<String>,
    tools: Vec<String>,
}

/// The secrets of a server come from here (the keyring, or a test's map).
pub type SecretSource = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

pub struct Tools {
    mcp: hearth_mcp::McpManager,
    servers: RwLock<Vec<McpServerRow>>,
    health: Mutex<HashMap<String, Health>>,
    secrets: SecretSource,
    /// Where the memory tools remember (set once the store is open).
    memory: std::sync::OnceLock<Arc<crate::store::Store>>,
}

/// The keyring entry of a server's secret.
pub fn secret_name(server: &str, key: &str) -> String {
    format!("mcp:{server}:{key}")
}

impl Tools {
    pub fn new(servers: Vec<McpServerRow>, secrets: SecretSource) -> Tools {
        Tools {
            mcp: hearth_mcp::McpManager::new(),
            servers: RwLock::new(servers),
            health: Mutex::new(HashMap::new()),
            secrets,
            memory: std::sync::OnceLock::new(),
        }
    }

    /// Offers the memory tools, remembering in `store`.
    pub fn remember_in(&self, store: Arc<crate::store::Store>) {
        let _ = self.memory.set(store);
    }

    /// The servers changed in settings: stop those that went away, were disabled or changed
    /// (a changed one restarts on next use).
    pub async fn set_servers(&self, servers: Vec<McpServerRow>) {
        let old = std::mem::replace(&mut *self.write_servers(), servers.clone());
        for before in old {
            let now = servers.iter().find(|s| s.name == before.name);
            if now.is_none_or(|s| !s.enabled || *s != before) {
                self.mcp.stop(&before.name).await;
                self.health().remove(&before.name);
            }
        }
    }

    fn write_servers(&self) -> std::sync::RwLockWriteGuard<'_, Vec<McpServerRow>> {
        self.servers.write().unwrap_or_else(|p| p.into_inner())
    }

    fn enabled(&self) -> Vec<McpServerRow> {
        self.servers
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|s| s.enabled)
            .cloned()
            .collect()
    }

    fn health(&self) -> std::sync::MutexGuard<'_, HashMap<String, Health>> {
        self.health.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The config the MCP client gets: the stored transport plus the secrets from the keyring.
    fn config(&self, row: &McpServerRow) -> hearth_mcp::ServerConfig {
        let secret =
            |key: &String| (self.secrets)(&secret_name(&row.name, key)).map(|v| (key.clone(), v));
        let transport = match &row.transport {
            McpTransport::Stdio { command, args, env } => {
                let mut env = env.clone();
                env.extend(row.secret_keys.iter().filter_map(secret));
                hearth_mcp::Transport::Stdio { command: command.clone(), args: args.clone(), env }
            }
            McpTransport::Http { url, headers } => {
                let mut headers: BTreeMap<String, String> = headers.clone();
                headers.extend(row.secret_keys.iter().filter_map(secret));
                hearth_mcp::Transport::Http { url: url.clone(), headers }
            }
        };
        hearth_mcp::ServerConfig { name: row.name.clone(), transport }
    }

    /// Starts a server (if needed) and lists its tools, recording how it went.
    async fn server_tools(&self, row: &McpServerRow) -> Vec<hearth_mcp::McpTool> {
        let listed = self.mcp.tools(&self.config(row)).await;
        let mut health = self.health();
        let entry = health.entry(row.name.clone()).or_default();
        match listed {
            Ok(tools) => {
                entry.error = None;
                entry.tools = tools.iter().map(|t| t.qualified()).collect();
                tools
            }
            Err(e) => {
                tracing::warn!(server = %row.name, code = e.code.as_str(), "MCP server unavailable: {}", e.message);
                entry.error = Some(e.message);
                Vec::new()
            }
        }
    }

    /// What the model is offered: the built-ins, then every enabled MCP server's tools (a
    /// server that fails to start is left out, and settings says why).
    pub async fn offered(&self) -> Vec<Offered> {
        let mut offered: Vec<Offered> = hearth_tools::builtin()
            .into_iter()
            .map(|def| Offered {
                spec: ToolSpec {
                    name: def.name.to_owned(),
                    description: def.description.to_owned(),
                    input_schema: def.input_schema,
                },
                class: class_of(def.kind),
            })
            .collect();
        if self.memory.get().is_some() {
            // Hearth's own memory of the user: searched freely; writing or forgetting a core
            // memory (which reaches every chat) asks.
            offered.extend(crate::memory::tool_specs().into_iter().map(|spec| {
                let class = crate::memory::class_of(&spec.name);
                Offered { spec, class }
            }));
        }
        let servers = self.enabled();
        let listed =
            futures_util::future::join_all(servers.iter().map(|s| self.server_tools(s))).await;
        for tool in listed.into_iter().flatten() {
            offered.push(Offered {
                spec: ToolSpec {
                    name: tool.qualified(),
                    description: tool.description.clone(),
                    input_schema: tool.input_schema.clone(),
                },
                class: ToolClass::Mcp,
            });
        }
        offered
    }

    pub async fn infos(&self) -> Vec<ToolInfo> {
        self.offered()
            .await
            .into_iter()
            .map(|o| ToolInfo {
                server: o.spec.name.split_once("__").map(|(s, _)| s.to_owned()),
                name: o.spec.name,
                description: o.spec.description,
                class: class_name(o.class).to_owned(),
                default: crate::policy::default_for(o.class),
            })
            .collect()
    }

    /// Every configured server and how it is doing.
    pub fn servers(&self) -> Vec<McpServerInfo> {
        let rows = self.servers.read().unwrap_or_else(|p| p.into_inner()).clone();
        rows.into_iter().map(|row| self.info(&row)).collect()
    }

    pub fn info(&self, row: &McpServerRow) -> McpServerInfo {
        let health = self.health();
        let h = health.get(&row.name);
        let error = h.and_then(|h| h.error.clone());
        let status = if error.is_some() {
            McpStatus::Error
        } else if row.enabled && self.mcp.is_running(&row.name) {
            McpStatus::Running
        } else {
            McpStatus::Stopped
        };
        McpServerInfo {
            name: row.name.clone(),
            transport: row.transport.clone(),
            enabled: row.enabled,
            secret_keys: row.secret_keys.clone(),
            status,
            error,
            tools: h.map(|h| h.tools.clone()).unwrap_or_default(),
        }
    }

    /// Starts the server now and lists its tools (settings' "Test").
    pub async fn test(&self, row: &McpServerRow) -> McpServerInfo {
        self.server_tools(row).await;
        self.info(row)
    }

    /// Checks a server's settings without starting it.
    pub fn validate(&self, row: &McpServerRow) -> Result<(), String> {
        self.config(row).validate().map_err(|e| e.message)
    }

    /// The string an approval rule's pattern is matched against.
    pub fn subject(&self, name: &str, input: &Value) -> Option<String> {
        if crate::memory::is_memory_tool(name) {
            return crate::memory::subject(self.memory.get()?, name, input);
        }
        hearth_tools::subject(name, input).or_else(|| {
            // An MCP tool: its arguments, compactly.
            name.contains("__").then(|| input.to_string())
        })
    }

    /// Runs a call. `workspace` confines the file tools; `cancel` stops it (the whole process
    /// group for a shell command, `notifications/cancelled` for an MCP tool); `net` decides
    /// each URL `fetch_url` requests.
    pub async fn run(
        &self,
        name: &str,
        input: &Value,
        workspace: Option<PathBuf>,
        cancel: CancellationToken,
        net: Option<Arc<dyn hearth_tools::net::NetGate>>,
    ) -> Outcome {
        let started = Instant::now();
        let (content, is_error) = match name.split_once("__") {
            None if crate::memory::is_memory_tool(name) => match self.memory.get() {
                Some(store) => {
                    let (store, name, input) = (store.clone(), name.to_owned(), input.clone());
                    tokio::task::spawn_blocking(move || {
                        crate::memory::run_tool(&store, &name, &input)
                    })
                    .await
                    .unwrap_or_else(|e| (format!("the memory tool failed: {e}"), true))
                }
                None => ("memory is not available".to_owned(), true),
            },
            Some((server, tool)) => self.run_mcp(server, tool, input, cancel).await,
            None => {
                let ctx = hearth_tools::ToolContext { workspace, cancel, net };
                match hearth_tools::run(name, input, &ctx).await {
                    Ok(out) => (out.content, false),
                    Err(e) => (format!("{} ({})", e.message, e.code.as_str()), true),
                }
            }
        };
        Outcome { content, is_error, duration_ms: started.elapsed().as_millis() as u64 }
    }

    async fn run_mcp(
        &self,
        server: &str,
        tool: &str,
        input: &Value,
        cancel: CancellationToken,
    ) -> (String, bool) {
        let Some(row) = self.enabled().into_iter().find(|s| s.name == server) else {
            return (format!("the MCP server {server:?} is not enabled any more"), true);
        };
        match self.mcp.call(&self.config(&row), tool, input.clone(), cancel, None).await {
            Ok(out) => (out.content, out.is_error),
            Err(e) => {
                if e.code == hearth_mcp::McpErrorCode::ServerCrashed {
                    self.health().entry(server.to_owned()).or_default().error =
                        Some(e.message.clone());
                }
                (format!("{} ({})", e.message, e.code.as_str()), true)
            }
        }
    }

    /// Stops every server (the app is quitting).
    pub async fn stop_all(&self) {
        self.mcp.stop_all().await;
    }
}

fn class_of(kind: hearth_tools::ToolKind) -> ToolClass {
    match kind {
        hearth_tools::ToolKind::ReadOnly => ToolClass::ReadOnly,
        hearth_tools::ToolKind::Write => ToolClass::Write,
        hearth_tools::ToolKind::Shell => ToolClass::Shell,
        hearth_tools::ToolKind::Network => ToolClass::Network,
    }
}

fn class_name(class: ToolClass) -> &'static str {
    match class {
        ToolClass::ReadOnly => "read_only",
        ToolClass::Write => "write",
        ToolClass::Shell => "shell",
        ToolClass::Network => "network",
        ToolClass::Mcp => "mcp",
        ToolClass::Memory => "memory",
    }
}

/// The class of a tool by name, from what was offered (an unknown one is treated as MCP: it
/// asks).
pub fn class_in(offered: &[Offered], name: &str) -> ToolClass {
    offered.iter().find(|o| o.spec.name == name).map_or(ToolClass::Mcp, |o| o.class)
}
