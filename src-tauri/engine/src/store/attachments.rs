//! `attachments`: metadata of content-addressed files stored beside the database.

pub const MIGRATION_1: &str = "
CREATE TABLE attachments (
    id         TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    message_id TEXT REFERENCES messages(id) ON DELETE CASCADE,
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
    mime       TEXT NOT NULL,
    name       TEXT,
    size       INTEGER NOT NULL CHECK (size >= 0),
    created_at INTEGER NOT NULL
);
CREATE INDEX attachments_by_session ON attachments (session_id);
CREATE INDEX attachments_by_hash ON attachments (sha256);
";
