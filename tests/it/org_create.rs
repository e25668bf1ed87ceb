//! A person creating their own organization (the service under the onboarding page): made with the
//! connection enabled and the person as its admin; a taken name refused with free ones; a failure at
//! any step, or an answer lost after the organization was made, leaves no organization behind.

use orgdesk::server::service::organizations::{self, Founder, NewOrg};
use orgdesk::server::service::{Ctx, ServiceError};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};
use crate::tenant::TenantApi;

fn ctx(app: &TestApp) -> Ctx<'_> {
    app.running.state.ctx(None)
}

/// The tenant, with a token for every Management API scope (connections included).
async fn tenant(app: &TestApp) -> TenantApi {
    let mut t = TenantApi::attach(&app.running.local_tenant.as_ref().unwrap().base_url).await;
    t.mgmt_token = t.admin_token().await;
    t
}

async fn ivan(t: &TenantApi) -> String {
    let (_, users) = t
        .mgmt(
            Method::GET,
            "users-by-email?email=ivan%40initech.example",
            None,
        )
        .await;
    users[0]["user_id"].as_str().unwrap().to_string()
}

async fn organization_named(t: &TenantApi, name: &str) -> Option<Value> {
    let (s, org) = t
        .mgmt(Method::GET, &format!("organizations/name/{name}"), None)
        .await;
    (s == 200).then_some(org)
}

async fn fault(t: &TenantApi, rule: Value) {
    let r = t
        .http
        .post(t.url("/__emulator/faults"))
        .json(&rule)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_person_creates_an_organization_and_is_its_admin() {
    let app = spawn_app().await;
    let t = tenant(&app).await;
    let user_id = ivan(&t).await;
    let connection = t.database_connection_id().await;
    let founder = Founder {
        user_id: &user_id,
        email: "ivan@initech.example",
    };
    let new = NewOrg::parse("Umbrella Tours", "").unwrap();
    let org_id = organizations::create(
        &ctx(&app),
        &founder,
        &new,
        std::slice::from_ref(&connection),
    )
    .await
    .unwrap();
    let org = organization_named(&t, "umbrella-tours").await.unwrap();
    assert_eq!(org["id"], org_id.as_str());
    assert_eq!(org["display_name"], "Umbrella Tours");
    assert_eq!(org["metadata"]["orgdesk_created_by"], user_id.as_str());
    let (_, enabled) = t
        .mgmt(
            Method::GET,
            &format!("organizations/{org_id}/enabled_connections"),
            None,
        )
        .await;
    assert_eq!(enabled[0]["connection_id"], connection.as_str());
    let (_, roles) = t
        .mgmt(
            Method::GET,
            &format!("organizations/{org_id}/members/{user_id}/roles"),
            None,
        )
        .await;
    assert_eq!(
        roles[0]["id"],
        app.running.state.config.identity.admin_role.as_str()
    );

    // The same name again: refused with names that are free.
    let err = organizations::create(&ctx(&app), &founder, &new, &[])
        .await
        .unwrap_err();
    let ServiceError::Invalid {
        field: "name",
        message,
    } = err
    else {
        panic!("{err:?}")
    };
    assert!(message.contains("umbrella-tours-2"), "{message}");
    app.running.shutdown().await;
}

/// Every step failing, and the organization made with its answer lost: nothing stays.
#[tokio::test(flavor = "multi_thread")]
async fn a_failure_at_any_step_leaves_no_organization() {
    let app = spawn_app().await;
    let t = tenant(&app).await;
    let user_id = ivan(&t).await;
    let connection = t.database_connection_id().await;
    let founder = Founder {
        user_id: &user_id,
        email: "ivan@initech.example",
    };
    let steps = [
        "POST /api/v2/organizations",
        "POST /api/v2/organizations/*/enabled_connections",
        "POST /api/v2/organizations/*/members",
        "POST /api/v2/organizations/*/members/*/roles",
    ];
    for (i, route) in steps.iter().enumerate() {
        for kind in ["status", "reset_after"] {
            let name = format!("umbrella-{i}-{}", kind.replace('_', "-"));
            fault(
                &t,
                json!({"route": route, "kind": kind, "status": 500, "count": 4}),
            )
            .await;
            let new = NewOrg::parse("Umbrella", &name).unwrap();
            let result = organizations::create(
                &ctx(&app),
                &founder,
                &new,
                std::slice::from_ref(&connection),
            )
            .await;
            assert!(
                result.is_err(),
                "{route} {kind}: the person is told it failed"
            );
            let r = t
                .http
                .delete(t.url("/__emulator/faults"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 204);
            assert!(
                organization_named(&t, &name).await.is_none(),
                "{route} {kind}: the half-made organization was removed"
            );
        }
    }
    app.running.shutdown().await;
}
