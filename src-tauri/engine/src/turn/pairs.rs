//! Every provider insists that each tool call is answered by a result in the very next
//! message, and that no result answers nothing. A run cut by a crash, an abort, or an error
//! can leave the stored conversation short of that; this mends the request (never the store).

use std::collections::HashSet;

use crate::chat::{ContentBlock, Role};
use crate::provider::ModelMessage;

const NO_RESULT: &str = "No result: the run stopped before this call finished.";

/// The conversation with each call answered right after it (a placeholder error result where
/// none was stored), results that answer no call dropped, and calls whose arguments never
/// completed dropped with their results.
pub(crate) fn answer_every_call(messages: Vec<ModelMessage>) -> Vec<ModelMessage> {
    let mut out: Vec<ModelMessage> = Vec::with_capacity(messages.len());
    let mut open: Vec<String> = Vec::new(); // calls of the last assistant message, unanswered
    for mut message in messages {
        if message.role == Role::Assistant {
            close(&mut out, &mut open);
            message.content.retain(|b| match b {
                ContentBlock::ToolUse { input, .. } => input.is_object(),
                _ => true,
            });
            open = message
                .content
                .iter()
                .filter_map(|b| match b {
                    ContentBlock::ToolUse { id, .. } => Some(id.clone()),
                    _ => None,
                })
                .collect();
        } else {
            let answerable: HashSet<String> = open.iter().cloned().collect();
            message.content.retain(|b| match b {
                ContentBlock::ToolResult { tool_use_id, .. } => answerable.contains(tool_use_id),
                _ => true,
            });
            let answered: HashSet<String> = message
                .content
                .iter()
                .filter_map(|b| match b {
                    ContentBlock::ToolResult { tool_use_id, .. } => Some(tool_use_id.clone()),
                    _ => None,
                })
                .collect();
            // Results first, in the calls' order, then whatever else the message says.
            let mut content: Vec<ContentBlock> = open
                .iter()
                .filter(|id| !answered.contains(*id))
                .map(|id| placeholder(id))
                .collect();
            let (results, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut message.content)
                .into_iter()
                .partition(|b| matches!(b, ContentBlock::ToolResult { .. }));
            content.extend(results);
            content.extend(rest);
            message.content = content;
            open.clear();
        }
        if !message.content.is_empty() {
            out.push(message);
        }
    }
    close(&mut out, &mut open);
    out
}

/// Answers the last assistant message's open calls with a message of placeholders.
fn close(out: &mut Vec<ModelMessage>, open: &mut Vec<String>) {
    if open.is_empty() {
        return;
    }
    let content = open.drain(..).map(|id| placeholder(&id)).collect();
    out.push(ModelMessage { role: Role::User, content });
}

fn placeholder(id: &str) -> ContentBlock {
    ContentBlock::ToolResult {
        tool_use_id: id.to_owned(),
        content: NO_RESULT.into(),
        is_error: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(t: &str) -> ContentBlock {
        ContentBlock::Text { text: t.into() }
    }
    fn call(id: &str, input: serde_json::Value) -> ContentBlock {
        ContentBlock::ToolUse { id: id.into(), name: "t".into(), input }
    }
    fn result(id: &str) -> ContentBlock {
        ContentBlock::ToolResult { tool_use_id: id.into(), content: "ok".into(), is_error: false }
    }
    fn msg(role: Role, content: Vec<ContentBlock>) -> ModelMessage {
        ModelMessage { role, content }
    }

    #[test]
    fn a_well_formed_conversation_is_left_alone() {
        let conv = vec![
            msg(Role::User, vec![text("hi")]),
            msg(Role::Assistant, vec![call("a", json!({}))]),
            msg(Role::User, vec![result("a")]),
            msg(Role::Assistant, vec![text("done")]),
        ];
        assert_eq!(answer_every_call(conv.clone()), conv);
    }

    #[test]
    fn unanswered_calls_get_placeholders_and_orphans_go() {
        let conv = vec![
            msg(Role::User, vec![text("hi"), result("ghost")]),
            msg(Role::Assistant, vec![call("a", json!({})), call("b", json!({}))]),
            msg(Role::User, vec![text("steered"), result("b")]),
            msg(Role::Assistant, vec![call("c", json!({"x": 1}))]),
        ];
        let fixed = answer_every_call(conv);
        assert_eq!(fixed[0].content, vec![text("hi")]);
        assert_eq!(fixed[2].content, vec![placeholder("a"), result("b"), text("steered")]);
        assert_eq!(fixed[4], msg(Role::User, vec![placeholder("c")]));
        assert_eq!(fixed.len(), 5);
    }

    #[test]
    fn calls_whose_arguments_never_completed_are_dropped_with_their_results() {
        let conv = vec![
            msg(Role::Assistant, vec![text("let me"), call("a", json!("{\"pa"))]),
            msg(Role::User, vec![result("a"), text("go on")]),
        ];
        let fixed = answer_every_call(conv);
        assert_eq!(fixed[0].content, vec![text("let me")]);
        assert_eq!(fixed[1].content, vec![text("go on")]);
    }
}
