//! Scopes asked for a bot: what is accepted is a non-empty, sorted, repeat-free subset of the vendor's
//! allowlist for an API the vendor offers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use orgdesk::server::identity::ApiPolicy;
use orgdesk::server::service::bots::check_access;

fuzz_target!(|input: (String, Vec<String>, bool)| {
    let (audience, scopes, known_api) = input;
    let apis = vec![ApiPolicy {
        audience: "https://api.travel0.example/".into(),
        scopes: vec![
            "read:bookings".into(),
            "write:bookings".into(),
            "read:invoices".into(),
        ],
    }];
    let audience = if known_api {
        apis[0].audience.clone()
    } else {
        audience
    };
    if let Ok(granted) = check_access(&apis, &audience, &scopes) {
        let api = apis
            .iter()
            .find(|a| a.audience == audience)
            .expect("an offered API");
        assert!(!granted.is_empty());
        assert!(granted
            .iter()
            .all(|s| api.scopes.contains(s) && scopes.contains(s)));
        assert!(granted.windows(2).all(|w| w[0] < w[1]));
    }
});
