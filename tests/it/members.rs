//! Members, roles and invitations through orgdesk's server functions, checked at the tenant:
//! one upstream call per page, checkpoint paging past 1,000, search over a large organization,
//! the role allowlist, escalation and cross-organization attempts, the last admin under concurrency.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};
use crate::tenant::{TenantApi, ACME, GLOBEX};

pub const ADMIN: &str = "rol_orgdeskAdmin0001";
pub const MEMBER: &str = "rol_orgdeskMember001";
pub const BILLING: &str = "rol_orgdeskBilling01";
pub const SUPPORT: &str = "rol_orgdeskSupport01";

pub async fn tenant_admin(app: &TestApp) -> TenantApi {
    TenantApi::attach(&app.running.local_tenant.as_ref().unwrap().base_url).await
}

/// A user id by email, from the tenant's own store.
pub fn user_id(app: &TestApp, email: &str) -> String {
    let t = app.running.local_tenant.as_ref().unwrap().emulator.read();
    t.user_by_email(email).expect(email).user_id.clone()
}

/// Adds `n` users as members of `org` directly in the tenant's store (fast set-up for big lists).
pub fn add_members(app: &TestApp, org: &str, n: usize) {
    use orgdesk::emulator::model::{Membership, User};
    let e = &app.running.local_tenant.as_ref().unwrap().emulator;
    let now = e.now_ms();
    let mut t = e.write();
    for i in 0..n {
        let user_id = format!("auth0|bulk{i:08}");
        t.users.insert(
            user_id.clone(),
            User {
                user_id: user_id.clone(),
                email: format!("user{i:06}@bulk.example"),
                email_verified: true,
                name: format!("Bulk Person{i:06}"),
                nickname: None,
                picture: None,
                password_hash: String::new(),
                created_at: now,
                updated_at: now,
                roles: Vec::new(),
                connection: "Username-Password-Authentication".into(),
                totp_secret: None,
                extra: Default::default(),
            },
        );
        t.members.entry(org.to_string()).or_default().insert(
            user_id.clone(),
            Membership {
                user_id,
                created_at: now + i as i64,
                roles: vec![MEMBER.to_string()],
            },
        );
    }
}

