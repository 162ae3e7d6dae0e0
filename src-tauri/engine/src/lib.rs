//! Hearth's engine: everything the app does, without a window.
//!
//! Owns: the SQLite store and its migrations, sessions, the durable turn pipeline (session
//! actors → runs → writer → event log → live bus → subscribers), providers, the error codes
//! every front door returns, and the types shared with the webview (exported with ts-rs).
//! Must never: depend on `tauri` or any UI toolkit, print a secret, or let a window own a run
//! (runs belong to the engine, so they outlive every window and connection).

pub mod accounts;
pub mod actor;
pub mod agent;
pub mod assemble;
pub mod attach;
pub mod background;
pub mod bindings;
pub mod chat;
pub mod error;
pub mod frames;
pub mod inbox;
pub mod local;
pub mod logging;
pub mod memory;
pub mod models;
mod pairs;
pub mod paths;
pub mod policy;
pub mod presets;
pub mod provider;
mod repair;
mod run;
pub mod schedules;
pub mod secrets;
pub mod store;
pub mod subscribe;
pub mod sweep;
mod title;
pub mod tools;
pub mod transfer;
pub mod usage;
pub mod writer;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;

pub use chat::{History, SendMessage, SendReceipt, SteerMode, SteerReceipt, SubscribeSnapshot};
pub use error::{ApiError, ErrorCode, Result};
pub use frames::{Frame, FrameBody};
pub use store::sessions::{CreateSession, ListSessions, Session, SessionPage, UpdateSession};
pub use store::{Store, StoreOptions};
pub use subscribe::Subscription;

use actor::{ActorHandle, Cmd};
use store::messages;
use writer::Writer;

/// State shared by the engine, its actors and its runs.
/// Where a run waits for an approval's answer: (approval id, answer).
pub(crate) type ApprovalSender =
    tokio::sync::mpsc::UnboundedSender<(String, store::approvals::ApprovalAnswer)>;

pub(crate) struct Shared {
    pub store: Arc<Store>,
    pub writer: Writer,
    pub accounts: accounts::Accounts,
    pub runtime: tokio::runtime::Handle,
    actors: Mutex<HashMap<String, ActorHandle>>,
    /// Set by [`Engine::shutdown`]: runs cut now end `interrupted`, queued ones stay queued.
    pub shutting_down: std::sync::atomic::AtomicBool,
    /// Title sessions after their first reply (`HEARTH_AUTO_TITLE=0` turns it off whatever
    /// the setting says).
    pub auto_title: bool,
    /// The user's settings, as last written.
    pub settings: std::sync::RwLock<store::settings::Settings>,
    pub tools: tools::Tools,
    /// Runs waiting for an approval's answer, by approval id.
    approvals: Mutex<HashMap<String, ApprovalSender>>,
    /// Wakes the scheduler when schedules change.
    pub schedules_changed: tokio::sync::Notify,
    /// Cancelled when the engine is dropped: the background loops stop.
    pub stopped: tokio_util::sync::CancellationToken,
}

impl Shared {
    pub(crate) fn waiting_approvals(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, ApprovalSender>> {
        self.approvals.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn settings(&self) -> store::settings::Settings {
        self.settings.read().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Shared {
    /// The session's actor, started (from the store) if it is not running.
    fn actor(self: &Arc<Self>, session_id: &str) -> Result<ActorHandle> {
        let mut actors = self.actors.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(handle) = actors.get(session_id).filter(|h| !h.tx.is_closed()) {
            return Ok(handle.clone());
        }
        let handle = actor::spawn(self.clone(), session_id)?;
        actors.insert(session_id.to_owned(), handle.clone());
        Ok(handle)
    }

    /// Sends a command to the session's actor and waits for its answer.
    async fn ask<T>(
        self: &Arc<Self>,
        session_id: &str,
        make: impl Fn(oneshot::Sender<T>) -> Cmd,
    ) -> Result<T> {
        self.store.get_session(session_id)?; // unknown or deleted: SESSION_NOT_FOUND
        for _ in 0..2 {
            let (reply, answer) = oneshot::channel();
            // A closed mailbox means the actor just went idle: start a fresh one and ask again.
            if self.actor(session_id)?.tx.send(make(reply)).is_ok()
                && let Ok(value) = answer.await
            {
                return Ok(value);
            }
        }
        Err(ApiError::new(ErrorCode::Internal, "the session's actor did not answer"))
    }

    pub(crate) async fn send(
        self: &Arc<Self>,
        session_id: &str,
        req: SendMessage,
    ) -> Result<SendReceipt> {
        self.ask(session_id, |reply| Cmd::Send { req: req.clone(), reply }).await?
    }
}

impl Shared {
    /// One write transaction off the async threads; `f` gets it and the store's clock.
    pub(crate) async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>, i64) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let store = self.store.clone();
        blocking(move || {
            let now = store.now();
            store.write(|tx| f(tx, now))
        })
        .await
    }

    /// A read off the async threads.
    pub(crate) async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&rusqlite::Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let store = self.store.clone();
        blocking(move || store.read(f)).await
    }

    pub(crate) fn drop_actor(&self, session_id: &str) {
        self.actors.lock().unwrap_or_else(|p| p.into_inner()).remove(session_id);
    }
}

/// Runs blocking store work off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("a storage task failed: {e}")))?
}

