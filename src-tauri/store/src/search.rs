//! Full-text search over every chat: SQLite FTS5 over what a message shows — its text, the
//! tools it called with their inputs, and the tools' outputs (not hidden reasoning, not images).
//!
//! The index is kept by triggers on `messages`, so every path that writes a message (sends,
//! replies, imports, purges, cascades) keeps it exact without the engine remembering to. Its
//! rowids are the messages' rowids; nothing here runs VACUUM, which could renumber them.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorCode, Result, StoreError};
use hearth_protocol::chat::Role;

/// The searchable text of a `messages` row, as one SQL expression over the row `m`.
macro_rules! searchable {
    ($row:literal) => {
        concat!(
            "(SELECT group_concat(part, char(10)) FROM (SELECT CASE json_extract(value, '$.type') ",
            "WHEN 'text' THEN json_extract(value, '$.text') ",
            "WHEN 'tool_use' THEN json_extract(value, '$.name') || ' ' || json_extract(value, '$.input') ",
            "WHEN 'tool_result' THEN json_extract(value, '$.content') END AS part ",
            "FROM json_each(",
            $row,
            ".content)))"
        )
    };
}

pub const MIGRATION_1: &str = concat!(
    "CREATE VIRTUAL TABLE messages_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
INSERT INTO messages_fts (rowid, text) SELECT rowid, ",
    searchable!("messages"),
    " FROM messages;
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, text) VALUES (NEW.rowid, ",
    searchable!("NEW"),
    ");
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    DELETE FROM messages_fts WHERE rowid = OLD.rowid;
    INSERT INTO messages_fts (rowid, text) VALUES (NEW.rowid, ",
    searchable!("NEW"),
    ");
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    DELETE FROM messages_fts WHERE rowid = OLD.rowid;
END;
"
);

/// `GET /v1/search?q=&limit=`, IPC `search`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct SearchQuery {
    /// Words to find, each as a word prefix, all of them in one message; quotes are literal.
    pub q: String,
    /// 1 to 200 hits, best first (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
    /// Only this chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub session_id: Option<String>,
}

/// A piece of a snippet: `hit` pieces are what matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SearchHit {
    pub session_id: String,
    pub session_title: String,
    pub message_id: String,
    pub role: Role,
    /// The message on screen that shows this one: itself, or for a tool's output (drawn in
    /// its call's card) the message that made the call. Jump to this one.
    pub shown_in: String,
    /// Around the best match, with the matched words marked.
    pub snippet: Vec<SnippetPart>,
    pub created_at: i64,
    /// Whether it is on the chat's active path; false for a version that an edit or a
    /// regeneration replaced (switching to that version shows it).
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
}

pub const MAX_QUERY_CHARS: usize = 500;
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// The FTS5 query for what the user typed: every word a quoted prefix term (so nothing typed
/// is FTS syntax; a single letter is a whole word), all required. None when nothing searchable
/// is left.
pub fn fts_query(q: &str) -> Result<Option<String>> {
    let terms = fts_terms(q)?;
    Ok((!terms.is_empty()).then(|| terms.join(" ")))
}

