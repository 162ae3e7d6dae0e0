//! Doors that check who knocks: the API answers only its own `Host` and no browser page; the
//! CLI sends its token only to the Hearth that wrote `api.json`; webhooks check the hook and
//! its secret before they read a body, and accept GitHub and Standard Webhooks signatures.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use hearth_testkit::{ModelServer, Reply};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{Serve, TOKEN, run_cli, session};

/// One raw HTTP/1.1 exchange with the server at `url`: writes `head` (the request line and
/// headers, without the blank line) and `body` — which may be shorter than the
/// `Content-Length` it declares — then reads the answer. The answer's text without its `date`
/// line (so two answers compare byte for byte), or `None` if none came within 5 s: the
/// server is still waiting for the rest of the body.
async fn raw(url: &str, head: &str, body: &[u8]) -> Option<String> {
    let addr = url.strip_prefix("http://").unwrap();
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    conn.write_all(format!("{head}\r\n\r\n").as_bytes()).await.unwrap();
    conn.write_all(body).await.unwrap();
    let mut got = Vec::new();
    let read = async {
        let mut buf = [0u8; 8192];
        loop {
            match conn.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
            if answer_is_complete(&got) {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(5), read).await.ok()?;
    let text = String::from_utf8_lossy(&got).into_owned();
    if text.is_empty() {
        return None;
    }
    Some(
        text.lines()
            .filter(|l| !l.to_ascii_lowercase().starts_with("date:"))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// Whether `got` holds a whole answer: its headers and as many body bytes as they declare.
fn answer_is_complete(got: &[u8]) -> bool {
    let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") else { return false };
    let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    got.len() >= end + 4 + length
}

/// The status of a raw answer.
fn status(answer: &str) -> u16 {
    answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// The JSON body of a raw answer.
fn body_of(answer: &str) -> Value {
    let body = answer.split_once("\n\n").map(|(_, b)| b).unwrap_or("");
    serde_json::from_str(body).unwrap_or(Value::Null)
}

fn port(s: &Serve) -> u16 {
    s.url.rsplit(':').next().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_answers_only_its_own_host_and_no_browser_page() {
    let model = ModelServer::start().await;
    let data = tempfile::tempdir().unwrap();
    let s = Serve::start(data.path(), &model);
    let port = port(&s);
    let get = |path: &str, headers: &str| {
        let head = format!(
            "GET {path} HTTP/1.1\r\nAuthorization: Bearer {TOKEN}{headers}\r\nConnection: close"
        );
        let url = s.url.clone();
        async move { raw(&url, &head, b"").await.expect("an answer") }
    };

    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("[::1]:{port}"),
    ] {
        let answer = get("/v1/sessions", &format!("\r\nHost: {host}")).await;
        assert_eq!(status(&answer), 200, "Host {host} is one the API serves: {answer}");
    }
    // Curl, the CLI and webhook senders send no Origin; a user typing the URL sends
    // `Sec-Fetch-Site: none`.
    let typed =
        get("/v1/health", &format!("\r\nHost: 127.0.0.1:{port}\r\nSec-Fetch-Site: none")).await;
    assert_eq!(status(&typed), 200, "a URL typed into a browser is the user's own: {typed}");

    // A DNS-rebinding page names its own host; the token does not make that acceptable.
    for host in [
        "evil.example".to_owned(),
        format!("evil.example:{port}"),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        "127.0.0.1".to_owned(),
        format!("127.0.0.2:{port}"),
        format!("localhost.evil.example:{port}"),
    ] {
        for path in ["/v1/health", "/v1/sessions", "/v1/hooks/any", "/nope"] {
            let answer = get(path, &format!("\r\nHost: {host}")).await;
            assert_eq!(
                (status(&answer), body_of(&answer)["error"]["code"].as_str()),
                (421, Some("HOST_NOT_ALLOWED")),
                "{path} with Host {host} must be refused: {answer}"
            );
        }
    }
    let no_host = get("/v1/health", "").await;
    assert_eq!(status(&no_host), 421, "a request without a Host is refused: {no_host}");

    // No browser page calls the API: the webview talks over IPC only (its CSP's connect-src
    // is `ipc:`), so every Origin is foreign — its own included — and so is a page of any
    // other site, even when it sends no Origin.
    let host = format!("\r\nHost: 127.0.0.1:{port}");
    for foreign in [
        "Origin: https://evil.example",
        "Origin: null",
        "Origin: tauri://localhost",
        "Origin: http://tauri.localhost",
        &format!("Origin: http://127.0.0.1:{port}"),
        &format!("Origin: http://localhost:{}", port.wrapping_add(1)),
        "Sec-Fetch-Site: cross-site",
        "Sec-Fetch-Site: same-site",
    ] {
        for path in ["/v1/health", "/v1/sessions", "/v1/hooks/any", "/nope"] {
            let answer = get(path, &format!("{host}\r\n{foreign}")).await;
            assert_eq!(
                (status(&answer), body_of(&answer)["error"]["code"].as_str()),
                (403, Some("ORIGIN_NOT_ALLOWED")),
                "{path} with {foreign} must be refused: {answer}"
            );
        }
    }
    let post = raw(
        &s.url,
        &format!(
            "POST /v1/sessions HTTP/1.1{host}\r\nAuthorization: Bearer {TOKEN}\r\nOrigin: https://evil.example\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close"
        ),
        b"{}",
    )
    .await
    .unwrap();
    assert_eq!(status(&post), 403, "a cross-site POST changes nothing: {post}");
    assert_eq!(s.get("/v1/sessions").await["sessions"].as_array().unwrap().len(), 0);
}

/// A listener of someone else on a loopback port: it records every byte it receives and
/// answers every request the way a Hearth would, as well as it can.
struct Impostor {
    url: String,
    received: Arc<Mutex<Vec<u8>>>,
}

impl Impostor {
    async fn start() -> Impostor {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        tokio::spawn(async move {
            while let Ok((mut conn, _)) = listener.accept().await {
                let log = log.clone();
                tokio::spawn(async move {
                    let mut got = Vec::new();
                    let mut buf = [0u8; 8192];
                    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                        match conn.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => got.extend_from_slice(&buf[..n]),
                        }
                    }
                    // Whatever body follows, briefly.
                    if let Ok(Ok(n)) =
                        tokio::time::timeout(Duration::from_millis(200), conn.read(&mut buf)).await
                    {
                        got.extend_from_slice(&buf[..n]);
                    }
                    log.lock().unwrap().extend_from_slice(&got);
                    let body = json!({
                        "ok": true, "version": "0.1.0", "proof": "0".repeat(64),
                        "sessions": [], "next_cursor": null,
                    })
                    .to_string();
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = conn.write_all(answer.as_bytes()).await;
                });
            }
        });
        Impostor { url, received }
    }

    fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().parse().unwrap()
    }

    fn received(&self) -> String {
        String::from_utf8_lossy(&self.received.lock().unwrap()).into_owned()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_api_json_sends_no_token_to_whoever_listens_on_its_port() {
    let impostor = Impostor::start().await;
    let data = tempfile::tempdir().unwrap();
    // What a crashed Hearth leaves: its port, its pid (long gone) and its nonce.
    let stale = json!({"port": impostor.port(), "pid": 4_194_303, "nonce": "ab".repeat(32)});
    std::fs::write(data.path().join("api.json"), stale.to_string()).unwrap();

    let default = run_cli(data.path(), &["sessions", "--json"]).await;
    let url = impostor.url.clone();
    let named = run_cli(data.path(), &["--url", &url, "sessions", "--json"]).await;
    let received = impostor.received();
    assert!(!received.is_empty(), "the CLI did knock on the impostor's door");
    assert!(
        !received.contains(TOKEN) && !received.to_ascii_lowercase().contains("authorization"),
        "the token must never reach a listener that cannot prove it is the Hearth of api.json; it received:\n{received}"
    );
    for out in [&default, &named] {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "the CLI must fail, not trust the impostor's answer");
        assert!(stderr.contains("NOT_HEARTH"), "a stable code says why: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_proves_the_live_server_before_sending_its_token() {
    let model = ModelServer::start().await;
    let data = tempfile::tempdir().unwrap();
    let s = Serve::start(data.path(), &model);
    let info: Value =
        serde_json::from_str(&std::fs::read_to_string(data.path().join("api.json")).unwrap())
            .unwrap();
    assert!(info["nonce"].as_str().is_some_and(|n| n.len() >= 32), "a per-start nonce: {info}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.path().join("api.json")).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only its owner may read the nonce: {mode:o}");
    }
    session(&s).await;
    let out = run_cli(data.path(), &["sessions", "--json"]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed["sessions"].as_array().unwrap().len(), 1);
    let out = run_cli(data.path(), &["--url", &s.url, "sessions", "--json"]).await;
    assert!(out.status.success(), "--url naming the same server works: {out:?}");

    // An api.json whose nonce is not the server's (edited, or another start's): no token.
    let mut edited = info.clone();
    edited["nonce"] = json!("cd".repeat(32));
    std::fs::write(data.path().join("api.json"), edited.to_string()).unwrap();
    let out = run_cli(data.path(), &["sessions"]).await;
    assert!(
        !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("NOT_HEARTH"),
        "{out:?}"
    );
    // The proof route answers without the token and gives nothing away for a bad challenge.
    let (code, v) =
        s.call(reqwest::Method::POST, "/v1/prove", Some(json!({"challenge": "x"}))).await;
    assert_eq!((code, v["error"]["code"].as_str()), (400, Some("INVALID_INPUT")), "{v}");
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_checks_its_name_and_secret_before_reading_the_body() {
    let model = ModelServer::start().await;
    model.set_fallback(Reply::text(&["ok"]));
    let data = tempfile::tempdir().unwrap();
    let s = Serve::start(data.path(), &model);
    let port = port(&s);
    let made = s.post("/v1/webhooks", json!({"name": "plain", "template": "{{payload}}"})).await;
    let secret = made["secret"].as_str().unwrap().to_owned();
    assert_eq!(made["hook"]["auth"], "bearer", "a bearer secret stays the default");
    s.post("/v1/webhooks", json!({"name": "off", "template": "x", "enabled": false})).await;

    let knock = |name: &str, secret: &str, length: usize, sent: usize| {
        let head = format!(
            "POST /v1/hooks/{name} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {secret}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\nConnection: close"
        );
        // `{}` and then spaces: valid JSON, whatever its length.
        let body: Vec<u8> =
            b"{}".iter().copied().chain(std::iter::repeat(b' ')).take(sent).collect();
        let url = s.url.clone();
        async move { raw(&url, &head, &body).await }
    };
    // A whole small body with the wrong secret: the answer every refused delivery gets.
    let wrong = knock("plain", "wrong", 2, 2).await.expect("an answer");
    assert_eq!(status(&wrong), 401, "{wrong}");
    assert_eq!(body_of(&wrong)["error"]["code"], "UNAUTHORIZED");

    // Headers that promise a body, then a little of it: the answer comes without the rest.
    for (name, secret, length, why) in [
        ("nope", secret.as_str(), 1_000_000, "an unknown hook, a body within the limit"),
        ("nope", secret.as_str(), 100_000_000, "an unknown hook, a body far over the limit"),
        ("off", secret.as_str(), 1_000_000, "a hook that is turned off"),
        ("plain", "wrong", 1_000_000, "a known hook, the wrong secret"),
        ("plain", "", 1_000_000, "a known hook, no secret"),
    ] {
        let answer = knock(name, secret, length, 1000).await;
        let Some(answer) = answer else {
            panic!("{why}: refused before the body is read, so no wait for the rest of it");
        };
        assert_eq!(answer, wrong, "{why}: byte for byte the same answer as a wrong secret");
    }
    // The right secret still works, and a body over the limit is refused once it is allowed.
    let ok = raw(
        &s.url,
        &format!(
            "POST /v1/hooks/plain HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {secret}\r\nContent-Type: application/json\r\nContent-Length: 8\r\nConnection: close"
        ),
        b"{\"a\": 1}",
    )
    .await
    .expect("an answer");
    assert_eq!(status(&ok), 202, "{ok}");
    let big = knock("plain", &secret, 100_000_000, 1000).await.expect("an answer");
    assert_eq!(status(&big), 413, "over the limit, said before reading it: {big}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn github_and_standard_webhooks_signatures_are_checked() {
    use reqwest::Method;
    let model = ModelServer::start().await;
    model.set_fallback(Reply::text(&["ok"]));
    let data = tempfile::tempdir().unwrap();
    let s = Serve::start(data.path(), &model);
    let id = session(&s).await;
    let deliver = |name: &str, headers: Vec<(&str, String)>, body: &str| {
        let mut req = s.http.post(format!("{}/v1/hooks/{name}", s.url)).body(body.to_owned());
        req = req.header("content-type", "application/json");
        for (k, v) in headers {
            req = req.header(k, v);
        }
        async move {
            let resp = req.send().await.unwrap();
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    };
    let refused = deliver("nope", vec![], "{}").await;
    assert_eq!(refused.0, 401, "{refused:?}");

    // GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`.
    let gh = s
        .post(
            "/v1/webhooks",
            json!({"name": "gh", "template": "{{issue.title}}", "auth": "github", "session_id": id}),
        )
        .await;
    assert_eq!(gh["hook"]["auth"], "github");
    let gh_secret = gh["secret"].as_str().unwrap().to_owned();
    let body = r#"{"issue": {"title": "Signed"}}"#;
    let signed = format!("sha256={}", hex(&hmac_sha256(gh_secret.as_bytes(), &[body.as_bytes()])));
    let headers = |sig: &str, delivery: &str| {
        vec![("X-Hub-Signature-256", sig.to_owned()), ("X-GitHub-Delivery", delivery.to_owned())]
    };
    let (code, first) = deliver("gh", headers(&signed, "g-1"), body).await;
    assert_eq!(code, 202, "a GitHub-signed delivery is accepted: {first}");
    let (_, again) = deliver("gh", headers(&signed, "g-1"), body).await;
    let (first, again): (Value, Value) =
        (serde_json::from_str(&first).unwrap(), serde_json::from_str(&again).unwrap());
    assert_eq!(first["message_id"], again["message_id"], "a redelivery changes nothing");
    let tampered = r#"{"issue": {"title": "Tampered"}}"#;
    for (sig, body, why) in [
        (signed.clone(), tampered, "a tampered body"),
        (signed.replace("sha256=", "sha1="), body, "another algorithm"),
        ("sha256=".to_owned() + &"0".repeat(64), body, "a made-up signature"),
        (String::new(), body, "no signature"),
    ] {
        assert_eq!(deliver("gh", headers(&sig, "g-2"), body).await, refused, "{why} is refused");
    }
    let bearer = vec![("Authorization", format!("Bearer {gh_secret}"))];
    assert_eq!(deliver("gh", bearer, body).await, refused, "a GitHub hook takes only signatures");

    // Standard Webhooks: `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`
    // keyed with the `whsec_` secret's base64 bytes, within five minutes of now.
    let sw = s
        .post("/v1/webhooks", json!({"name": "sw", "template": "{{x}}", "auth": "standard_webhooks", "session_id": id}))
        .await;
    let sw_secret = sw["secret"].as_str().unwrap().to_owned();
    let key = base64::engine::general_purpose::STANDARD
        .decode(sw_secret.strip_prefix("whsec_").expect("a whsec_ secret"))
        .unwrap();
    let standard = |key: &[u8], msg: &str, ts: i64, body: &str, extra: &str| {
        let mac = hmac_sha256(
            key,
            &[msg.as_bytes(), b".", ts.to_string().as_bytes(), b".", body.as_bytes()],
        );
        let sig = format!("{extra}v1,{}", base64::engine::general_purpose::STANDARD.encode(mac));
        vec![
            ("webhook-id", msg.to_owned()),
            ("webhook-timestamp", ts.to_string()),
            ("webhook-signature", sig),
        ]
    };
    let body = r#"{"x": "standard"}"#;
    let (code, first) = deliver("sw", standard(&key, "msg_1", now(), body, ""), body).await;
    assert_eq!(code, 202, "a Standard Webhooks delivery is accepted: {first}");
    let (code, again) =
        deliver("sw", standard(&key, "msg_1", now(), body, "v1,bm90IGl0 "), body).await;
    assert_eq!(code, 202, "any one of several signatures may match: {again}");
    let (first, again): (Value, Value) =
        (serde_json::from_str(&first).unwrap(), serde_json::from_str(&again).unwrap());
    assert_eq!(first["message_id"], again["message_id"], "webhook-id deduplicates");
    for (headers, why) in [
        (standard(&key, "msg_2", now() - 600, body, ""), "a stale timestamp"),
        (standard(&key, "msg_3", now() + 600, body, ""), "a timestamp from the future"),
        (standard(b"another key", "msg_4", now(), body, ""), "another key"),
        (standard(&key, "msg_5", now(), r#"{"x": "other"}"#, ""), "a tampered body"),
    ] {
        assert_eq!(deliver("sw", headers, body).await, refused, "{why} is refused");
    }

    // A sender that makes the secret itself (most Standard Webhooks senders do): it is given.
    let own = format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode([7u8; 32]));
    let (code, given) = s
        .call(
            Method::POST,
            "/v1/webhooks",
            Some(json!({"name": "svix", "template": "{{x}}", "auth": "standard_webhooks", "secret": own})),
        )
        .await;
    assert_eq!(code, 201, "{given}");
    assert!(
        given.get("secret").is_none_or(Value::is_null),
        "a given secret is not echoed: {given}"
    );
    let (code, _) = deliver("svix", standard(&[7u8; 32], "m", now(), body, ""), body).await;
    assert_eq!(code, 202, "the sender's own secret verifies its deliveries");
    for (new, why) in [
        (
            json!({"name": "b1", "template": "x", "auth": "standard_webhooks", "secret": "plain"}),
            "not whsec_",
        ),
        (
            json!({"name": "b2", "template": "x", "auth": "standard_webhooks", "secret": "whsec_!!"}),
            "not base64",
        ),
        (json!({"name": "b3", "template": "x", "auth": "github", "secret": "short"}), "too short"),
        (json!({"name": "b4", "template": "x", "auth": "hmac"}), "no such kind"),
    ] {
        let (code, v) = s.call(Method::POST, "/v1/webhooks", Some(new)).await;
        let expected = if why == "no such kind" { "INVALID_INPUT" } else { "INVALID_HOOK" };
        assert_eq!((code, v["error"]["code"].as_str()), (400, Some(expected)), "{why}: {v}");
        assert!(!v.to_string().contains("plain\""), "a secret never comes back in an error");
    }
    // Switching to Standard Webhooks needs a whsec_ secret: a new one, or the sender's.
    let (code, v) =
        s.call(Method::PATCH, "/v1/webhooks/gh", Some(json!({"auth": "standard_webhooks"}))).await;
    assert_eq!((code, v["error"]["code"].as_str()), (400, Some("INVALID_HOOK")), "{v}");
    let (code, v) = s
        .call(
            Method::PATCH,
            "/v1/webhooks/gh",
            Some(json!({"auth": "standard_webhooks", "rotate_secret": true})),
        )
        .await;
    assert_eq!(code, 200, "{v}");
    assert!(v["secret"].as_str().unwrap().starts_with("whsec_"), "{v}");
    let listed = s.get("/v1/webhooks").await;
    let kinds: Vec<(&str, &str)> = listed["hooks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["name"].as_str().unwrap(), h["auth"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [("gh", "standard_webhooks"), ("svix", "standard_webhooks"), ("sw", "standard_webhooks")]
    );
    let mut db = String::new();
    for file in ["hearth.db", "hearth.db-wal"] {
        let bytes = std::fs::read(data.path().join(file)).unwrap_or_default();
        db.push_str(&String::from_utf8_lossy(&bytes));
    }
    assert!(!db.contains(&gh_secret) && !db.contains(&sw_secret), "no secret is in SQLite");
}
