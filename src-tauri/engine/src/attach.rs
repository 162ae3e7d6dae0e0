//! Attachments: what a file is (from its content, never its name), whether it is small enough,
//! and a PDF's text; then stored once by content hash and recorded for its chat until a
//! message takes it.

use crate::error::{ApiError, ErrorCode, Result};
use crate::store::attachments::{self, AttachmentInfo, NewAttachment};
use crate::{Engine, Session};

/// Attachments one message may carry.
pub const MAX_PER_MESSAGE: usize = 20;
/// Bytes of a file name kept (longer names are cut at a character boundary).
const MAX_NAME_BYTES: usize = 255;

/// The kinds a model can read, by the file's first bytes: PNG, JPEG, GIF and WebP images, PDFs,
/// and UTF-8 text (code, Markdown, CSV, JSON…). Anything else is refused.
pub fn sniff(bytes: &[u8]) -> Result<&'static str> {
    if let Some(kind) = infer::get(bytes) {
        return match kind.mime_type() {
            m @ ("image/png" | "image/jpeg" | "image/gif" | "image/webp" | "application/pdf") => {
                Ok(m)
            }
            other => Err(ApiError::new(
                ErrorCode::UnsupportedAttachment,
                format!(
                    "this file is {other}; attach images (PNG, JPEG, GIF, WebP), PDFs or text files"
                ),
            )),
        };
    }
    // Text: valid UTF-8 (a BOM is fine) without NUL or other binary control characters.
    let binary = |c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c');
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.chars().any(binary) => Ok("text/plain"),
        _ => Err(ApiError::new(
            ErrorCode::UnsupportedAttachment,
            "this file is neither an image, a PDF nor UTF-8 text",
        )),
    }
}

/// A PDF's text, or None when it has none that can be extracted (a scan) or cannot be read.
/// The parser runs isolated: a malformed file must not take the engine down with it.
pub fn pdf_text(bytes: &[u8]) -> Option<String> {
    let bytes = bytes.to_vec();
    std::panic::catch_unwind(move || pdf_extract::extract_text_from_mem(&bytes).ok())
        .ok()
        .flatten()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// A display name for an upload: the last path component, without control characters; a
/// default from the type when there is none.
fn clean_name(name: Option<&str>, mime: &str) -> String {
    let base = name.unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("");
    let mut clean: String = base.chars().filter(|c| !c.is_control()).collect();
    clean = clean.trim().to_owned();
    if clean.len() > MAX_NAME_BYTES {
        let mut cut = MAX_NAME_BYTES;
        while !clean.is_char_boundary(cut) {
            cut -= 1;
        }
        clean.truncate(cut);
    }
    if clean.is_empty() {
        clean = match mime {
            "application/pdf" => "document.pdf".into(),
            "text/plain" => "file.txt".into(),
            m => format!("image.{}", m.trim_start_matches("image/")),
        };
    }
    clean
}

impl Engine {
    /// The largest file that may be attached, in bytes (the `attachment_max_mb` setting).
    pub fn attachment_limit(&self) -> u64 {
        u64::from(self.shared.settings().attachment_max_mb) * 1024 * 1024
    }

    /// Stores a file for a chat's next message: sniffed, size-checked, written once by content
    /// hash. Nothing is stored when any check fails.
    pub fn add_attachment(
        &self,
        session_id: &str,
        name: Option<&str>,
        bytes: &[u8],
    ) -> Result<AttachmentInfo> {
        let session: Session = self.get_session(session_id)?;
        let limit = self.attachment_limit();
        if bytes.len() as u64 > limit {
            return Err(too_large(Some(bytes.len() as u64), limit));
        }
        if bytes.is_empty() {
            return Err(ApiError::new(ErrorCode::InvalidInput, "the file is empty"));
        }
        let mime = sniff(bytes)?;
        let text = if mime == "application/pdf" { pdf_text(bytes) } else { None };
        let name = clean_name(name, mime);
        let store = &self.shared.store;
        let sha256 = attachments::write_file(store.dir(), bytes)?;
        let id = uuid::Uuid::now_v7().to_string();
        store.write(|tx| {
            attachments::insert(
                tx,
                &NewAttachment {
                    id: &id,
                    session_id: &session.id,
                    message_id: None,
                    sha256: &sha256,
                    mime,
                    name: &name,
                    size: bytes.len() as u64,
                    text: text.as_deref(),
                },
                store.now(),
            )
        })?;
        tracing::info!(session = %session.id, attachment = %id, mime, size = bytes.len(), "attached");
        Ok(AttachmentInfo {
            attachment_id: id,
            mime: mime.to_owned(),
            name,
            size: bytes.len() as u64,
        })
    }

    /// An attachment's type and bytes (thumbnails, opening a file).
    pub fn attachment(&self, id: &str) -> Result<(String, Vec<u8>)> {
        let store = &self.shared.store;
        store.read(|conn| attachments::read(conn, store.dir(), id))?.ok_or_else(|| {
            ApiError::new(ErrorCode::AttachmentNotFound, format!("no attachment {id:?}"))
        })
    }
}

/// The error for a file over the limit (its size when known), in the units people think in.
pub fn too_large(size: Option<u64>, limit: u64) -> ApiError {
    let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
    let is = size.map_or_else(|| "over the limit".to_owned(), |s| format!("{:.1} MB", mb(s)));
    ApiError::new(
        ErrorCode::AttachmentTooLarge,
        format!("the file is {is}; at most {:.0} MB can be attached (a setting)", mb(limit)),
    )
}
