//! Chats: list, make, change, delete and restore them; search, export and import them.

use hearth_engine::store::search::{SearchQuery, SearchResults};
use hearth_engine::store::sessions::{
    CreateSession, ListSessions, Session, SessionPage, UpdateSession,
};
use hearth_engine::transfer::{ExportFormat, SessionDocument};

use super::declare::operations;
use super::schema::BodyLimit;

/// The largest `POST /v1/import` body: an export carries its images.
pub const IMPORT_LIMIT_BYTES: usize = 256 * 1024 * 1024;

operations! {
    area: sessions, "Sessions";

    /// A page of chats, pinned first, then by last activity; `q` keeps those whose title
    /// has it. `next_cursor` asks for the next page.
    session_list {
        ipc(req: ListSessions) -> SessionPage;
        http GET "/v1/sessions"
            query(limit: Option<u32>, cursor: Option<String>, q: Option<String>)
            => 200 json(SessionPage);
        errors(InvalidLimit, InvalidCursor, InvalidInput);
    }

    /// A new chat. Without `system_prompt` it takes the preset marked `for_new_chats`.
    /// `runtime` other than `hearth` needs a `workspace` (an existing directory) and its CLI:
    /// a missing or too old one is `RUNTIME_NOT_FOUND` (found and wanted versions in the
    /// message); its `model`, when given, must be one the CLI can serve (Claude Code: an
    /// Anthropic account's; Codex: an OpenAI or OpenAI-compatible account's) or it is
    /// `INVALID_MODEL`.
    session_create {
        ipc(req: CreateSession) -> Session;
        http POST "/v1/sessions" body json(CreateSession) => 201 json(Session);
        errors(InvalidTitle, InvalidModel, InvalidWorkspace, RuntimeNotFound, InvalidInput);
    }

    /// One chat, with its `status`, `queue_depth` and `last_seq`.
    session_get {
        ipc(session_id: String) -> Session;
        http GET "/v1/sessions/{id}" => 200 json(Session);
        errors(SessionNotFound);
    }

    /// Changes a chat's title, pin, model, prompt and run settings; absent fields stay.
    session_update {
        ipc(session_id: String, patch: UpdateSession) -> Session;
        http PATCH "/v1/sessions/{id}" body json(UpdateSession) => 200 json(Session);
        errors(SessionNotFound, InvalidTitle, InvalidModel, InvalidWorkspace, WorkspaceFixed, InvalidInput);
    }

    /// Soft delete: the chat leaves the list until `session_restore`. Over IPC it answers the
    /// chat, `deleted_at` set.
    session_delete {
        ipc(session_id: String) -> Session;
        http DELETE "/v1/sessions/{id}" => 204 empty;
        errors(SessionNotFound);
    }

    /// Undoes a soft delete.
    session_restore {
        ipc(session_id: String) -> Session;
        http POST "/v1/sessions/{id}/restore" => 200 json(Session);
        errors(SessionNotFound);
    }

    /// Full-text search over every chat's messages, tool inputs and tool outputs, best first.
    /// Every word is a prefix (a single letter a whole word), all words required.
    search {
        ipc(req: SearchQuery) -> SearchResults;
        http GET "/v1/search"
            query(q: String, limit: Option<u32>, session_id: Option<String>)
            => 200 json(SearchResults);
        errors(InvalidLimit, InvalidInput);
    }

    /// A chat as Markdown (to read) or as a JSON document `hearth.session` (lossless, images
    /// in base64, to import again). Over HTTP `format` is `md` (the default) or `json`.
    session_export {
        ipc(session_id: String, format: ExportFormat) -> String;
        http GET "/v1/sessions/{id}/export" query(format: Option<ExportFormat>) => 200 text;
        errors(SessionNotFound, InvalidInput);
    }

    /// Saves a chat's export in the Downloads folder; answers the file's path.
    session_export_save {
        ipc(session_id: String, format: ExportFormat) -> String;
        errors(SessionNotFound, InvalidInput);
    }

    /// A new chat (fresh ids) from an exported JSON document.
    session_import {
        ipc(doc: SessionDocument) -> Session;
        http POST "/v1/import"
            body json(SessionDocument)
            limit(BodyLimit::Max(IMPORT_LIMIT_BYTES))
            => 201 json(Session);
        errors(InvalidInput);
    }
}
