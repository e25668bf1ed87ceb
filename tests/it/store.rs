//! orgdesk's store, the same suite on both backends: SQLite (a temp file) and PostgreSQL (a fresh
//! database per test on the server `TEST_POSTGRES_URL` names — `scripts/test` starts or finds it;
//! default `postgres://postgres:orgdesk-tests@127.0.0.1:5432/postgres`). Nothing here is skipped when PostgreSQL is
//! missing: the suite fails and says how to start it.

use std::time::Duration;

use orgdesk::clock::{Clock, ManualClock, SystemClock};
use orgdesk::server::auth0::members::Member;
use orgdesk::server::auth0::roles::Role;
use orgdesk::server::service::{audit_log, journal};
use orgdesk::server::store::{self, Db};
use orgdesk::server::store::{locks, member_mirror, sessions};
use orgdesk::server::{audit, cache};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{ExpiredDeletion, SessionStore};

/// A store on one backend, dropped with the test.
pub struct TestStore {
    pub db: Db,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres:orgdesk-tests@127.0.0.1:5432/postgres".into())
}

/// A new, empty PostgreSQL database on the test server; its URL. Names carry the process id, and the
/// first call of a process drops what earlier runs left (their processes are gone).
pub async fn fresh_postgres() -> String {
    static SWEPT: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    sqlx::any::install_default_drivers();
    let admin = postgres_admin_url();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
        .await
        .unwrap_or_else(|e| {
            panic!("PostgreSQL at {admin} is not reachable ({e}); `bash scripts/test` starts it, or set TEST_POSTGRES_URL")
        });
    let run = format!("orgdesk_t{}_", std::process::id());
    SWEPT
        .get_or_init(|| async {
            let old: Vec<String> = sqlx::query_scalar(
                "SELECT datname::text FROM pg_database WHERE datname LIKE 'orgdesk!_t%' ESCAPE '!' AND datname NOT LIKE $1",
            )
            .bind(format!("{run}%"))
            .fetch_all(&mut conn)
            .await
            .expect("list the test databases");
            for name in old {
                let drop = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                let _ = sqlx::Executor::execute(&mut conn, drop.as_str()).await;
            }
        })
        .await;
    let name = format!("{run}{}", uuid::Uuid::new_v4().simple());
    sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create the test database");
    let (base, _) = admin.rsplit_once('/').expect("a database in the URL");
    format!("{base}/{name}")
}

impl TestStore {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("store.db").display());
        let db = store::connect(&url).await.expect("sqlite store");
        Self {
            db,
            url,
            _dir: Some(dir),
        }
    }

    pub async fn postgres() -> Self {
        let url = fresh_postgres().await;
        let db = store::connect(&url).await.expect("postgres store");
        Self {
            db,
            url,
            _dir: None,
        }
    }
}

/// Each test body runs once per backend.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name(super::TestStore::sqlite().await).await })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() { super::$name(super::TestStore::postgres().await).await })*
        }
    };
}

on_both!(
    migrations_apply_and_report_the_schema,
    audit_records_filter_and_page,
    journal_begins_once_per_key_and_claims_once,
    directory_finds_by_word_prefix_and_role,
    leases_exclude_each_other_and_expire,
    sessions_round_trip_and_expire,
    cache_versions_count_every_change,
);

/// How many migrations there are (each backend has the same ones).
pub fn migrations_count() -> i64 {
    let count = |dir: &str| {
        std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .count() as i64
    };
    assert_eq!(
        count("sqlite"),
        count("postgres"),
        "both backends migrate alike"
    );
    count("sqlite")
}

