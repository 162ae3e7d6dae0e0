//! Attachments: what a file is (by content), the size limit, storing once by content hash,
//! sending them with a message (and only once), and what each protocol receives for them.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine as _;
use hearth_engine::FrameBody;
use hearth_engine::chat::{ContentBlock, Role};
use hearth_engine::provider::anthropic::AnthropicMessages;
use hearth_engine::provider::openai::OpenAiChat;
use hearth_engine::provider::responses::OpenAiResponses;
use hearth_engine::provider::{DocumentData, ModelMessage, ModelRequest};
use hearth_engine::store::settings::SettingsPatch;
use hearth_engine::{CreateSession, Engine, ErrorCode, SendMessage};
use hearth_testkit::{ModelServer, Reply, files};
use serde_json::{Value, json};

use crate::support::{anthropic_options, anthropic_text, frames_until, openai_options, turn_with};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Every file under the data dir's `attachments/`.
fn stored_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(shards) = std::fs::read_dir(dir.join("attachments")) else { return out };
    for shard in shards.flatten() {
        out.extend(std::fs::read_dir(shard.path()).unwrap().flatten().map(|f| f.path()));
    }
    out
}

fn rows(engine: &Engine) -> i64 {
    engine
        .store()
        .read(|c| -> hearth_engine::store::Result<i64> {
            Ok(c.query_row("SELECT COUNT(*) FROM attachments", [], |r| r.get(0))?)
        })
        .unwrap()
}

fn with(text: &str, attachments: &[&str]) -> SendMessage {
    SendMessage {
        text: text.into(),
        attachments: attachments.iter().map(|s| s.to_string()).collect(),
        ..SendMessage::default()
    }
}

#[test]
fn the_type_comes_from_the_content_not_the_name() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    let s = engine.create_session(&CreateSession::default()).unwrap();
    let png = files::png(4, 3, 1);
    let pdf = files::pdf("Quarterly figures");
    let cases: [(&str, &[u8], &str); 5] = [
        ("photo.txt", &png, "image/png"),
        ("notes.png", b"# Notes\nplain text, really\n", "text/plain"),
        ("main.rs", "fn main() { println!(\"h\u{e9}llo\"); }\n".as_bytes(), "text/plain"),
        ("report", &pdf, "application/pdf"),
        ("", b"\xef\xbb\xbfBOM then text", "text/plain"),
    ];
    for (name, bytes, mime) in cases {
        let info = engine.add_attachment(&s.id, Some(name), bytes).unwrap();
        assert_eq!(info.mime, mime, "{name}");
        assert_eq!(info.size, bytes.len() as u64);
        let (stored_mime, stored) = engine.attachment(&info.attachment_id).unwrap();
        assert_eq!((stored_mime.as_str(), stored.as_slice()), (mime, bytes));
    }
    // A name is only its last component; none gets one from the type.
    let info = engine.add_attachment(&s.id, Some("../../etc/pass\nwd"), b"x").unwrap();
    assert_eq!(info.name, "passwd");
    assert_eq!(engine.add_attachment(&s.id, None, &png).unwrap().name, "image.png");

    let before = (rows(&engine), stored_files(dir.path()).len());
    let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00rest of a zip file";
    let refused: [(&[u8], ErrorCode); 4] = [
        (zip, ErrorCode::UnsupportedAttachment),
        (b"\x00\x01\x02\x03 binary", ErrorCode::UnsupportedAttachment),
        (b"\xff\xfe not utf-8 \xc3\x28", ErrorCode::UnsupportedAttachment),
        (b"", ErrorCode::InvalidInput),
    ];
    for (bytes, code) in refused {
        let e = engine.add_attachment(&s.id, Some("x.txt"), bytes).unwrap_err();
        assert_eq!(e.code, code, "{bytes:?}");
    }
    let e = engine.add_attachment("no-such-chat", Some("a.txt"), b"hi").unwrap_err();
    assert_eq!(e.code, ErrorCode::SessionNotFound);
    assert_eq!((rows(&engine), stored_files(dir.path()).len()), before, "nothing stored");
}

