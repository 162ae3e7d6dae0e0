//! URL rules for `fetch_url`, parsed, never compared as strings: a scheme (`http`/`https`), a
//! host (exact, or `*.domain` for its subdomains), an optional port (the scheme's default when
//! omitted) and a path prefix that ends on a segment boundary (`/docs` covers `/docs` and
//! `/docs/x`, not `/docsx`). Query and fragment are not part of a rule. Userinfo is refused in
//! a rule and never matches in a URL (`http://allowed@127.0.0.1/` goes to 127.0.0.1).
//!
//! Rules stored before rules were parsed were string prefixes such as `https://docs.rs/` or
//! `https://docs.rs/*`: both still parse, to the same rule.

use hearth_tools::net::{Host, Url};

/// A parsed `fetch_url` rule pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlPattern {
    scheme: String,
    host: HostPattern,
    port: u16,
    /// Normalized, starts with `/`.
    path: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum HostPattern {
    /// As the URL parser normalizes it (lowercase, punycode, canonical IP).
    Exact(String),
    /// `*.example.com`: any subdomain of it (not `example.com` itself).
    Subdomains(String),
}

impl UrlPattern {
    pub fn parse(pattern: &str) -> Result<UrlPattern, String> {
        let pattern = pattern.trim();
        let pattern = pattern.strip_suffix('*').unwrap_or(pattern);
        let bad = |why: &str| format!("{pattern:?} is not a URL rule: {why}");
        let (scheme, rest) =
            pattern.split_once("://").ok_or_else(|| bad("it starts with http:// or https://"))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(bad("it starts with http:// or https://"));
        }
        if rest.contains(['?', '#']) {
            return Err(bad("a rule has no query or fragment"));
        }
        let (authority, path) = rest.find('/').map_or((rest, "/"), |at| rest.split_at(at));
        if authority.contains('@') {
            return Err(bad("a user name or password before the host is never allowed"));
        }
        if authority.contains('*') && !authority.starts_with("*.") {
            return Err(bad("a wildcard host is written *.example.com"));
        }
        let (wildcard, authority) = match authority.strip_prefix("*.") {
            Some(rest) => (true, rest),
            None => (false, authority),
        };
        let url = Url::parse(&format!("{scheme}://{authority}{path}"))
            .map_err(|err| bad(&err.to_string()))?;
        let host = match url.host() {
            Some(Host::Domain(name)) if wildcard => HostPattern::Subdomains(name.to_owned()),
            Some(_) if wildcard => return Err(bad("*. is followed by a domain name")),
            Some(_) => HostPattern::Exact(url.host_str().unwrap_or_default().to_owned()),
            None => return Err(bad("it names no host")),
        };
        let port = url.port_or_known_default().ok_or_else(|| bad("it has no port"))?;
        Ok(UrlPattern { scheme, host, port, path: url.path().to_owned() })
    }

    /// Whether `url` (as the model wrote it, or a redirect hop) is covered.
    pub fn matches(&self, url: &str) -> bool {
        let Ok(url) = Url::parse(url) else { return false };
        if !url.username().is_empty() || url.password().is_some() {
            return false;
        }
        let host_ok = match (&self.host, url.host()) {
            (HostPattern::Exact(host), Some(_)) => url.host_str() == Some(host.as_str()),
            (HostPattern::Subdomains(domain), Some(Host::Domain(name))) => {
                name.strip_suffix(domain.as_str()).is_some_and(|sub| sub.ends_with('.'))
            }
            _ => false,
        };
        host_ok
            && url.scheme() == self.scheme
            && url.port_or_known_default() == Some(self.port)
            && path_within(url.path(), &self.path)
    }

    /// Whether the rule names its host itself (an exact host, not a wildcard).
    pub fn is_exact_host(&self) -> bool {
        matches!(self.host, HostPattern::Exact(_))
    }
}

/// `path` is `prefix` or below it, on a segment boundary.
fn path_within(path: &str, prefix: &str) -> bool {
    match path.strip_prefix(prefix) {
        Some(rest) => prefix.ends_with('/') || rest.is_empty() || rest.starts_with('/'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covers(pattern: &str, url: &str) -> bool {
        UrlPattern::parse(pattern).unwrap().matches(url)
    }

    #[test]
    fn the_userinfo_and_suffix_host_tricks_never_match() {
        // The findings: a raw prefix let both through.
        assert!(!covers("http://host.test:8080", "http://host.test:8080@127.0.0.1:9000/admin"));
        assert!(!covers("https://docs.rs", "https://docs.rs.evil.example/"));
        assert!(!covers("https://docs.rs", "https://docs.rs@evil.example/"));
        assert!(!covers("https://docs.rs/", "https://user:pw@docs.rs/"));
        assert!(covers("https://docs.rs", "https://docs.rs/serde"));
        assert!(covers("https://docs.rs", "https://DOCS.rs:443/serde?x=1#y"));
    }

    #[test]
    fn scheme_port_and_path_are_each_what_the_rule_says() {
        assert!(!covers("https://docs.rs", "http://docs.rs/"), "the scheme is part of it");
        assert!(!covers("https://docs.rs", "https://docs.rs:8443/"), "so is the port");
        assert!(covers("http://127.0.0.1:8080", "http://127.0.0.1:8080/x"));
        assert!(!covers("http://127.0.0.1:8080", "http://127.0.0.1:8081/x"));
        assert!(covers("https://a.test/docs", "https://a.test/docs"));
        assert!(covers("https://a.test/docs", "https://a.test/docs/x"));
        assert!(!covers("https://a.test/docs", "https://a.test/docsx"), "a segment boundary");
        assert!(!covers("https://a.test/docs/", "https://a.test/docs"));
        assert!(!covers("https://a.test/docs", "https://a.test/docs/../admin"), "normalized");
        assert!(covers("https://a.test/docs/*", "https://a.test/docs/x"), "an old prefix rule");
    }

    #[test]
    fn a_wildcard_host_covers_subdomains_only() {
        assert!(covers("https://*.github.com", "https://api.github.com/x"));
        assert!(covers("https://*.github.com", "https://a.b.github.com/x"));
        assert!(!covers("https://*.github.com", "https://github.com/x"));
        assert!(!covers("https://*.github.com", "https://evilgithub.com/x"));
        assert!(!covers("https://*.github.com", "https://github.com.evil.example/x"));
    }

    #[test]
    fn hosts_are_compared_as_the_client_reads_them() {
        assert!(covers("http://127.0.0.1", "http://0x7f.0.0.1/"), "one address, two spellings");
        assert!(covers("http://[::1]:3000", "http://[0:0::1]:3000/"));
        assert!(!covers("http://localhost", "http://127.0.0.1/"), "a name is not its address");
    }

    #[test]
    fn bad_rules_are_refused() {
        for bad in [
            "docs.rs",
            "ftp://docs.rs",
            "https://user@docs.rs",
            "https://docs.rs/?q=1",
            "https://do*cs.rs",
            "https://*.127.0.0.1",
            "https://",
            "https://docs.rs:99999",
        ] {
            assert!(UrlPattern::parse(bad).is_err(), "{bad} must be refused");
        }
    }
}
