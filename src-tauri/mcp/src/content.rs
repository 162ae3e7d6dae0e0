//! A tool's result as the engine gives it back to a model: one text.
//!
//! Models take tool results as text here, so text parts are joined and anything else is
//! described in a short bracketed line rather than dumped (a base64 image would cost thousands of
//! tokens and mean nothing to the model).

use hearth_protocol::limits::MAX_TOOL_RESULT_BYTES;
use rmcp::model::{CallToolResult, ContentBlock, ResourceContents};
use serde::Serialize;

/// The result of one tool call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallOutcome {
    /// Text parts joined by newlines; other parts described, e.g. `[image image/png, 1234 bytes]`.
    pub content: String,
    /// The tool itself reported failure (MCP `isError`): the model should see it and may retry.
    pub is_error: bool,
}

impl From<CallToolResult> for CallOutcome {
    fn from(result: CallToolResult) -> Self {
        let mut parts: Vec<String> = result.content.iter().map(describe).collect();
        // A tool may answer only with structured content; the model still needs to see it.
        if parts.is_empty()
            && let Some(structured) = &result.structured_content
        {
            parts.push(structured.to_string());
        }
        let content = head_and_tail(parts.join("\n"), MAX_TOOL_RESULT_BYTES);
        Self { content, is_error: result.is_error.unwrap_or(false) }
    }
}

/// `text` if it fits in `cap` bytes; otherwise its first and last halves (on char boundaries)
/// around a note of how much was cut.
fn head_and_tail(text: String, cap: usize) -> String {
    if text.len() <= cap {
        return text;
    }
    let half = cap / 2;
    let mut head = half;
    while !text.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = text.len() - half;
    while !text.is_char_boundary(tail) {
        tail += 1;
    }
    format!(
        "{}\n[... {} bytes of the tool's output cut from the middle ...]\n{}",
        &text[..head],
        tail - head,
        &text[tail..]
    )
}

fn describe(block: &ContentBlock) -> String {
    match block {
        ContentBlock::Text(text) => text.text.clone(),
        ContentBlock::Image(image) => {
            format!("[image {}, {} bytes]", image.mime_type, base64_len(&image.data))
        }
        ContentBlock::Audio(audio) => {
            format!("[audio {}, {} bytes]", audio.mime_type, base64_len(&audio.data))
        }
        ContentBlock::Resource(embedded) => match &embedded.resource {
            ResourceContents::TextResourceContents { uri, text, .. } => {
                format!("[resource {uri}]\n{text}")
            }
            ResourceContents::BlobResourceContents { uri, mime_type, blob, .. } => format!(
                "[resource {uri} {}, {} bytes]",
                mime_type.as_deref().unwrap_or("application/octet-stream"),
                base64_len(blob)
            ),
            _ => "[resource of an unknown kind]".to_owned(),
        },
        ContentBlock::ResourceLink(link) => match &link.mime_type {
            Some(mime) => format!("[resource link {} ({}): {}]", link.uri, mime, link.name),
            None => format!("[resource link {}: {}]", link.uri, link.name),
        },
        _ => "[content of an unknown kind]".to_owned(),
    }
}

/// The decoded size of base64 data, without decoding it.
fn base64_len(data: &str) -> usize {
    let significant = data.bytes().filter(|b| !b.is_ascii_whitespace()).count();
    let padding = data.trim_end().bytes().rev().take_while(|&b| b == b'=').count().min(2);
    (significant * 3 / 4).saturating_sub(padding)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn result(value: serde_json::Value) -> CallToolResult {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn text_parts_are_joined_and_other_parts_described() {
        let outcome = CallOutcome::from(result(json!({
            "content": [
                {"type": "text", "text": "Here's the image:"},
                {"type": "image", "data": "iVBORw0KGgo=", "mimeType": "image/png"},
                {"type": "audio", "data": "AAAA", "mimeType": "audio/wav"},
                {"type": "resource_link", "uri": "test://static/resource/1", "name": "Resource 1", "mimeType": "text/plain"},
                {"type": "resource", "resource": {"uri": "file:///a.txt", "text": "inside"}},
                {"type": "resource", "resource": {"uri": "file:///a.gz", "mimeType": "application/gzip", "blob": "AAAAAA=="}},
            ]
        })));
        assert_eq!(
            outcome.content,
            "Here's the image:\n[image image/png, 8 bytes]\n[audio audio/wav, 3 bytes]\n\
             [resource link test://static/resource/1 (text/plain): Resource 1]\n\
             [resource file:///a.txt]\ninside\n[resource file:///a.gz application/gzip, 4 bytes]"
        );
        assert!(!outcome.is_error);
    }

    #[test]
    fn is_error_is_carried_over() {
        let outcome = CallOutcome::from(result(
            json!({"content": [{"type": "text", "text": "boom"}], "isError": true}),
        ));
        assert_eq!(outcome, CallOutcome { content: "boom".into(), is_error: true });
    }

    #[test]
    fn structured_content_shows_when_there_is_no_other_content() {
        let outcome =
            CallOutcome::from(result(json!({"content": [], "structuredContent": {"sum": 3}})));
        assert_eq!(outcome.content, r#"{"sum":3}"#);
    }

    #[test]
    fn base64_length_accounts_for_padding() {
        assert_eq!(base64_len(""), 0);
        assert_eq!(base64_len("QQ=="), 1);
        assert_eq!(base64_len("QUI="), 2);
        assert_eq!(base64_len("QUJD"), 3);
        assert_eq!(base64_len("QUJD\nREVG"), 6, "line breaks are not data");
    }
}
