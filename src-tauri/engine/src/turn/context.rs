//! The conversation as a model reads it: the timeline turned into model messages.

use crate::chat::{ContentBlock, Message, MessageSource, Role};
use crate::outside::inbox::{UNTRUSTED_NOTE, quote_untrusted};
use crate::provider::ModelMessage;

/// The conversation as a model reads it. An external message (the inbox) is not something the
/// model said, nor something the user asked: it becomes a user-side quote of untrusted
/// content, placed after any tool results still owed, so a call and its result stay together.
pub(crate) fn model_view(timeline: Vec<Message>) -> Vec<ModelMessage> {
    let mut out: Vec<ModelMessage> = Vec::with_capacity(timeline.len());
    let mut held: Vec<ModelMessage> = Vec::new();
    let mut open_calls: std::collections::HashSet<String> = Default::default();
    for m in timeline {
        if m.source == MessageSource::External && m.role == Role::Assistant {
            let text = crate::store::messages::text_of(&m);
            let quoted = format!("{UNTRUSTED_NOTE}\n{}", quote_untrusted("inbox", &text));
            let msg = ModelMessage {
                role: Role::User,
                content: vec![ContentBlock::Text { text: quoted }],
            };
            if open_calls.is_empty() {
                out.push(msg);
            } else {
                held.push(msg);
            }
            continue;
        }
        for block in &m.content {
            match block {
                ContentBlock::ToolUse { id, .. } => {
                    open_calls.insert(id.clone());
                }
                ContentBlock::ToolResult { tool_use_id, .. } => {
                    open_calls.remove(tool_use_id);
                }
                _ => {}
            }
        }
        out.push(ModelMessage { role: m.role, content: m.content });
        if open_calls.is_empty() {
            out.append(&mut held);
        }
    }
    out.append(&mut held);
    out
}
