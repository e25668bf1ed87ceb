//! What Auth0 fills into a connection per strategy, read off go-auth0's recordings (v1.45.0,
//! 2024–2025): the `options` defaults on create and those it puts back on every save, whether the
//! connection has a login button (enterprise ones), a provisioning ticket, a default display name.

use serde_json::{json, Map, Value};

use super::super::ids;

/// Auth0's `ConnectionIdentityProviderEnum`.
const STRATEGIES: &[&str] = &[
    "ad",
    "adfs",
    "amazon",
    "apple",
    "dropbox",
    "bitbucket",
    "auth0-oidc",
    "auth0",
    "baidu",
    "bitly",
    "box",
    "custom",
    "daccount",
    "dwolla",
    "email",
    "evernote-sandbox",
    "evernote",
    "exact",
    "facebook",
    "fitbit",
    "github",
    "google-apps",
    "google-oauth2",
    "instagram",
    "ip",
    "line",
    "linkedin",
    "oauth1",
    "oauth2",
    "office365",
    "oidc",
    "okta",
    "paypal",
    "paypal-sandbox",
    "pingfederate",
    "planningcenter",
    "salesforce-community",
    "salesforce-sandbox",
    "salesforce",
    "samlp",
    "sharepoint",
    "shopify",
    "shop",
    "sms",
    "soundcloud",
    "thirtysevensignals",
    "twitter",
    "untappd",
    "vkontakte",
    "waad",
    "weibo",
    "windowslive",
    "wordpress",
    "yahoo",
    "yandex",
];

/// Enterprise strategies: they carry `show_as_button` (default false).
const ENTERPRISE: &[&str] = &[
    "ad",
    "adfs",
    "auth0-oidc",
    "google-apps",
    "ip",
    "office365",
    "oidc",
    "okta",
    "pingfederate",
    "samlp",
    "sharepoint",
    "waad",
];

/// Enterprise strategies Auth0 gives a provisioning ticket.
const TICKETED: &[&str] = &["ad", "adfs", "google-apps", "samlp", "waad"];

/// Enterprise strategies whose display name defaults to the connection's name.
const NAMED: &[&str] = &["oidc", "okta", "waad"];

pub fn known(strategy: &str) -> bool {
    STRATEGIES.contains(&strategy)
}

pub fn is_enterprise(strategy: &str) -> bool {
    ENTERPRISE.contains(&strategy)
}

pub fn is_database(strategy: &str) -> bool {
    strategy == "auth0"
}

