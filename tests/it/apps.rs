//! Third-party apps: publish → install → token → uninstall → token refused, checked at the tenant,
//! audited on both sides; and the cross-organization abuse cases.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};
use crate::members::tenant_admin;
use crate::tenant::{TenantApi, ACME, API, GLOBEX, INITECH};

struct AppBot {
    client_id: String,
    secret: String,
}

async fn register(app: &TestApp, b: &reqwest::Client, name: &str) -> AppBot {
    let body = app.register_bot(b, ACME, name).await;
    AppBot {
        client_id: body["client_id"].as_str().unwrap().into(),
        secret: body["client_secret"].as_str().unwrap().into(),
    }
}

async fn publish(
    app: &TestApp,
    b: &reqwest::Client,
    org: &str,
    client_id: &str,
    scopes: &[&str],
) -> (u16, Value) {
    app.call(
        b,
        "apps/publish",
        json!({"org_id": org, "client_id": client_id, "description": "Books trips for travel agencies", "audience": API, "scopes": scopes}),
    )
    .await
}

/// Publishes, accepting that the bot's own access changes to `scopes`.
pub async fn publish_changing(
    app: &TestApp,
    b: &reqwest::Client,
    org: &str,
    client_id: &str,
    scopes: &[&str],
) -> (u16, Value) {
    app.call(
        b,
        "apps/publish",
        json!({"org_id": org, "client_id": client_id, "description": "Books trips for travel agencies", "audience": API, "scopes": scopes, "change_access": true}),
    )
    .await
}

async fn token(tenant: &TenantApi, bot: &AppBot, org: &str) -> (u16, Value) {
    let (s, body) = tenant
        .client_token(&bot.client_id, &bot.secret, API, Some(org))
        .await;
    (s.as_u16(), body)
}

