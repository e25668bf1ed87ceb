//! An organization's settings: display name and branding changed by its admins, checked (contrast,
//! https logo on a public address that is an image), audited, shown in the desk's header; another
//! organization's admin changes nothing.

use orgdesk::server::logo::{self, Reach};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};
use crate::tenant::TenantApi;

const ACME: &str = "org_acmeTravel000001";

async fn tenant(app: &TestApp) -> TenantApi {
    let mut t = TenantApi::attach(&app.running.local_tenant.as_ref().unwrap().base_url).await;
    t.mgmt_token = t.admin_token().await;
    t
}

fn body(display_name: &str, logo: &str, primary: &str, background: &str) -> Value {
    json!({"org_id": ACME, "display_name": display_name, "logo_url": logo, "primary": primary, "page_background": background})
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_change_name_and_branding_within_the_rules() {
    let app = spawn_app().await;
    let t = tenant(&app).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let page = app
        .page_html(&alice, &format!("/orgs/{ACME}/settings"))
        .await;
    assert!(page.contains("value=\"Acme Travel\""), "{page}");
    assert!(
        page.contains("<code>acme-travel"),
        "the sign-in name, shown: {page}"
    );

    let (status, _) = app
        .call(
            &alice,
            "organization/update",
            body("Acme Travel EU", "", "#635DFF", "#ffffff"),
        )
        .await;
    assert_eq!(status, 200);
    let (_, org) = t
        .mgmt(Method::GET, &format!("organizations/{ACME}"), None)
        .await;
    assert_eq!(org["display_name"], "Acme Travel EU");
    assert_eq!(
        org["branding"]["colors"],
        json!({"primary": "#635dff", "page_background": "#ffffff"})
    );
    // The header: the new name and the accent, at once, without a sign-in.
    let desk = app.page_html(&alice, &format!("/orgs/{ACME}")).await;
    assert!(desk.contains(":root{--org-accent:#635dff}"), "{desk}");
    assert!(desk.contains("data-testid=\"org-brand\""));
    assert!(desk.contains("Acme Travel EU"));

    // Refused with the reason, nothing changed: too little contrast, a colour that is none, a logo
    // not over https or on a private address, an empty name.
    for (b, field_words) in [
        (body("Acme", "", "#ffff00", "#ffffff"), "contrast of 1.1:1"),
        (body("Acme", "", "red", "#ffffff"), "#rrggbb"),
        (body("Acme", "", "#635dff", ""), "#rrggbb"),
        (body("Acme", "http://cdn.example/logo.png", "", ""), "https"),
        (
            body("Acme", "https://10.0.0.1/logo.png", "", ""),
            "public address",
        ),
        (
            body("Acme", "https://169.254.169.254/latest", "", ""),
            "public address",
        ),
        (body("  ", "", "", ""), "1 to 255"),
    ] {
        let (status, answer) = app.call(&alice, "organization/update", b).await;
        assert_eq!(status, 400, "{answer}");
        assert!(
            answer["message"].as_str().unwrap().contains(field_words),
            "{answer}"
        );
    }
    // Metadata when the vendor declared none: refused, not silently dropped.
    let mut undeclared = body("Acme", "", "", "");
    undeclared["metadata_keys"] = json!(["plan"]);
    undeclared["metadata_values"] = json!(["gold"]);
    let (status, answer) = app.call(&alice, "organization/update", undeclared).await;
    assert_eq!(status, 400, "{answer}");
    let (_, org) = t
        .mgmt(Method::GET, &format!("organizations/{ACME}"), None)
        .await;
    assert_eq!(org["display_name"], "Acme Travel EU", "unchanged");

    // Another organization's admin: not found, nothing changed.
    let grace = app
        .sign_in("grace@globex.example", "org_globexTours00001")
        .await;
    let (status, _) = app
        .call(&grace, "organization/update", body("Mine now", "", "", ""))
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .read(&grace, "organization/settings", &[("org_id", ACME)])
        .await;
    assert_eq!(status, 404);
    let (_, org) = t
        .mgmt(Method::GET, &format!("organizations/{ACME}"), None)
        .await;
    assert_eq!(org["display_name"], "Acme Travel EU");

    // Audited, with what changed; colours cleared through the plain form.
    let filters = [
        ("org_id", ACME),
        ("action", "organization.update"),
        ("actor", ""),
        ("since", ""),
        ("until", ""),
    ];
    let (_, log) = app.read(&alice, "audit/list", &filters).await;
    let log = log.to_string();
    assert!(
        log.contains("display name: Acme Travel EU; colours: #635dff on #ffffff"),
        "{log}"
    );
    assert!(log.contains("contrast"), "refusals are recorded too: {log}");
    let csrf = app.form_token(&alice).await;
    let posted = app
        .post_form(&alice, "organization/update")
        .header("referer", app.url(&format!("/orgs/{ACME}/settings")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("org_id", ACME),
            ("display_name", "Acme Travel"),
            ("logo_url", ""),
            ("primary", ""),
            ("page_background", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 303);
    let (_, org) = t
        .mgmt(Method::GET, &format!("organizations/{ACME}"), None)
        .await;
    assert_eq!(org["display_name"], "Acme Travel");
    assert!(org["branding"].get("colors").is_none(), "{org}");
    let desk = app.page_html(&alice, &format!("/orgs/{ACME}")).await;
    assert!(!desk.contains("--org-accent"));
}

#[tokio::test(flavor = "multi_thread")]
async fn branding_set_in_auth0_shows_from_the_next_sign_in() {
    let app = spawn_app().await;
    let t = tenant(&app).await;
    let (s, _) = t
        .mgmt(
            Method::PATCH,
            &format!("organizations/{ACME}"),
            Some(json!({"branding": {"logo_url": "https://cdn.acme.example/logo.svg"}})),
        )
        .await;
    assert_eq!(s, 200);
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let desk = app.page_html(&alice, &format!("/orgs/{ACME}")).await;
    assert!(
        desk.contains(
            "<img src=\"https://cdn.acme.example/logo.svg\" alt=\"\" height=\"28\" class=\"org-brand__logo\">"
        ),
        "{desk}"
    );
}

/// A logo is fetched (pinned to the address checked) and must answer as an image.
#[tokio::test]
async fn a_logo_must_be_an_image_where_it_is_fetched() {
    use axum::routing::get;
    let router = axum::Router::new()
        .route(
            "/logo.png",
            get(|| async {
                (
                    [("content-type", "image/png")],
                    vec![0x89u8, b'P', b'N', b'G'],
                )
            }),
        )
        .route(
            "/page",
            get(|| async { ([("content-type", "text/html")], "<html></html>") }),
        )
        .route(
            "/moved",
            get(|| async { (axum::http::StatusCode::FOUND, [("location", "/logo.png")]) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let at = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let url = |path: &str| format!("http://{at}{path}");
    assert_eq!(
        logo::problem(&url("/logo.png"), Reach::LoopbackToo).await,
        None
    );
    assert!(logo::problem(&url("/page"), Reach::LoopbackToo)
        .await
        .unwrap()
        .contains("not an image"));
    assert!(logo::problem(&url("/missing"), Reach::LoopbackToo)
        .await
        .unwrap()
        .contains("404"));
    assert!(logo::problem(&url("/moved"), Reach::LoopbackToo)
        .await
        .unwrap()
        .contains("redirects"));
    // The same image is refused where only public https is allowed (the default).
    assert!(logo::problem(&url("/logo.png"), Reach::PublicHttps)
        .await
        .is_some());
}

const GLOBEX: &str = "org_globexTours00001";
const INITECH: &str = "org_initechTrips0001";

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_leaves_unless_they_are_the_last() {
    let app = spawn_app().await;
    let carol = app.sign_in("carol@consult.example", GLOBEX).await;
    let (status, _) = app
        .call(&carol, "organization/leave", json!({"org_id": GLOBEX}))
        .await;
    assert_eq!(status, 200);
    let (_, me) = app.read(&carol, "me", &[]).await;
    assert!(me.is_null(), "signed out: {me}");
    let t = tenant(&app).await;
    let (_, members) = t
        .mgmt(
            Method::GET,
            &format!("organizations/{GLOBEX}/members"),
            None,
        )
        .await;
    assert!(
        !members.to_string().contains("carol@consult.example"),
        "{members}"
    );

    // Grace is now Globex's only admin: she cannot leave it, and stays.
    let grace = app.sign_in("grace@globex.example", GLOBEX).await;
    let (status, answer) = app
        .call(&grace, "organization/leave", json!({"org_id": GLOBEX}))
        .await;
    assert_eq!(status, 409, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("last admin"));
    let (_, me) = app.read(&grace, "me", &[]).await;
    assert_eq!(me["org_id"], GLOBEX, "still signed in");
    // Another organization's admin cannot make anyone leave Globex.
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let (status, _) = app
        .call(&alice, "organization/leave", json!({"org_id": GLOBEX}))
        .await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_an_organization_leaves_nothing_of_it_in_the_tenant() {
    let app = spawn_app().await;
    let t = tenant(&app).await;
    let ivan = app.sign_in("ivan@initech.example", INITECH).await;
    let bot = app.register_bot(&ivan, INITECH, "Initech sync").await;
    let bot_id = bot["client_id"].as_str().unwrap().to_string();
    // Initech installs an app Acme publishes.
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let acme_bot = app.register_bot(&alice, ACME, "Acme planner").await;
    let acme_bot_id = acme_bot["client_id"].as_str().unwrap();
    let (s, published) = app
        .call(&alice, "apps/publish", json!({"org_id": ACME, "client_id": acme_bot_id, "description": "Plans trips", "audience": orgdesk::server::identity::demo::API, "scopes": ["read:bookings"], "change_access": true}))
        .await;
    assert_eq!(s, 200, "{published}");
    let app_id = published["app_id"].as_str().unwrap().to_string();
    let (s, installed) = app
        .call(
            &ivan,
            "apps/install",
            json!({"org_id": INITECH, "app_id": app_id}),
        )
        .await;
    assert_eq!(s, 200, "{installed}");

    // Another organization's admin, and a wrong name: refused, nothing gone.
    let (s, _) = app
        .call(
            &alice,
            "organization/delete",
            json!({"org_id": INITECH, "confirm": "initech-trips"}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, answer) = app
        .call(
            &ivan,
            "organization/delete",
            json!({"org_id": INITECH, "confirm": "Initech Trips"}),
        )
        .await;
    assert_eq!(s, 400, "{answer}");
    assert!(answer["message"]
        .as_str()
        .unwrap()
        .contains("initech-trips"));
    let (s, _) = t
        .mgmt(Method::GET, &format!("organizations/{INITECH}"), None)
        .await;
    assert_eq!(s, 200);

    let (s, answer) = app
        .call(
            &ivan,
            "organization/delete",
            json!({"org_id": INITECH, "confirm": "initech-trips"}),
        )
        .await;
    assert_eq!(s, 200, "{answer}");
    // The sweep: the organization, its bot and the bot's grants are gone; Acme's app no longer
    // counts Initech; Acme's own bot and grants are untouched.
    let (s, _) = t
        .mgmt(Method::GET, &format!("organizations/{INITECH}"), None)
        .await;
    assert_eq!(s, 404);
    let (s, _) = t
        .mgmt(Method::GET, &format!("clients/{bot_id}"), None)
        .await;
    assert_eq!(s, 404);
    let (_, grants) = t
        .mgmt(
            Method::GET,
            &format!("client-grants?client_id={bot_id}"),
            None,
        )
        .await;
    assert_eq!(grants, json!([]));
    let (_, all) = t
        .mgmt(Method::GET, "client-grants?per_page=100", None)
        .await;
    assert!(
        !all.to_string().contains(INITECH),
        "no grant names Initech: {all}"
    );
    let (s, _) = t
        .mgmt(Method::GET, &format!("clients/{acme_bot_id}"), None)
        .await;
    assert_eq!(s, 200);
    let installs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM app_installs WHERE org_id = $1")
        .bind(INITECH)
        .fetch_one(&app.running.state.db)
        .await
        .unwrap();
    assert_eq!(installs, 0);
    let bots: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bots WHERE org_id = $1")
        .bind(INITECH)
        .fetch_one(&app.running.state.db)
        .await
        .unwrap();
    assert_eq!(bots, 0);
    // Signed out; the audit log is kept (for support staff), ending with the deletion.
    let (_, me) = app.read(&ivan, "me", &[]).await;
    assert!(me.is_null());
    let kept: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_events WHERE org_id = $1 ORDER BY id")
            .bind(INITECH)
            .fetch_all(&app.running.state.db)
            .await
            .unwrap();
    assert_eq!(
        kept.last().map(String::as_str),
        Some("organization.delete"),
        "{kept:?}"
    );
    assert!(kept.iter().any(|a| a == "bot.delete"), "{kept:?}");

    // Support staff still read who had access, and when it ended.
    let sam = app
        .sign_in("sam@travel0.example", "org_travel0Support01")
        .await;
    let (s, dossier) = app.read(&sam, "support/org", &[("org_id", INITECH)]).await;
    assert_eq!(s, 200, "{dossier}");
    assert!(
        dossier["org"]["display_name"]
            .as_str()
            .unwrap()
            .contains("deleted"),
        "{dossier}"
    );
    assert!(
        dossier.to_string().contains("organization.delete"),
        "{dossier}"
    );
    // Past the retention period the log goes (the periodic pass runs this with the configured days).
    let gone =
        orgdesk::server::store::audit::purge_deleted(&app.running.state.db, "9999-01-01T00:00:00Z")
            .await
            .unwrap();
    assert!(gone as usize >= kept.len());
    let (s, _) = app.read(&sam, "support/org", &[("org_id", INITECH)]).await;
    assert_eq!(s, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn declared_metadata_keys_are_edited_within_their_type_and_limit() {
    let app = crate::helpers::spawn_app_with(&[(
        "ORGDESK_ORG_METADATA",
        "billing_email:email:254:Billing email; cost_center:text:8",
    )])
    .await;
    let t = tenant(&app).await;
    // A key the vendor did not declare (orgdesk's own, say) is kept as it is.
    let (s, _) = t
        .mgmt(
            Method::PATCH,
            &format!("organizations/{ACME}"),
            Some(json!({"metadata": {"orgdesk_created_by": "auth0|x"}})),
        )
        .await;
    assert_eq!(s, 200);
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let page = app
        .page_html(&alice, &format!("/orgs/{ACME}/settings"))
        .await;
    assert!(
        page.contains("Billing email") && page.contains("Cost center"),
        "{page}"
    );
    let with = |keys: &[&str], values: &[&str]| {
        let mut b = body("Acme Travel", "", "", "");
        b["metadata_keys"] = json!(keys);
        b["metadata_values"] = json!(values);
        b
    };
    let (s, answer) = app
        .call(
            &alice,
            "organization/update",
            with(
                &["billing_email", "cost_center"],
                &["ap@acme.example", "CC-42"],
            ),
        )
        .await;
    assert_eq!(s, 200, "{answer}");
    let (_, org) = t
        .mgmt(Method::GET, &format!("organizations/{ACME}"), None)
        .await;
    assert_eq!(
        org["metadata"],
        json!({"billing_email": "ap@acme.example", "cost_center": "CC-42", "orgdesk_created_by": "auth0|x"})
    );
    for (keys, values, words) in [
        (
            vec!["billing_email"],
            vec!["not an address"],
            "email address",
        ),
        (vec!["cost_center"], vec!["123456789"], "at most 8"),
        (
            vec!["orgdesk_created_by"],
            vec!["auth0|me"],
            "cannot be edited",
        ),
        (
            vec!["cost_center", "billing_email"],
            vec!["x"],
            "key and its value",
        ),
    ] {
        let (s, answer) = app
            .call(&alice, "organization/update", with(&keys, &values))
            .await;
        assert_eq!(s, 400, "{answer}");
        assert!(
            answer["message"].as_str().unwrap().contains(words),
            "{answer}"
        );
    }
    // An empty value removes the key.
    let (s, _) = app
        .call(&alice, "organization/update", with(&["cost_center"], &[""]))
        .await;
    assert_eq!(s, 200);
    let (_, org) = t
        .mgmt(Method::GET, &format!("organizations/{ACME}"), None)
        .await;
    assert_eq!(
        org["metadata"],
        json!({"billing_email": "ap@acme.example", "orgdesk_created_by": "auth0|x"})
    );
}