pub async fn roles_at_tenant(tenant: &TenantApi, org: &str, user: &str) -> Vec<String> {
    let path = format!(
        "organizations/{org}/members/{}/roles",
        user.replace('|', "%7C")
    );
    let (_, body) = tenant.get(&path).await;
    // A plain array (no include_totals).
    body.as_array()
        .map(|a| {
            a.iter()
                .map(|r| r["id"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn admins(tenant: &TenantApi, users: &[String]) -> usize {
    let mut n = 0;
    for u in users {
        if roles_at_tenant(tenant, ACME, u)
            .await
            .contains(&ADMIN.to_string())
        {
            n += 1;
        }
    }
    n
}

async fn set_role(
    app: &TestApp,
    b: &reqwest::Client,
    org: &str,
    user: &str,
    role: &str,
    on: bool,
) -> (u16, Value) {
    app.call(
        b,
        "members/role",
        json!({"org_id": org, "user_id": user, "role_id": role, "on": on}),
    )
    .await
}

#[tokio::test]
async fn a_members_page_is_one_upstream_call_with_roles_and_paging_passes_1000() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let (s, page) = app.read(&alice, "members/list", &[("org_id", ACME)]).await;
    assert_eq!(s, 200, "{page}");
    let emails: Vec<&str> = page["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["email"].as_str().unwrap())
        .collect();
    assert!(emails.contains(&"bob@acme.example"), "{emails:?}");
    let carol = page["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "carol@consult.example")
        .unwrap();
    assert!(carol["roles"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == ADMIN && r["name"].is_string()));
    let names: Vec<&str> = page["assignable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [ADMIN, MEMBER, BILLING],
        "the vendor's allowlist, in order"
    );
    assert_eq!(page["you"], user_id(&app, "alice@acme.example"));
    assert!(
        page["next"].is_null(),
        "a short page is the last one: {page}"
    );

    // With role names cached, a page costs exactly one Management API call when it is not cached
    // itself (right after a change to the organization), and none while it is.
    orgdesk::server::cache::invalidate(
        &app.running.state.db,
        ACME,
        orgdesk::server::cache::Stale::Joined,
    )
    .await;
    let before = app.mgmt_calls();
    let (s, _) = app.read(&alice, "members/list", &[("org_id", ACME)]).await;
    assert_eq!(s, 200);
    assert_eq!(app.mgmt_calls() - before, 1);
    let (s, again) = app.read(&alice, "members/list", &[("org_id", ACME)]).await;
    assert_eq!(s, 200);
    assert_eq!(app.mgmt_calls() - before, 1, "served from the cache");
    assert_eq!(again["members"], page["members"]);

    // 1,200 more members: checkpoint pages of 50 reach every one (offset paging stops at 1,000).
    add_members(&app, ACME, 1200);
    // Added at the tenant, not through orgdesk: stand in for the cached page's expiry.
    orgdesk::server::cache::invalidate(
        &app.running.state.db,
        ACME,
        orgdesk::server::cache::Stale::Joined,
    )
    .await;
    let mut seen = std::collections::HashSet::new();
    let mut from: Option<String> = None;
    loop {
        let mut form = vec![("org_id", ACME.to_string())];
        if let Some(f) = &from {
            form.push(("from", f.clone()));
        }
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (s, page) = app.read(&alice, "members/list", &form).await;
        assert_eq!(s, 200, "{page}");
        for m in page["members"].as_array().unwrap() {
            assert!(
                seen.insert(m["user_id"].as_str().unwrap().to_string()),
                "no member twice"
            );
        }
        match page["next"].as_str() {
            Some(n) => from = Some(n.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 1203);
    let (s, bad) = app
        .read(
            &alice,
            "members/list",
            &[("org_id", ACME), ("from", "not a cursor!")],
        )
        .await;
    assert_eq!(s, 400, "{bad}");
}

#[tokio::test]
async fn search_finds_members_by_name_or_email_in_a_large_organization() {
    let app = spawn_app().await;
    add_members(&app, GLOBEX, 20_000);
    let grace = app.sign_in("grace@globex.example", GLOBEX).await;
    // The first search starts the background pass; the mirror answers once it is complete.
    let (s, first) = app
        .read(
            &grace,
            "members/search",
            &[("org_id", GLOBEX), ("q", "person019999")],
        )
        .await;
    assert_eq!(s, 200, "{first}");
    let db = &app.running.state.db;
    let mut waited = 0;
    loop {
        let status = orgdesk::server::store::member_mirror::status(
            db,
            GLOBEX,
            app.running.state.config.clock.now_ms(),
        )
        .await
        .unwrap();
        if status.completed_at.is_some() && !status.running {
            assert_eq!(
                status.indexed, 20_003,
                "grace, heidi, carol and 20,000 more"
            );
            break;
        }
        waited += 1;
        assert!(waited < 600, "the pass finishes");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (_, found) = app
        .read(
            &grace,
            "members/search",
            &[("org_id", GLOBEX), ("q", "person019999")],
        )
        .await;
    let hits = found["members"].as_array().unwrap();
    assert_eq!(hits.len(), 1, "{found}");
    assert_eq!(hits[0]["email"], "user019999@bulk.example");
    assert_eq!(hits[0]["roles"][0]["id"], MEMBER);
    assert!(found["as_of"].is_string());
    // Email prefix, domain, several words; case does not matter.
    let (_, f) = app
        .read(
            &grace,
            "members/search",
            &[("org_id", GLOBEX), ("q", "USER01999")],
        )
        .await;
    assert_eq!(f["members"].as_array().unwrap().len(), 10);
    let (_, f) = app
        .read(
            &grace,
            "members/search",
            &[("org_id", GLOBEX), ("q", "heidi")],
        )
        .await;
    assert_eq!(f["members"][0]["email"], "heidi@globex.example");
    let (_, f) = app
        .read(
            &grace,
            "members/search",
            &[("org_id", GLOBEX), ("q", "bulk person00001")],
        )
        .await;
    assert_eq!(f["members"].as_array().unwrap().len(), 10);
    let (_, f) = app
        .read(
            &grace,
            "members/search",
            &[("org_id", GLOBEX), ("q", "nobody-like-this")],
        )
        .await;
    assert!(f["members"].as_array().unwrap().is_empty());
    // Another organization's members are not in Globex's results.
    let (_, f) = app
        .read(
            &grace,
            "members/search",
            &[("org_id", GLOBEX), ("q", "alice")],
        )
        .await;
    assert!(f["members"].as_array().unwrap().is_empty());
    let (s, _) = app
        .read(
            &grace,
            "members/search",
            &[("org_id", ACME), ("q", "alice")],
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) = app.read(&grace, "members/list", &[("org_id", ACME)]).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn roles_come_only_from_the_allowlist_and_only_for_the_callers_own_members() {
    let app = spawn_app().await;
    let tenant = tenant_admin(&app).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let bob = user_id(&app, "bob@acme.example");
    let grace = user_id(&app, "grace@globex.example");

    let (s, roles) = set_role(&app, &alice, ACME, &bob, BILLING, true).await;
    assert_eq!(s, 200, "{roles}");
    assert!(roles.as_array().unwrap().iter().any(|r| r["id"] == BILLING));
    assert!(roles_at_tenant(&tenant, ACME, &bob)
        .await
        .contains(&BILLING.to_string()));
    let (s, _) = set_role(&app, &alice, ACME, &bob, BILLING, false).await;
    assert_eq!(s, 200);
    assert!(!roles_at_tenant(&tenant, ACME, &bob)
        .await
        .contains(&BILLING.to_string()));

    // Outside the allowlist: refused, nothing changes, the attempt is audited.
    for role in [SUPPORT, "rol_doesNotExist0001", ""] {
        let (s, body) = set_role(&app, &alice, ACME, &bob, role, true).await;
        assert_eq!(s, 400, "{role}: {body}");
    }
    assert_eq!(roles_at_tenant(&tenant, ACME, &bob).await, [MEMBER]);
    // Another organization's member, by id, through Acme: not found, nothing changes.
    let (s, _) = set_role(&app, &alice, ACME, &grace, ADMIN, true).await;
    assert_eq!(s, 404);
    assert!(roles_at_tenant(&tenant, ACME, &grace).await.is_empty());
    // Naming Globex as the organization: refused before any upstream call.
    let (s, _) = set_role(&app, &alice, GLOBEX, &grace, BILLING, true).await;
    assert_eq!(s, 404);
    let (s, _) = app
        .call(
            &alice,
            "members/remove",
            json!({"org_id": GLOBEX, "user_id": grace}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) = app
        .call(
            &alice,
            "members/remove",
            json!({"org_id": ACME, "user_id": grace}),
        )
        .await;
    assert_eq!(s, 404);
    // A demoted admin cannot give themselves the admin role back with the old session.
    let carol_id = user_id(&app, "carol@consult.example");
    let carol = app.sign_in("carol@consult.example", ACME).await;
    let (s, _) = set_role(&app, &alice, ACME, &carol_id, ADMIN, false).await;
    assert_eq!(s, 200);
    let (s, _) = set_role(&app, &carol, ACME, &carol_id, ADMIN, true).await;
    assert_eq!(s, 403);
    assert!(!roles_at_tenant(&tenant, ACME, &carol_id)
        .await
        .contains(&ADMIN.to_string()));
    let denied: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE org_id = ? AND result = 'denied' AND (action = 'member.role' OR action = 'access')",
    )
    .bind(ACME)
    .fetch_one(&app.running.state.db)
    .await
    .unwrap();
    assert!(denied >= 4, "refusals are audited ({denied})");
}

#[tokio::test]
async fn the_last_admin_stays_also_when_two_admins_act_at_once() {
    let app = spawn_app().await;
    let tenant = tenant_admin(&app).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let carol = app.sign_in("carol@consult.example", ACME).await;
    let alice_id = user_id(&app, "alice@acme.example");
    let carol_id = user_id(&app, "carol@consult.example");
    let pair = [alice_id.clone(), carol_id.clone()];

    for round in 0..3 {
        // Each demotes the other at the same moment: exactly one wins.
        let (x, y) = tokio::join!(
            set_role(&app, &alice, ACME, &carol_id, ADMIN, false),
            set_role(&app, &carol, ACME, &alice_id, ADMIN, false),
        );
        let wins = [x.0, y.0].iter().filter(|s| **s == 200).count();
        assert_eq!(wins, 1, "round {round}: {x:?} {y:?}");
        assert_eq!(admins(&tenant, &pair).await, 1);
        // Whoever is still admin restores the other.
        let (restorer, other) = if x.0 == 200 {
            (&alice, &carol_id)
        } else {
            (&carol, &alice_id)
        };
        let (s, _) = set_role(&app, restorer, ACME, other, ADMIN, true).await;
        assert_eq!(s, 200);
        assert_eq!(admins(&tenant, &pair).await, 2);
    }

    // Nobody takes away their own admin role (locked, as in Clerk): both refused, both stay admins.
    let (x, y) = tokio::join!(
        set_role(&app, &alice, ACME, &alice_id, ADMIN, false),
        set_role(&app, &carol, ACME, &carol_id, ADMIN, false),
    );
    for (s, body) in [&x, &y] {
        assert_eq!(*s, 409, "{body}");
        assert!(body["message"]
            .as_str()
            .unwrap()
            .contains("your own admin role"));
    }
    assert_eq!(admins(&tenant, &pair).await, 2);
    // Carol steps down by Alice's hand; Alice is then the last admin, and cannot leave either.
    assert_eq!(
        set_role(&app, &alice, ACME, &carol_id, ADMIN, false)
            .await
            .0,
        200
    );
    let (last, last_id) = (&alice, &alice_id);
    let (s, body) = set_role(&app, last, ACME, last_id, ADMIN, false).await;
    assert_eq!(s, 409, "{body}");
    // Nobody removes themselves.
    let (s, _) = app
        .call(
            last,
            "members/remove",
            json!({"org_id": ACME, "user_id": last_id}),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(admins(&tenant, &pair).await, 1);
}

#[tokio::test]
async fn removing_members_needs_an_admin_left_and_is_audited() {
    let app = spawn_app().await;
    let tenant = tenant_admin(&app).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let carol = app.sign_in("carol@consult.example", ACME).await;
    let alice_id = user_id(&app, "alice@acme.example");
    let carol_id = user_id(&app, "carol@consult.example");
    let bob_id = user_id(&app, "bob@acme.example");
    let (s, _) = app
        .call(
            &alice,
            "members/remove",
            json!({"org_id": ACME, "user_id": bob_id}),
        )
        .await;
    assert_eq!(s, 200);
    let (_, members) = tenant.get(&format!("organizations/{ACME}/members")).await;
    assert!(!members.to_string().contains("bob@acme.example"));
    // Two admins removing each other at once: one of them stays.
    let (x, y) = tokio::join!(
        app.call(
            &alice,
            "members/remove",
            json!({"org_id": ACME, "user_id": carol_id})
        ),
        app.call(
            &carol,
            "members/remove",
            json!({"org_id": ACME, "user_id": alice_id})
        ),
    );
    assert_eq!(
        [x.0, y.0].iter().filter(|s| **s == 200).count(),
        1,
        "{x:?} {y:?}"
    );
    let (_, members) = tenant.get(&format!("organizations/{ACME}/members")).await;
    assert_eq!(members.as_array().map(Vec::len), Some(1));
    let removed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE org_id = ? AND action = 'member.remove' AND result = 'ok'")
        .bind(ACME)
        .fetch_one(&app.running.state.db)
        .await
        .unwrap();
    assert_eq!(removed, 2);
}
