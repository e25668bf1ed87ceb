//! Identifiers from URLs and forms: organization names, member ids, paging cursors, proxy addresses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use orgdesk::server::auth::routes::valid_org;
use orgdesk::server::limits::{client_ip, Cidr};
use orgdesk::server::service::members::{validate_cursor, validate_user_id};

fuzz_target!(|text: &str| {
    if valid_org(text) {
        assert!(text.len() <= 64);
        assert!(text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
    }
    if let Ok(id) = validate_user_id(text) {
        assert!(!id.is_empty() && id.len() <= 255 && !id.chars().any(char::is_control));
        // Whatever it holds, it cannot be a path step once escaped into a segment.
        let segment = orgdesk::server::auth0::resources::seg(id);
        assert!(!orgdesk::server::ids::traverses(&segment) && !segment.contains('/'));
    }
    if let Ok(Some(cursor)) = validate_cursor(Some(text.to_string())) {
        assert!(cursor.len() <= 512);
        assert!(cursor
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_=".contains(c)));
    }
    for (ok, name) in [
        (orgdesk::server::ids::org(text), "org"),
        (orgdesk::server::ids::client(text), "client"),
        (orgdesk::server::ids::invitation(text), "invitation"),
        (orgdesk::server::ids::app(text), "app"),
    ] {
        if ok {
            assert!(
                text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
                "{name}: {text:?}"
            );
            assert!(!orgdesk::server::ids::traverses(text));
        }
    }
    if let Some(cidr) = Cidr::parse(text) {
        let _ = cidr.contains("127.0.0.1".parse().unwrap());
    }
    // A forwarded-for header from a trusted proxy: the answer is the peer or one of the listed hops.
    let mut headers = axum::http::HeaderMap::new();
    if let Ok(value) = text.parse() {
        headers.insert("x-forwarded-for", value);
    }
    let peer = "10.0.0.1".parse().unwrap();
    let trusted = [Cidr::parse("10.0.0.0/8").unwrap()];
    let ip = client_ip(peer, &headers, &trusted);
    assert!(ip == peer || text.split(',').any(|hop| hop.trim().parse() == Ok(ip)));
});
