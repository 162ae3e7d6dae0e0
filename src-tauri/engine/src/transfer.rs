//! Export and import of one chat: Markdown to read, JSON to keep (lossless: importing it gives a
//! chat with the same settings, messages, content blocks, statuses, usage, times and images).
//!
//! The JSON document is `{format: "hearth.session", version: 1, session, messages,
//! attachments}`; attachments carry their bytes in base64. An import is one transaction and
//! gets fresh ids, so a file can be imported twice. The workspace folder is not exported: it
//! names a directory of one machine.
//!
//! An import trusts nothing Hearth would not have written itself: each message must be a kind
//! Hearth writes (see [`check_message`]), and each attachment's type is sniffed from its bytes
//! as an upload's is; a document whose declared type disagrees (or whose blocks show an
//! attachment as another type) is refused, not corrected, because Hearth's own exports always
//! carry the sniffed type: a mismatch means the file was edited or made elsewhere.

use std::collections::HashMap;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::chat::{ContentBlock, Message, MessageSource, MessageStatus, Role};
use crate::error::{ApiError, ErrorCode, Result};
use crate::frames::Usage;
use crate::store::messages::{self, NewMessage};
use crate::store::sessions::{self, Session};
use crate::store::{Store, attachments};

pub const FORMAT: &str = "hearth.session";
pub const VERSION: u32 = 1;
/// The most messages one import takes.
pub const MAX_MESSAGES: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Md,
    Json,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SessionDocument {
    pub format: String,
    pub version: u32,
    pub session: DocumentSession,
    pub messages: Vec<DocumentMessage>,
    #[serde(default)]
    pub attachments: Vec<DocumentAttachment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DocumentSession {
    pub title: String,
    pub pinned: bool,
    pub model: Option<String>,
    pub system_prompt: Option<String>,
    pub thinking_budget: Option<u32>,
    pub max_steps: Option<u32>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DocumentMessage {
    pub role: Role,
    pub source: MessageSource,
    pub content: Vec<ContentBlock>,
    pub status: MessageStatus,
    pub usage: Option<Usage>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DocumentAttachment {
    /// The id image and file blocks in `messages` refer to.
    pub id: String,
    pub mime: String,
    pub name: Option<String>,
    pub base64: String,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, message)
}

/// The chat and its whole timeline, oldest first.
fn timeline(store: &Store, session_id: &str) -> Result<(Session, Vec<Message>)> {
    store.read(|conn| {
        let session = sessions::get(conn, session_id)?;
        let (messages, _) = messages::timeline(conn, session_id, i32::MAX as usize, None)?;
        Ok((session, messages))
    })
}

pub fn export_json(store: &Store, session_id: &str) -> Result<SessionDocument> {
    let (session, timeline) = timeline(store, session_id)?;
    let mut attachments = Vec::new();
    let files = store.read(|conn| attachments::files_of_session(conn, session_id))?;
    for attachments::StoredFile { id, sha256, mime, name } in files {
        // A file the sweep or the user removed: the image is left out, the chat is not.
        if let Ok(bytes) = std::fs::read(attachments::file_path(store.dir(), &sha256)) {
            let base64 = base64::engine::general_purpose::STANDARD.encode(bytes);
            attachments.push(DocumentAttachment { id, mime, name, base64 });
        }
    }
    Ok(SessionDocument {
        format: FORMAT.into(),
        version: VERSION,
        session: DocumentSession {
            title: session.title,
            pinned: session.pinned,
            model: session.model,
            system_prompt: session.system_prompt,
            thinking_budget: session.thinking_budget,
            max_steps: session.max_steps,
            created_at: session.created_at,
        },
        messages: timeline
            .into_iter()
            .map(|m| DocumentMessage {
                role: m.role,
                source: m.source,
                content: m.content,
                status: m.status,
                usage: m.usage,
                created_at: m.created_at,
            })
            .collect(),
        attachments,
    })
}

pub fn export_markdown(store: &Store, session_id: &str) -> Result<String> {
    let (session, timeline) = timeline(store, session_id)?;
    let mut out = format!("# {}\n\n", session.title.trim());
    let when = chrono::DateTime::from_timestamp_millis(session.created_at)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default();
    out += &format!(
        "_Exported from Hearth. Started {when}{}._\n",
        session.model.as_deref().map(|m| format!(" · model `{m}`")).unwrap_or_default()
    );
    if let Some(prompt) = session.system_prompt.as_deref().filter(|p| !p.trim().is_empty()) {
        out += &format!("\n**System prompt**\n\n{}\n", quote(prompt));
    }
    for m in &timeline {
        let who = match (m.role, m.source) {
            (_, MessageSource::External) => "External message (not from the assistant)",
            (Role::User, _) if is_tool_results(m) => "Tool results",
            (Role::User, _) => "You",
            (Role::Assistant, _) => "Assistant",
            (Role::System, _) => "System",
        };
        out += &format!("\n## {who}\n");
        for block in &m.content {
            out += "\n";
            out += &match block {
                ContentBlock::Text { text } => format!("{}\n", text.trim_end()),
                ContentBlock::Thinking { text, .. } => format!(
                    "<details><summary>Thinking</summary>\n\n{}\n\n</details>\n",
                    text.trim_end()
                ),
                ContentBlock::RedactedThinking { .. } => "_(redacted thinking)_\n".into(),
                ContentBlock::Image { mime, .. } => format!("_(image, {mime})_\n"),
                ContentBlock::File { name, mime, .. } => format!("_(file {name:?}, {mime})_\n"),
                ContentBlock::ToolUse { name, input, .. } => {
                    let input = serde_json::to_string_pretty(input).unwrap_or_default();
                    format!("**Tool call** `{name}`\n\n{}\n", fence("json", &input))
                }
                ContentBlock::ToolResult { content, is_error, .. } => {
                    let label = if *is_error { "**Tool error**" } else { "**Tool result**" };
                    format!("{label}\n\n{}\n", fence("", content))
                }
            };
        }
        match m.status {
            MessageStatus::Complete => {}
            MessageStatus::Aborted => out += "\n_(stopped)_\n",
            MessageStatus::Error => out += "\n_(failed)_\n",
            MessageStatus::Interrupted => out += "\n_(interrupted)_\n",
        }
    }
    Ok(out)
}

fn is_tool_results(m: &Message) -> bool {
    !m.content.is_empty() && m.content.iter().all(|b| matches!(b, ContentBlock::ToolResult { .. }))
}

fn quote(text: &str) -> String {
    text.lines().map(|l| format!("> {l}")).collect::<Vec<_>>().join("\n")
}

/// A fenced code block whose fence is longer than any run of backticks inside.
fn fence(lang: &str, body: &str) -> String {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest.max(2) + 1);
    format!("{ticks}{lang}\n{}\n{ticks}", body.trim_end())
}

/// Checks a document completely before anything is written.
fn validate(doc: &SessionDocument) -> Result<HashMap<&str, (Vec<u8>, String)>> {
    if doc.format != FORMAT {
        return Err(invalid(format!("not a Hearth chat export (format must be {FORMAT:?})")));
    }
    if doc.version != VERSION {
        return Err(invalid(format!(
            "export version {} is not one this Hearth reads ({VERSION})",
            doc.version
        )));
    }
    sessions::validate_title(&doc.session.title)?;
    if doc.messages.len() > MAX_MESSAGES {
        return Err(invalid(format!("at most {MAX_MESSAGES} messages per import")));
    }
    let mut files = HashMap::new();
    let mut mimes = HashMap::new();
    for a in &doc.attachments {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&a.base64)
            .map_err(|e| invalid(format!("attachment {}: not base64: {e}", a.id)))?;
        if bytes.is_empty() {
            return Err(invalid(format!("attachment {} is empty", a.id)));
        }
        let sniffed = crate::attach::sniff(&bytes)
            .map_err(|e| invalid(format!("attachment {}: {}", a.id, e.message)))?;
        if sniffed != a.mime {
            return Err(invalid(format!(
                "attachment {} says it is {:?} but its bytes are {sniffed}",
                a.id, a.mime
            )));
        }
        let sha256 = format!("{:x}", Sha256::digest(&bytes));
        mimes.insert(a.id.as_str(), sniffed);
        if files.insert(a.id.as_str(), (bytes, sha256)).is_some() {
            return Err(invalid(format!("attachment {} appears twice", a.id)));
        }
    }
    for (i, m) in doc.messages.iter().enumerate() {
        check_message(i, m)?;
        for block in &m.content {
            let Some(attachment_id) = block.attachment_id() else { continue };
            let Some(mime) = mimes.get(attachment_id) else {
                return Err(invalid(format!(
                    "message {i}: attachment {attachment_id} is not among the attachments"
                )));
            };
            let (shown, as_image) = match block {
                ContentBlock::Image { mime, .. } => (mime, true),
                ContentBlock::File { mime, .. } => (mime, false),
                _ => continue,
            };
            if shown != mime || as_image != mime.starts_with("image/") {
                let kind = if as_image { "an image" } else { "a file" };
                return Err(invalid(format!(
                    "message {i}: attachment {attachment_id} is {mime}, but it is shown as \
                     {kind} of type {shown:?}"
                )));
            }
        }
    }
    Ok(files)
}

