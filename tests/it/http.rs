//! The HTTP surface of the foundation: probes, pages, errors, the server-function round trip, start-up.

use orgdesk::server::{start, StartError};

use crate::helpers::{spawn_app, test_config};

#[tokio::test]
async fn probes_report_live_and_ready() {
    let app = spawn_app().await;
    let live = app.get("/healthz").await;
    assert_eq!(live.status(), 200);
    assert_eq!(
        live.json::<serde_json::Value>().await.unwrap()["status"],
        "ok"
    );
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(
        ready.json::<serde_json::Value>().await.unwrap()["database"],
        "ok"
    );
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.running.state.db.close().await;
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    assert_eq!(
        ready.json::<serde_json::Value>().await.unwrap()["database"],
        "unreachable"
    );
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn landing_page_is_server_rendered_and_whole_without_the_bundle() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"));
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Your organization&#x27;s admin desk")
            || html.contains("Your organization's admin desk")
    );
    assert!(
        !html.contains("/pkg/orgdesk.js"),
        "nothing on it needs the bundle"
    );
    assert!(html.contains("data-ready=\"true\""), "ready as served");
    assert!(html.contains("<title>Your organization"), "title missing");
    // A page where something acts in place loads the bundle, and is not ready until it hydrates.
    let html = app.get("/rules").await.text().await.unwrap();
    assert!(
        html.contains("/pkg/orgdesk.js"),
        "hydration script missing: {}",
        &html[..html.find("</head>").unwrap_or(0)]
    );
    assert!(
        !html.contains("data-hydrated=\"true\"") && !html.contains("data-ready"),
        "the server must not claim hydration"
    );
}

#[tokio::test]
async fn unknown_pages_are_real_404s() {
    let app = spawn_app().await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains("Page not found"));
}

#[tokio::test]
async fn request_ids_are_kept_when_given_and_made_when_not() {
    let app = spawn_app().await;
    let given = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "req-123")
        .send()
        .await
        .unwrap();
    assert_eq!(given.headers()["x-request-id"], "req-123");
    let made = app.get("/healthz").await;
    let id = made.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(id.len(), 36, "a UUID: {id}");
}

#[tokio::test]
async fn status_server_function_round_trips_through_the_database() {
    let app = spawn_app().await;
    let response = app.call_server_fn("service_status").await;
    assert_eq!(response.status(), 200);
    let report: orgdesk::model::status::StatusReport = response.json().await.unwrap();
    assert!(report.database_reachable);
    assert_eq!(report.schema_version, crate::store::migrations_count());
    assert_eq!(report.version, env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn start_up_applies_migrations_and_prepares_the_session_table() {
    let app = spawn_app().await;
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(&app.running.state.db)
            .await
            .unwrap();
    for table in [
        "_sqlx_migrations",
        "audit_events",
        "user_sessions",
        "org_versions",
    ] {
        assert!(
            tables.iter().any(|t| t == table),
            "{table} missing from {tables:?}"
        );
    }
}

#[tokio::test]
async fn start_refuses_a_missing_bundle_and_a_taken_port() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&dir, &[]);
    config.site_root = dir.path().join("nowhere");
    assert!(matches!(
        start(config).await,
        Err(StartError::SiteMissing(_))
    ));

    let app = spawn_app().await;
    let taken = app.running.addr.to_string();
    let dir = tempfile::tempdir().unwrap();
    let config = test_config(&dir, &[("ORGDESK_BIND", taken.as_str())]);
    let err = start(config).await.err().expect("port is taken");
    assert!(matches!(err, StartError::Bind { .. }), "{err}");
}
