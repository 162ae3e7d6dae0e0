//! The network policy end to end: a model calls `fetch_url` under real rules, against real
//! loopback HTTP servers that count what reaches them. A rule allows exactly what it names;
//! every redirect hop is decided like the first URL; local addresses need a rule that names
//! them; Hearth's own API port is never reached.

use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use hearth_engine::frames::{Frame, FrameBody};
use hearth_engine::policy::Decision;
use hearth_engine::store::approvals::ApprovalAnswer;
use hearth_engine::store::rules::NewRule;

use crate::agent::{
    Setup, approval_in, approval_requested, completed, say, send, setup, tool_calls,
};
use crate::support::frames_until;

/// A loopback HTTP server that gives every request the same answer, and how many it got.
struct Target {
    port: u16,
    hits: Arc<AtomicUsize>,
}

impl Target {
    fn start(status: &str, headers: &str, body: &str) -> Target {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let hits = Arc::new(AtomicUsize::new(0));
        let counted = hits.clone();
        let answer = format!(
            "HTTP/1.1 {status}\r\n{headers}Content-Type: text/plain\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        );
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                counted.fetch_add(1, Ordering::SeqCst);
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        Target { port, hits }
    }

    fn secret() -> Target {
        Target::start("200 OK", "", "internal-admin secret")
    }

    fn redirecting_to(location: &str) -> Target {
        Target::start("302 Found", &format!("Location: {location}\r\n"), "")
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

fn allow(s: &Setup, pattern: Option<&str>) {
    let rule = NewRule {
        tool: "fetch_url".into(),
        pattern: pattern.map(Into::into),
        decision: Decision::Allow,
    };
    s.engine.add_rule(&rule).unwrap();
}

/// Has the model fetch `url` and returns what the tool answered (content, is_error).
async fn fetch(s: &Setup, url: &str) -> (String, bool) {
    let after = s.engine.subscribe(&s.session, 0).await.unwrap().0.last_seq;
    s.server.push(tool_calls(&[("f", "fetch_url", &format!(r#"{{"url": "{url}"}}"#))]));
    s.server.push(say("done"));
    send(&s.engine, &s.session, "fetch it").await;
    let frames = frames_until(&s.engine, &s.session, after, completed).await;
    assert!(!approval_requested(&frames), "{url}: a rule decided, nobody was asked");
    result(&frames).unwrap_or_else(|| panic!("{url}: the tool ran"))
}

fn result(frames: &[Frame]) -> Option<(String, bool)> {
    frames.iter().find_map(|f| match &f.body {
        FrameBody::ToolResult { content, is_error, .. } => Some((content.clone(), *is_error)),
        _ => None,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_from_an_allowed_url_to_a_loopback_server_is_refused() {
    let s = setup().await;
    let admin = Target::secret();
    let to_admin =
        Target::redirecting_to(&format!("http://127.0.0.1:{}/internal-admin", admin.port));
    let to_v6 = Target::redirecting_to(&format!("http://[::1]:{}/internal-admin", admin.port));
    allow(&s, Some(&format!("http://127.0.0.1:{}", to_admin.port)));
    allow(&s, Some(&format!("http://127.0.0.1:{}", to_v6.port)));

    for from in [&to_admin, &to_v6] {
        let (content, is_error) = fetch(&s, &format!("http://127.0.0.1:{}/start", from.port)).await;
        assert!(is_error, "the hop is refused: {content}");
        assert!(content.contains("REFUSED") && content.contains("internal-admin"), "{content}");
        assert!(!content.contains("secret"), "{content}");
        assert_eq!(from.hits(), 1, "the allowed URL was fetched");
    }
    assert_eq!(admin.hits(), 0, "the internal server saw no request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_url_rule_does_not_vouch_for_userinfo_tricks() {
    let s = setup().await;
    let admin = Target::secret();
    let allowed = Target::secret();
    allow(&s, Some(&format!("http://127.0.0.1:{}", allowed.port)));
    let tricked = format!("http://127.0.0.1:{}@127.0.0.1:{}/admin", allowed.port, admin.port);
    s.server.push(tool_calls(&[("f", "fetch_url", &format!(r#"{{"url": "{tricked}"}}"#))]));
    s.server.push(say("ok"));
    send(&s.engine, &s.session, "fetch it").await;
    let frames = frames_until(&s.engine, &s.session, 0, approval_requested).await;
    let approval = approval_in(&frames).expect("the rule does not cover it, so the user is asked");
    // Even approved, a URL with userinfo is refused by the tool itself.
    s.engine
        .answer_approval(&approval.id, &ApprovalAnswer { allow: true, ..Default::default() })
        .unwrap();
    let frames = frames_until(&s.engine, &s.session, 0, completed).await;
    let (content, is_error) = result(&frames).unwrap();
    assert!(is_error && content.contains("userinfo"), "{content}");
    assert_eq!(admin.hits() + allowed.hits(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_that_resolves_to_loopback_needs_a_rule_naming_the_address() {
    let s = setup().await;
    let admin = Target::secret();
    allow(&s, None);
    // `localhost` resolves to 127.0.0.1; a rule for every URL does not name it.
    let (content, is_error) = fetch(&s, &format!("http://localhost:{}/x", admin.port)).await;
    assert!(is_error && content.contains("REFUSED") && content.contains("127.0.0.1"), "{content}");

    // A name the machine resolves to a loopback or private address (its own host name, from
    // /etc/hosts): not even a rule naming the host opens it, only one naming the address.
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let host = host.trim().to_owned();
    let local = std::net::ToSocketAddrs::to_socket_addrs(&(host.as_str(), admin.port))
        .map(|addrs| addrs.into_iter().any(|a| !hearth_tools::net::is_public(a.ip())))
        .unwrap_or(false);
    if local && !host.is_empty() {
        allow(&s, Some(&format!("http://{host}:{}", admin.port)));
        let (content, is_error) = fetch(&s, &format!("http://{host}:{}/x", admin.port)).await;
        assert!(is_error && content.contains("REFUSED"), "{host}: {content}");
    } else {
        eprintln!("skipped the host-name case: {host:?} does not resolve to a local address");
    }
    assert_eq!(admin.hits(), 0, "nothing reached the loopback server");

    allow(&s, Some(&format!("http://127.0.0.1:{}", admin.port)));
    let (content, is_error) = fetch(&s, &format!("http://127.0.0.1:{}/x", admin.port)).await;
    assert!(!is_error && content.contains("internal-admin secret"), "named, it is reachable");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hearths_own_api_port_is_never_reached() {
    let s = setup().await;
    let api = Target::secret();
    s.engine.serving_on(api.port);
    allow(&s, Some(&format!("http://127.0.0.1:{}", api.port)));
    let (content, is_error) =
        fetch(&s, &format!("http://127.0.0.1:{}/v1/sessions", api.port)).await;
    assert!(is_error && content.contains("Hearth's own API"), "{content}");
    assert_eq!(api.hits(), 0);
}