/// Refuses a message Hearth never writes: a role and source it doesn't pair, or a block that
/// such a message never holds. Hearth writes the user's messages (text, images, files),
/// webhook messages (user, external: text), the model's replies (text, thinking, tool calls),
/// tool results (user, model) and inbox posts (assistant, external: text). It never writes a
/// system message: a system prompt is the chat's setting, and one smuggled in as a message
/// would speak to the model with the system's authority.
fn check_message(i: usize, m: &DocumentMessage) -> Result<()> {
    use MessageSource as S;
    let allowed: fn(&ContentBlock) -> bool = match (m.role, m.source) {
        (Role::User, S::User) => |b| {
            matches!(
                b,
                ContentBlock::Text { .. } | ContentBlock::Image { .. } | ContentBlock::File { .. }
            )
        },
        (Role::User, S::Model) => |b| matches!(b, ContentBlock::ToolResult { .. }),
        (Role::Assistant, S::Model) => |b| {
            matches!(
                b,
                ContentBlock::Text { .. }
                    | ContentBlock::Thinking { .. }
                    | ContentBlock::RedactedThinking { .. }
                    | ContentBlock::ToolUse { .. }
            )
        },
        (Role::User | Role::Assistant, S::External) => |b| matches!(b, ContentBlock::Text { .. }),
        (role, source) => {
            return Err(invalid(format!(
                "message {i}: Hearth never writes a message of role {} from source {}",
                role_name(role),
                source_name(source)
            )));
        }
    };
    if let Some(block) = m.content.iter().find(|b| !allowed(b)) {
        return Err(invalid(format!(
            "message {i}: a message of role {} from source {} never holds a {} block",
            role_name(m.role),
            source_name(m.source),
            block_name(block)
        )));
    }
    Ok(())
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::User => "user",
        Role::Assistant => "assistant",
        Role::System => "system",
    }
}

