//! Connections, the organizations that use them, role permissions and role users, and user
//! updates on the local tenant, as Auth0 answers them (go-auth0's recordings).

use reqwest::Method;
use serde_json::{json, Value};

use crate::tenant::{start, ACME};

#[tokio::test]
async fn connections_are_made_read_changed_and_deleted_as_auth0_answers() {
    let tenant = start().await;
    let admin = tenant.admin_token().await;
    let call = |m: Method, p: &str, b: Option<Value>| {
        let (t, p) = (&tenant, p.to_string());
        let admin = admin.clone();
        async move { t.mgmt_as(&admin, m, &p, b).await }
    };

    // Every tenant has its database connection.
    let (s, all) = call(Method::GET, "connections?strategy=auth0", None).await;
    assert_eq!(s, 200, "{all}");
    assert_eq!(all[0]["name"], "Username-Password-Authentication");

    let (s, made) = call(
        Method::POST,
        "connections",
        Some(json!({"name": "corp-sso", "strategy": "waad", "options": {"client_id": "x", "domain": "corp.example"}})),
    )
    .await;
    assert_eq!(s, 201, "{made}");
    let id = made["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("con_"));
    assert_eq!(made["realms"], json!(["corp-sso"]));
    assert_eq!(
        made["show_as_button"], false,
        "enterprise connections have a button setting"
    );
    assert_eq!(made["display_name"], "corp-sso");
    assert_eq!(
        made["options"]["waad_protocol"], "openid-connect",
        "Auth0's default"
    );
    assert_eq!(
        made["options"]["domain"], "corp.example",
        "what was given stays"
    );

    // Names follow Auth0's pattern; strategies its enum; names are unique.
    for bad in [
        json!({"name": "-x", "strategy": "auth0"}),
        json!({"name": "a--b", "strategy": "auth0"}),
        json!({"name": "ok", "strategy": "ldap"}),
        json!({"name": "ok"}),
    ] {
        let (s, body) = call(Method::POST, "connections", Some(bad.clone())).await;
        assert_eq!(s, 400, "{bad} → {body}");
    }
    let (s, body) = call(
        Method::POST,
        "connections",
        Some(json!({"name": "corp-sso", "strategy": "auth0"})),
    )
    .await;
    assert_eq!(
        (s.as_u16(), body["errorCode"].clone()),
        (409, json!("connection_conflict"))
    );

    // `options` is replaced whole; the strategy's kept defaults come back; name cannot change.
    let (s, changed) = call(
        Method::PATCH,
        &format!("connections/{id}"),
        Some(json!({"options": {"client_id": "y"}, "display_name": "Corp"})),
    )
    .await;
    assert_eq!(s, 200, "{changed}");
    assert_eq!(changed["options"]["client_id"], "y");
    assert!(
        changed["options"].get("domain").is_none(),
        "replaced, not merged"
    );
    assert_eq!(changed["options"]["waad_protocol"], "openid-connect");
    assert_eq!(changed["display_name"], "Corp");
    let (s, _) = call(
        Method::PATCH,
        &format!("connections/{id}"),
        Some(json!({"name": "other"})),
    )
    .await;
    assert_eq!(s, 400);

    // Enabled clients: through /clients, kept sorted, seen from the client's side too.
    let (_, client) = call(
        Method::POST,
        "clients",
        Some(json!({"name": "portal", "app_type": "regular_web"})),
    )
    .await;
    let client_id = client["client_id"].as_str().unwrap();
    let (s, _) = call(
        Method::PATCH,
        &format!("connections/{id}/clients"),
        Some(json!([{"client_id": client_id, "status": true}])),
    )
    .await;
    assert_eq!(s, 204);
    let (_, listed) = call(Method::GET, &format!("connections/{id}/clients"), None).await;
    assert_eq!(listed["clients"], json!([{"client_id": client_id}]));
    let (_, theirs) = call(
        Method::GET,
        &format!("clients/{client_id}/connections"),
        None,
    )
    .await;
    assert_eq!(theirs["connections"][0]["id"], id.as_str());
    let (s, _) = call(
        Method::PATCH,
        &format!("connections/{id}/clients"),
        Some(json!([{"client_id": "nobody", "status": true}])),
    )
    .await;
    assert_eq!(s, 404, "an unknown client is refused and nothing changes");

    // Deleting answers 202 with when; after that the connection is gone and a delete is 204.
    let (s, gone) = call(Method::DELETE, &format!("connections/{id}"), None).await;
    assert_eq!(s, 202);
    assert!(gone["deleted_at"].is_string());
    let (s, body) = call(Method::GET, &format!("connections/{id}"), None).await;
    assert_eq!(
        (s.as_u16(), body["errorCode"].clone()),
        (404, json!("inexistent_connection"))
    );
    let (s, _) = call(Method::DELETE, &format!("connections/{id}"), None).await;
    assert_eq!(s, 204);

    // orgdesk's own client was never given connection scopes.
    let (s, _) = tenant.mgmt(Method::GET, "connections", None).await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn organizations_enable_connections_with_auth0s_rules() {
    let tenant = start().await;
    let admin = tenant.admin_token().await;
    let call = |m: Method, p: String, b: Option<Value>| {
        let t = &tenant;
        let admin = admin.clone();
        async move { t.mgmt_as(&admin, m, &p, b).await }
    };
    let (_, db) = call(
        Method::POST,
        "connections".into(),
        Some(json!({"name": "customers-db", "strategy": "auth0"})),
    )
    .await;
    let (_, sso) = call(
        Method::POST,
        "connections".into(),
        Some(json!({"name": "acme-sso", "strategy": "samlp"})),
    )
    .await;
    let (db, sso) = (db["id"].as_str().unwrap(), sso["id"].as_str().unwrap());

    // Made with the organization: answered with each connection's name and strategy.
    let (s, org) = call(
        Method::POST,
        "organizations".into(),
        Some(json!({"name": "umbrella-co", "enabled_connections": [
            {"connection_id": db, "assign_membership_on_login": true, "is_signup_enabled": true},
            {"connection_id": sso}
        ]})),
    )
    .await;
    assert_eq!(s, 201, "{org}");
    assert_eq!(
        org["enabled_connections"][0]["connection"]["strategy"],
        "auth0"
    );
    assert_eq!(
        org["enabled_connections"][1]["show_as_button"], true,
        "Auth0's default"
    );
    assert!(org["enabled_connections"][1]
        .get("is_signup_enabled")
        .is_none());
    let org_id = org["id"].as_str().unwrap();
    let (s, listed) = call(
        Method::GET,
        format!("organizations/{org_id}/enabled_connections?include_totals=true"),
        None,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(
        (listed["total"].clone(), listed["limit"].clone()),
        (json!(2), json!(2))
    );

    // Sign-up needs a database connection that makes members on login (recorded message).
    let (s, body) = call(
        Method::PATCH,
        format!("organizations/{org_id}/enabled_connections/{db}"),
        Some(json!({"assign_membership_on_login": false})),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(
        body["message"],
        "Only database connections with assign_membership_on_login = true support is_signup_enabled = true."
    );
    let (s, body) = call(
        Method::PATCH,
        format!("organizations/{org_id}/enabled_connections/{sso}"),
        Some(json!({"is_signup_enabled": true, "assign_membership_on_login": true})),
    )
    .await;
    assert_eq!(s, 400, "not a database connection: {body}");
    let (s, _) = call(
        Method::POST,
        format!("organizations/{org_id}/enabled_connections"),
        Some(json!({"connection_id": sso})),
    )
    .await;
    assert_eq!(s, 409, "already enabled");

    // Disabled, then not found; a deleted connection leaves every organization.
    let (s, _) = call(
        Method::DELETE,
        format!("organizations/{org_id}/enabled_connections/{sso}"),
        None,
    )
    .await;
    assert_eq!(s, 204);
    let (s, body) = call(
        Method::GET,
        format!("organizations/{org_id}/enabled_connections/{sso}"),
        None,
    )
    .await;
    assert_eq!(
        (s.as_u16(), body["message"].clone()),
        (404, json!("No connection found by that id"))
    );
    call(Method::DELETE, format!("connections/{db}"), None).await;
    let (_, left) = call(
        Method::GET,
        format!("organizations/{org_id}/enabled_connections"),
        None,
    )
    .await;
    assert_eq!(left, json!([]));

    // Seeded organizations sign in through the tenant's database connection.
    let (_, acme) = call(
        Method::GET,
        format!("organizations/{ACME}/enabled_connections"),
        None,
    )
    .await;
    assert_eq!(
        acme[0]["connection"]["name"],
        "Username-Password-Authentication"
    );
}

#[tokio::test]
async fn roles_carry_permissions_and_users() {
    let tenant = start().await;
    let admin = tenant.admin_token().await;
    let call = |m: Method, p: String, b: Option<Value>| {
        let t = &tenant;
        let admin = admin.clone();
        async move { t.mgmt_as(&admin, m, &p, b).await }
    };
    let (_, role) = call(
        Method::POST,
        "roles".into(),
        Some(json!({"name": "auditor"})),
    )
    .await;
    let role_id = role["id"].as_str().unwrap();
    let (_, api) = call(
        Method::POST,
        "resource-servers".into(),
        Some(
            json!({"identifier": "https://reports.example/", "name": "Reports",
            "scopes": [{"value": "read:reports", "description": "Read reports"}]}),
        ),
    )
    .await;
    assert!(api["id"].is_string(), "{api}");
    let permission = json!({"permissions": [{"resource_server_identifier": "https://reports.example/", "permission_name": "read:reports"}]});
    let (s, body) = call(
        Method::POST,
        format!("roles/{role_id}/permissions"),
        Some(permission.clone()),
    )
    .await;
    assert_eq!((s.as_u16(), body), (201, json!({})));
    let (_, listed) = call(
        Method::GET,
        format!("roles/{role_id}/permissions?include_totals=true"),
        None,
    )
    .await;
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["permissions"][0]["resource_server_name"], "Reports");
    assert_eq!(listed["permissions"][0]["description"], "Read reports");
    let (s, _) = call(
        Method::POST,
        format!("roles/{role_id}/permissions"),
        Some(json!({"permissions": [{"resource_server_identifier": "https://reports.example/", "permission_name": "delete:everything"}]})),
    )
    .await;
    assert_eq!(s, 400, "a scope the API does not define");
    let (s, _) = call(
        Method::DELETE,
        format!("roles/{role_id}/permissions"),
        Some(permission),
    )
    .await;
    assert_eq!(s, 204);
    let (_, listed) = call(Method::GET, format!("roles/{role_id}/permissions"), None).await;
    assert_eq!(listed, json!([]));

    // Users: assigned in one call, listed in both page shapes.
    let mut made = Vec::new();
    for who in ["ann", "bob", "cy"] {
        let (s, u) = call(
            Method::POST,
            "users".into(),
            Some(json!({"connection": "Username-Password-Authentication",
                "email": format!("{who}@globex.example"), "password": "a long passphrase 1"})),
        )
        .await;
        assert_eq!(s, 201, "{u}");
        made.push(u["user_id"].as_str().unwrap().to_string());
    }
    let (s, body) = call(
        Method::POST,
        format!("roles/{role_id}/users"),
        Some(json!({"users": made})),
    )
    .await;
    assert_eq!((s.as_u16(), body), (200, json!({})));
    let (_, first) = call(Method::GET, format!("roles/{role_id}/users?take=2"), None).await;
    assert_eq!(first["users"].as_array().unwrap().len(), 2);
    let next = first["next"].as_str().unwrap();
    let (_, rest) = call(
        Method::GET,
        format!("roles/{role_id}/users?take=2&from={next}"),
        None,
    )
    .await;
    assert_eq!(rest["users"][0]["user_id"], made[2].as_str());
    assert!(rest.get("next").is_none());
    let (s, _) = call(
        Method::POST,
        format!("roles/{role_id}/users"),
        Some(json!({"users": ["auth0|nobody"]})),
    )
    .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn users_are_updated_with_metadata_merged() {
    let tenant = start().await;
    let admin = tenant.admin_token().await;
    let (_, u) = tenant
        .mgmt_as(
            &admin,
            Method::POST,
            "users",
            Some(json!({"connection": "Username-Password-Authentication", "email": "dee@globex.example",
                "password": "a long passphrase 1", "app_metadata": {"tier": "gold", "seats": 3}})),
        )
        .await;
    let path = format!(
        "users/{}",
        u["user_id"].as_str().unwrap().replace('|', "%7C")
    );
    let (s, changed) = tenant
        .mgmt_as(
            &admin,
            Method::PATCH,
            &path,
            Some(json!({"app_metadata": {"seats": null, "region": "eu"}, "name": "Dee", "password": "another passphrase 2"})),
        )
        .await;
    assert_eq!(s, 200, "{changed}");
    assert_eq!(
        changed["app_metadata"],
        json!({"tier": "gold", "region": "eu"})
    );
    assert_eq!(changed["name"], "Dee");
    assert!(changed["last_password_reset"].is_string());
    assert!(changed.get("password").is_none(), "never answered back");
    let (s, _) = tenant
        .mgmt_as(
            &admin,
            Method::PATCH,
            &path,
            Some(json!({"email_verified": "yes"})),
        )
        .await;
    assert_eq!(s, 400);
    let (s, _) = tenant
        .mgmt_as(
            &admin,
            Method::POST,
            "users",
            Some(json!({"connection": "No-Such-Connection", "email": "e@x.example", "password": "p4ssphrase long"})),
        )
        .await;
    assert_eq!(s, 400, "users belong to a database connection that exists");
}
