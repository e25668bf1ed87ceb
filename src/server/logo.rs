//! Checking a logo address an admin types before it goes into Auth0's branding: https only, a
//! public address (resolved here, and the fetch pinned to that address, so DNS cannot be turned
//! against orgdesk's own network between the check and the fetch), and an image when fetched.

use std::net::SocketAddr;
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

pub use super::outbound::Reach;

/// Why a logo address is refused, in words for the admin; None when it is an image.
pub async fn problem(value: &str, reach: Reach) -> Option<String> {
    if value.len() > MAX_LEN {
        return Some("That address is too long.".into());
    }
    match super::outbound::target(value, reach, "The logo").await {
        Ok(t) => fetch(&t.url, &t.host, t.addr).await,
        Err(why) => Some(why),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_count() {
        use super::super::outbound::is_public;
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
