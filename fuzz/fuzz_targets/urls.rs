//! URLs from users and operators: the sign-in `return_to`, the public URL, the APIs list.
#![no_main]

use libfuzzer_sys::fuzz_target;
use orgdesk::server::auth::routes::safe_return_to;
use orgdesk::server::config::Config;
use orgdesk::server::identity::parse_apis;

fuzz_target!(|text: &str| {
    // Never off-site: a local path only.
    if let Some(path) = safe_return_to(Some(text.to_string()), "https://desk.example.com") {
        assert!(path.starts_with('/') && !path.starts_with("//") && !path.contains('\\'));
        assert!(!path.chars().any(|c| c.is_control() || c.is_whitespace()));
        // Where a browser would really go from orgdesk's page: still orgdesk.
        let base = url::Url::parse("https://desk.example.com/orgs/x").unwrap();
        assert_eq!(base.join(&path).unwrap().origin(), base.origin());
    }
    let vars = vec![("ORGDESK_PUBLIC_URL".to_string(), text.to_string())];
    if let Ok(config) = Config::from_vars(&vars) {
        let url = &config.public_url;
        assert!(url.starts_with("https://") || url.starts_with("http://"));
        let rest = url.split_once("://").unwrap().1;
        assert!(!rest.is_empty() && !rest.contains(['/', '?', '#', ' ']));
    }
    if let Ok(apis) = parse_apis(text) {
        assert!(!apis.is_empty() && apis.iter().all(|a| !a.scopes.is_empty()));
    }
    let _ = orgdesk::server::headers::origin_of(text);
});