/// What Auth0 fills in for one new connection.
pub struct Defaults {
    /// `options` defaults on create.
    pub created: Map<String, Value>,
    /// `options` defaults put back when `options` is replaced by an update.
    pub updated: Map<String, Value>,
    pub show_as_button: Option<bool>,
    pub provisioning_ticket_url: Option<String>,
    pub display_name: Option<String>,
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

pub fn defaults(strategy: &str, name: &str, issuer: &str) -> Defaults {
    let host = issuer
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let (created, updated) = match strategy {
        "auth0" => {
            let kept = json!({
                "authentication_methods": { "password": { "enabled": true }, "passkey": { "enabled": false } },
                "passkey_options": { "challenge_ui": "both", "progressive_enrollment_enabled": true, "local_enrollment_enabled": true },
                "brute_force_protection": true,
            });
            let mut created = object(json!({
                "mfa": { "active": true, "return_enroll_settings": true },
                "passwordPolicy": "good",
                "strategy_version": 2,
            }));
            created.extend(object(kept.clone()));
            (created, object(kept))
        }
        "ad" => {
            let kept = json!({ "ips": null, "brute_force_protection": true });
            (object(kept.clone()), object(kept))
        }
        "oidc" => {
            let kept = json!({
                "schema_version": "oidc-V4",
                "attribute_map": { "mapping_mode": "bind_all" },
                "connection_settings": { "pkce": "auto" },
            });
            (object(kept.clone()), object(kept))
        }
        "waad" => {
            let kept = json!({
                "thumbprints": [],
                "app_domain": host,
                "identity_api": "microsoft-identity-platform-v2.0",
                "useCommonEndpoint": false,
                "should_trust_email_verified_connection": "never_set_emails_as_verified",
                "waad_common_endpoint": false,
                "use_wsfed": false,
                "waad_protocol": "openid-connect",
            });
            (object(kept.clone()), object(kept))
        }
        "google-apps" => {
            let created = object(json!({
                "map_user_id_to_id": false,
                "email": true,
                "profile": true,
                "scope": ["email", "profile"],
                "handle_login_from_social": true,
            }));
            let mut updated = created.clone();
            updated.insert("api_enable_users".into(), json!(true));
            (created, updated)
        }
        "samlp" => {
            let kept = json!({ "thumbprints": [] });
            (object(kept.clone()), object(kept))
        }
        _ => (Map::new(), Map::new()),
    };
    Defaults {
        created,
        updated,
        show_as_button: ENTERPRISE.contains(&strategy).then_some(false),
        provisioning_ticket_url: TICKETED
            .contains(&strategy)
            .then(|| format!("https://{host}/p/{strategy}/{}", ids::alnum(8))),
        display_name: NAMED.contains(&strategy).then(|| name.to_string()),
    }
}

/// Fills `defaults` in under what was given. For `oidc`, the endpoints left null are taken from the
/// discovery document given in `oidc_metadata`, as Auth0 reads them from the discovery URL.
pub fn fill(strategy: &str, options: &mut Map<String, Value>, defaults: &Map<String, Value>) {
    for (k, v) in defaults {
        options.entry(k.clone()).or_insert_with(|| v.clone());
    }
    if strategy == "oidc" {
        // The discovery flags Auth0 records as false when the document leaves them out.
        if let Some(Value::Object(doc)) = options.get_mut("oidc_metadata") {
            for flag in [
                "claims_parameter_supported",
                "request_parameter_supported",
                "request_uri_parameter_supported",
                "require_request_uri_registration",
            ] {
                doc.entry(flag).or_insert(Value::Bool(false));
            }
        }
        let metadata = options.get("oidc_metadata").cloned().unwrap_or_default();
        for key in ["userinfo_endpoint", "token_endpoint"] {
            let unset = options.get(key).is_none_or(Value::is_null);
            if let (true, Some(found)) = (unset, metadata.get(key)) {
                options.insert(key.into(), found.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_connection_gets_auth0s_defaults_under_what_was_given() {
        let d = defaults("auth0", "db", "https://t.example/");
        let mut given = object(json!({ "passwordPolicy": "excellent" }));
        fill("auth0", &mut given, &d.created);
        assert_eq!(given["passwordPolicy"], "excellent");
        assert_eq!(given["mfa"]["active"], true);
        assert!(d.show_as_button.is_none() && d.provisioning_ticket_url.is_none());
        // An update keeps fewer defaults: `mfa` and `passwordPolicy` are not put back.
        assert!(!d.updated.contains_key("mfa"));
    }

    #[test]
    fn enterprise_connections_get_a_button_and_a_ticket_where_auth0_gives_them() {
        let waad = defaults("waad", "corp", "https://t.example/");
        assert_eq!(waad.show_as_button, Some(false));
        assert_eq!(waad.display_name.as_deref(), Some("corp"));
        assert!(waad
            .provisioning_ticket_url
            .is_some_and(|u| u.starts_with("https://t.example/p/waad/")));
        assert!(defaults("oidc", "x", "https://t/")
            .provisioning_ticket_url
            .is_none());
        assert!(!known("ldap") && known("google-apps"));
    }

    #[test]
    fn oidc_endpoints_left_null_come_from_the_discovery_document() {
        let mut given = object(json!({
            "token_endpoint": null,
            "oidc_metadata": { "token_endpoint": "https://idp/token", "userinfo_endpoint": "https://idp/me" },
        }));
        fill("oidc", &mut given, &Map::new());
        assert_eq!(given["token_endpoint"], "https://idp/token");
        assert_eq!(given["userinfo_endpoint"], "https://idp/me");
    }
}