async fn actions(app: &TestApp, org: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_events WHERE org_id = ? AND action LIKE 'app.%' AND result = 'ok' ORDER BY id")
        .bind(org)
        .fetch_all(&app.running.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn publish_install_token_uninstall_refused() {
    let app = spawn_app().await;
    let tenant = tenant_admin(&app).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let grace = app.sign_in("grace@globex.example", GLOBEX).await;
    let ivan = app.sign_in("ivan@initech.example", INITECH).await;
    let bot = register(&app, &alice, "Booking bot").await;

    // The bot holds read:bookings; the app asks for read:trips too, which is the bot's own grant:
    // refused until the publisher accepts that the bot's access changes, and nothing changed.
    let (s, refused) = publish(
        &app,
        &alice,
        ACME,
        &bot.client_id,
        &["read:trips", "read:bookings"],
    )
    .await;
    assert_eq!(s, 409, "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("gives it `read:trips`"),
        "{refused}"
    );
    let (_, grants) = tenant
        .get(&format!("client-grants?client_id={}", bot.client_id))
        .await;
    assert_eq!(grants[0]["scope"], json!(["read:bookings"]));
    let (s, published) = publish_changing(
        &app,
        &alice,
        ACME,
        &bot.client_id,
        &["read:trips", "read:bookings"],
    )
    .await;
    assert_eq!(s, 200, "{published}");
    let app_id = published["app_id"].as_str().unwrap().to_string();
    assert!(published["install_url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/apps/{app_id}")));
    let (_, grants) = tenant
        .get(&format!("client-grants?client_id={}", bot.client_id))
        .await;
    assert_eq!(grants.as_array().unwrap().len(), 1);
    assert_eq!(grants[0]["scope"], json!(["read:bookings", "read:trips"]));
    assert_eq!(grants[0]["organization_usage"], "require");
    assert_eq!(grants[0]["allow_any_organization"], false);

    // Globex's admin opens the install link: publisher, API, scopes, not yet installed.
    let (s, listing) = app
        .read(&grace, "apps/listing", &[("app_id", &app_id)])
        .await;
    assert_eq!(s, 200, "{listing}");
    assert_eq!(listing["publisher"], "Acme Travel");
    assert_eq!(listing["name"], "Booking bot");
    assert_eq!(listing["org_id"], GLOBEX);
    assert_eq!(
        (listing["installed"].as_bool(), listing["own"].as_bool()),
        (Some(false), Some(false))
    );
    let (s, _) = token(&tenant, &bot, GLOBEX).await;
    assert_ne!(s, 200, "no token before the install");

    let (s, body) = app
        .call(
            &grace,
            "apps/install",
            json!({"org_id": GLOBEX, "app_id": app_id}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    let (s, t) = token(&tenant, &bot, GLOBEX).await;
    assert_eq!(s, 200, "{t}");
    let claims = crate::tenant::claims(t["access_token"].as_str().unwrap());
    assert_eq!(claims["org_id"], GLOBEX);
    assert_eq!(claims["scope"], "read:bookings read:trips");
    let (s, _) = token(&tenant, &bot, INITECH).await;
    assert_ne!(s, 200, "Initech never installed it");
    let (_, grants) = tenant
        .get(&format!("client-grants?client_id={}", bot.client_id))
        .await;
    assert_eq!(
        grants[0]["allow_any_organization"], false,
        "the app's grant is never opened up"
    );

    // Initech declines: nothing changes upstream, both sides remember.
    let (s, _) = app
        .call(
            &ivan,
            "apps/decline",
            json!({"org_id": INITECH, "app_id": app_id}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = token(&tenant, &bot, INITECH).await;
    assert_ne!(s, 200);

    // The publisher sees who installed it, by name.
    let (_, desk) = app.read(&alice, "apps/desk", &[("org_id", ACME)]).await;
    let installs = &desk["published"][0]["installs"];
    assert_eq!(installs.as_array().unwrap().len(), 1);
    assert_eq!(installs[0]["org_name"], "Globex Tours");
    let (_, theirs) = app.read(&grace, "apps/desk", &[("org_id", GLOBEX)]).await;
    assert_eq!(theirs["installed"][0]["app_id"], app_id.as_str());
    assert!(theirs["published"].as_array().unwrap().is_empty());

    // Unpublishing stops new installs and leaves Globex's install in place.
    let (s, _) = app
        .call(
            &alice,
            "apps/unpublish",
            json!({"org_id": ACME, "app_id": app_id}),
        )
        .await;
    assert_eq!(s, 200);
    // For an organization that never installed it, an unpublished app is gone.
    let (s, body) = app
        .call(
            &ivan,
            "apps/install",
            json!({"org_id": INITECH, "app_id": app_id}),
        )
        .await;
    assert_eq!(s, 404, "{body}");
    assert_eq!(token(&tenant, &bot, GLOBEX).await.0, 200);

    // Uninstall removes only Globex's association: Globex is refused, Acme still works.
    let (s, _) = app
        .call(
            &grace,
            "apps/uninstall",
            json!({"org_id": GLOBEX, "app_id": app_id}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, body) = token(&tenant, &bot, GLOBEX).await;
    assert_ne!(s, 200, "{body}");
    assert_eq!(token(&tenant, &bot, ACME).await.0, 200);

    assert_eq!(
        actions(&app, ACME).await,
        [
            "app.publish",
            "app.installed",
            "app.declined",
            "app.unpublish",
            "app.uninstalled"
        ]
    );
    assert_eq!(
        actions(&app, GLOBEX).await,
        ["app.install", "app.uninstall"]
    );
    assert_eq!(actions(&app, INITECH).await, ["app.decline"]);
}

#[tokio::test]
async fn nobody_acts_for_another_organization() {
    let app = spawn_app().await;
    let tenant = tenant_admin(&app).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let grace = app.sign_in("grace@globex.example", GLOBEX).await;
    let ivan = app.sign_in("ivan@initech.example", INITECH).await;
    let bot = register(&app, &alice, "Booking bot").await;

    // Publishing: someone else's bot, scopes or an API outside the allowlist, a thin description.
    let (s, _) = publish(&app, &grace, GLOBEX, &bot.client_id, &["read:bookings"]).await;
    assert_eq!(s, 404);
    let (s, _) = publish(&app, &grace, ACME, &bot.client_id, &["read:bookings"]).await;
    assert_eq!(s, 404);
    let (s, _) = publish(
        &app,
        &alice,
        ACME,
        &bot.client_id,
        &["read:bookings", "delete:everything"],
    )
    .await;
    assert_eq!(s, 400);
    let (s, _) = app
        .call(&alice, "apps/publish", json!({"org_id": ACME, "client_id": bot.client_id, "description": "x", "audience": API, "scopes": ["read:bookings"]}))
        .await;
    assert_eq!(s, 400);
    let (s, _) = app
        .call(&alice, "apps/publish", json!({"org_id": ACME, "client_id": bot.client_id, "description": "Books trips for agencies", "audience": "https://evil.example/", "scopes": ["read:bookings"]}))
        .await;
    assert_eq!(s, 400);
    let (_, desk) = app.read(&alice, "apps/desk", &[("org_id", ACME)]).await;
    assert!(
        desk["published"].as_array().unwrap().is_empty(),
        "nothing was published"
    );

    let (s, published) = publish(&app, &alice, ACME, &bot.client_id, &["read:bookings"]).await;
    assert_eq!(s, 200);
    let app_id = published["app_id"].as_str().unwrap().to_string();
    let (s, _) = publish(&app, &alice, ACME, &bot.client_id, &["read:bookings"]).await;
    assert_eq!(s, 409, "one app per bot");

    // Installing on behalf of another organization; installing one's own app.
    let (s, _) = app
        .call(
            &grace,
            "apps/install",
            json!({"org_id": INITECH, "app_id": app_id}),
        )
        .await;
    assert_eq!(s, 404);
    assert_ne!(token(&tenant, &bot, INITECH).await.0, 200);
    let (s, _) = app
        .call(
            &alice,
            "apps/install",
            json!({"org_id": ACME, "app_id": app_id}),
        )
        .await;
    assert_eq!(s, 409);
    let (s, _) = app
        .call(
            &grace,
            "apps/install",
            json!({"org_id": GLOBEX, "app_id": "app_doesnotexist"}),
        )
        .await;
    assert_eq!(s, 404);

    // Uninstalling someone else's install: refused, and Globex keeps it.
    let (s, _) = app
        .call(
            &grace,
            "apps/install",
            json!({"org_id": GLOBEX, "app_id": app_id}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = app
        .call(
            &ivan,
            "apps/uninstall",
            json!({"org_id": GLOBEX, "app_id": app_id}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) = app
        .call(
            &ivan,
            "apps/uninstall",
            json!({"org_id": INITECH, "app_id": app_id}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) = app
        .call(
            &alice,
            "apps/uninstall",
            json!({"org_id": ACME, "app_id": app_id}),
        )
        .await;
    assert_eq!(
        s, 404,
        "the publisher cannot remove Globex's install either"
    );
    assert_eq!(token(&tenant, &bot, GLOBEX).await.0, 200);
    // Unpublishing someone else's app.
    let (s, _) = app
        .call(
            &grace,
            "apps/unpublish",
            json!({"org_id": GLOBEX, "app_id": app_id}),
        )
        .await;
    assert_eq!(s, 404);
    let (_, listing) = app
        .read(&ivan, "apps/listing", &[("app_id", &app_id)])
        .await;
    assert_eq!(listing["published"], true);

    // What installers approved cannot be changed underneath them.
    let (s, _) = app
        .call(&alice, "bots/scopes", json!({"org_id": ACME, "client_id": bot.client_id, "audience": API, "scopes": ["read:bookings", "write:bookings"]}))
        .await;
    assert_eq!(s, 409);
    let (s, _) = app
        .call(
            &alice,
            "bots/revoke",
            json!({"org_id": ACME, "client_id": bot.client_id, "audience": API}),
        )
        .await;
    assert_eq!(s, 409);

    // Support sees the app and its installs.
    let sam = app.browser();
    app.sign_in_with(&sam, "sam@travel0.example", Some("org_travel0Support01"))
        .await;
    let (s, report) = app.read(&sam, "support/reports/apps", &[]).await;
    assert_eq!(s, 200, "{report}");
    assert_eq!(report[0]["installs"][0]["org_id"], GLOBEX);

    // Deleting the bot ends the app for everyone, and Globex's log says so.
    let (s, _) = app
        .call(
            &alice,
            "bots/delete",
            json!({"org_id": ACME, "client_id": bot.client_id}),
        )
        .await;
    assert_eq!(s, 200);
    assert_ne!(token(&tenant, &bot, GLOBEX).await.0, 200);
    assert_eq!(actions(&app, GLOBEX).await, ["app.install", "app.removed"]);
    let (_, theirs) = app.read(&grace, "apps/desk", &[("org_id", GLOBEX)]).await;
    assert!(theirs["installed"].as_array().unwrap().is_empty());
}
