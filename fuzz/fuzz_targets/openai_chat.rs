//! Arbitrary bytes, split where the input says, through the SSE layer and the decoder: it may
//! refuse, never panic. The first byte picks the split point.
#![no_main]

use futures_util::StreamExt;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&split, body)) = data.split_first() else { return };
    let at = (split as usize).min(body.len());
    let pieces = [body[..at].to_vec(), body[at..].to_vec()]
        .into_iter()
        .map(|p| Ok::<_, std::io::Error>(bytes::Bytes::from(p)));
    let mut events = eventsource_stream::EventStream::new(futures_util::stream::iter(pieces));
    let mut parser = hearth_engine::provider::openai::ChatStreamParser::default();
    futures_executor::block_on(async {
        while let Some(event) = events.next().await {
            let Ok(event) = event else { return };
            if parser.on_event(&event.event, &event.data).is_err() {
                return;
            }
        }
        let _ = parser.on_end();
    });
});