/// What the user typed as quoted FTS5 terms (never FTS syntax of its own).
pub fn fts_terms(q: &str) -> Result<Vec<String>> {
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(StoreError::new(
            ErrorCode::InvalidInput,
            format!("a search is at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    let terms: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        // A one-letter prefix would expand to a good part of the vocabulary: one letter is a
        // whole word. Two and three letter prefixes have their own index (`prefix = '2 3'`).
        .map(|w| if w.chars().nth(1).is_some() { format!("\"{w}\"*") } else { format!("\"{w}\"") })
        .collect();
    Ok(terms)
}

pub fn search(conn: &Connection, req: &SearchQuery) -> Result<SearchResults> {
    let limit = match req.limit {
        None => 50,
        Some(n @ 1..=200) => n,
        Some(_) => {
            return Err(StoreError::new(ErrorCode::InvalidLimit, "limit must be 1 to 200"));
        }
    };
    let Some(query) = fts_query(&req.q)? else {
        return Ok(SearchResults { hits: Vec::new() });
    };
    // Rank first, then make snippets for the best `limit` only: a snippet for every match
    // (a common word matches tens of thousands of messages) is what would make a search slow.
    let ranked = match &req.session_id {
        Some(session_id) => ranked_in_chat(conn, &query, session_id, limit)?,
        None => ranked_everywhere(conn, &query, limit)?,
    };
    let mut snippet = conn.prepare_cached(&format!(
        "SELECT snippet(messages_fts, 0, '{OPEN}', '{CLOSE}', '…', 16)
         FROM messages_fts WHERE messages_fts MATCH ?1 AND rowid = ?2"
    ))?;
    let mut hits = Vec::with_capacity(ranked.len());
    for (rowid, mut hit) in ranked {
        let marked: String = snippet.query_row(params![query, rowid], |r| r.get(0))?;
        hit.snippet = parts(&marked);
        hits.push(hit);
    }
    Ok(SearchResults { hits })
}

fn hit_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<SearchHit> {
    Ok(SearchHit {
        session_id: r.get(0)?,
        session_title: r.get(1)?,
        message_id: r.get(2)?,
        role: match r.get::<_, String>(3)?.as_str() {
            "user" => Role::User,
            "system" => Role::System,
            _ => Role::Assistant,
        },
        shown_in: r.get(5)?,
        snippet: Vec::new(),
        created_at: r.get(4)?,
        active: r.get(6)?,
    })
}

/// A tool step's results are one user-role message with source `model`, right after (the
/// child of) the message with the calls (`run.rs`, `save_results`).
const HIT_COLUMNS: &str = "m.session_id, s.title, m.id, m.role, m.created_at,
    COALESCE(CASE WHEN m.role = 'user' AND m.source = 'model' THEN
        COALESCE(m.parent_id, (SELECT p.id FROM messages p WHERE p.session_id = m.session_id
                                       AND p.ordinal = m.ordinal - 1)) END, m.id),
    m.ordinal IS NOT NULL";

/// At most this many matches, the newest, are scored for relevance. A word in nearly every
/// message ("the") would otherwise have bm25 score tens of thousands of them on every search;
/// for such a word the best matches among the newest are what a reader wants anyway.
const RANKED_WINDOW: i64 = 4_000;

/// The rowid from which on the newest `window` matches lie (0: there are fewer, rank them all).
/// Walks the index in rowid order without scoring.
fn window_floor(conn: &Connection, query: &str, window: i64) -> Result<i64> {
    let mut nth = conn.prepare_cached(
        "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1
         ORDER BY rowid DESC LIMIT 1 OFFSET ?2",
    )?;
    Ok(nth.query_row(params![query, window - 1], |r| r.get(0)).optional()?.unwrap_or(0))
}

/// The best matches in all live chats. Ranked on the index alone (FTS5 keeps only the best
/// `k` while it scores), then looked up: joining every match to its message and chat before
/// ranking costs two lookups per match. Only the newest `RANKED_WINDOW` matches are scored.
/// Matches in deleted chats are skipped; when they crowd out the best `limit`, more candidates
/// are ranked, from a wider window.
fn ranked_everywhere(conn: &Connection, query: &str, limit: u32) -> Result<Vec<(i64, SearchHit)>> {
    let mut candidates = conn.prepare_cached(
        "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1 AND rowid >= ?3
         ORDER BY rank LIMIT ?2",
    )?;
    let mut lookup = conn.prepare_cached(&format!(
        "SELECT {HIT_COLUMNS} FROM messages m JOIN sessions s ON s.id = m.session_id
         WHERE m.rowid = ?1 AND s.deleted_at IS NULL"
    ))?;
    let mut k = i64::from(limit) + 16;
    let mut window = RANKED_WINDOW;
    let mut floor = window_floor(conn, query, window)?;
    loop {
        let rowids = candidates
            .query_map(params![query, k, floor], |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut hits = Vec::new();
        for &rowid in &rowids {
            if let Some(hit) = lookup.query_row([rowid], hit_of).optional()? {
                hits.push((rowid, hit));
                if hits.len() == limit as usize {
                    break;
                }
            }
        }
        if hits.len() == limit as usize || ((rowids.len() as i64) < k && floor == 0) {
            return Ok(hits);
        }
        if (rowids.len() as i64) < k {
            // The window ran out of matches in live chats: look further back.
            window *= 8;
            floor = window_floor(conn, query, window)?;
        } else {
            k *= 8;
        }
    }
}

/// The best matches in one chat.
fn ranked_in_chat(
    conn: &Connection,
    query: &str,
    session_id: &str,
    limit: u32,
) -> Result<Vec<(i64, SearchHit)>> {
    let mut rank = conn.prepare_cached(&format!(
        "SELECT {HIT_COLUMNS}, f.rowid FROM messages_fts f
         JOIN messages m ON m.rowid = f.rowid
         JOIN sessions s ON s.id = m.session_id
         WHERE messages_fts MATCH ?1 AND m.session_id = ?2 AND s.deleted_at IS NULL
         ORDER BY f.rank LIMIT ?3"
    ))?;
    let hits = rank
        .query_map(params![query, session_id, limit], |r| Ok((r.get::<_, i64>(7)?, hit_of(r)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(hits)
}

/// Splits a marked snippet into plain and matched pieces (adjacent matches merge).
fn parts(marked: &str) -> Vec<SnippetPart> {
    let mut out: Vec<SnippetPart> = Vec::new();
    let mut hit = false;
    let mut text = String::new();
    let flush = |text: &mut String, hit: bool, out: &mut Vec<SnippetPart>| {
        if text.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(last) if last.hit == hit => last.text.push_str(text),
            _ => out.push(SnippetPart { text: text.clone(), hit }),
        }
        text.clear();
    };
    for c in marked.chars() {
        match c {
            OPEN | CLOSE => {
                flush(&mut text, hit, &mut out);
                hit = c == OPEN;
            }
            _ => text.push(c),
        }
    }
    flush(&mut text, hit, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_user_types_never_becomes_fts_syntax() {
        assert_eq!(fts_query("").unwrap(), None);
        assert_eq!(fts_query("  \"* ( ) NEAR ").unwrap().as_deref(), Some("\"NEAR\"*"));
        assert_eq!(fts_query("rust async").unwrap().as_deref(), Some("\"rust\"* \"async\"*"));
        assert_eq!(
            fts_query("ab\"cd OR e-fg").unwrap().as_deref(),
            Some("\"ab\"* \"cd\"* \"OR\"* \"e\" \"fg\"*")
        );
        assert_eq!(fts_query("café_au").unwrap().as_deref(), Some("\"café_au\"*"));
        assert_eq!(fts_query("a bc").unwrap().as_deref(), Some("\"a\" \"bc\"*"));
        let long = "x".repeat(MAX_QUERY_CHARS + 1);
        assert_eq!(fts_query(&long).unwrap_err().code(), ErrorCode::InvalidInput);
    }

    #[test]
    fn snippets_split_into_marked_parts() {
        let marked = format!("the {OPEN}quick{CLOSE} {OPEN}brown{CLOSE} fox");
        let p = parts(&marked);
        let shape: Vec<(&str, bool)> = p.iter().map(|p| (p.text.as_str(), p.hit)).collect();
        assert_eq!(
            shape,
            [("the ", false), ("quick", true), (" ", false), ("brown", true), (" fox", false)]
        );
        assert!(parts("").is_empty());
    }
}