/// How to open the engine: store options, model accounts, auto-title.
pub struct EngineOptions {
    pub store: StoreOptions,
    pub accounts: accounts::AccountsConfig,
    /// Title sessions after their first reply with the session's model.
    pub auto_title: bool,
    /// Run the scheduler and the hourly sweep (tests that move the clock by hand turn this off
    /// and call [`Engine::run_due_schedules`] and [`Engine::sweep`] themselves).
    pub background: bool,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            store: StoreOptions::default(),
            accounts: Default::default(),
            auto_title: true,
            background: true,
        }
    }
}

impl EngineOptions {
    /// Defaults, with accounts and the auto-title setting (`HEARTH_AUTO_TITLE=0` turns it
    /// off) from the environment.
    pub fn from_env() -> EngineOptions {
        EngineOptions {
            store: StoreOptions::default(),
            accounts: accounts::AccountsConfig::from_env(),
            auto_title: std::env::var("HEARTH_AUTO_TITLE")
                .map_or(true, |v| v != "0" && v != "false"),
            background: true,
        }
    }
}

impl From<StoreOptions> for EngineOptions {
    fn from(store: StoreOptions) -> Self {
        EngineOptions { store, ..EngineOptions::from_env() }
    }
}

fn invalid_mcp(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidMcpServer, message)
}

/// The engine: shared by the shell, the HTTP API and tests (behind an `Arc`).
pub struct Engine {
    shared: Arc<Shared>,
    /// When no tokio runtime was running at `open`, the engine brings its own.
    _own_runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Engine {
    /// Commits what is queued, stops the writer and releases the data dir, so a new engine
    /// (or process) can open it at once.
    fn drop(&mut self) {
        self.shared.stopped.cancel();
        self.shared.writer.shutdown();
        self.shared.store.release_lock();
    }
}

impl Engine {
    /// Opens (creating and migrating if needed) the store in `data_dir`, repairs runs a dead
    /// process left `running`, and resumes queued sends.
    pub fn open(data_dir: &Path) -> Result<Engine> {
        Engine::open_with(data_dir, EngineOptions::from_env())
    }

