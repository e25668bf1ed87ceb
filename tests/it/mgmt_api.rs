//! The Management API subset: scopes, status codes, bodies, limits and the three pagination shapes.

use reqwest::Method;
use serde_json::{json, Value};

use orgdesk::clock::ManualClock;

use crate::tenant::{start, start_at, ACME, API};

#[tokio::test]
async fn tokens_and_scopes_are_enforced_with_auth0_bodies() {
    let tenant = start().await;
    let (s, body) = tenant.mgmt_as("", Method::GET, "organizations", None).await;
    assert_eq!(s, 401, "{body}");

    // A client with only read:clients.
    let (_, reader) = tenant
        .mgmt(
            Method::POST,
            "clients",
            Some(json!({"name": "reader", "app_type": "non_interactive"})),
        )
        .await;
    let audience = tenant.handle.mgmt_audience();
    let (s, _) = tenant
        .mgmt(Method::POST, "client-grants", Some(json!({"client_id": reader["client_id"], "audience": audience, "scope": ["read:clients"]})))
        .await;
    assert_eq!(s, 201);
    let token = tenant
        .mgmt_token_for(
            reader["client_id"].as_str().unwrap(),
            reader["client_secret"].as_str().unwrap(),
        )
        .await;
    let (s, body) = tenant
        .mgmt_as(&token, Method::GET, "organizations", None)
        .await;
    assert_eq!(s, 403);
    assert_eq!(
        body,
        json!({"statusCode": 403, "error": "Forbidden", "message": "Insufficient scope, expected any of: read:organizations,read:organizations_summary", "errorCode": "insufficient_scope"})
    );
    let (s, clients) = tenant.mgmt_as(&token, Method::GET, "clients", None).await;
    assert_eq!(s, 200);
    assert!(
        clients
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c.get("client_secret").is_none()),
        "secrets need read:client_keys"
    );
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let clock = ManualClock::at_secs(1_800_000_000);
    let tenant = start_at(clock.clone()).await;
    let (s, _) = tenant.get("roles").await;
    assert_eq!(s, 200);
    clock.advance_secs(86_401);
    let (s, body) = tenant.get("roles").await;
    assert_eq!(s, 401);
    assert_eq!(
        body["message"],
        "Expired token received for JSON Web Token validation"
    );
}

