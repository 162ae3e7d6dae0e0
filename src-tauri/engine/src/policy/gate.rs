//! The network gate a `fetch_url` call runs with: every URL it requests, the first and each
//! redirect hop, is decided by the same rules as the call itself.
//!
//! - A hop a rule allows is followed. It may reach a local or private address only when the
//!   rule has a pattern and the hop's URL names that address itself (`http://127.0.0.1:8080`,
//!   `http://localhost:3000`): a rule for every URL, or a name that merely resolves to such an
//!   address, does not open the user's machine or network.
//! - A hop a rule denies stops the fetch.
//! - Otherwise (it would ask): a call the user approved follows hops that stay on the approved
//!   URL's site (the same host and port, or its http → https upgrade), with the same address
//!   reach; any other hop stops, and the model is told to fetch the new URL itself, which asks.

use hearth_tools::net::{Hop, NetGate, Url, names_local};

use super::{Call, Decision, Rule, ToolClass, decide};

#[derive(Debug)]
pub struct FetchGate {
    pub rules: Vec<Rule>,
    pub session_id: String,
    pub tool: String,
    /// The URL the user allowed, when the call asked (None: a rule allowed it).
    pub approved: Option<Url>,
    /// Hearth's API port, never reachable.
    pub own_port: Option<u16>,
}

impl NetGate for FetchGate {
    fn check(&self, url: &Url) -> Hop {
        let call = Call {
            tool: &self.tool,
            class: ToolClass::Network,
            subject: Some(url.as_str()),
            session_id: &self.session_id,
        };
        let named = url.host().is_some_and(|host| names_local(&host));
        match decide(&self.rules, &call) {
            (Decision::Allow, rule) => {
                Hop::Go { local: named && rule.is_some_and(|r| r.pattern.is_some()) }
            }
            (Decision::Deny, _) => Hop::Stop(format!("a rule refuses {url}")),
            (Decision::Ask, _) => match &self.approved {
                Some(approved) if same_site(approved, url) => Hop::Go { local: named },
                _ => Hop::Stop(format!(
                    "the fetch stopped before {url}: no rule allows it without asking, and the \
                     user approved another site. Call fetch_url with this URL to ask the user."
                )),
            },
        }
    }

    fn own_port(&self) -> Option<u16> {
        self.own_port
    }
}

/// The same host and port, or an upgrade from http to https on the default ports.
fn same_site(approved: &Url, hop: &Url) -> bool {
    let port = |u: &Url| u.port_or_known_default();
    approved.host_str() == hop.host_str()
        && ((approved.scheme() == hop.scheme() && port(approved) == port(hop))
            || (approved.scheme() == "http"
                && hop.scheme() == "https"
                && port(approved) == Some(80)
                && port(hop) == Some(443)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(pattern: Option<&str>, decision: Decision) -> Rule {
        Rule {
            id: "r".into(),
            tool: "fetch_url".into(),
            pattern: pattern.map(Into::into),
            decision,
            session_id: None,
            created_at: 0,
        }
    }

    fn gate(rules: Vec<Rule>, approved: Option<&str>) -> FetchGate {
        FetchGate {
            rules,
            session_id: "s".into(),
            tool: "fetch_url".into(),
            approved: approved.map(|u| Url::parse(u).unwrap()),
            own_port: None,
        }
    }

    fn hop(gate: &FetchGate, url: &str) -> Hop {
        gate.check(&Url::parse(url).unwrap())
    }

    #[test]
    fn a_hop_is_decided_like_the_first_url() {
        let g = gate(vec![rule(Some("http://127.0.0.1:8080"), Decision::Allow)], None);
        assert_eq!(hop(&g, "http://127.0.0.1:8080/start"), Hop::Go { local: true });
        assert!(matches!(hop(&g, "http://127.0.0.1:9090/internal-admin"), Hop::Stop(_)));
        assert!(matches!(hop(&g, "http://[::1]:8080/"), Hop::Stop(_)));
        assert!(matches!(hop(&g, "http://localhost:8080/"), Hop::Stop(_)));

        let everything = gate(vec![rule(None, Decision::Allow)], None);
        assert_eq!(hop(&everything, "https://docs.rs/"), Hop::Go { local: false });
        assert_eq!(
            hop(&everything, "http://localhost:8080/"),
            Hop::Go { local: false },
            "a rule for every URL names no local address"
        );
        let denied = gate(
            vec![rule(None, Decision::Allow), rule(Some("https://evil.example"), Decision::Deny)],
            None,
        );
        assert!(matches!(hop(&denied, "https://evil.example/x"), Hop::Stop(_)));
    }

    #[test]
    fn an_approved_call_follows_its_own_site_only() {
        let g = gate(vec![], Some("http://example.com/a"));
        assert_eq!(hop(&g, "http://example.com/b"), Hop::Go { local: false });
        assert_eq!(hop(&g, "https://example.com/b"), Hop::Go { local: false });
        assert!(matches!(hop(&g, "https://www.example.com/"), Hop::Stop(_)));
        assert!(matches!(hop(&g, "http://example.com:8080/"), Hop::Stop(_)));
        let local = gate(vec![], Some("http://localhost:3000/"));
        assert_eq!(hop(&local, "http://localhost:3000/login"), Hop::Go { local: true });
        assert!(matches!(hop(&local, "http://127.0.0.1:3000/"), Hop::Stop(_)));
    }
}
