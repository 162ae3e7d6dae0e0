//! `runs`: one row per agent turn, from queued to a terminal status.

pub const MIGRATION_1: &str = "
CREATE TABLE runs (
    id            TEXT PRIMARY KEY NOT NULL,
    session_id    TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    status        TEXT NOT NULL CHECK (status IN
                    ('queued', 'running', 'done', 'error', 'aborted', 'interrupted')),
    priority      TEXT NOT NULL DEFAULT 'later' CHECK (priority IN ('now', 'next', 'later')),
    queue_order   INTEGER,
    model         TEXT,
    error_code    TEXT,
    error_message TEXT,
    usage         TEXT,
    created_at    INTEGER NOT NULL,
    started_at    INTEGER,
    ended_at      INTEGER
);
CREATE INDEX runs_by_session_status ON runs (session_id, status);
";
