//! Every stream has a limit: an event (or a line) that never ends fails `EVENT_TOO_LARGE` at
//! the limit, after the events before it, whatever the size of the pieces it arrives in.

use hearth_protocol::error::ErrorCode;
use hearth_protocol::limits::MAX_SSE_EVENT_BYTES;
use hearth_providers::openai::ChatStreamParser;
use hearth_providers::{ProviderEvent, decode_pieces};

const HELLO: &str = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"}}]}\n\n";

/// `HELLO`, then `rest` in 64 KiB pieces.
fn decode(rest: &[u8]) -> Vec<Result<ProviderEvent, hearth_providers::ProviderError>> {
    let mut pieces = vec![HELLO.as_bytes().to_vec()];
    pieces.extend(rest.chunks(64 * 1024).map(<[u8]>::to_vec));
    decode_pieces(ChatStreamParser::default(), pieces)
}

fn ends_too_large(out: &[Result<ProviderEvent, hearth_providers::ProviderError>]) -> bool {
    let text = out.iter().any(|e| matches!(e, Ok(ProviderEvent::TextDelta(t)) if t == "Hello"));
    let last = out.last().and_then(|e| e.as_ref().err()).map(|e| e.code);
    text && last == Some(ErrorCode::EventTooLarge)
}

#[test]
fn an_endless_line_ends_event_too_large_after_what_came_before() {
    // The finding: one endless line grew the buffer without bound (and quadratically).
    let mut endless = b"data: ".to_vec();
    endless.resize(MAX_SSE_EVENT_BYTES + 4096, b'x');
    assert!(ends_too_large(&decode(&endless)));
}

#[test]
fn endless_lines_without_a_blank_one_are_one_event() {
    let line = format!("data: {}\n", "y".repeat(1000));
    let body = line.repeat(MAX_SSE_EVENT_BYTES / 1000 + 10);
    assert!(ends_too_large(&decode(body.as_bytes())));
}

#[test]
fn a_large_event_under_the_limit_and_comments_pass() {
    let big = format!(
        "data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{}\"}}}}]}}\n\n",
        "z".repeat(MAX_SSE_EVENT_BYTES - 100)
    );
    let comments = ": keep-alive\n\n".repeat(1000);
    let out = decode(format!("{comments}{big}data: [DONE]\n\n").as_bytes());
    assert!(out.iter().all(Result::is_ok), "{:?}", out.iter().find(|e| e.is_err()));
    let total: usize = out
        .iter()
        .filter_map(|e| match e {
            Ok(ProviderEvent::TextDelta(t)) => Some(t.len()),
            _ => None,
        })
        .sum();
    assert_eq!(total, 5 + MAX_SSE_EVENT_BYTES - 100);
}
