//! Bot names and descriptions, app descriptions: never a panic; what is accepted is trimmed, bounded
//! and free of markup brackets and control characters (app descriptions may hold line breaks).
#![no_main]

use libfuzzer_sys::fuzz_target;
use orgdesk::server::service::{apps, bots};

fuzz_target!(|text: &str| {
    if let Ok(name) = bots::validate_name(text) {
        assert_eq!(name, name.trim());
        assert!(!name.is_empty() && name.chars().count() <= 100);
        assert!(!name.chars().any(|c| c == '<' || c == '>' || c.is_control()));
    }
    if let Ok(Some(d)) = bots::validate_description(text) {
        assert!(d.chars().count() <= 140 && !d.chars().any(char::is_control));
    }
    // App descriptions may span lines; nothing else invisible.
    if let Ok(d) = apps::validate_description(text) {
        assert!(!d.chars().any(|c| c.is_control() && c != '\n'));
        assert!((10..=500).contains(&d.chars().count()));
    }
});