fn source_name(source: MessageSource) -> &'static str {
    match source {
        MessageSource::User => "user",
        MessageSource::Model => "model",
        MessageSource::External => "external",
    }
}

fn block_name(block: &ContentBlock) -> &'static str {
    match block {
        ContentBlock::Text { .. } => "text",
        ContentBlock::Thinking { .. } => "thinking",
        ContentBlock::RedactedThinking { .. } => "redacted_thinking",
        ContentBlock::Image { .. } => "image",
        ContentBlock::File { .. } => "file",
        ContentBlock::ToolUse { .. } => "tool_use",
        ContentBlock::ToolResult { .. } => "tool_result",
    }
}

/// A new chat from an exported document: all of it, or (on any error) nothing.
pub fn import(store: &Store, doc: &SessionDocument) -> Result<Session> {
    let files = validate(doc)?;
    // Files first (content-addressed: one that is never referenced is swept as an orphan).
    let mut new_ids = HashMap::new();
    // In the document's order, so fresh (time-ordered) ids keep it in the next export.
    for a in &doc.attachments {
        attachments::write_file(store.dir(), &files[a.id.as_str()].0)?;
        new_ids.insert(a.id.as_str(), uuid::Uuid::now_v7().to_string());
    }
    let session_id = uuid::Uuid::now_v7().to_string();
    let now = store.now();
    let s = &doc.session;
    store.write(|tx| -> Result<Session> {
        let imported = sessions::ImportedSession {
            id: &session_id,
            title: s.title.trim(),
            pinned: s.pinned,
            model: s.model.as_deref(),
            system_prompt: s.system_prompt.as_deref(),
            thinking_budget: s.thinking_budget,
            max_steps: s.max_steps,
            created_at: s.created_at,
        };
        sessions::insert_imported(tx, &imported, now)?;
        let mut message_of_attachment = HashMap::new();
        for m in &doc.messages {
            let id = uuid::Uuid::now_v7().to_string();
            let content: Vec<ContentBlock> = m
                .content
                .iter()
                .map(|b| match b.attachment_id() {
                    Some(old) => {
                        message_of_attachment.entry(old.to_owned()).or_insert(id.clone());
                        b.with_attachment_id(&new_ids[old])
                    }
                    None => b.clone(),
                })
                .collect();
            let message = NewMessage {
                id: &id,
                session_id: &session_id,
                run_id: None,
                role: m.role,
                source: m.source,
                content: &content,
                status: m.status,
                client_msg_id: None,
                in_timeline: true,
                usage: m.usage.as_ref(),
                last_seq: None,
            };
            messages::insert(tx, &message, m.created_at)?;
        }
        for a in &doc.attachments {
            let (bytes, sha256) = &files[a.id.as_str()];
            let text =
                (a.mime == "application/pdf").then(|| crate::attach::pdf_text(bytes)).flatten();
            let new_attachment = attachments::NewAttachment {
                id: &new_ids[a.id.as_str()],
                session_id: &session_id,
                message_id: message_of_attachment.get(&a.id).map(String::as_str),
                sha256,
                mime: &a.mime,
                name: a.name.as_deref().unwrap_or(""),
                size: bytes.len() as u64,
                text: text.as_deref(),
            };
            attachments::insert(tx, &new_attachment, now)?;
        }
        // The chat's activity is its last message's, as it was; updated_at is the import.
        sessions::touch_imported(tx, &session_id, now)?;
        Ok(sessions::get(tx, &session_id)?)
    })
}

