//! What a session's fields may be, and the listing's cursor: checked before anything is
//! written, so a bad value gets its own code and changes nothing.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, Result, StoreError};

pub const MAX_STEPS_LIMIT: u32 = 500;

pub const DEFAULT_TITLE: &str = "New chat";
pub const MAX_TITLE_CHARS: usize = 200;
pub use hearth_protocol::limits::MAX_SYSTEM_PROMPT_CHARS;
pub const MAX_MODEL_CHARS: usize = 256;
pub const MAX_QUERY_CHARS: usize = 200;
/// The thinking budget's bounds, in tokens (Anthropic's minimum is 1,024).
pub const MIN_THINKING_BUDGET: u32 = 1024;
pub const MAX_THINKING_BUDGET: u32 = 64_000;
pub const DEFAULT_PAGE: u32 = 50;
pub const MAX_PAGE: u32 = 200;

/// The sort key of a row, which is also what a cursor carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Cursor {
    /// Which listing the cursor belongs to: the normalized query ("" = all sessions).
    pub(super) q: String,
    pub(super) p: bool,
    pub(super) a: i64,
    pub(super) i: String,
}

const CURSOR_PREFIX: &str = "s1.";

impl Cursor {
    pub(super) fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        format!("{CURSOR_PREFIX}{}", URL_SAFE_NO_PAD.encode(json))
    }

    pub(super) fn decode(s: &str, q: &str) -> Result<Cursor> {
        let bad = || StoreError::new(ErrorCode::InvalidCursor, "the cursor is malformed");
        let body = s.strip_prefix(CURSOR_PREFIX).ok_or_else(bad)?;
        let bytes = URL_SAFE_NO_PAD.decode(body).map_err(|_| bad())?;
        let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| bad())?;
        if cursor.q != q {
            return Err(StoreError::new(
                ErrorCode::InvalidCursor,
                "the cursor belongs to another listing (a different query)",
            ));
        }
        Ok(cursor)
    }
}

pub fn validate_title(title: &str) -> Result<String> {
    let title = title.trim();
    if title.is_empty() {
        return Err(StoreError::new(ErrorCode::InvalidTitle, "the title must not be empty"));
    }
    let chars = title.chars().count();
    if chars > MAX_TITLE_CHARS {
        return Err(StoreError::new(
            ErrorCode::InvalidTitle,
            format!("the title has {chars} characters; at most {MAX_TITLE_CHARS} are allowed"),
        ));
    }
    if title.chars().any(char::is_control) {
        return Err(StoreError::new(
            ErrorCode::InvalidTitle,
            "the title must not contain control characters (such as line breaks)",
        ));
    }
    Ok(title.to_owned())
}

/// `<account>/<model>`: both parts non-empty, no whitespace. `""` means "the default".
pub fn validate_model(model: &str) -> Result<Option<String>> {
    if model.is_empty() {
        return Ok(None);
    }
    let valid = model.chars().count() <= MAX_MODEL_CHARS
        && !model.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(model.split_once('/'), Some((a, m)) if !a.is_empty() && !m.is_empty());
    if !valid {
        return Err(StoreError::new(
            ErrorCode::InvalidModel,
            format!(
                "model must look like <account>/<model>, e.g. env:openai/gpt-4o-mini; got {model:?}"
            ),
        ));
    }
    Ok(Some(model.to_owned()))
}

pub(super) fn validate_system_prompt(prompt: &str) -> Result<Option<String>> {
    if prompt.chars().count() > MAX_SYSTEM_PROMPT_CHARS {
        return Err(StoreError::new(
            ErrorCode::InvalidInput,
            format!("the system prompt is longer than {MAX_SYSTEM_PROMPT_CHARS} characters"),
        ));
    }
    Ok((!prompt.is_empty()).then(|| prompt.to_owned()))
}

/// 0 means the default (stored as null).
pub(super) fn validate_max_steps(steps: u32) -> Result<Option<u32>> {
    match steps {
        0 => Ok(None),
        1..=MAX_STEPS_LIMIT => Ok(Some(steps)),
        _ => Err(StoreError::new(
            ErrorCode::InvalidInput,
            format!("the step limit is 1 to {MAX_STEPS_LIMIT} (0 for the default); got {steps}"),
        )),
    }
}

/// 0 means off (stored as null); anything else must lie within the bounds.
pub(super) fn validate_thinking_budget(budget: u32) -> Result<Option<u32>> {
    match budget {
        0 => Ok(None),
        MIN_THINKING_BUDGET..=MAX_THINKING_BUDGET => Ok(Some(budget)),
        _ => Err(StoreError::new(
            ErrorCode::InvalidInput,
            format!(
                "the thinking budget is 0 (off) or {MIN_THINKING_BUDGET} to {MAX_THINKING_BUDGET} tokens; got {budget}"
            ),
        )),
    }
}

pub(super) fn validate_workspace(dir: &str) -> Result<String> {
    let path = Path::new(dir);
    if !path.is_absolute() || !path.is_dir() {
        return Err(StoreError::new(
            ErrorCode::InvalidWorkspace,
            format!("the workspace must be an existing absolute directory; got {dir:?}"),
        ));
    }
    let canonical = path.canonicalize().map_err(|e| {
        StoreError::new(ErrorCode::InvalidWorkspace, format!("cannot resolve {dir:?}: {e}"))
    })?;
    Ok(canonical.to_string_lossy().into_owned())
}

pub(super) fn validate_limit(limit: Option<u32>) -> Result<u32> {
    match limit {
        None => Ok(DEFAULT_PAGE),
        Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
        Some(n) => Err(StoreError::new(
            ErrorCode::InvalidLimit,
            format!("limit must be between 1 and {MAX_PAGE}; got {n}"),
        )),
    }
}

pub(super) fn validate_query(q: Option<&str>) -> Result<String> {
    let q = q.unwrap_or("").trim();
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(StoreError::new(
            ErrorCode::InvalidInput,
            format!("the search text is longer than {MAX_QUERY_CHARS} characters"),
        ));
    }
    Ok(q.to_owned())
}
