//! Where `fetch_url` may connect. Two questions are asked of every URL it is about to request,
//! the first and each redirect hop alike:
//!
//! - *May it go there at all?* That is the approval rules' decision, made by the engine and
//!   handed in as a [`NetGate`]: a hop no rule allows stops the fetch (the model can fetch the
//!   new URL itself, which asks the user).
//! - *May it reach that address?* Loopback, link-local, private, unique-local and other
//!   non-public addresses are reachable only when the gate says the hop names one explicitly
//!   ([`Hop::Go`] `local: true`). The check is made on the addresses the name resolves to, and
//!   the request then connects to exactly those addresses (no second lookup a rebinding DNS
//!   answer could change). Hearth's own API port on loopback is never reachable.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

pub use url::{Host, Url};

/// The decision for one URL of a fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hop {
    /// Request it. `local`: non-public addresses may be connected to (the URL names one
    /// explicitly and a rule or the user allowed exactly that).
    Go { local: bool },
    /// Do not request it; the model reads why.
    Stop(String),
}

/// Decides each URL a fetch requests (see the module's docs).
pub trait NetGate: Send + Sync + std::fmt::Debug {
    fn check(&self, url: &Url) -> Hop;

    /// A port on loopback that is never reachable (Hearth's own API).
    fn own_port(&self) -> Option<u16> {
        None
    }
}

/// Without a gate (a caller that decided nothing): public addresses only, every hop.
#[derive(Debug)]
pub(crate) struct PublicOnly;

impl NetGate for PublicOnly {
    fn check(&self, _url: &Url) -> Hop {
        Hop::Go { local: false }
    }
}

/// Whether a URL's host names a non-public address itself: an IP literal that is not public,
/// or `localhost` (and `*.localhost`, which RFC 6761 reserves for loopback). A name that only
/// *resolves* to such an address does not count: DNS is not the user's word.
pub fn names_local(host: &Host<&str>) -> bool {
    match host {
        Host::Ipv4(ip) => !is_public(IpAddr::V4(*ip)),
        Host::Ipv6(ip) => !is_public(IpAddr::V6(*ip)),
        Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
    }
}

/// Whether an address is on the public internet: not loopback, unspecified, private (RFC
/// 1918), shared (CGNAT), link-local, unique-local, documentation, benchmarking, multicast or
/// reserved. IPv4 addresses embedded in IPv6 (mapped, compatible, NAT64, 6to4) are judged as
/// the IPv4 address they carry.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (first & 0xffc0) == 0xfe80 // link local fe80::/10
        || (first & 0xffc0) == 0xfec0 // site local (deprecated) fec0::/10
        || (first == 0x2001 && ip.segments()[1] == 0x0db8)) // documentation
}

/// The IPv4 address an IPv6 address carries: `::ffff:a.b.c.d`, `::a.b.c.d`, NAT64
/// `64:ff9b::a.b.c.d`, or 6to4 `2002:aabb:ccdd::`.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if s[..5] == [0; 5] && (s[5] == 0xffff || (s[5] == 0 && !ip.is_loopback() && s[6] != 0)) {
        return Some(tail());
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(tail());
    }
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8));
    }
    None
}

/// The addresses `url` may be connected to, or why none: every address its host resolves to
/// (or the literal), each checked against `local` and Hearth's own port.
pub(crate) async fn addresses(
    url: &Url,
    local: bool,
    own_port: Option<u16>,
) -> Result<Vec<SocketAddr>, String> {
    let port = url.port_or_known_default().ok_or_else(|| format!("{url} has no port"))?;
    let host = url.host().ok_or_else(|| format!("{url} has no host"))?;
    let resolved: Vec<SocketAddr> = match host {
        Host::Ipv4(ip) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Host::Ipv6(ip) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        Host::Domain(name) => tokio::net::lookup_host((name, port))
            .await
            .map_err(|err| format!("could not resolve {name}: {err}"))?
            .collect(),
    };
    let mut allowed = Vec::new();
    let mut refused = None;
    for addr in resolved {
        let ip = addr.ip();
        let unwrapped = match ip {
            IpAddr::V6(v6) => embedded_v4(v6).map_or(ip, IpAddr::V4),
            IpAddr::V4(_) => ip,
        };
        if unwrapped.is_loopback() && own_port == Some(port) {
            return Err(format!("{url} is Hearth's own API, which tools never reach"));
        }
        if local || is_public(ip) {
            allowed.push(addr);
        } else {
            refused.get_or_insert(ip);
        }
    }
    match (allowed.is_empty(), refused) {
        (false, _) => Ok(allowed),
        (true, Some(ip)) => Err(format!(
            "{url} reaches {ip}, an address on this computer or a private network; only a rule \
             (or an approval) for a URL that names the address itself, such as \
             http://127.0.0.1:8080 or http://localhost:8080, lets a fetch reach it"
        )),
        (true, None) => Err(format!("{} resolved to no address", host)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_public_addresses_are_recognised_in_every_spelling() {
        for local in [
            "127.0.0.1",
            "127.8.9.10",
            "0.0.0.0",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "fc00::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
            "ff02::1",
        ] {
            let ip: IpAddr = local.parse().unwrap();
            assert!(!is_public(ip), "{local} is not public");
        }
        for public in ["1.1.1.1", "93.184.216.34", "172.32.0.1", "2606:4700::1111", "8.8.8.8"] {
            assert!(is_public(public.parse().unwrap()), "{public} is public");
        }
    }

    #[test]
    fn only_literals_and_localhost_name_a_local_address() {
        let host = |url: &str| Url::parse(url).unwrap();
        for (url, named) in [
            ("http://127.0.0.1:8080/", true),
            ("http://[::1]/", true),
            ("http://0x7f.1/", true),
            ("http://localhost:3000/", true),
            ("http://api.localhost/", true),
            ("http://LOCALHOST./", true),
            ("http://10.0.0.1/", true),
            ("https://docs.rs/", false),
            ("http://1.1.1.1/", false),
            ("http://localhost.evil.example/", false),
        ] {
            assert_eq!(names_local(&host(url).host().unwrap()), named, "{url}");
        }
    }

    #[tokio::test]
    async fn addresses_are_checked_after_resolving() {
        let url = Url::parse("http://localhost:9/").unwrap();
        let refused = addresses(&url, false, None).await.unwrap_err();
        assert!(refused.contains("127.0.0.1") || refused.contains("::1"), "{refused}");
        assert!(!addresses(&url, true, None).await.unwrap().is_empty());
        let own = addresses(&url, true, Some(9)).await.unwrap_err();
        assert!(own.contains("Hearth's own API"), "{own}");
        let mapped = Url::parse("http://[::ffff:127.0.0.1]:9/").unwrap();
        assert!(addresses(&mapped, true, Some(9)).await.is_err(), "mapped loopback is loopback");
    }
}