/// Writes an export into `dir` as `<title>.md|json` (`<title> (2).md`, … when taken) and
/// returns its path. The title is made safe as a file name.
pub fn save(
    dir: &std::path::Path,
    title: &str,
    format: ExportFormat,
    body: &str,
) -> Result<std::path::PathBuf> {
    let ext = match format {
        ExportFormat::Md => "md",
        ExportFormat::Json => "json",
    };
    let stem: String = title
        .chars()
        .map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { '_' } else { c })
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .chars()
        .take(80)
        .collect();
    let stem = if stem.trim().is_empty() { "chat".to_owned() } else { stem.trim().to_owned() };
    let failed = |e: std::io::Error| {
        ApiError::new(
            ErrorCode::Storage,
            format!("cannot save the export in {}: {e}", dir.display()),
        )
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    for n in 1..1000 {
        let name = if n == 1 { format!("{stem}.{ext}") } else { format!("{stem} ({n}).{ext}") };
        let path = dir.join(name);
        // create_new: never overwrite a file the user already has. 0600: it is the whole chat.
        match crate::store::private::file_options().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                use std::io::Write;
                file.write_all(body.as_bytes()).map_err(failed)?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(failed(e)),
        }
    }
    Err(ApiError::new(
        ErrorCode::Storage,
        format!("too many exports named {stem:?} in {}", dir.display()),
    ))
}