async fn migrations_apply_and_report_the_schema(store: TestStore) {
    assert_eq!(
        store::schema_version(&store.db).await.unwrap(),
        migrations_count()
    );
    // Opening again applies nothing and keeps the data.
    audit::Audit::new(&store.db, &SystemClock, "org_a", "auth0|a", None)
        .record(
            audit::Action::BotRegister,
            Some("c1"),
            audit::Result::Ok,
            "",
        )
        .await;
    let again = store::connect(&store.url).await.unwrap();
    assert_eq!(
        store::schema_version(&again).await.unwrap(),
        migrations_count()
    );
    let f = audit_log::Filter::default();
    assert_eq!(
        audit_log::query(&again, Some("org_a"), &f, None, 10)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn audit_records_filter_and_page(store: TestStore) {
    let db = &store.db;
    let carol = audit::Audit::new(
        db,
        &SystemClock,
        "org_a",
        "auth0|carol",
        Some("Carol Smith"),
    );
    carol
        .record(
            audit::Action::BotRegister,
            Some("t"),
            audit::Result::Ok,
            "detail",
        )
        .await;
    carol
        .record(
            audit::Action::BotRename,
            Some("t"),
            audit::Result::Ok,
            "detail",
        )
        .await;
    // Names no action has (a family's look-alikes) are written to the store as they are, to show
    // the family filter does not take them.
    for action in ["bots.other", "bot_create"] {
        store::audit::append(
            db,
            store::audit::NewEvent {
                occurred_at: &SystemClock.rfc3339(),
                org_id: Some("org_a"),
                actor_id: "auth0|carol",
                actor_name: Some("Carol Smith"),
                action,
                target: Some("t"),
                result: "ok",
                request_id: None,
                detail: Some("detail"),
            },
        )
        .await
        .unwrap();
    }
    carol
        .record(
            audit::Action::MemberRemove,
            Some("t"),
            audit::Result::Failed,
            "detail",
        )
        .await;
    audit::Audit::new(db, &SystemClock, "org_b", "auth0|x", Some("Xavier"))
        .record(audit::Action::BotRegister, None, audit::Result::Ok, "")
        .await;
    let all = audit_log::query(db, Some("org_a"), &Default::default(), None, 100)
        .await
        .unwrap();
    assert_eq!(all.len(), 5, "only org_a's");
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");

    let family = audit_log::Filter {
        action: Some("bot".into()),
        ..Default::default()
    };
    let bots: Vec<String> = audit_log::query(db, Some("org_a"), &family, None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        bots,
        ["bot.rename", "bot.register"],
        "the family, not look-alikes"
    );

    let by_name = audit_log::Filter {
        actor: Some("SMITH".into()),
        ..Default::default()
    };
    assert_eq!(
        audit_log::query(db, Some("org_a"), &by_name, None, 100)
            .await
            .unwrap()
            .len(),
        5
    );
    let wildcard = audit_log::Filter {
        actor: Some("%".into()),
        ..Default::default()
    };
    assert!(
        audit_log::query(db, Some("org_a"), &wildcard, None, 100)
            .await
            .unwrap()
            .is_empty(),
        "% is a character, not a wildcard"
    );

    let first = audit_log::query(db, Some("org_a"), &Default::default(), None, 2)
        .await
        .unwrap();
    let next = audit_log::query(db, Some("org_a"), &Default::default(), Some(first[1].id), 2)
        .await
        .unwrap();
    assert_eq!(next.len(), 2);
    assert!(next[0].id < first[1].id, "the next page continues");
}

async fn journal_begins_once_per_key_and_claims_once(store: TestStore) {
    let db = &store.db;
    let key = "k-0123456789abcdef";
    let first = journal::begin(db, &SystemClock, key, "org_a", journal::Kind::BotRegister)
        .await
        .unwrap();
    let journal::Begun::New(id) = first else {
        panic!("a new operation")
    };
    assert!(matches!(
        journal::begin(db, &SystemClock, key, "org_a", journal::Kind::BotRegister)
            .await
            .unwrap(),
        journal::Begun::Seen { .. }
    ));
    journal::close(db, &SystemClock, &id, journal::Rest::Compensated)
        .await
        .unwrap();
    assert!(
        matches!(
            journal::begin(db, &SystemClock, key, "org_a", journal::Kind::BotRegister)
                .await
                .unwrap(),
            journal::Begun::New(_)
        ),
        "a compensated key may be used again"
    );

    let op = journal::open(
        db,
        &SystemClock,
        journal::Plan::new(journal::Kind::BotDelete, "org_a").client("c1"),
    )
    .await
    .unwrap();
    journal::created(db, &SystemClock, &op, "ref-1")
        .await
        .unwrap();
    let read = journal::get(db, &op).await.unwrap().unwrap();
    assert_eq!(read.state, "created");
    assert_eq!(read.created_ref.as_deref(), Some("ref-1"));
    // Two settlers race for the same operation: exactly one claim succeeds.
    let (a, b) = tokio::join!(
        journal::claim(db, &SystemClock, &read),
        journal::claim(db, &SystemClock, &read)
    );
    assert_eq!(
        [a.unwrap(), b.unwrap()].iter().filter(|c| **c).count(),
        1,
        "one claim wins"
    );
}

fn member(id: &str, email: &str, name: &str, roles: &[&str]) -> Member {
    Member {
        user_id: id.into(),
        email: email.into(),
        name: name.into(),
        roles: roles
            .iter()
            .map(|r| Role {
                id: r.to_string(),
                name: r.to_string(),
                description: None,
            })
            .collect(),
    }
}

async fn directory_finds_by_word_prefix_and_role(store: TestStore) {
    let db = &store.db;
    let members = vec![
        member("u1", "carol@consult.example", "Carol Smith", &["rol_admin"]),
        member("u2", "carl@acme.example", "Carl Smithers", &["rol_member"]),
        member("u3", "zoë@acme.example", "Zoë Ärger", &["rolxadmin"]),
    ];
    member_mirror::upsert(db, "org_a", &members, SystemClock.now_ms())
        .await
        .unwrap();
    member_mirror::upsert(db, "org_b", &members[..1], SystemClock.now_ms())
        .await
        .unwrap();
    let emails = |hits: Vec<member_mirror::Hit>| -> Vec<String> {
        hits.into_iter().map(|h| h.email).collect()
    };
    assert_eq!(
        emails(member_mirror::search(db, "org_a", "car", 10).await.unwrap()),
        ["carl@acme.example", "carol@consult.example"]
    );
    assert_eq!(
        emails(
            member_mirror::search(db, "org_a", "smith car", 10)
                .await
                .unwrap()
        ),
        ["carl@acme.example", "carol@consult.example"]
    );
    assert_eq!(
        emails(
            member_mirror::search(db, "org_a", "smithe", 10)
                .await
                .unwrap()
        ),
        ["carl@acme.example"]
    );
    assert_eq!(
        emails(member_mirror::search(db, "org_a", "är", 10).await.unwrap()),
        ["zoë@acme.example"],
        "non-ASCII prefixes"
    );
    assert_eq!(
        emails(
            member_mirror::search(db, "org_a", "acme.example", 10)
                .await
                .unwrap()
        ),
        ["carl@acme.example", "zoë@acme.example"]
    );
    assert!(member_mirror::search(db, "org_a", "nobody", 10)
        .await
        .unwrap()
        .is_empty());
    // `_` in a role id is a character, not LIKE's wildcard.
    assert_eq!(
        member_mirror::holders(db, "org_a", "rol_admin", "nobody")
            .await
            .unwrap(),
        ["u1"]
    );
    member_mirror::set_roles(db, "org_a", "u2", &members[0].roles)
        .await
        .unwrap();
    let mut holders = member_mirror::holders(db, "org_a", "rol_admin", "u1")
        .await
        .unwrap();
    holders.sort();
    assert_eq!(holders, ["u2"]);
    member_mirror::remove(db, "org_a", "u1").await.unwrap();
    assert_eq!(
        member_mirror::status(db, "org_a", SystemClock.now_ms())
            .await
            .unwrap()
            .indexed,
        2
    );
    assert_eq!(
        member_mirror::status(db, "org_b", SystemClock.now_ms())
            .await
            .unwrap()
            .indexed,
        1
    );
}

async fn leases_exclude_each_other_and_expire(store: TestStore) {
    let db = &store.db;
    let clock = ManualClock::at_secs(1_800_000_000);
    let ttl = Duration::from_secs(30);
    let held = locks::acquire(db, &clock, "org_a:admins", ttl, Duration::ZERO)
        .await
        .unwrap();
    assert!(
        locks::acquire(db, &clock, "org_a:admins", ttl, Duration::from_millis(50))
            .await
            .is_err(),
        "held"
    );
    let other = locks::acquire(db, &clock, "org_b:admins", ttl, Duration::ZERO).await;
    assert!(other.is_ok(), "another name is free");
    held.release(db).await;
    let again = locks::acquire(db, &clock, "org_a:admins", ttl, Duration::ZERO)
        .await
        .unwrap();
    // Not released: held until its time is up, then taken over (the clock moves; nothing sleeps).
    drop(again);
    clock.advance_secs(29);
    assert!(
        locks::acquire(db, &clock, "org_a:admins", ttl, Duration::ZERO)
            .await
            .is_err(),
        "not yet expired"
    );
    clock.advance_secs(2);
    assert!(
        locks::acquire(db, &clock, "org_a:admins", ttl, Duration::ZERO)
            .await
            .is_ok(),
        "an expired lease is taken over"
    );
}

async fn sessions_round_trip_and_expire(store: TestStore) {
    let db = &store.db;
    let clock = ManualClock::stopped_now();
    let stored = sessions::DbStore::new(db.clone(), std::sync::Arc::new(clock.clone()));
    let store = sessions::HashedIds(stored.clone());
    let now = clock.now();
    let mut record = Record {
        id: Id::default(),
        data: [("user".to_string(), serde_json::json!({"name": "Zoë"}))]
            .into_iter()
            .collect(),
        expiry_date: now + time::Duration::minutes(30),
    };
    store.create(&mut record).await.unwrap();
    let loaded = store.load(&record.id).await.unwrap().expect("found");
    assert_eq!(loaded.data, record.data);
    assert_eq!(
        loaded.expiry_date.unix_timestamp(),
        record.expiry_date.unix_timestamp()
    );
    assert!(
        stored.load(&record.id).await.unwrap().is_none(),
        "not stored under the real id"
    );
    record.data.insert("seen".into(), serde_json::json!(1));
    store.save(&record).await.unwrap();
    assert_eq!(store.load(&record.id).await.unwrap().unwrap().data.len(), 2);

    let mut old = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: now - time::Duration::seconds(1),
    };
    store.create(&mut old).await.unwrap();
    assert!(
        store.load(&old.id).await.unwrap().is_none(),
        "expired is gone"
    );
    store.delete_expired().await.unwrap();
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM user_sessions")
        .fetch_one(db)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    // The store's clock passes the session's expiry: it is not answered any more (nothing sleeps).
    clock.advance_secs(29 * 60);
    assert!(store.load(&record.id).await.unwrap().is_some());
    clock.advance_secs(2 * 60);
    assert!(
        store.load(&record.id).await.unwrap().is_none(),
        "past its expiry"
    );
    store.delete(&record.id).await.unwrap();
    assert!(store.load(&record.id).await.unwrap().is_none());
}

async fn cache_versions_count_every_change(store: TestStore) {
    let db = &store.db;
    assert_eq!(cache::version(db, "org_a").await.unwrap(), 0);
    let bumps = (0..20).map(|_| cache::invalidate(db, "org_a", cache::Stale::Joined));
    futures_util::future::join_all(bumps).await;
    assert_eq!(
        cache::version(db, "org_a").await.unwrap(),
        20,
        "no lost update"
    );
    assert_eq!(cache::version(db, cache::TENANT).await.unwrap(), 20);
    // An audited change bumps; a view, a sign-in or a refusal does not.
    let audit = audit::Audit::new(db, &SystemClock, "org_b", "auth0|b", None);
    audit
        .record(audit::Action::SupportView, None, audit::Result::Ok, "")
        .await;
    audit
        .record(audit::Action::SessionSignIn, None, audit::Result::Ok, "")
        .await;
    audit
        .record(audit::Action::BotRegister, None, audit::Result::Denied, "")
        .await;
    assert_eq!(cache::version(db, "org_b").await.unwrap(), 0);
    audit
        .record(audit::Action::BotRegister, Some("c"), audit::Result::Ok, "")
        .await;
    assert_eq!(cache::version(db, "org_b").await.unwrap(), 1);
    // Each change ends only the reads it can have made wrong.
    let members = cache::members_scope("org_b");
    let roles = cache::roles_scope("org_b");
    let invitations = cache::invitations_scope("org_b");
    let versions = || async {
        let mut v = Vec::new();
        for scope in [members.as_str(), roles.as_str(), invitations.as_str()] {
            v.push(cache::version(db, scope).await.unwrap());
        }
        v
    };
    assert_eq!(versions().await, [0, 0, 0], "a bot change");
    audit
        .record(
            audit::Action::MemberRoleAssign,
            Some("u"),
            audit::Result::Ok,
            "",
        )
        .await;
    assert_eq!(versions().await, [1, 1, 0], "a member change");
    audit
        .record(
            audit::Action::InvitationCreate,
            Some("i"),
            audit::Result::Ok,
            "",
        )
        .await;
    assert_eq!(versions().await, [1, 1, 1], "an invitation");
    cache::invalidate(db, "org_b", cache::Stale::Joined).await;
    assert_eq!(versions().await, [2, 1, 2], "a member joined at Auth0");
    assert_eq!(cache::version(db, "org_b").await.unwrap(), 4);
}
