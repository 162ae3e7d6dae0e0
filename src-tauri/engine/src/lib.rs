//! Hearth's engine: everything the app does, without a window.
//!
//! Owns: the SQLite store and its migrations, sessions, the error codes every front door
//! returns, and the types shared with the webview (exported to TypeScript with ts-rs).
//! Must never: depend on `tauri` or any UI toolkit, print a secret, or do IO on behalf of a
//! window that the window could lose (runs belong to the engine).

pub mod bindings;
pub mod error;
pub mod logging;
pub mod paths;
pub mod store;

use std::path::Path;

pub use error::{ApiError, ErrorCode, Result};
pub use store::sessions::{CreateSession, ListSessions, Session, SessionPage, UpdateSession};
pub use store::{Store, StoreOptions};

/// The engine: a cloneable-by-`Arc` handle that the shell, the HTTP API and tests share.
pub struct Engine {
    store: Store,
}

impl Engine {
    /// Opens (creating and migrating if needed) the store in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Engine> {
        Engine::open_with(data_dir, StoreOptions::default())
    }

    pub fn open_with(data_dir: &Path, options: StoreOptions) -> Result<Engine> {
        let store = Store::open(data_dir, options)?;
        tracing::info!(db = %store.db_path().display(), "engine ready");
        Ok(Engine { store })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn list_sessions(&self, req: &ListSessions) -> Result<SessionPage> {
        self.store.list_sessions(req)
    }

    pub fn create_session(&self, req: &CreateSession) -> Result<Session> {
        let session = self.store.create_session(req)?;
        tracing::info!(session = %session.id, "session created");
        Ok(session)
    }

    pub fn get_session(&self, id: &str) -> Result<Session> {
        self.store.get_session(id)
    }

    pub fn update_session(&self, id: &str, patch: &UpdateSession) -> Result<Session> {
        self.store.update_session(id, patch)
    }

    pub fn delete_session(&self, id: &str) -> Result<Session> {
        let session = self.store.delete_session(id)?;
        tracing::info!(session = %id, "session deleted (soft)");
        Ok(session)
    }

    pub fn restore_session(&self, id: &str) -> Result<Session> {
        self.store.restore_session(id)
    }
}
