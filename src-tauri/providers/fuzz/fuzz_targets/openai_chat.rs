//! Arbitrary bytes through the SSE layer and the decoder, split where the first byte says:
//! the decoder may refuse, never panic.
#![no_main]

use hearth_providers::{openai::ChatStreamParser, decode_pieces};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&split, body)) = data.split_first() else { return };
    let at = usize::from(split).min(body.len());
    decode_pieces(ChatStreamParser::default(), [body[..at].to_vec(), body[at..].to_vec()]);
});
