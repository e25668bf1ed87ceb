//! Organization names (Auth0's `name`, the slug in login links) for people creating their own
//! organization: Auth0's rule, a name made from the display name, and free alternatives when the
//! one asked for is taken.

use unicode_normalization::UnicodeNormalization;

/// Auth0's limit on an organization's name.
pub const MAX_LEN: usize = 50;

/// Why `name` cannot be an organization's name, in words for the person typing it; None when it can.
/// Auth0 takes lowercase letters, digits, `-` and `_`, 1–50 characters; orgdesk also wants it to start
/// and end with a letter or digit, so the name reads well in a login link.
pub fn problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("Choose a name.");
    }
    if name.len() > MAX_LEN {
        return Some("A name is at most 50 characters.");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Some("Use lowercase letters, digits, - and _ only.");
    }
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !edge(name.chars().next()) || !edge(name.chars().last()) {
        return Some("Start and end the name with a letter or digit.");
    }
    None
}

/// A name made from a display name: accents folded ("Zürich Reisen" → "zurich-reisen"), anything
/// else between words becomes one `-`, cut to the limit at a word boundary when it can be.
pub fn from_display_name(display_name: &str) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in display_name.nfkd() {
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else if !is_combining_mark(c) {
            gap = true;
        }
    }
    if out.len() > MAX_LEN {
        let cut = out[..MAX_LEN].rfind('-').filter(|&i| i >= MAX_LEN / 2);
        out.truncate(cut.unwrap_or(MAX_LEN));
        while out.ends_with('-') {
            out.pop();
        }
    }
    if out.is_empty() {
        // A display name with no Latin letter or digit at all.
        out.push_str("organization");
    }
    out
}

fn is_combining_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

/// Up to `count` names like `base` that `taken` says are free: `base-2`, `base-3`, … (the suffix
/// replaces the end of a long name so every suggestion stays within the limit).
pub fn alternatives(base: &str, count: usize, taken: impl Fn(&str) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for n in 2..(2 + 20 * count.max(1)) {
        if out.len() >= count {
            break;
        }
        let suffix = format!("-{n}");
        let mut stem = base.to_string();
        stem.truncate(MAX_LEN - suffix.len());
        while stem.ends_with(['-', '_']) {
            stem.pop();
        }
        let candidate = format!("{stem}{suffix}");
        if problem(&candidate).is_none() && !taken(&candidate) {
            out.push(candidate);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth0s_rule_and_readable_edges() {
        assert_eq!(problem("umbrella-tours"), None);
        assert_eq!(problem("a"), None);
        assert_eq!(problem("tours_2026"), None);
        assert!(problem("").is_some());
        assert!(problem("Umbrella").unwrap().contains("lowercase"));
        assert!(problem("umbrella tours").is_some());
        assert!(problem("-umbrella").unwrap().contains("Start and end"));
        assert!(problem("umbrella_").is_some());
        assert!(problem(&"a".repeat(51)).unwrap().contains("50"));
        assert_eq!(problem(&"a".repeat(50)), None);
        assert!(
            problem("ümbrella").is_some(),
            "non-ASCII letters are not Auth0's"
        );
    }

    #[test]
    fn display_names_become_valid_names() {
        assert_eq!(from_display_name("Umbrella Tours"), "umbrella-tours");
        assert_eq!(from_display_name("Zürich Reisen & Co."), "zurich-reisen-co");
        assert_eq!(from_display_name("  --ACME!!  "), "acme");
        assert_eq!(from_display_name("東京"), "organization");
        let long = from_display_name(&"word ".repeat(20));
        assert!(long.len() <= MAX_LEN && problem(&long).is_none(), "{long}");
        for sample in ["Ünïcödé GmbH", "x", "a_b c", "1-800 Flowers", "Ω Travel"] {
            let name = from_display_name(sample);
            assert_eq!(problem(&name), None, "{sample} → {name}");
        }
    }

    #[test]
    fn alternatives_are_free_valid_and_within_the_limit() {
        let taken = ["umbrella-tours", "umbrella-tours-2"];
        let alts = alternatives("umbrella-tours", 3, |n| taken.contains(&n));
        assert_eq!(
            alts,
            ["umbrella-tours-3", "umbrella-tours-4", "umbrella-tours-5"]
        );
        let long = "a".repeat(49) + "b";
        for alt in alternatives(&long, 2, |_| false) {
            assert!(alt.len() <= MAX_LEN && problem(&alt).is_none(), "{alt}");
        }
        assert!(
            alternatives("x", 3, |_| true).is_empty(),
            "gives up rather than loop"
        );
    }
}
