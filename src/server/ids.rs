//! What an identifier from outside (a URL, a form, a page link) must look like before orgdesk puts it
//! into a Management API path or query: one strict pattern per kind, in Auth0's formats. Anything else
//! is refused before any upstream call, so no id can rewrite the path it is put in (`..`, `/`, `?`).

use base64::Engine;

fn prefixed(id: &str, prefix: &str, max: usize) -> bool {
    id.strip_prefix(prefix).is_some_and(|rest| {
        !rest.is_empty() && rest.len() <= max && rest.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// `org_` and alphanumerics (Auth0's are 16).
pub fn org(id: &str) -> bool {
    prefixed(id, "org_", 48)
}

/// `rol_` and alphanumerics.
pub fn role(id: &str) -> bool {
    prefixed(id, "rol_", 48)
}

/// `cgr_` and alphanumerics.
pub fn grant(id: &str) -> bool {
    prefixed(id, "cgr_", 48)
}

/// `uinv_` and alphanumerics.
pub fn invitation(id: &str) -> bool {
    prefixed(id, "uinv_", 48)
}

/// orgdesk's own app ids: `app_` and 32 hex digits.
pub fn app(id: &str) -> bool {
    id.strip_prefix("app_")
        .is_some_and(|rest| rest.len() == 32 && rest.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Client ids: Auth0 issues 32 alphanumerics; allow the letters Auth0 allows in custom ones.
pub fn client(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// `provider|id` (`auth0|64…`, `google-oauth2|1…`, `samlp|Corp|jane@corp.example`): the provider is
/// a connection strategy name, the rest printable text without spaces or the characters that mean
/// something in a URL (`/ \ ? # %`).
pub fn user(id: &str) -> bool {
    let Some((provider, rest)) = id.split_once('|') else {
        return false;
    };
    (1..=40).contains(&provider.len())
        && provider
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !rest.is_empty()
        && id.len() <= 255
        && rest.chars().all(|c| {
            !c.is_control()
                && !c.is_whitespace()
                && !matches!(c, '/' | '\\' | '?' | '#' | '%')
                && !crate::server::text::invisible(c)
        })
}

/// A checkpoint cursor as Auth0 hands them out (`next`): unpadded base64url of a few bytes or more.
/// orgdesk only ever sends back cursors Auth0 gave it; anything else is a hand-made link.
pub fn cursor(text: &str) -> bool {
    let text = text.trim_end_matches('=');
    (8..=512).contains(&text.len())
        && base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .is_ok_and(|raw| raw.len() >= 6)
}

/// A path segment that a URL parser would treat as a step up or in place (`..`, `.`, `%2e%2e`), or
/// an empty one: never sent, whatever produced it.
pub fn traverses(segment: &str) -> bool {
    let lowered = segment.to_ascii_lowercase().replace("%2e", ".");
    lowered.is_empty() || lowered == "." || lowered == ".."
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_pattern() {
        assert!(org("org_acme0000000000001") && !org("org_") && !org("..") && !org("org_a/b"));
        assert!(role("rol_orgdeskAdmin0001") && !role("rol_x y"));
        assert!(grant("cgr_abc123") && !grant("cgr_../x"));
        assert!(invitation("uinv_0123456789abcdef") && !invitation("inv_1"));
        assert!(app("app_0123456789abcdef0123456789abcdef") && !app("app_xyz"));
        assert!(client("orgdeskLoginClientDemo0000000001") && !client("..") && !client("a/b"));
        for good in [
            "auth0|64107",
            "google-oauth2|1234",
            "samlp|Corp|jane.doe@corp.example",
        ] {
            assert!(user(good), "{good}");
        }
        for bad in [
            "..",
            ".",
            "auth0",
            "|x",
            "auth0|",
            "auth0|a b",
            "auth0|a\nb",
            "x/y|z",
            "auth0|\u{202e}x",
            "auth0|../../clients",
            "auth0|a%2e",
        ] {
            assert!(!user(bad), "{bad:?}");
        }
    }

    #[test]
    fn cursors_look_like_the_ones_auth0_hands_out() {
        // A real `next` from a recorded members page.
        assert!(cursor(
            "MjAyMy0wMy0xNCAxMToxNzoxOS40NjYwMDBVVEMsb3JnX1d6MnVNd0FWUW1mUmIwM0k"
        ));
        for bad in ["abc", "0", "-1", "", "not base64!!", "a.b"] {
            assert!(!cursor(bad), "{bad}");
        }
    }

    #[test]
    fn dot_segments_are_caught_in_every_spelling() {
        for bad in ["..", ".", "%2e%2E", ".%2e", "%2E", ""] {
            assert!(traverses(bad), "{bad}");
        }
        for fine in ["...", "a.b", "auth0%7Cabc", "org_x"] {
            assert!(!traverses(fine), "{fine}");
        }
    }
}
