//! Folds a message's frames into content blocks. The run uses it while streaming; start-up
//! repair uses it on the event log of an interrupted run, so both agree on what was said.

use std::collections::BTreeMap;

use crate::chat::ContentBlock;
use crate::frames::FrameBody;

enum Block {
    Text(String),
    Thinking(String, Option<String>),
    Redacted(String),
    ToolUse { id: String, name: String, json: String },
}

#[derive(Default)]
pub struct Assembler {
    blocks: BTreeMap<u32, Block>,
}

impl Assembler {
    pub fn apply(&mut self, body: &FrameBody) {
        match body {
            FrameBody::MessageStart { .. } => self.blocks.clear(),
            FrameBody::TextStart { index } => {
                self.blocks.insert(*index, Block::Text(String::new()));
            }
            FrameBody::TextDelta { index, text } => {
                if let Block::Text(t) =
                    self.blocks.entry(*index).or_insert(Block::Text(String::new()))
                {
                    t.push_str(text);
                }
            }
            FrameBody::ThinkingStart { index } => {
                self.blocks.insert(*index, Block::Thinking(String::new(), None));
            }
            FrameBody::ThinkingDelta { index, text } => {
                if let Block::Thinking(t, _) =
                    self.blocks.entry(*index).or_insert(Block::Thinking(String::new(), None))
                {
                    t.push_str(text);
                }
            }
            FrameBody::ThinkingEnd { index, signature: Some(sig) } => {
                if let Some(Block::Thinking(_, s)) = self.blocks.get_mut(index) {
                    *s = Some(sig.clone());
                }
            }
            FrameBody::RedactedThinking { index, data } => {
                self.blocks.insert(*index, Block::Redacted(data.clone()));
            }
            FrameBody::ToolCallStart { index, id, name } => {
                self.blocks.insert(
                    *index,
                    Block::ToolUse { id: id.clone(), name: name.clone(), json: String::new() },
                );
            }
            FrameBody::ToolCallDelta { index, partial_json } => {
                if let Some(Block::ToolUse { json, .. }) = self.blocks.get_mut(index) {
                    json.push_str(partial_json);
                }
            }
            _ => {}
        }
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.values().all(|b| match b {
            Block::Text(t) => t.is_empty(),
            Block::Thinking(t, sig) => t.is_empty() && sig.is_none(),
            Block::Redacted(_) | Block::ToolUse { .. } => false,
        })
    }

    /// The blocks so far, in index order (empty text blocks dropped).
    pub fn content(&self) -> Vec<ContentBlock> {
        self.blocks
            .values()
            .filter_map(|b| match b {
                Block::Text(t) if t.is_empty() => None,
                Block::Thinking(t, None) if t.is_empty() => None,
                Block::Text(t) => Some(ContentBlock::Text { text: t.clone() }),
                Block::Thinking(t, sig) => {
                    Some(ContentBlock::Thinking { text: t.clone(), signature: sig.clone() })
                }
                Block::Redacted(data) => {
                    Some(ContentBlock::RedactedThinking { data: data.clone() })
                }
                Block::ToolUse { id, name, json } => Some(ContentBlock::ToolUse {
                    id: id.clone(),
                    name: name.clone(),
                    input: serde_json::from_str(json)
                        .unwrap_or_else(|_| serde_json::Value::String(json.clone())),
                }),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_fold_into_blocks_by_index() {
        let mut a = Assembler::default();
        for body in [
            FrameBody::MessageStart { message_id: "m".into() },
            FrameBody::ThinkingStart { index: 0 },
            FrameBody::ThinkingDelta { index: 0, text: "hm".into() },
            FrameBody::ThinkingEnd { index: 0, signature: Some("sig".into()) },
            FrameBody::RedactedThinking { index: 2, data: "opaque".into() },
            FrameBody::TextStart { index: 1 },
            FrameBody::TextDelta { index: 1, text: "Hel".into() },
            FrameBody::TextDelta { index: 1, text: "lo".into() },
        ] {
            a.apply(&body);
        }
        assert_eq!(
            a.content(),
            vec![
                ContentBlock::Thinking { text: "hm".into(), signature: Some("sig".into()) },
                ContentBlock::Text { text: "Hello".into() },
                ContentBlock::RedactedThinking { data: "opaque".into() },
            ]
        );
        a.apply(&FrameBody::MessageStart { message_id: "n".into() });
        assert!(a.is_empty(), "a new message starts empty");
    }
}
