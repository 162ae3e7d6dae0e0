//! A provider's content events as frames: a text or thinking block opens, streams and closes
//! as the kind of content changes (the built-in loop's; an external agent's events map the same).

use crate::frames::FrameBody;
use crate::provider::ProviderEvent;

/// The frame that ends the text or thinking block being streamed, if one is open.
pub(crate) fn close_block(open: &mut Option<(u32, bool)>) -> Option<FrameBody> {
    open.take().map(|(index, is_text)| {
        if is_text {
            FrameBody::TextEnd { index }
        } else {
            FrameBody::ThinkingEnd { index, signature: None }
        }
    })
}

/// Turns a content event into frames, opening and closing blocks as their kind changes.
pub(crate) fn block_frames(
    event: ProviderEvent,
    open: &mut Option<(u32, bool)>,
    next_index: &mut u32,
    tool_blocks: &mut std::collections::BTreeMap<u32, u32>,
) -> Vec<FrameBody> {
    let mut out = Vec::new();
    let mut ensure = |want_text: bool, out: &mut Vec<FrameBody>| -> u32 {
        match *open {
            Some((index, is_text)) if is_text == want_text => index,
            _ => {
                out.extend(close_block(open));
                let index = *next_index;
                *next_index += 1;
                *open = Some((index, want_text));
                out.push(if want_text {
                    FrameBody::TextStart { index }
                } else {
                    FrameBody::ThinkingStart { index }
                });
                index
            }
        }
    };
    match event {
        ProviderEvent::TextDelta(text) => {
            let index = ensure(true, &mut out);
            out.push(FrameBody::TextDelta { index, text });
        }
        ProviderEvent::ThinkingDelta(text) => {
            let index = ensure(false, &mut out);
            out.push(FrameBody::ThinkingDelta { index, text });
        }
        ProviderEvent::ToolCallStart { index: provider_index, id, name } => {
            out.extend(close_block(open));
            let index = *next_index;
            *next_index += 1;
            tool_blocks.insert(provider_index, index);
            out.push(FrameBody::ToolCallStart { index, id, name });
        }
        ProviderEvent::ToolCallDelta { index: provider_index, partial_json } => {
            // A fragment belongs to the call the provider numbered so, even when calls interleave.
            if let Some(&index) = tool_blocks.get(&provider_index) {
                out.push(FrameBody::ToolCallDelta { index, partial_json });
            }
        }
        ProviderEvent::ThinkingSignature(signature) => {
            // The signature closes the thinking block it belongs to.
            if let Some((index, false)) = *open {
                *open = None;
                out.push(FrameBody::ThinkingEnd { index, signature: Some(signature) });
            }
        }
        ProviderEvent::RedactedThinking(data) => {
            out.extend(close_block(open));
            let index = *next_index;
            *next_index += 1;
            out.push(FrameBody::RedactedThinking { index, data });
        }
        ProviderEvent::Usage(_) | ProviderEvent::Finish(_) => {}
    }
    out
}
