//! The seed's organization rules for client credentials, over HTTP, across the whole matrix:
//! organization_usage × allow_any_organization × association × `organization` parameter (id, name,
//! another organization, unknown) × the client's default organization.

use reqwest::Method;
use serde_json::json;

use crate::tenant::{claims, start, ACME, API, GLOBEX};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Param {
    None,
    AcmeById,
    AcmeByName,
    GlobexById,
    UnknownId,
    UnknownName,
}

#[derive(Debug, PartialEq)]
enum Expect {
    Token(Option<&'static str>),
    Refused(u16, &'static str),
}

/// The rules as the announcement states them, written independently of the implementation.
fn oracle(
    usage: &str,
    allow_any: bool,
    associated_with_acme: bool,
    param: Param,
    default: Option<&'static str>,
) -> Expect {
    let usable = |org: &str| allow_any || (org == ACME && associated_with_acme);
    let named = match param {
        Param::None => None,
        Param::AcmeById | Param::AcmeByName => Some(ACME),
        Param::GlobexById => Some(GLOBEX),
        Param::UnknownId | Param::UnknownName => return Expect::Refused(400, "invalid_request"),
    };
    match (usage, named) {
        ("deny", Some(_)) => Expect::Refused(403, "access_denied"),
        ("deny" | "allow", None) => Expect::Token(None),
        (_, Some(org)) => {
            if usable(org) {
                Expect::Token(Some(org))
            } else {
                Expect::Refused(403, "access_denied")
            }
        }
        (_, None) => match default {
            None => Expect::Refused(400, "invalid_request"),
            Some(org) if usable(org) => Expect::Token(Some(org)),
            Some(_) => Expect::Refused(403, "access_denied"),
        },
    }
}

#[tokio::test]
async fn every_combination_yields_the_right_org_or_an_oauth_error() {
    let tenant = start().await;
    let mut checked = 0;
    for usage in ["deny", "allow", "require"] {
        for allow_any in [false, true] {
            for associated in [false, true] {
                let bot = tenant.bot(usage, allow_any).await;
                if associated {
                    // Associations need a grant that uses organizations (decided for deny: refused).
                    let (s, body) = tenant
                        .mgmt(
                            Method::POST,
                            &format!("organizations/{ACME}/client-grants"),
                            Some(json!({"grant_id": bot.grant_id})),
                        )
                        .await;
                    if usage == "deny" {
                        assert_eq!(s, 400, "{body}");
                        continue;
                    }
                    assert_eq!(s, 201, "{body}");
                }
                for default in [None, Some(ACME), Some(GLOBEX)] {
                    let patch = match default {
                        Some(org) => {
                            json!({"default_organization": {"organization_id": org, "flows": ["client_credentials"]}})
                        }
                        None => json!({"default_organization": null}),
                    };
                    let (s, body) = tenant
                        .mgmt(
                            Method::PATCH,
                            &format!("clients/{}", bot.client_id),
                            Some(patch),
                        )
                        .await;
                    assert_eq!(s, 200, "{body}");
                    for param in [
                        Param::None,
                        Param::AcmeById,
                        Param::AcmeByName,
                        Param::GlobexById,
                        Param::UnknownId,
                        Param::UnknownName,
                    ] {
                        let organization = match param {
                            Param::None => None,
                            Param::AcmeById => Some(ACME),
                            Param::AcmeByName => Some("acme-travel"),
                            Param::GlobexById => Some(GLOBEX),
                            Param::UnknownId => Some("org_doesNotExist0001"),
                            Param::UnknownName => Some("no-such-org"),
                        };
                        let (status, body) = tenant
                            .client_token(&bot.client_id, &bot.secret, API, organization)
                            .await;
                        let case = format!("usage={usage} any={allow_any} assoc={associated} default={default:?} param={param:?}");
                        let got = if status == 200 {
                            let c = claims(body["access_token"].as_str().unwrap());
                            assert_eq!(c["gty"], "client-credentials", "{case}");
                            assert_eq!(c["azp"], bot.client_id, "{case}");
                            assert_eq!(c["sub"], format!("{}@clients", bot.client_id), "{case}");
                            assert_eq!(c["aud"], API, "{case}");
                            assert_eq!(c["scope"], "read:bookings", "{case}");
                            if let Some(org) = c["org_id"].as_str() {
                                let name = if org == ACME {
                                    "acme-travel"
                                } else {
                                    "globex-tours"
                                };
                                assert_eq!(c["org_name"], name, "{case}");
                                Expect::Token(Some(if org == ACME { ACME } else { GLOBEX }))
                            } else {
                                assert!(c.get("org_name").is_none(), "{case}");
                                Expect::Token(None)
                            }
                        } else {
                            assert!(
                                body["error_description"]
                                    .as_str()
                                    .is_some_and(|d| !d.is_empty()),
                                "{case}: {body}"
                            );
                            let error: &'static str = match body["error"].as_str() {
                                Some("invalid_request") => "invalid_request",
                                Some("access_denied") => "access_denied",
                                other => panic!("{case}: unexpected error {other:?}"),
                            };
                            Expect::Refused(status.as_u16(), error)
                        };
                        assert_eq!(
                            got,
                            oracle(usage, allow_any, associated, param, default),
                            "{case}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 2 * 3 * 6 * 5, "combinations checked");
}

#[tokio::test]
async fn refusals_use_the_documented_wording() {
    let tenant = start().await;
    let bot = tenant.bot("require", false).await;
    let (s, body) = tenant
        .client_token(&bot.client_id, &bot.secret, API, None)
        .await;
    assert_eq!(
        (s.as_u16(), body["error_description"].as_str()),
        (
            400,
            Some("parameter organization is required for this client")
        )
    );
    let (s, body) = tenant
        .client_token(&bot.client_id, &bot.secret, API, Some(ACME))
        .await;
    assert_eq!(s, 403, "{body}");
    assert_eq!(body["error"], "access_denied");

    let (s, body) = tenant
        .client_token(&bot.client_id, "wrong", API, None)
        .await;
    assert_eq!(
        (s.as_u16(), body),
        (
            401,
            json!({"error": "access_denied", "error_description": "Unauthorized"})
        )
    );
    let (s, body) = tenant
        .client_token(
            &bot.client_id,
            &bot.secret,
            "https://unknown.example/",
            None,
        )
        .await;
    assert_eq!(s, 403);
    assert_eq!(
        body["error_description"],
        "Service not enabled within domain: https://unknown.example/"
    );
}
