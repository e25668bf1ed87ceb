//! The vendor's organization token quotas (`ORGDESK_ORG_TOKEN_QUOTAS`): put on the tenant for the
//! organizations named (once; an unknown one skipped), given to organizations customers create (`*`),
//! audited in the organization's log, and shown on a bot's page against today's use.

use orgdesk::server::identity::OrgQuota;
use orgdesk::server::service::organizations::{self, Founder, NewOrg};
use reqwest::Method;
use serde_json::json;

use crate::helpers::spawn_app_config;
use crate::tenant::TenantApi;

const ACME: &str = "org_acmeTravel000001";

#[tokio::test(flavor = "multi_thread")]
async fn the_vendors_quotas_reach_the_tenant_and_new_organizations() {
    let app = spawn_app_config(|c| {
        let q = |org: &str, day: Option<u64>, hour: Option<u64>| OrgQuota {
            org_id: org.into(),
            per_day: day,
            per_hour: hour,
        };
        c.identity.org_quotas = vec![
            q(ACME, Some(1000), Some(100)),
            q("org_notInTheTenant01", Some(5), None),
            q("*", Some(50), None),
        ];
    })
    .await;
    let mut t = TenantApi::attach(&app.running.local_tenant.as_ref().unwrap().base_url).await;
    t.mgmt_token = t.admin_token().await;
    let ctx = app.running.state.ctx(None);

    assert_eq!(
        orgdesk::server::service::org_quotas::apply(&ctx)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        orgdesk::server::service::org_quotas::apply(&ctx)
            .await
            .unwrap(),
        0,
        "already set: nothing to change"
    );
    let (_, org) = t
        .mgmt(Method::GET, &format!("organizations/{ACME}"), None)
        .await;
    assert_eq!(
        org["token_quota"],
        json!({"client_credentials": {"enforce": true, "per_day": 1000, "per_hour": 100}})
    );

    // The admins see who set it, and the bot's page shows it against today's use.
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let (_, log) = app
        .read(
            &alice,
            "audit/list",
            &[
                ("org_id", ACME),
                ("action", "organization"),
                ("actor", ""),
                ("since", ""),
                ("until", ""),
            ],
        )
        .await;
    let entry = &log["entries"][0];
    assert_eq!(entry["action"], "organization.quota", "{log}");
    assert_eq!(entry["actor"], "orgdesk (vendor configuration)");
    let bot = app.register_bot(&alice, ACME, "Quota reader").await;
    let (_, page) = app
        .read(
            &alice,
            "bots/get",
            &[
                ("org_id", ACME),
                ("client_id", bot["client_id"].as_str().unwrap()),
            ],
        )
        .await;
    let quotas = page["usage"]["quotas"].as_array().unwrap();
    assert!(
        quotas
            .iter()
            .any(|q| q["per_day"] == 1000 && q["enforced"] == true),
        "{page}"
    );

    // Support staff read it on the organization's page.
    let sam = app
        .sign_in("sam@travel0.example", "org_travel0Support01")
        .await;
    let (status, dossier) = app.read(&sam, "support/org", &[("org_id", ACME)]).await;
    assert_eq!(status, 200, "{dossier}");
    assert_eq!(
        dossier["quota"],
        "at most 100 per hour, 1000 per day (enforced)"
    );

    // An organization a customer creates gets the `*` quota.
    let (_, users) = t
        .mgmt(
            Method::GET,
            "users-by-email?email=ivan%40initech.example",
            None,
        )
        .await;
    let user_id = users[0]["user_id"].as_str().unwrap().to_string();
    let founder = Founder {
        user_id: &user_id,
        email: "ivan@initech.example",
    };
    let new = NewOrg::parse("Quota Tours", "").unwrap();
    let org_id = organizations::create(&ctx, &founder, &new, &[])
        .await
        .unwrap();
    let (_, org) = t
        .mgmt(Method::GET, &format!("organizations/{org_id}"), None)
        .await;
    assert_eq!(
        org["token_quota"],
        json!({"client_credentials": {"enforce": true, "per_day": 50}}),
        "{org}"
    );
}
