//! An organization's settings page: its names and branding (Auth0's `branding.logo_url` and
//! `branding.colors`), and the contrast rule its colours are held to, live in the page and again on
//! the server.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSettings {
    pub org_id: String,
    /// The name people type at sign-in (not changed here: links and habits depend on it).
    pub name: String,
    pub display_name: String,
    /// Empty when none.
    pub logo_url: String,
    /// `#rrggbb`; empty when unset.
    pub primary: String,
    pub page_background: String,
    /// The metadata keys the vendor lets customers edit, with their values.
    #[serde(default)]
    pub metadata: Vec<MetadataValue>,
}

/// What one editable metadata key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MetadataKind {
    Text,
    Email,
    /// Digits only.
    Number,
    /// An https address.
    Url,
}

impl MetadataKind {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "text" => Some(Self::Text),
            "email" => Some(Self::Email),
            "number" => Some(Self::Number),
            "url" => Some(Self::Url),
            _ => None,
        }
    }

    /// The input's `type` in the settings form.
    pub fn input_type(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Email => "email",
            Self::Number => "text",
            Self::Url => "url",
        }
    }

    /// Why `value` (not empty) cannot be kept under this kind; None when it can.
    pub fn problem(self, value: &str) -> Option<&'static str> {
        match self {
            Self::Text => None,
            Self::Email => {
                let fine = value.split_once('@').is_some_and(|(local, domain)| {
                    !local.is_empty()
                        && domain.contains('.')
                        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
                });
                (!fine).then_some("Give an email address like name@example.com.")
            }
            Self::Number => (!value.chars().all(|c| c.is_ascii_digit()))
                .then_some("Give a whole number (digits only)."),
            Self::Url => (!value.starts_with("https://") || value.contains(char::is_whitespace))
                .then_some("Give an https address."),
        }
    }
}

/// A metadata key customers may edit, as the vendor declared it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataField {
    pub key: String,
    pub kind: MetadataKind,
    /// At most this many characters (Auth0 keeps up to 255).
    pub max: usize,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataValue {
    pub field: MetadataField,
    pub value: String,
}

/// What the desk's header shows of the signed-in admin's organization.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderBranding {
    pub name: String,
    /// Empty when none.
    pub logo_url: String,
    /// `#rrggbb` or empty.
    pub primary: String,
}

/// The least contrast between the primary colour and the page background: WCAG 2.2's 3:1 for
/// interface components (Auth0's login page draws its buttons in the primary colour on it).
pub const MIN_CONTRAST: f64 = 3.0;

/// `#rrggbb` (or `#rgb`) as three channels.
pub fn parse_hex(value: &str) -> Option<[u8; 3]> {
    let hex = value.trim().strip_prefix('#')?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |s: &str| u8::from_str_radix(s, 16).ok();
    match hex.len() {
        6 => Some([
            channel(&hex[0..2])?,
            channel(&hex[2..4])?,
            channel(&hex[4..6])?,
        ]),
        3 => {
            let d = |i: usize| channel(&hex[i..=i]).map(|v| v * 17);
            Some([d(0)?, d(1)?, d(2)?])
        }
        _ => None,
    }
}

/// The colour as `#rrggbb` in lowercase, or None.
pub fn normal_hex(value: &str) -> Option<String> {
    parse_hex(value).map(|[r, g, b]| format!("#{r:02x}{g:02x}{b:02x}"))
}

fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// WCAG's contrast ratio of two colours (1 to 21).
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// What the settings page says of two typed colours, as they are typed and as served.
pub fn contrast_note(primary: &str, background: &str) -> String {
    match (parse_hex(primary), parse_hex(background)) {
        _ if primary.trim().is_empty() && background.trim().is_empty() => {
            "No colours: Auth0's defaults are used.".into()
        }
        (Some(p), Some(b)) => {
            let ratio = contrast(p, b);
            if ratio >= MIN_CONTRAST {
                format!("Contrast {ratio:.1}:1 — readable.")
            } else {
                format!("Contrast {ratio:.1}:1 — too low; at least {MIN_CONTRAST:.0}:1 is needed.")
            }
        }
        _ => "Give both colours as #rrggbb to see their contrast.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_and_contrast_follow_wcag() {
        assert_eq!(parse_hex("#FFFFFF"), Some([255, 255, 255]));
        assert_eq!(parse_hex("#0a0"), Some([0, 170, 0]));
        assert_eq!(normal_hex(" #ABCDEF "), Some("#abcdef".into()));
        for bad in ["", "fff", "#ffff", "#gggggg", "#12345z", "red", "#ffffff;}"] {
            assert_eq!(parse_hex(bad), None, "{bad}");
        }
        let white = [255, 255, 255];
        assert!((contrast(white, [0, 0, 0]) - 21.0).abs() < 0.01);
        assert!((contrast(white, white) - 1.0).abs() < 0.001);
        // Auth0's default primary (#635dff) on white: about 4.6.
        let c = contrast([0x63, 0x5d, 0xff], white);
        assert!((4.5..4.8).contains(&c), "{c}");
        assert!(contrast([0xff, 0xff, 0x00], white) < MIN_CONTRAST);
        assert!(contrast_note("#635dff", "#ffffff").contains("readable"));
        assert!(contrast_note("#ffff00", "#ffffff").contains("too low"));
        assert!(contrast_note("#635dff", "").contains("both colours"));
        assert!(contrast_note("", "").contains("defaults"));
        assert_eq!(MetadataKind::Email.problem("ap@umbrella.example"), None);
        assert!(MetadataKind::Email.problem("ap at umbrella").is_some());
        assert!(MetadataKind::Email.problem("no-at-sign.example").is_some());
        assert!(MetadataKind::Email.problem("@umbrella.example").is_some());
        assert!(MetadataKind::Number.problem("12a").is_some());
        assert!(MetadataKind::Url.problem("http://x.example").is_some());
        assert_eq!(MetadataKind::Text.problem("anything"), None);
    }
}
