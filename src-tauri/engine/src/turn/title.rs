//! Auto-title: after a session's first reply, a short title from a small model of the same
//! account (the catalog's `title_models`) or else the session's own model,
//! only while nobody has named the session (a rename always wins, even one that races this).

use std::sync::Arc;

use futures_util::StreamExt;

use crate::chat::{ContentBlock, Role};
use crate::core::Shared;
use crate::frames::FrameBody;
use crate::provider::{ModelMessage, ModelRequest, ProviderEvent};
use crate::store::{messages, sessions};

const PROMPT: &str = "Write a title of 2 to 6 words for this conversation. Reply with the title only: no quotes, no punctuation at the end.";
const MAX_TITLE_CHARS: usize = 60;

/// Spawned after a run completes; does nothing unless this was the session's first reply.
pub(crate) async fn maybe_title(shared: Arc<Shared>, session_id: String) {
    let sid = session_id.clone();
    let context = shared
        .read(move |conn| -> crate::error::Result<_> {
            let session = sessions::get(conn, &sid)?;
            if session.title_source != sessions::TitleSource::Default {
                return Ok(None);
            }
            let (timeline, _) = messages::timeline(conn, &sid, 3, None)?;
            let first_exchange = timeline.len() == 2
                && timeline[0].role == Role::User
                && timeline[1].role == Role::Assistant;
            Ok(first_exchange.then_some((session.model, timeline)))
        })
        .await;
    let Ok(Some((model, timeline))) = context else { return };
    // A small model of the same account names the chat when the account has one.
    let Ok((_, _, chat_model)) = shared.accounts.resolve(model.as_deref()).await else { return };
    let title_model = shared.accounts.title_model(&chat_model).await;
    let Ok((provider, model_name, _)) = shared.accounts.resolve(Some(&title_model)).await else {
        return;
    };
    let clip =
        |m: &crate::chat::Message| messages::text_of(m).chars().take(2000).collect::<String>();
    let request = ModelRequest {
        model: model_name,
        system: Some(PROMPT.into()),
        messages: vec![ModelMessage {
            role: Role::User,
            content: vec![ContentBlock::Text {
                text: format!("User: {}\n\nAssistant: {}", clip(&timeline[0]), clip(&timeline[1])),
            }],
        }],
        max_tokens: Some(30),
        ..ModelRequest::default()
    };
    let Ok(mut stream) = provider.stream(request).await else { return };
    let mut text = String::new();
    while let Some(Ok(event)) = stream.next().await {
        if let ProviderEvent::TextDelta(t) = event {
            text.push_str(&t);
        }
    }
    let Some(title) = clean(&text) else { return };
    let (sid, t) = (session_id.clone(), title.clone());
    let changed = shared.write(move |tx, now| sessions::set_auto_title(tx, &sid, &t, now)).await;
    if matches!(changed, Ok(true)) {
        shared.writer.append(&session_id, None, FrameBody::TitleUpdated { title });
        tracing::info!(session = %session_id, "session titled");
    }
}

/// One line, no wrapping quotes or trailing punctuation, at most 60 characters.
fn clean(raw: &str) -> Option<String> {
    let line = raw.lines().map(str::trim).find(|l| !l.is_empty())?;
    let line = line.strip_prefix("Title:").unwrap_or(line).trim();
    let line =
        line.trim_matches(|c: char| matches!(c, '"' | '\'' | '“' | '”' | '*' | '#' | '`')).trim();
    let line = line.trim_end_matches(['.', '!', '?', ':', ';', ',']).trim();
    let title: String = line.chars().filter(|c| !c.is_control()).take(MAX_TITLE_CHARS).collect();
    (!title.trim().is_empty()).then(|| title.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn titles_are_cleaned_to_one_short_line() {
        assert_eq!(
            clean("\"Crossing the Street Safely.\"").as_deref(),
            Some("Crossing the Street Safely")
        );
        assert_eq!(
            clean("\n  Title: **Rust build times**\nmore").as_deref(),
            Some("Rust build times")
        );
        let long = clean(&"word ".repeat(40)).unwrap();
        assert!(
            long.chars().count() <= 60 && !long.ends_with(" "),
            "at most 60 characters, trimmed: {long:?}"
        );
        assert_eq!(clean("  \n \"\" "), None, "nothing usable, no title");
    }
}