    pub fn open_with(data_dir: &Path, options: impl Into<EngineOptions>) -> Result<Engine> {
        let options = options.into();
        let store = Arc::new(Store::open(data_dir, options.store)?);
        let (runtime, own_runtime) = match tokio::runtime::Handle::try_current() {
            Ok(handle) => (handle, None),
            Err(_) => {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("hearth-engine")
                    .enable_all()
                    .build()
                    .map_err(|e| {
                        ApiError::new(ErrorCode::Internal, format!("cannot start the runtime: {e}"))
                    })?;
                (rt.handle().clone(), Some(rt))
            }
        };
        let writer = Writer::start(store.clone());
        repair::interrupted_runs(&store, &writer)?;
        let stored_accounts = store.read(store::accounts::all)?;
        let settings = store.read(store::settings::load)?;
        let mcp_servers = store.read(store::mcp_servers::all)?;
        let shared = Arc::new(Shared {
            store,
            writer,
            accounts: accounts::Accounts::new(&options.accounts, stored_accounts),
            runtime,
            actors: Mutex::new(HashMap::new()),
            shutting_down: std::sync::atomic::AtomicBool::new(false),
            auto_title: options.auto_title,
            settings: std::sync::RwLock::new(settings),
            tools: tools::Tools::new(
                mcp_servers,
                Box::new(|name| secrets::secret(name).ok().flatten()),
            ),
            approvals: Mutex::new(HashMap::new()),
            schedules_changed: tokio::sync::Notify::new(),
            stopped: tokio_util::sync::CancellationToken::new(),
        });
        shared.tools.remember_in(shared.store.clone());
        let engine = Engine { shared, _own_runtime: own_runtime };
        for session_id in engine.shared.store.read(store::runs::sessions_with_queue)? {
            engine.actor(&session_id)?;
        }
        if options.background {
            background::start(&engine.shared);
        }
        tracing::info!(db = %engine.shared.store.db_path().display(), "engine ready");
        Ok(engine)
    }

    pub fn store(&self) -> &Store {
        &self.shared.store
    }

    // ---- sessions -------------------------------------------------------------------------

    pub fn list_sessions(&self, req: &ListSessions) -> Result<SessionPage> {
        self.shared.store.list_sessions(req)
    }

    /// Full-text search over every chat's messages, tool inputs and tool outputs.
    pub fn search(&self, req: &store::search::SearchQuery) -> Result<store::search::SearchResults> {
        self.shared.store.read(|conn| store::search::search(conn, req))
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

    pub fn create_session(&self, req: &CreateSession) -> Result<Session> {
        let session = self.shared.store.create_session(req)?;
        tracing::info!(session = %session.id, "session created");
        self.shared.writer.bus().session_changed(&session.id);
        Ok(session)
    }

    pub fn get_session(&self, id: &str) -> Result<Session> {
        self.shared.store.get_session(id)
    }

    pub fn update_session(&self, id: &str, patch: &UpdateSession) -> Result<Session> {
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

    // ---- turns ----------------------------------------------------------------------------

    fn actor(&self, session_id: &str) -> Result<ActorHandle> {
        self.shared.actor(session_id)
    }

    async fn ask<T>(
        &self,
        session_id: &str,
        make: impl Fn(oneshot::Sender<T>) -> Cmd,
    ) -> Result<T> {
        self.shared.ask(session_id, make).await
    }

    /// Commits the user message (idempotent on `client_msg_id`) and queues its run; returns
    /// once it is durable.
    pub async fn send(&self, session_id: &str, req: SendMessage) -> Result<SendReceipt> {
        self.shared.send(session_id, req).await
    }

    /// A new version of a user message; the old one and what followed stay as a branch.
    pub async fn edit_message(
        &self,
        session_id: &str,
        message_id: &str,
        text: &str,
    ) -> Result<SendReceipt> {
        if text.len() > actor::MAX_TEXT_BYTES {
            return Err(ApiError::new(ErrorCode::MessageTooLong, "the message is over 1 MB"));
        }
        let edit =
            |reply| Cmd::Edit { message_id: message_id.to_owned(), text: text.to_owned(), reply };
        self.ask(session_id, edit).await?
    }

    /// A new reply to what `message_id` (a reply) answered; the old one stays as a branch.
    pub async fn regenerate(&self, session_id: &str, message_id: &str) -> Result<SendReceipt> {
        self.ask(session_id, |reply| Cmd::Regenerate { message_id: message_id.to_owned(), reply })
            .await?
    }

    /// Shows the version `message_id` of a message, and the branch that follows it.
    pub async fn switch_branch(&self, session_id: &str, message_id: &str) -> Result<()> {
        self.ask(session_id, |reply| Cmd::SwitchBranch { message_id: message_id.to_owned(), reply })
            .await?
    }

    /// Re-runs the last user message after a failed or interrupted reply.
    pub async fn retry(&self, session_id: &str) -> Result<SendReceipt> {
        self.ask(session_id, |reply| Cmd::Retry { reply }).await?
    }

    pub async fn steer(&self, session_id: &str, text: &str) -> Result<SteerReceipt> {
        let mode =
            self.ask(session_id, |reply| Cmd::Steer { text: text.to_owned(), reply }).await??;
        Ok(SteerReceipt { mode })
    }

    /// Stops the running run; waits (at most a second) until it has ended. False when idle.
    pub async fn abort(&self, session_id: &str) -> Result<bool> {
        let answer = self.ask(session_id, |reply| Cmd::Abort { reply });
        match tokio::time::timeout(Duration::from_secs(1), answer).await {
            Ok(result) => result,
            Err(_) => Ok(true), // cancelled; the run's last frames are still being written
        }
    }

    pub async fn clear_queue(&self, session_id: &str) -> Result<usize> {
        self.ask(session_id, |reply| Cmd::ClearQueue { reply }).await?
    }

    /// The conversation (`limit` latest messages, before the message `before`) and its
    /// watermark.
    pub fn history(
        &self,
        session_id: &str,
        limit: Option<u32>,
        before: Option<&str>,
    ) -> Result<History> {
        let limit = match limit {
            None => 200,
            Some(n @ 1..=1000) => n as usize,
            Some(n) => {
                return Err(ApiError::new(
                    ErrorCode::InvalidLimit,
                    format!("limit must be between 1 and 1000; got {n}"),
                ));
            }
        };
        self.shared.store.get_session(session_id)?;
        self.shared.store.read(|conn| {
            let before = match before {
                None => None,
                Some(id) => Some(messages::ordinal_of(conn, id)?.ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::InvalidInput,
                        format!("no message {id:?} in this session's history"),
                    )
                })?),
            };
            // One read transaction: the watermark matches the messages.
            let tx = conn.unchecked_transaction()?;
            let watermark = messages::watermark(&tx, session_id)?;
            let (mut messages, has_more) = messages::timeline(&tx, session_id, limit, before)?;
            for m in &mut messages {
                m.branch = store::branches::info(&tx, session_id, &m.id)?;
            }
            tx.finish()?;
            Ok(History { messages, watermark, has_more })
        })
    }

