//! Request headers an attacker controls: Origin, Sec-Fetch-Site and Content-Type in the CSRF guard.
#![no_main]

use axum::http::HeaderMap;
use libfuzzer_sys::fuzz_target;
use orgdesk::server::csrf::{is_json, same_origin};

const ORIGIN: &str = "https://desk.travel0.example";

fuzz_target!(|input: (String, String, String)| {
    let (origin, site, content_type) = input;
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("origin", &origin),
        ("sec-fetch-site", &site),
        ("content-type", &content_type),
    ] {
        if let Ok(v) = value.parse() {
            headers.insert(name, v);
        }
    }
    if same_origin(&headers, ORIGIN) {
        // Passing means: no Origin or exactly ours, and no Sec-Fetch-Site or a same-origin one.
        assert!(headers.get("origin").is_none_or(|o| o == ORIGIN));
        assert!(headers
            .get("sec-fetch-site")
            .is_none_or(|s| s == "same-origin" || s == "none"));
    }
    if is_json(&headers) {
        assert!(content_type
            .to_ascii_lowercase()
            .trim_start()
            .starts_with("application/json"));
    }
});
