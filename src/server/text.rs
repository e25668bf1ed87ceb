//! Text from outside, made safe for the places it travels: names other organizations and support
//! staff read (normalised, no invisible or direction-changing characters, no look-alike of a name
//! already there), and any value on its way into a log line or the audit log (control and format
//! characters escaped, so nobody can forge a line or reverse a word).

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Characters that change how text around them shows without showing themselves: Unicode's format
/// characters (bidi controls, zero-width joiners and spaces, the BOM...) and the invisible fillers
/// that are letters by category.
pub fn invisible(c: char) -> bool {
    c.general_category() == GeneralCategory::Format
        || matches!(
            c,
            '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{2800}' | '\u{034F}'
        )
        || ('\u{FE00}'..='\u{FE0F}').contains(&c)
}

/// Whether `c` would start a new line or otherwise break a log line.
fn breaks_lines(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{0085}')
}

/// A name as orgdesk stores it: trimmed, NFC, the full-width forms of ASCII (`Ａ`, `＜`) folded to
/// ASCII; or why it cannot be one.
pub fn clean_name(raw: &str) -> Result<String, &'static str> {
    let folded: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            // U+FF01..U+FF5E are ASCII's full-width twins; U+3000 the full-width space.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .nfc()
        .collect();
    if folded.chars().any(breaks_lines) {
        return Err("Names cannot contain control characters.");
    }
    if folded.chars().any(invisible) {
        return Err(
            "Names cannot contain invisible or direction-changing characters (such as U+202E or zero-width spaces).",
        );
    }
    Ok(folded.trim().to_string())
}

/// Free text (descriptions): NFC, no invisible characters, line breaks only where `newlines` allows.
pub fn clean_text(raw: &str, newlines: bool) -> Result<String, &'static str> {
    let text: String = raw.trim().nfc().collect();
    if text
        .chars()
        .any(|c| breaks_lines(c) && !(newlines && c == '\n'))
    {
        return Err("Use plain text, without control characters.");
    }
    if text.chars().any(invisible) {
        return Err("Use plain text, without invisible or direction-changing characters.");
    }
    Ok(text)
}

/// What a name looks like, per Unicode's confusables (UTS #39): two names with the same skeleton
/// are hard to tell apart on screen (`Acme` and `Аcme` with a Cyrillic А, `rn` and `m`).
pub fn skeleton(name: &str) -> String {
    let folded: String = name.chars().flat_map(char::to_lowercase).collect();
    unicode_security::skeleton(&folded).collect()
}

/// The first of `existing` that looks like `name` (a look-alike, or the same name).
pub fn look_alike<'a>(name: &str, existing: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mine = skeleton(name);
    existing.into_iter().find(|other| skeleton(other) == mine)
}

/// `value` with every control, line-breaking and format character written as `\u{..}`: safe to put
/// in a log line or the audit log whatever it held.
pub fn escaped(value: &str) -> Cow<'_, str> {
    if !value.chars().any(|c| breaks_lines(c) || invisible(c)) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        if breaks_lines(c) || invisible(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised_and_invisible_characters_refused() {
        // "e" + combining acute becomes the one precomposed character.
        assert_eq!(clean_name(" Cafe\u{301} bot ").unwrap(), "Café bot");
        assert_eq!(clean_name("Ａｃｍｅ　＜x＞").unwrap(), "Acme <x>");
        for bad in [
            "evil\u{202E}txt.exe",
            "zero\u{200B}width",
            "bom\u{FEFF}",
            "join\u{200D}er",
            "filler\u{3164}",
            "line\nbreak",
            "tab\there",
            "sep\u{2028}arator",
        ] {
            assert!(clean_name(bad).is_err(), "{bad:?}");
        }
        assert!(clean_text("two\nlines", true).is_ok());
        assert!(clean_text("two\nlines", false).is_err());
        assert!(clean_text("rtl\u{2067}", true).is_err());
    }

    #[test]
    fn look_alikes_are_found() {
        let existing = ["Acme sync", "Billing export"];
        // Cyrillic А, "rn" for "m", different case: all look like the first.
        for spoof in ["\u{410}cme sync", "Acrne sync", "ACME SYNC", "Acme sync"] {
            assert_eq!(look_alike(spoof, existing), Some("Acme sync"), "{spoof}");
        }
        assert_eq!(look_alike("Acme sync 2", existing), None);
    }

    #[test]
    fn escaping_leaves_plain_text_alone_and_neutralises_the_rest() {
        assert!(matches!(escaped("plain text é"), Cow::Borrowed(_)));
        assert_eq!(
            escaped("a\r\nforged=line\u{202E}"),
            "a\\u{d}\\u{a}forged=line\\u{202e}"
        );
    }
}
