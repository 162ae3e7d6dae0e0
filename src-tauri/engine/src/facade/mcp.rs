//! MCP servers: the tools a chat offers, and the servers behind them (secrets to the keyring).

use crate::Engine;
use crate::error::{ApiError, ErrorCode, Result};
use crate::store::{self};
use crate::{secrets, tools};

impl Engine {
    // ---- MCP servers -----------------------------------------------------------------------

    pub fn mcp_servers(&self) -> Vec<tools::McpServerInfo> {
        self.shared.tools.servers()
    }

    /// Adds a server (not started until a chat needs it, or "Test"); its secrets go to the
    /// keyring first, and are removed again if the row cannot be written.
    pub async fn add_mcp_server(
        &self,
        new: &store::mcp_servers::NewMcpServer,
    ) -> Result<tools::McpServerInfo> {
        let secrets = new.secrets.clone().unwrap_or_default();
        let row = store::mcp_servers::McpServerRow {
            name: new.name.clone(),
            transport: new.transport.clone(),
            enabled: new.enabled.unwrap_or(true),
            secret_keys: secrets.keys().cloned().collect(),
        };
        self.check_mcp_server(&row, &secrets)?;
        if self.shared.store.read(|c| store::mcp_servers::get(c, &row.name))?.is_some() {
            return Err(invalid_mcp(format!("there is already a server named {:?}", row.name)));
        }
        self.save_mcp_server(&row, Some(&secrets), &[]).await
    }

    pub async fn update_mcp_server(
        &self,
        name: &str,
        patch: &store::mcp_servers::McpServerPatch,
    ) -> Result<tools::McpServerInfo> {
        let before = self.mcp_server_row(name)?;
        let mut row = before.clone();
        if let Some(enabled) = patch.enabled {
            row.enabled = enabled;
        }
        if let Some(transport) = &patch.transport {
            row.transport = transport.clone();
        }
        if let Some(secrets) = &patch.secrets {
            row.secret_keys = secrets.keys().cloned().collect();
        }
        let empty = std::collections::BTreeMap::new();
        self.check_mcp_server(&row, patch.secrets.as_ref().unwrap_or(&empty))?;
        self.save_mcp_server(&row, patch.secrets.as_ref(), &before.secret_keys).await
    }

    pub async fn remove_mcp_server(&self, name: &str) -> Result<()> {
        let row = self.mcp_server_row(name)?;
        self.shared.store.write(|tx| store::mcp_servers::delete(tx, name))?;
        for key in &row.secret_keys {
            let _ = secrets::delete_secret(&tools::secret_name(name, key));
        }
        let rows = self.shared.store.read(store::mcp_servers::all)?;
        self.shared.tools.set_servers(rows).await;
        tracing::info!(server = %name, "MCP server removed");
        Ok(())
    }

    /// Starts the server now and lists its tools.
    pub async fn test_mcp_server(&self, name: &str) -> Result<tools::McpServerInfo> {
        let row = self.mcp_server_row(name)?;
        Ok(self.shared.tools.test(&row).await)
    }

    fn mcp_server_row(&self, name: &str) -> Result<store::mcp_servers::McpServerRow> {
        self.shared.store.read(|c| store::mcp_servers::get(c, name))?.ok_or_else(|| {
            ApiError::new(ErrorCode::McpServerNotFound, format!("no MCP server {name:?}"))
        })
    }

    fn check_mcp_server(
        &self,
        row: &store::mcp_servers::McpServerRow,
        secrets: &std::collections::BTreeMap<String, String>,
    ) -> Result<()> {
        self.shared.tools.validate(row).map_err(invalid_mcp)?;
        for (key, value) in secrets {
            let bad_key = key.is_empty()
                || key.len() > 128
                || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if bad_key || value.is_empty() || value.len() > 8192 || value.contains('\0') {
                return Err(invalid_mcp(format!(
                    "secret {key:?} needs a name of letters, digits, `_` or `-` and a value"
                )));
            }
        }
        Ok(())
    }

    /// Writes the secrets (when given) and the row, then tells the tools.
    async fn save_mcp_server(
        &self,
        row: &store::mcp_servers::McpServerRow,
        secrets: Option<&std::collections::BTreeMap<String, String>>,
        old_keys: &[String],
    ) -> Result<tools::McpServerInfo> {
        if let Some(secrets) = secrets {
            for (key, value) in secrets {
                secrets::set_secret(&tools::secret_name(&row.name, key), value)?;
            }
            for key in old_keys.iter().filter(|k| !secrets.contains_key(*k)) {
                let _ = secrets::delete_secret(&tools::secret_name(&row.name, key));
            }
        }
        let now = self.shared.store.now();
        self.shared.store.write(|tx| store::mcp_servers::upsert(tx, row, now))?;
        let rows = self.shared.store.read(store::mcp_servers::all)?;
        self.shared.tools.set_servers(rows).await;
        tracing::info!(server = %row.name, enabled = row.enabled, "MCP server saved");
        Ok(self.shared.tools.info(row))
    }
}

pub(crate) fn invalid_mcp(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidMcpServer, message)
}

impl Engine {}
