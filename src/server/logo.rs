//! Checking a logo address an admin types before it goes into Auth0's branding: https only, a
//! public address (resolved here, and the fetch pinned to that address, so DNS cannot be turned
//! against orgdesk's own network between the check and the fetch), and an image when fetched.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// The longest address kept (Auth0 takes URLs of reasonable length; browsers more).
pub const MAX_LEN: usize = 1024;
const TIMEOUT: Duration = Duration::from_secs(5);
/// Image types browsers show in an `<img>`.
const IMAGE_TYPES: [&str; 7] = [
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/svg+xml",
    "image/avif",
    "image/x-icon",
];

/// Whether fetched logos may live on this machine over plain http (tests serve them there).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reach {
    #[default]
    PublicHttps,
    /// Test-only: `http://127.0.0.1:…` is fetched too.
    LoopbackToo,
}

/// Why a logo address is refused, in words for the admin; None when it is an image.
pub async fn problem(value: &str, reach: Reach) -> Option<String> {
    let refuse = |m: &str| Some(m.to_string());
    if value.len() > MAX_LEN {
        return refuse("That address is too long.");
    }
    let Ok(url) = url::Url::parse(value) else {
        return refuse("Give the logo's full address, starting with https://.");
    };
    let loopback_ok = reach == Reach::LoopbackToo;
    let host = url.host_str().unwrap_or_default().to_string();
    match url.scheme() {
        "https" => {}
        "http" if loopback_ok => {}
        _ => return refuse("The logo must be served over https."),
    }
    if !url.username().is_empty() || url.password().is_some() || host.is_empty() {
        return refuse("Give the logo's address without a user name or password.");
    }
    let port = url.port_or_known_default().unwrap_or(443);
    let bare = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let addrs: Vec<SocketAddr> =
        match tokio::time::timeout(TIMEOUT, tokio::net::lookup_host((bare.as_str(), port))).await {
            Ok(Ok(found)) => found.collect(),
            _ => return refuse("The logo's host could not be found."),
        };
    let allowed = |ip: IpAddr| is_public(ip) || (loopback_ok && ip.is_loopback());
    let Some(first) = addrs.first().copied() else {
        return refuse("The logo's host could not be found.");
    };
    if !addrs.iter().all(|a| allowed(a.ip())) {
        return refuse("The logo must be on a public address.");
    }
    fetch(&url, &bare, first).await
}

async fn fetch(url: &url::Url, host: &str, addr: SocketAddr) -> Option<String> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .resolve(host, addr)
        .build()
        .ok()?;
    let answer = match client.get(url.as_str()).send().await {
        Ok(answer) => answer,
        Err(_) => return Some("The logo could not be fetched from that address.".into()),
    };
    if answer.status().is_redirection() {
        return Some("That address redirects; give the address it leads to.".into());
    }
    if !answer.status().is_success() {
        return Some(format!(
            "Fetching the logo answered {}; check the address.",
            answer.status().as_u16()
        ));
    }
    let media = answer
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !IMAGE_TYPES.contains(&media.as_str()) {
        return Some(
            "That address is not an image (PNG, JPEG, GIF, WebP, SVG, AVIF or ICO).".into(),
        );
    }
    None
}

/// Whether an address is on the public internet: not private, loopback, link-local, shared (CGNAT),
/// documentation, multicast, unspecified, or an IPv4 address inside IPv6 that is one of those.
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
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_count() {
        for private in [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "127.0.0.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fc00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "2001:db8::1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "2606:4700::1111", "::ffff:8.8.8.8"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[tokio::test]
    async fn addresses_are_refused_before_anything_is_fetched() {
        let reach = Reach::PublicHttps;
        assert!(problem("http://cdn.example/logo.png", reach)
            .await
            .unwrap()
            .contains("https"));
        assert!(problem("javascript:alert(1)", reach)
            .await
            .unwrap()
            .contains("https"));
        assert!(problem("logo.png", reach)
            .await
            .unwrap()
            .contains("full address"));
        assert!(problem("https://10.0.0.1/logo.png", reach)
            .await
            .unwrap()
            .contains("public"));
        assert!(problem("https://127.0.0.1/logo.png", reach)
            .await
            .unwrap()
            .contains("public"));
        assert!(problem("https://[::1]/logo.png", reach)
            .await
            .unwrap()
            .contains("public"));
        assert!(problem("https://u:p@cdn.example/logo.png", reach)
            .await
            .unwrap()
            .contains("user name"));
        assert!(problem("https://localhost/logo.png", reach)
            .await
            .unwrap()
            .contains("public"));
    }
}
