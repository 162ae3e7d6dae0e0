//! The engine's sessions: list, search, create, change, delete and restore, export and import.

use crate::Engine;
use crate::error::{ApiError, ErrorCode, Result};
use crate::store::sessions::{CreateSession, ListSessions, Session, SessionPage, UpdateSession};
use crate::store::{self};
use crate::{paths, transfer};

impl Engine {
    // ---- sessions -------------------------------------------------------------------------

    pub fn list_sessions(&self, req: &ListSessions) -> Result<SessionPage> {
        Ok(self.shared.store.list_sessions(req)?)
    }

    /// Full-text search over every chat's messages, tool inputs and tool outputs.
    pub fn search(&self, req: &store::search::SearchQuery) -> Result<store::search::SearchResults> {
        Ok(self.shared.store.read(|conn| store::search::search(conn, req))?)
    }

    /// A chat as Markdown (to read) or as a JSON document (to import again).
    pub fn export_session(&self, id: &str, format: transfer::ExportFormat) -> Result<String> {
        let store = &self.shared.store;
        match format {
            transfer::ExportFormat::Md => transfer::export_markdown(store, id),
            transfer::ExportFormat::Json => {
                let doc = transfer::export_json(store, id)?;
                serde_json::to_string_pretty(&doc)
                    .map_err(|e| ApiError::new(ErrorCode::Internal, format!("export: {e}")))
            }
        }
    }

    /// Saves a chat's export in the exports folder (`paths::export_dir`); returns the file.
    pub fn save_export(&self, id: &str, format: transfer::ExportFormat) -> Result<String> {
        let body = self.export_session(id, format)?;
        let title = self.get_session(id)?.title;
        let path = transfer::save(&paths::export_dir(), &title, format, &body)?;
        tracing::info!(session = %id, path = %path.display(), "chat exported");
        Ok(path.display().to_string())
    }

    /// A new chat from an exported JSON document.
    pub fn import_session(&self, doc: &transfer::SessionDocument) -> Result<Session> {
        let session = transfer::import(&self.shared.store, doc)?;
        tracing::info!(session = %session.id, messages = doc.messages.len(), "chat imported");
        self.shared.writer.bus().session_changed(&session.id);
        Ok(session)
    }

    /// A new chat. A runtime other than `hearth` needs its CLI (found and new enough:
    /// `RUNTIME_NOT_FOUND` otherwise) and a workspace; nothing is stored when either is missing.
    pub fn create_session(&self, req: &CreateSession) -> Result<Session> {
        let runtime = req.runtime.unwrap_or_default();
        if runtime.is_external() {
            // The cheap checks first: a bad workspace is refused without starting the CLI.
            if let Some(w) = &req.workspace
                && !std::path::Path::new(w).is_dir()
            {
                return Err(ApiError::new(
                    ErrorCode::InvalidWorkspace,
                    format!("the workspace must be an existing absolute directory; got {w:?}"),
                ));
            }
            if req.workspace.is_none() {
                return Err(ApiError::new(
                    ErrorCode::InvalidWorkspace,
                    format!(
                        "a {} session needs a workspace: the folder its agent works in",
                        runtime.as_str()
                    ),
                ));
            }
            crate::runtimes::check_available(runtime, &self.shared.settings())?;
            if let Some(model) = &req.model {
                self.check_runtime_model(runtime, model)?;
            }
        }
        let session = self.shared.store.create_session(req)?;
        tracing::info!(session = %session.id, runtime = runtime.as_str(), "session created");
        self.shared.writer.bus().session_changed(&session.id);
        Ok(session)
    }

    /// A runtime CLI can serve only some models: Claude Code an Anthropic account's, Codex
    /// an OpenAI or OpenAI-compatible account's (through the Responses API).
    fn check_runtime_model(&self, runtime: crate::RuntimeKind, model: &str) -> Result<()> {
        use store::accounts::AccountKind;
        if !runtime.is_external() {
            return Ok(());
        }
        let account = model.split_once('/').map_or(model, |(a, _)| a);
        let claude = runtime == crate::RuntimeKind::ClaudeCode;
        match self.shared.accounts.credentials(account) {
            Some((kind, ..)) if claude == (kind == AccountKind::Anthropic) => Ok(()),
            Some(_) if claude => Err(ApiError::new(
                ErrorCode::InvalidModel,
                format!(
                    "Claude Code speaks only Anthropic's API; {account:?} is not an Anthropic account"
                ),
            )),
            Some(_) => Err(ApiError::new(
                ErrorCode::InvalidModel,
                format!("Codex speaks OpenAI's Responses API; {account:?} is an Anthropic account"),
            )),
            None => Err(ApiError::new(
                ErrorCode::InvalidModel,
                format!("there is no account {account:?}"),
            )),
        }
    }

    pub fn get_session(&self, id: &str) -> Result<Session> {
        Ok(self.shared.store.get_session(id)?)
    }

    pub fn update_session(&self, id: &str, patch: &UpdateSession) -> Result<Session> {
        if let Some(model) = patch.model.as_deref().filter(|m| !m.is_empty()) {
            let runtime = self.shared.store.get_session(id)?.runtime;
            self.check_runtime_model(runtime, model)?;
        }
        let session = self.shared.store.update_session(id, patch)?;
        self.shared.writer.bus().session_changed(id);
        Ok(session)
    }

    pub fn delete_session(&self, id: &str) -> Result<Session> {
        let session = self.shared.store.delete_session(id)?;
        tracing::info!(session = %id, "session deleted (soft)");
        self.shared.writer.bus().session_changed(id);
        Ok(session)
    }

    pub fn restore_session(&self, id: &str) -> Result<Session> {
        let session = self.shared.store.restore_session(id)?;
        self.shared.writer.bus().session_changed(id);
        Ok(session)
    }
}