#[test]
fn files_over_the_limit_are_refused_and_the_same_bytes_are_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    let a = engine.create_session(&CreateSession::default()).unwrap();
    let b = engine.create_session(&CreateSession::default()).unwrap();
    assert_eq!(engine.attachment_limit(), 20 * 1024 * 1024, "20 MB by default");

    let e = engine
        .update_settings(&SettingsPatch { attachment_max_mb: Some(0), ..Default::default() })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    engine
        .update_settings(&SettingsPatch { attachment_max_mb: Some(1), ..Default::default() })
        .unwrap();
    let big = "a".repeat(1024 * 1024 + 1);
    let e = engine.add_attachment(&a.id, Some("big.txt"), big.as_bytes()).unwrap_err();
    assert_eq!(e.code, ErrorCode::AttachmentTooLarge);
    assert!(e.message.contains("1 MB"), "{}", e.message);
    assert_eq!((rows(&engine), stored_files(dir.path()).len()), (0, 0), "nothing stored");
    engine.add_attachment(&a.id, Some("fits.txt"), &big.as_bytes()[1..]).unwrap();

    let png = files::png(8, 8, 2);
    let one = engine.add_attachment(&a.id, Some("a.png"), &png).unwrap();
    let two = engine.add_attachment(&b.id, Some("b.png"), &png).unwrap();
    assert_ne!(one.attachment_id, two.attachment_id);
    assert_eq!(stored_files(dir.path()).len(), 2, "the 1 MB text and one PNG for both chats");
    assert!(stored_files(dir.path()).iter().all(|p| !p.to_string_lossy().ends_with(".partial")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_go_to_anthropic_as_image_and_document_blocks_with_their_exact_bytes() {
    let server = ModelServer::start().await;
    server.set_fallback(anthropic_text("seen"));
    let dir = tempfile::tempdir().unwrap();
    let engine =
        Engine::open_with(dir.path(), anthropic_options(&server, "claude-sonnet-4-5")).unwrap();
    let s = engine.create_session(&CreateSession::default()).unwrap();
    let png = files::png(16, 9, 3);
    let pdf = files::pdf("Revenue grew by nine percent");
    let code = "def add(a, b):\n    return a + b\n";
    let image = engine.add_attachment(&s.id, Some("chart.png"), &png).unwrap();
    let doc = engine.add_attachment(&s.id, Some("q3.pdf"), &pdf).unwrap();
    let text = engine.add_attachment(&s.id, Some("add.py"), code.as_bytes()).unwrap();
    let ids = [&image, &doc, &text].map(|a| a.attachment_id.as_str());
    turn_with(&engine, &s.id, with("What do these say?", &ids)).await;

    let sent = &server.requests()[0]["messages"][0]["content"];
    assert_eq!(sent[0]["type"], "image");
    assert_eq!(
        sent[0]["source"],
        json!({"type": "base64", "media_type": "image/png", "data": b64(&png)})
    );
    assert_eq!(sent[1]["type"], "document");
    assert_eq!(
        sent[1]["source"],
        json!({"type": "base64", "media_type": "application/pdf", "data": b64(&pdf)})
    );
    assert_eq!(sent[1]["title"], "q3.pdf");
    assert_eq!(
        sent[2]["text"],
        format!("<document name=\"add.py\">\n{}\n</document>", code.trim_end())
    );
    assert_eq!(
        (&sent[3]["type"], &sent[3]["text"]),
        (&json!("text"), &json!("What do these say?"))
    );

    // History shows the files (thumbnail and chips need only the blocks).
    let history = engine.history(&s.id, None, None).unwrap();
    let user = history.messages.iter().find(|m| m.role == Role::User).unwrap();
    assert_eq!(
        user.content[0],
        ContentBlock::Image {
            attachment_id: image.attachment_id.clone(),
            mime: "image/png".into()
        }
    );
    assert_eq!(
        user.content[1],
        ContentBlock::File {
            attachment_id: doc.attachment_id.clone(),
            mime: "application/pdf".into(),
            name: "q3.pdf".into(),
            size: pdf.len() as u64
        }
    );

    // The live stream shows them as the message enters the conversation.
    let frames = frames_until(&engine, &s.id, 0, |f| {
        f.iter().any(|f| matches!(f.body, FrameBody::UserMessage { .. }))
    })
    .await;
    let shown = frames.iter().find_map(|f| match &f.body {
        FrameBody::UserMessage { attachments, .. } => Some(attachments.clone()),
        _ => None,
    });
    assert_eq!(shown.unwrap(), user.content[..3]);

    // Sent once: a second message cannot take them again.
    let e = engine.send(&s.id, with("again", &ids[..1])).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::AttachmentNotFound);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compatible_servers_get_the_pdf_as_its_extracted_text() {
    let server = ModelServer::start().await;
    server.set_fallback(Reply::text(&["ok"]));
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open_with(dir.path(), openai_options(&server, "llama3")).unwrap();
    let s = engine.create_session(&CreateSession::default()).unwrap();
    let png = files::png(5, 5, 4);
    let image = engine.add_attachment(&s.id, Some("a.png"), &png).unwrap();
    let doc =
        engine.add_attachment(&s.id, Some("memo.pdf"), &files::pdf("Ship on Friday")).unwrap();
    // Only attachments, no text: still a message.
    turn_with(&engine, &s.id, with("", &[&image.attachment_id, &doc.attachment_id])).await;

    let messages = server.requests()[0]["messages"].as_array().unwrap().clone();
    let user: Vec<&Value> = messages.iter().filter(|m| m["role"] == "user").collect();
    let parts = user[0]["content"].as_array().unwrap();
    assert_eq!(parts[0]["image_url"]["url"], format!("data:image/png;base64,{}", b64(&png)));
    let text = parts[1]["text"].as_str().unwrap();
    assert!(
        text.starts_with("<document name=\"memo.pdf\">") && text.contains("Ship on Friday"),
        "{text}"
    );
    assert_eq!(parts.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_with_an_attachment_that_is_not_this_chats_changes_nothing() {
    let server = ModelServer::start().await;
    server.set_fallback(Reply::text(&["ok"]));
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open_with(dir.path(), openai_options(&server, "m")).unwrap();
    let a = engine.create_session(&CreateSession::default()).unwrap();
    let b = engine.create_session(&CreateSession::default()).unwrap();
    let mine = engine.add_attachment(&a.id, Some("a.txt"), b"mine").unwrap().attachment_id;
    let theirs = engine.add_attachment(&b.id, Some("b.txt"), b"theirs").unwrap().attachment_id;

    for (ids, code) in [
        (vec![mine.as_str(), theirs.as_str()], ErrorCode::AttachmentNotFound),
        (vec![mine.as_str(), "nope"], ErrorCode::AttachmentNotFound),
        (vec![mine.as_str(), mine.as_str()], ErrorCode::InvalidInput),
    ] {
        let e = engine.send(&a.id, with("look", &ids)).await.unwrap_err();
        assert_eq!(e.code, code, "{ids:?}");
    }
    let too_many: Vec<&str> = std::iter::repeat_n(mine.as_str(), 21).collect();
    assert_eq!(
        engine.send(&a.id, with("x", &too_many)).await.unwrap_err().code,
        ErrorCode::InvalidInput
    );
    assert!(engine.history(&a.id, None, None).unwrap().messages.is_empty(), "no message");
    // Still waiting: the next good send takes it.
    turn_with(&engine, &a.id, with("now", &[&mine])).await;
    assert!(server.requests()[0].to_string().contains("<document name=\\\"a.txt\\\">\\nmine"));
}

#[test]
fn each_protocol_takes_pdfs_its_own_way_and_says_when_a_file_is_gone() {
    let pdf = DocumentData {
        mime: "application/pdf".into(),
        name: "a \"quoted\" name.pdf".into(),
        base64: Some("JVBERi0=".into()),
        text: "page text".into(),
    };
    let request = ModelRequest {
        model: "m".into(),
        messages: vec![ModelMessage {
            role: Role::User,
            content: vec![
                ContentBlock::File {
                    attachment_id: "d1".into(),
                    mime: "application/pdf".into(),
                    name: "x".into(),
                    size: 5,
                },
                ContentBlock::File {
                    attachment_id: "gone".into(),
                    mime: "text/plain".into(),
                    name: "y".into(),
                    size: 1,
                },
            ],
        }],
        documents: Arc::new(HashMap::from([("d1".to_owned(), pdf)])),
        ..ModelRequest::default()
    };
    let gone = "[an attached file that is no longer available]";

    let body = AnthropicMessages::body(&request);
    let content = &body["messages"][0]["content"];
    assert_eq!(content[0]["type"], "document");
    assert_eq!(content[0]["source"]["data"], "JVBERi0=");
    assert_eq!((&content[1]["type"], &content[1]["text"]), (&json!("text"), &json!(gone)));

    let body = OpenAiResponses::body(&request);
    let content = &body["input"][0]["content"];
    assert_eq!(
        content[0],
        json!({"type": "input_file", "filename": "a \"quoted\" name.pdf", "file_data": "data:application/pdf;base64,JVBERi0="})
    );
    assert_eq!(content[1], json!({"type": "input_text", "text": gone}));

    let body = OpenAiChat::body(&request);
    let content = body["messages"][0]["content"].as_str().unwrap();
    assert!(
        content.starts_with("<document name=\"a _quoted_ name.pdf\">\npage text\n</document>"),
        "{content}"
    );
    assert!(content.ends_with(gone));
}
