//! Accounts added in settings: the key goes to the real OS keyring (Secret Service in the test
//! session) and nowhere else; bad forms change nothing; the account works for a turn.

use std::time::Duration;

use hearth_engine::accounts::AccountsConfig;
use hearth_engine::store::accounts::{AccountKind, AccountPatch, AccountSource, NewAccount};
use hearth_engine::{
    CreateSession, Engine, EngineOptions, ErrorCode, SendMessage, StoreOptions, UpdateSession,
    secrets,
};
use hearth_testkit::{ModelServer, Reply};

fn open(dir: &std::path::Path) -> Engine {
    Engine::open_with(
        dir,
        EngineOptions {
            store: StoreOptions::default(),
            accounts: AccountsConfig::default(),
            auto_title: false,
            background: true,
            stream_idle: hearth_engine::default_stream_idle(),
            agent_env: Vec::new(),
        },
    )
    .unwrap()
}

/// Every byte SQLite wrote for this data dir (database, WAL, shared memory).
fn store_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for name in ["hearth.db", "hearth.db-wal", "hearth.db-shm"] {
        all.extend(std::fs::read(dir.join(name)).unwrap_or_default());
    }
    all
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_settings_account_keeps_its_key_in_the_keyring_only_and_works() {
    let server = ModelServer::start().await;
    server.set_fallback(Reply::text(&["via ", "settings"]));
    let dir = tempfile::tempdir().unwrap();
    let key = format!("sk-local-{}", uuid_like());
    let engine = open(dir.path());
    let info = engine
        .add_account(&NewAccount {
            label: "My LM Studio".into(),
            kind: AccountKind::OpenaiCompatible,
            base_url: Some(server.base_url()),
            api_key: Some(format!("  {key} ")),
            default_model: Some("test-model".into()),
        })
        .unwrap();
    assert_eq!(
        (info.id.as_str(), info.source, info.has_key),
        ("my-lm-studio", AccountSource::Settings, true)
    );
    assert_eq!(
        secrets::account_key("my-lm-studio").unwrap().as_deref(),
        Some(key.as_str()),
        "the key is in the keyring, trimmed"
    );

    let session = engine.create_session(&CreateSession::default()).unwrap().id;
    engine
        .update_session(
            &session,
            &UpdateSession { model: Some("my-lm-studio/test-model".into()), ..Default::default() },
        )
        .unwrap();
    engine
        .send(&session, SendMessage { text: "hi".into(), ..SendMessage::default() })
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while engine.history(&session, None, None).unwrap().messages.len() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the turn with the settings account never finished"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let history = engine.history(&session, None, None).unwrap();
    assert_eq!(
        hearth_engine::store::messages::text_of(&history.messages[1]),
        "via settings",
        "{history:?}"
    );
    assert_eq!(
        server.auth_headers(),
        [format!("Bearer {key}")],
        "the provider got the key from the keyring"
    );
    assert_eq!(
        engine.models().await.models.iter().filter(|m| m.id.starts_with("my-lm-studio/")).count(),
        2
    );
    engine.flush(&session).await.unwrap();

    assert!(!contains(&store_bytes(dir.path()), &key), "the key is nowhere in SQLite");
    for entry in walk(dir.path()) {
        assert!(
            !contains(&std::fs::read(&entry).unwrap(), &key),
            "the key is in no file: {}",
            entry.display()
        );
    }

    // It survives a restart, key included; removing it forgets both.
    drop(engine);
    let engine = open(dir.path());
    let again = engine
        .accounts()
        .into_iter()
        .find(|a| a.id == "my-lm-studio")
        .expect("the account is stored");
    assert!(again.has_key);
    engine.remove_account("my-lm-studio").unwrap();
    assert_eq!(secrets::account_key("my-lm-studio").unwrap(), None, "the key left the keyring");
    assert!(engine.accounts().is_empty());
    assert_eq!(engine.remove_account("my-lm-studio").unwrap_err().code, ErrorCode::AccountNotFound);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_account_form_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open(dir.path());
    let form = |label: &str, kind, url: Option<&str>, key: Option<&str>| NewAccount {
        label: label.into(),
        kind,
        base_url: url.map(Into::into),
        api_key: key.map(Into::into),
        default_model: None,
    };
    for (what, req) in [
        ("empty label", form(" ", AccountKind::Openai, None, Some("sk-1"))),
        ("long label", form(&"x".repeat(61), AccountKind::Openai, None, None)),
        ("compatible without URL", form("Local", AccountKind::OpenaiCompatible, None, None)),
        ("not a URL", form("Local", AccountKind::OpenaiCompatible, Some("localhost:11434"), None)),
        ("ftp URL", form("Local", AccountKind::OpenaiCompatible, Some("ftp://127.0.0.1/v1"), None)),
        ("key with spaces", form("Work", AccountKind::Openai, None, Some("sk one two"))),
    ] {
        assert_eq!(engine.add_account(&req).unwrap_err().code, ErrorCode::InvalidAccount, "{what}");
    }
    assert!(engine.accounts().is_empty(), "no account was added");
    assert_eq!(secrets::account_key("work").unwrap(), None, "nothing reached the keyring");
    let a = engine.add_account(&form("Work", AccountKind::Openai, None, None)).unwrap();
    let b = engine.add_account(&form("Work", AccountKind::Openai, None, None)).unwrap();
    assert_eq!((a.id.as_str(), b.id.as_str()), ("work", "work-2"), "ids stay unique");
    assert_eq!(a.base_url, "https://api.openai.com/v1");
    assert!(!a.has_key);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn uuid_like() -> String {
    format!(
        "{:x}",
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotating_a_key_replaces_it_everywhere_and_test_reaches_the_server() {
    let server = ModelServer::start().await;
    server.set_fallback(Reply::text(&["ok"]));
    let dir = tempfile::tempdir().unwrap();
    let engine = open(dir.path());
    let (old, new) = (format!("sk-old-{}", uuid_like()), format!("sk-new-{}", uuid_like()));
    engine
        .add_account(&NewAccount {
            label: "Rotate me".into(),
            kind: AccountKind::OpenaiCompatible,
            base_url: Some(server.base_url()),
            api_key: Some(old.clone()),
            default_model: Some("test-model".into()),
        })
        .unwrap();
    assert_eq!(
        engine.test_account("rotate-me").await.unwrap().models,
        2,
        "Test lists the server's models"
    );

    let patch = AccountPatch {
        api_key: Some(new.clone()),
        label: Some("Rotated".into()),
        ..Default::default()
    };
    let info = engine.update_account("rotate-me", &patch).unwrap();
    assert_eq!((info.label.as_str(), info.has_key), ("Rotated", true));
    assert_eq!(
        secrets::account_key("rotate-me").unwrap().as_deref(),
        Some(new.as_str()),
        "the keyring holds the new key"
    );

    let session = engine
        .create_session(&CreateSession {
            model: Some("rotate-me/test-model".into()),
            ..Default::default()
        })
        .unwrap()
        .id;
    engine
        .send(&session, SendMessage { text: "hi".into(), ..SendMessage::default() })
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while server.auth_headers().is_empty() {
        assert!(std::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        server.auth_headers(),
        [format!("Bearer {new}")],
        "requests use the rotated key at once"
    );
    for f in walk(dir.path()) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(!contains(&bytes, &old) && !contains(&bytes, &new), "no key in {}", f.display());
    }

    // Bad edits change nothing; an empty key removes it; a dead server gives a typed error.
    let bad = AccountPatch {
        base_url: Some("not a url".into()),
        api_key: Some("sk-ignored".into()),
        ..Default::default()
    };
    assert_eq!(
        engine.update_account("rotate-me", &bad).unwrap_err().code,
        ErrorCode::InvalidAccount
    );
    assert_eq!(
        secrets::account_key("rotate-me").unwrap().as_deref(),
        Some(new.as_str()),
        "a refused edit leaves the key"
    );
    let cleared = engine
        .update_account(
            "rotate-me",
            &AccountPatch { api_key: Some(String::new()), ..Default::default() },
        )
        .unwrap();
    assert!(!cleared.has_key);
    assert_eq!(secrets::account_key("rotate-me").unwrap(), None);
    let dead = engine
        .update_account(
            "rotate-me",
            &AccountPatch { base_url: Some("http://127.0.0.1:9".into()), ..Default::default() },
        )
        .unwrap();
    assert_eq!(dead.base_url, "http://127.0.0.1:9");
    assert_eq!(engine.test_account("rotate-me").await.unwrap_err().code, ErrorCode::Network);
    assert_eq!(
        engine.update_account("nope", &AccountPatch::default()).unwrap_err().code,
        ErrorCode::AccountNotFound
    );
}
