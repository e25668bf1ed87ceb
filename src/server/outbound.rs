//! Where orgdesk may send a request an admin named (a logo to check, a webhook endpoint): https
//! only, no user name or password, and a host whose every address is public — resolved here, so the
//! request that follows is pinned to the address checked and DNS cannot be turned against orgdesk's
//! own network in between.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

const LOOKUP: Duration = Duration::from_secs(5);

/// Whether a target may live on this machine over plain http (tests serve there).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reach {
    #[default]
    PublicHttps,
    /// Test-only: `http://127.0.0.1:…` too. Not settable from the environment.
    LoopbackToo,
}

/// A checked target: its URL, its host as typed, and the public address to connect to.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: url::Url,
    pub host: String,
    pub addr: SocketAddr,
}

/// Checks `value` as a target; the refusal names `what` ("The logo", "The endpoint").
pub async fn target(value: &str, reach: Reach, what: &str) -> Result<Target, String> {
    let Ok(url) = url::Url::parse(value) else {
        return Err(format!(
            "Give {}'s full address, starting with https://.",
            lower(what)
        ));
    };
    let loopback_ok = reach == Reach::LoopbackToo;
    let host = url.host_str().unwrap_or_default().to_string();
    match url.scheme() {
        "https" => {}
        "http" if loopback_ok => {}
        _ => return Err(format!("{what} must be served over https.")),
    }
    if !url.username().is_empty() || url.password().is_some() || host.is_empty() {
        return Err(format!(
            "Give {}'s address without a user name or password.",
            lower(what)
        ));
    }
    let port = url.port_or_known_default().unwrap_or(443);
    let bare = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let addrs: Vec<SocketAddr> =
        match tokio::time::timeout(LOOKUP, tokio::net::lookup_host((bare.as_str(), port))).await {
            Ok(Ok(found)) => found.collect(),
            _ => return Err(format!("{what}'s host could not be found.")),
        };
    let allowed = |ip: IpAddr| is_public(ip) || (loopback_ok && ip.is_loopback());
    let Some(first) = addrs.first().copied() else {
        return Err(format!("{what}'s host could not be found."));
    };
    if !addrs.iter().all(|a| allowed(a.ip())) {
        return Err(format!("{what} must be on a public address."));
    }
    Ok(Target {
        url,
        host: bare,
        addr: first,
    })
}

fn lower(what: &str) -> String {
    let mut chars = what.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether an address is on the public internet: not private, loopback, link-local, shared (CGNAT),
/// documentation, multicast, unspecified, or an IPv4 address inside IPv6 (mapped or NAT64) that is
/// one of those.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_unspecified()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
                let o = v6.octets();
                return is_public(IpAddr::V4(std::net::Ipv4Addr::new(
                    o[12], o[13], o[14], o[15],
                )));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || s[0] == 0x2001 && s[1] == 0x0db8)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn nat64_addresses_are_judged_by_the_ipv4_inside() {
        assert!(
            !super::is_public("64:ff9b::a9fe:a9fe".parse().unwrap()),
            "169.254.169.254"
        );
        assert!(
            !super::is_public("64:ff9b::7f00:1".parse().unwrap()),
            "127.0.0.1"
        );
        assert!(
            super::is_public("64:ff9b::808:808".parse().unwrap()),
            "8.8.8.8"
        );
    }
}
