//! The Management API budget (`ORGDESK_AUTH0_RATE_LIMIT`): changes made at once are paced to the
//! plan instead of running into 429s, all of them finish, and the desk's queue call says how much is
//! waiting while they do.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::spawn_app_with;
use crate::tenant::ACME;

#[tokio::test]
async fn changes_made_at_once_are_paced_finish_and_show_in_the_queue() {
    let app = spawn_app_with(&[("ORGDESK_AUTH0_RATE_LIMIT", "4/s:1")]).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let bot = app.register_bot(&alice, ACME, "paced").await;
    let client_id = bot["client_id"].as_str().unwrap().to_string();
    let mgmt = &app.running.state.mgmt;
    let calls = || mgmt.calls.load(std::sync::atomic::Ordering::Relaxed);
    let before = calls();

    let started = Instant::now();
    let renames = (0..4).map(|i| {
        app.call(
            &alice,
            "bots/rename",
            json!({"org_id": ACME, "client_id": client_id, "name": format!("paced {i}")}),
        )
    });
    let all = futures_util::future::join_all(renames);
    let watch = async {
        let mut most = (0u64, 0u64);
        for _ in 0..20 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let (s, q) = app.read(&alice, "queue", &[]).await;
            assert_eq!(s, 200, "{q}");
            assert_eq!(q["per_second"], 4.0);
            most.0 = most.0.max(q["waiting"].as_u64().unwrap());
            most.1 = most.1.max(q["seconds"].as_u64().unwrap());
        }
        most
    };
    let (answers, (waiting, seconds)) = tokio::join!(all, watch);
    for (s, body) in &answers {
        assert_eq!(*s, 200, "{body}");
    }
    let made = calls() - before;
    assert!(
        made >= 12,
        "a live role read, a live ownership read and a write each: {made}"
    );
    // One call every quarter second (a little slack for the first).
    let least = Duration::from_millis(250 * (made - 2));
    assert!(
        started.elapsed() >= least,
        "{:?} < {least:?}",
        started.elapsed()
    );
    assert!(
        waiting >= 2,
        "the queue showed the waiting calls: {waiting}"
    );
    assert!(seconds >= 1, "and how long they would wait: {seconds}");
    assert_eq!(
        mgmt.throttled.load(std::sync::atomic::Ordering::Relaxed),
        0,
        "no 429 from the tenant"
    );
}
