//! `events`: the durable frame log, keyed by (session_id, seq). Only the writer appends.

pub const MIGRATION_1: &str = "
CREATE TABLE events (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL CHECK (seq > 0),
    run_id     TEXT,
    ts         INTEGER NOT NULL,
    type       TEXT NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;
";