#[tokio::test]
async fn clients_create_patch_rotate_and_delete() {
    let tenant = start().await;
    let (s, c) = tenant
        .mgmt(Method::POST, "clients", Some(json!({"name": "Booking bot", "app_type": "non_interactive", "grant_types": ["client_credentials"],
            "client_metadata": {"orgdesk_org": ACME}, "default_organization": {"organization_id": ACME, "flows": ["client_credentials"]}})))
        .await;
    assert_eq!(s, 201, "{c}");
    let id = c["client_id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 32);
    assert_eq!(c["client_metadata"]["orgdesk_org"], ACME);
    assert_eq!(c["default_organization"]["organization_id"], ACME);

    for bad in [
        json!({"name": "x<y>"}),
        json!({"name": "n", "client_metadata": (0..11).map(|i| (format!("k{i}"), json!("v"))).collect::<serde_json::Map<_, _>>()}),
        json!({"name": "n", "client_metadata": {"k": "v".repeat(256)}}),
        json!({"name": "n", "unknown_field": true}),
        json!({"description": "no name"}),
    ] {
        let (s, body) = tenant
            .mgmt(Method::POST, "clients", Some(bad.clone()))
            .await;
        assert_eq!(s, 400, "{bad} → {body}");
        assert_eq!(body["errorCode"], "invalid_body");
    }
    let (s, _) = tenant
        .mgmt(
            Method::PATCH,
            &format!("clients/{id}"),
            Some(json!({"default_organization": {"flows": ["client_credentials"]}})),
        )
        .await;
    assert_eq!(s, 400, "organization_id is required");
    let (s, _) = tenant
        .mgmt(
            Method::PATCH,
            &format!("clients/{id}"),
            Some(json!({"default_organization": {"organization_id": ACME}})),
        )
        .await;
    assert_eq!(s, 400, "flows is required");
    let (s, patched) = tenant
        .mgmt(
            Method::PATCH,
            &format!("clients/{id}"),
            Some(json!({"name": "Renamed", "default_organization": null})),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(patched["name"], "Renamed");
    assert!(patched.get("default_organization").is_none());
    assert_eq!(
        patched["client_metadata"]["orgdesk_org"], ACME,
        "metadata survives a PATCH that does not name it"
    );

    let (s, rotated) = tenant
        .mgmt(Method::POST, &format!("clients/{id}/rotate-secret"), None)
        .await;
    assert_eq!(s, 200);
    assert_ne!(rotated["client_secret"], c["client_secret"]);

    let (s, _) = tenant
        .mgmt(Method::DELETE, &format!("clients/{id}"), None)
        .await;
    assert_eq!(s, 204);
    let (s, _) = tenant
        .mgmt(Method::DELETE, &format!("clients/{id}"), None)
        .await;
    assert_eq!(s, 204, "deleting again is fine");
    let (s, body) = tenant.get(&format!("clients/{id}")).await;
    assert_eq!(
        (s.as_u16(), body["errorCode"].clone()),
        (404, json!("inexistent_client"))
    );
}

#[tokio::test]
async fn client_grants_and_organization_associations() {
    let tenant = start().await;
    let bot = tenant.bot("require", false).await;
    let (s, grant) = tenant.get(&format!("client-grants/{}", bot.grant_id)).await;
    assert_eq!(s, 200);
    assert_eq!(grant["subject_type"], "client");
    assert_eq!(grant["organization_usage"], "require");
    assert_eq!(grant["allow_any_organization"], false);

    let (s, body) = tenant
        .mgmt(
            Method::POST,
            "client-grants",
            Some(json!({"client_id": bot.client_id, "audience": API, "scope": []})),
        )
        .await;
    assert_eq!(s, 409, "{body}");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("client_grant already exists"));
    let (s, _) = tenant
        .mgmt(
            Method::POST,
            "client-grants",
            Some(json!({"client_id": "nope", "audience": API})),
        )
        .await;
    assert_eq!(s, 404);

    let path = format!("organizations/{ACME}/client-grants");
    let (s, assoc) = tenant
        .mgmt(Method::POST, &path, Some(json!({"grant_id": bot.grant_id})))
        .await;
    assert_eq!(s, 201);
    assert_eq!(assoc["grant_id"], bot.grant_id.as_str());
    let (s, _) = tenant
        .mgmt(Method::POST, &path, Some(json!({"grant_id": bot.grant_id})))
        .await;
    assert_eq!(s, 409);
    let (s, list) = tenant
        .get(&format!(
            "{path}?grant_ids={}&include_totals=true",
            bot.grant_id
        ))
        .await;
    assert_eq!(s, 200);
    assert_eq!(list["total"], 1);
    assert_eq!(list["client_grants"][0]["id"], bot.grant_id.as_str());
    let (_, orgs) = tenant
        .get(&format!(
            "client-grants/{}/organizations?include_totals=true",
            bot.grant_id
        ))
        .await;
    assert_eq!(orgs["organizations"][0]["id"], ACME);

    let (s, _) = tenant
        .mgmt(Method::DELETE, &format!("{path}/{}", bot.grant_id), None)
        .await;
    assert_eq!(s, 204);
    let (_, list) = tenant.get(&format!("{path}?include_totals=true")).await;
    assert_eq!(list["total"], 0);

    let (s, _) = tenant
        .mgmt(
            Method::DELETE,
            &format!("client-grants/{}", bot.grant_id),
            None,
        )
        .await;
    assert_eq!(s, 204);
    let (s, body) = tenant.get(&format!("client-grants/{}", bot.grant_id)).await;
    assert_eq!(
        (s.as_u16(), body),
        (
            404,
            json!({"statusCode": 404, "error": "Not Found", "message": "The grant does not exist.", "errorCode": "inexistent_client_grant"})
        )
    );
    let (s, _) = tenant
        .mgmt(
            Method::DELETE,
            &format!("client-grants/{}", bot.grant_id),
            None,
        )
        .await;
    assert_eq!(s, 204, "idempotent");
}

#[tokio::test]
async fn organizations_crud_and_offset_paging() {
    let mut tenant = start().await;
    tenant.mgmt_token = tenant.admin_token().await;
    let (s, org) = tenant
        .mgmt(
            Method::POST,
            "organizations",
            Some(json!({"name": "wayne-travel", "display_name": "Wayne Travel"})),
        )
        .await;
    assert_eq!(s, 201);
    let id = org["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("org_") && id.len() == 20);
    let (s, body) = tenant
        .mgmt(
            Method::POST,
            "organizations",
            Some(json!({"name": "wayne-travel"})),
        )
        .await;
    assert_eq!(
        (s.as_u16(), body["errorCode"].clone()),
        (409, json!("organization_conflict"))
    );
    let (s, _) = tenant
        .mgmt(
            Method::POST,
            "organizations",
            Some(json!({"name": "Has Spaces"})),
        )
        .await;
    assert_eq!(s, 400);
    let (s, by_name) = tenant.get("organizations/name/wayne-travel").await;
    assert_eq!((s.as_u16(), by_name["id"].clone()), (200, json!(id)));

    let (_, page) = tenant
        .get("organizations?include_totals=true&per_page=2&page=1")
        .await;
    let keys: Vec<&String> = page.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["organizations", "start", "limit", "total"]);
    assert_eq!(
        (
            page["start"].clone(),
            page["limit"].clone(),
            page["total"].clone()
        ),
        (json!(2), json!(2), json!(5))
    );
    let (s, body) = tenant.get("organizations?per_page=100&page=10").await;
    assert_eq!(
        (s.as_u16(), body["errorCode"].clone()),
        (400, json!("invalid_paging"))
    );
    let (s, plain) = tenant.get("organizations").await;
    assert_eq!(s, 200);
    assert!(plain.is_array());

    let (s, _) = tenant
        .mgmt(Method::DELETE, &format!("organizations/{id}"), None)
        .await;
    assert_eq!(s, 204);
    let (s, body) = tenant
        .mgmt(Method::DELETE, &format!("organizations/{id}"), None)
        .await;
    assert_eq!(
        (s.as_u16(), body),
        (
            404,
            json!({"statusCode": 404, "error": "Not Found", "message": "No organization found by that id or name"})
        )
    );
}

#[tokio::test]
async fn members_checkpoint_paging_keeps_auth0s_quirk_and_roles_come_with_fields() {
    let tenant = start().await;
    let path = format!("organizations/{ACME}/members");
    let mut seen = Vec::new();
    let mut next: Option<String> = None;
    let mut pages = 0;
    loop {
        let url = match &next {
            Some(from) => format!("{path}?take=2&from={from}"),
            None => format!("{path}?take=2&include_totals=true"),
        };
        let (s, page) = tenant.get(&url).await;
        assert_eq!(s, 200);
        pages += 1;
        let members = page["members"].as_array().unwrap();
        assert!(
            page.get("total").is_none(),
            "checkpoint pages have no totals"
        );
        if members.is_empty() {
            assert!(page.get("next").is_none());
            break;
        }
        assert!(
            page["next"].is_string(),
            "every non-empty page carries next, even the last one"
        );
        seen.extend(
            members
                .iter()
                .map(|m| m["user_id"].as_str().unwrap().to_string()),
        );
        next = page["next"].as_str().map(String::from);
    }
    assert_eq!(seen.len(), 3);
    assert_eq!(pages, 3, "2 + 1 + an empty page");

    let (_, with_roles) = tenant
        .get(&format!("{path}?fields=user_id,roles,email,name,picture"))
        .await;
    let alice = with_roles
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "alice@acme.example")
        .unwrap();
    assert_eq!(
        alice["roles"],
        json!([{"id": "rol_orgdeskAdmin0001", "name": "admin"}])
    );

    let bob = with_roles
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "bob@acme.example")
        .unwrap()["user_id"]
        .as_str()
        .unwrap()
        .to_string();
    let roles_path = format!("{path}/{}/roles", bob.replace('|', "%7C"));
    let (s, _) = tenant
        .mgmt(
            Method::POST,
            &roles_path,
            Some(json!({"roles": ["rol_orgdeskBilling01"]})),
        )
        .await;
    assert_eq!(s, 204);
    let (_, roles) = tenant
        .get(&format!("{roles_path}?include_totals=true"))
        .await;
    assert_eq!(roles["total"], 2);
    let (s, body) = tenant
        .mgmt(
            Method::POST,
            &roles_path,
            Some(json!({"roles": ["rol_doesNotExist0001"]})),
        )
        .await;
    assert_eq!(s, 400, "{body}");
    let (s, _) = tenant
        .mgmt(
            Method::DELETE,
            &roles_path,
            Some(json!({"roles": ["rol_orgdeskBilling01"]})),
        )
        .await;
    assert_eq!(s, 204);
    let (s, _) = tenant
        .mgmt(Method::DELETE, &path, Some(json!({"members": [bob]})))
        .await;
    assert_eq!(s, 204);
    let (_, members) = tenant.get(&path).await;
    assert_eq!(members.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn invitations_have_urls_defaults_and_no_totals() {
    let tenant = start().await;
    let path = format!("organizations/{ACME}/invitations");
    let body = json!({"inviter": {"name": "Alice"}, "invitee": {"email": "new@acme.example"}, "client_id": crate::tenant::LOGIN_CLIENT, "roles": ["rol_orgdeskMember001"]});
    let (s, inv) = tenant.mgmt(Method::POST, &path, Some(body.clone())).await;
    assert_eq!(s, 201, "{inv}");
    assert!(inv["id"].as_str().unwrap().starts_with("uinv_"));
    let url = inv["invitation_url"].as_str().unwrap();
    assert!(
        url.contains(&format!(
            "invitation={}",
            inv["ticket_id"].as_str().unwrap()
        )) && url.contains("organization_name=acme-travel"),
        "{url}"
    );
    let created = time::OffsetDateTime::parse(
        inv["created_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let expires = time::OffsetDateTime::parse(
        inv["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!((expires - created).whole_days(), 7);

    let mut too_long = body.clone();
    too_long["ttl_sec"] = json!(2_592_001);
    let (s, _) = tenant.mgmt(Method::POST, &path, Some(too_long)).await;
    assert_eq!(s, 400);
    let (_, list) = tenant
        .get(&format!("{path}?include_totals=true&per_page=50"))
        .await;
    assert_eq!(
        list["limit"], 1,
        "limit is the number returned (recorded quirk)"
    );
    assert!(list.get("total").is_none());
    let id = inv["id"].as_str().unwrap();
    let (s, _) = tenant
        .mgmt(Method::DELETE, &format!("{path}/{id}"), None)
        .await;
    assert_eq!(s, 204);
    let (s, body) = tenant.get(&format!("{path}/{id}")).await;
    assert_eq!(
        (s.as_u16(), body["errorCode"].clone()),
        (404, json!("inexistent_invitation"))
    );
}

#[tokio::test]
async fn logs_record_client_credentials_exchanges_with_the_organization() {
    let tenant = start().await;
    let bot = tenant.bot("require", true).await;
    let (s, _) = tenant
        .client_token(&bot.client_id, &bot.secret, API, Some(ACME))
        .await;
    assert_eq!(s, 200);
    let (s, logs) = tenant
        .get(&format!(
            "logs?q=type:\"seccft\" AND client_id:\"{}\"",
            bot.client_id
        ))
        .await;
    assert_eq!(s, 200);
    let entry: &Value = &logs[0];
    assert_eq!(entry["organization_id"], ACME);
    assert_eq!(entry["organization_name"], "acme-travel");
    assert_eq!(entry["log_id"].as_str().unwrap().len(), 56);
    let (s, one) = tenant
        .get(&format!("logs/{}", entry["log_id"].as_str().unwrap()))
        .await;
    assert_eq!((s.as_u16(), one["type"].clone()), (200, json!("seccft")));
}

#[tokio::test]
async fn clients_are_found_by_their_grants_organization_or_openness() {
    let tenant = start().await;
    let bot = tenant.bot("require", false).await;
    let open = tenant.bot("allow", true).await;
    let (s, _) = tenant
        .mgmt(
            Method::POST,
            &format!("organizations/{ACME}/client-grants"),
            Some(json!({"grant_id": bot.grant_id})),
        )
        .await;
    assert_eq!(s, 201);
    let ids = |list: &Value| -> Vec<String> {
        list.as_array()
            .or_else(|| list["clients"].as_array())
            .unwrap()
            .iter()
            .map(|c| c["client_id"].as_str().unwrap().to_string())
            .collect()
    };
    let (s, in_acme) = tenant
        .get(&format!(
            "clients?q=client_grant.organization_id%3A{ACME}&take=50"
        ))
        .await;
    assert_eq!(s, 200, "{in_acme}");
    let found = ids(&in_acme);
    assert!(found.contains(&bot.client_id), "{found:?}");
    assert!(
        !found.contains(&open.client_id),
        "not associated with Acme: {found:?}"
    );
    let (s, any) = tenant
        .get("clients?q=client_grant.allow_any_organization%3Atrue&take=50")
        .await;
    assert_eq!(s, 200);
    let found = ids(&any);
    assert!(found.contains(&open.client_id), "{found:?}");
    assert!(!found.contains(&bot.client_id), "{found:?}");
    for refused in [
        "clients?q=name%3Abot&take=50",
        "clients?q=client_grant.allow_any_organization%3Atrue&app_type=spa&take=50",
        "clients?q=client_grant.allow_any_organization%3Atrue&page=0&per_page=10",
    ] {
        let (s, body) = tenant.get(refused).await;
        assert_eq!(s, 400, "{refused}: {body}");
        assert_eq!(body["errorCode"], "invalid_query_string", "{refused}");
    }
}