    /// The session's state now, and every frame with `seq > after_seq`, exactly once, in order.
    pub async fn subscribe(
        &self,
        session_id: &str,
        after_seq: i64,
    ) -> Result<(SubscribeSnapshot, Subscription)> {
        let session = self.shared.store.get_session(session_id)?;
        if after_seq < 0 || after_seq > session.last_seq {
            return Err(ApiError::new(
                ErrorCode::SeqOutOfRange,
                format!(
                    "after_seq must be between 0 and the session's last seq {}; got {after_seq}",
                    session.last_seq
                ),
            ));
        }
        let (phase, running_run_id, queue) =
            self.ask(session_id, |reply| Cmd::Snapshot { reply }).await?;
        let subscription =
            subscribe::start(self.shared.store.clone(), &self.shared.writer, session_id, after_seq);
        let pending_approvals = self
            .shared
            .store
            .read(|conn| store::approvals::pending_for_session(conn, session_id))?;
        let snapshot = SubscribeSnapshot {
            session_id: session_id.to_owned(),
            phase,
            running_run_id,
            queue,
            pending_approvals,
            last_seq: session.last_seq,
        };
        Ok((snapshot, subscription))
    }

    // ---- approvals and rules ---------------------------------------------------------------

    /// Answers a pending approval: recorded (with the rule it makes, if it is remembered)
    /// before the waiting run hears of it. A second answer, or one for an expired approval,
    /// gets `APPROVAL_NOT_FOUND` and changes nothing.
    pub fn answer_approval(
        &self,
        approval_id: &str,
        answer: &store::approvals::ApprovalAnswer,
    ) -> Result<()> {
        if let Some(m) = &answer.message
            && m.chars().count() > 10_000
        {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "the message is over 10,000 characters",
            ));
        }
        if let Some(p) = &answer.pattern {
            if answer.remember != Some(store::approvals::Remember::Always) {
                return Err(ApiError::new(
                    ErrorCode::InvalidInput,
                    "a pattern goes with remember: \"always\"",
                ));
            }
            policy::validate_pattern(p).map_err(|m| ApiError::new(ErrorCode::InvalidRule, m))?;
        }
        let now = self.shared.store.now();
        let not_found = || {
            ApiError::new(
                ErrorCode::ApprovalNotFound,
                format!(
                    "no approval {approval_id:?} is waiting (answered already, or its run ended)"
                ),
            )
        };
        self.shared.store.write(|tx| {
            let approval = store::approvals::pending(tx, approval_id)?.ok_or_else(not_found)?;
            if !store::approvals::resolve(tx, approval_id, answer, now)? {
                return Err(not_found());
            }
            if let Some(remember) = answer.remember {
                let rule = policy::Rule {
                    id: uuid::Uuid::now_v7().to_string(),
                    tool: approval.tool.clone(),
                    pattern: answer.pattern.clone(),
                    decision: if answer.allow {
                        policy::Decision::Allow
                    } else {
                        policy::Decision::Deny
                    },
                    session_id: (remember == store::approvals::Remember::Session)
                        .then(|| approval.session_id.clone()),
                    created_at: now,
                };
                store::rules::insert(tx, &rule)?;
            }
            Ok(())
        })?;
        if let Some(run) = self.shared.waiting_approvals().remove(approval_id) {
            let _ = run.send((approval_id.to_owned(), answer.clone()));
        }
        Ok(())
    }

    /// Every permission rule, newest first.
    pub fn rules(&self) -> Result<Vec<policy::Rule>> {
        self.shared.store.read(store::rules::all)
    }

    pub fn add_rule(&self, new: &store::rules::NewRule) -> Result<policy::Rule> {
        let invalid = |m: String| ApiError::new(ErrorCode::InvalidRule, m);
        policy::validate_tool(new.tool.trim()).map_err(invalid)?;
        if let Some(p) = &new.pattern {
            policy::validate_pattern(p).map_err(invalid)?;
        }
        let pattern = new.pattern.as_deref().map(str::trim);
        let rule = policy::Rule {
            id: uuid::Uuid::now_v7().to_string(),
            tool: new.tool.trim().to_owned(),
            pattern: pattern.map(str::to_owned),
            decision: new.decision,
            session_id: None,
            created_at: self.shared.store.now(),
        };
        self.shared.store.write(|tx| store::rules::insert(tx, &rule))?;
        Ok(rule)
    }

    /// Revokes a rule: the next call it covered is decided without it.
    pub fn remove_rule(&self, rule_id: &str) -> Result<()> {
        if self.shared.store.write(|tx| store::rules::delete(tx, rule_id))? {
            Ok(())
        } else {
            Err(ApiError::new(ErrorCode::RuleNotFound, format!("no rule {rule_id:?}")))
        }
    }

    /// The tools a chat offers its model, with the policy that applies when no rule does.
    pub async fn tools(&self) -> Vec<tools::ToolInfo> {
        self.shared.tools.infos().await
    }

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
            return Err(e);
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
            return Err(e);
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
        self.shared.store.read(|conn| prices.session(conn, session_id))
    }

    /// Tokens and cost per account, over every run.
    pub fn usage_by_account(&self) -> Result<Vec<usage::AccountUsage>> {
        let prices = usage::Prices::bundled();
        self.shared.store.read(|conn| prices.by_account(conn))
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

    /// Stops for good: runs in flight end `interrupted` (their partial replies kept), queued
    /// sends stay queued for the next start, and every frame is committed.
    pub async fn shutdown(&self) {
        self.shared.shutting_down.store(true, std::sync::atomic::Ordering::SeqCst);
        let actors: Vec<ActorHandle> = self
            .shared
            .actors
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect();
        let mut waits = Vec::new();
        for actor in actors {
            let (reply, answer) = oneshot::channel();
            if actor.tx.send(Cmd::Abort { reply }).is_ok() {
                waits.push(answer);
            }
        }
        let all = futures_util::future::join_all(waits);
        let _ = tokio::time::timeout(Duration::from_secs(3), all).await;
        let _ = tokio::time::timeout(Duration::from_secs(3), self.shared.tools.stop_all()).await;
        let writer = self.shared.writer.clone();
        let _ = tokio::task::spawn_blocking(move || writer.shutdown()).await;
    }

    /// Waits until every frame produced so far is committed (tests and shutdown).
    pub async fn flush(&self, session_id: &str) -> Result<i64> {
        self.shared.writer.flush(session_id).await
    }
}
