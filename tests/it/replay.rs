//! Replays Auth0's own Go SDK recordings (tests/fixtures/go-auth0: go-vcr cassettes of
//! auth0/go-auth0 v1.45.0, MIT, converted by scripts/import-cassettes.py) against a fresh local tenant,
//! one tenant per cassette, in order. Recorded ids are mapped to the ids the tenant answers with as the
//! replay goes. Each exchange matches when the status and Content-Type are Auth0's and the body has
//! Auth0's shape: the same keys (absent, empty and null told apart), the same JSON types, and for an
//! error the same `statusCode`, `error`, `errorCode` and message. Exchanges the tenant does not
//! implement are counted and listed, not hidden. The rates per resource are printed; the test fails
//! below the floors.

use std::collections::{BTreeMap, HashMap};

use reqwest::Method;
use serde_json::Value;

use crate::tenant::{start, MGMT_CLIENT, MGMT_SECRET};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/go-auth0");

/// The recorder rewrote these answers through the SDK's Go structs: a key the struct lacks is missing
/// from the recording, and some values are forced. Only the keys the recording has are compared, and
/// never a forced one; an error answer there is the struct's, not Auth0's, so only its status counts.
const REWRITTEN: &[&str] = &["clients", "resource-servers", "logs"];
const FORCED: &[&str] = &["client_secret", "signing_keys"];

/// Keys whose values the tenant makes up: the recorded value is mapped to the local one.
const ID_KEYS: &[&str] = &[
    "id",
    "log_id",
    "_id",
    "client_id",
    "grant_id",
    "user_id",
    "organization_id",
    "ticket_id",
    "connection_id",
    // Checkpoint cursors are made by the tenant like ids.
    "next",
];

/// Keys newer Auth0 answers carry that older recordings lack (the cassettes' README: recordings of
/// different years disagree; follow the newer). `subject_type` on grants appears from 2025; the 2026
/// recording of an organization client grant answer has `organization_usage` and
/// `allow_any_organization`.
const NEWER: &[&str] = &[
    "subject_type",
    "organization_usage",
    "allow_any_organization",
];

/// Keys only the oldest recordings have: `cross_origin_auth` is in the January 2023 client answers
/// and in none from 2024 on.
const RETIRED: &[&str] = &["cross_origin_auth"];

/// The share of exchanges that must match: 95 % overall and all of the resources orgdesk calls.
/// What still differs is connections' values Auth0 fetches from elsewhere (an `okta` domain's
/// discovery document; a `samlp` signing certificate's subject and expiry): src/emulator/DECISIONS.md.
const FLOOR_OVERALL: f64 = 0.95;
const FLOOR_USED: f64 = 1.0;
const USED: &[&str] = &[
    "clients",
    "client-grants",
    "organizations",
    "roles",
    "resource-servers",
    "users",
    "logs",
];

#[derive(Default)]
struct Tally {
    matched: usize,
    mismatched: usize,
    unimplemented: usize,
}

impl Tally {
    fn total(&self) -> usize {
        self.matched + self.mismatched + self.unimplemented
    }
}

/// The resource an exchange is about: the path's first segment, except that a list of a client's
/// connections (`/clients/{id}/connections`) answers connections and is counted with them.
fn resource(path: &str) -> String {
    let rest = path
        .strip_prefix("/api/v2/")
        .unwrap_or(path.trim_start_matches('/'));
    let segments: Vec<&str> = rest.split('/').collect();
    match segments.as_slice() {
        ["clients", _, "connections"] => "connections".into(),
        _ => segments[0].to_string(),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Recorded ids in a path, query or request body, replaced by the local ones.
fn mapped(text: &str, ids: &HashMap<String, String>) -> String {
    let mut out = text.to_string();
    for (recorded, local) in ids {
        out = out.replace(recorded.as_str(), local);
    }
    out
}

fn mapped_json(v: &Value, ids: &HashMap<String, String>) -> Value {
    match v {
        Value::String(s) => Value::String(mapped(s, ids)),
        Value::Array(a) => Value::Array(a.iter().map(|x| mapped_json(x, ids)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), mapped_json(x, ids)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Learns recorded → local ids from the two answers, walked side by side. Lists of different
/// lengths are paired item by item only for log entries, which a recording reads from the tenant's
/// own list (take the first, read it by id) rather than making them.
fn learn(recorded: &Value, local: &Value, ids: &mut HashMap<String, String>, logs_only: bool) {
    match (recorded, local) {
        (Value::Object(r), Value::Object(l)) => {
            for (k, rv) in r {
                let Some(lv) = l.get(k) else { continue };
                let learnable =
                    ID_KEYS.contains(&k.as_str()) && (!logs_only || k == "log_id" || k == "_id");
                if let (true, Some(rs), Some(ls)) = (learnable, rv.as_str(), lv.as_str()) {
                    if rs != ls && rs.len() >= 6 && !ids.contains_key(rs) {
                        ids.insert(rs.to_string(), ls.to_string());
                        // User ids travel percent-encoded in paths (`auth0%7C…`).
                        let (re, le) = (rs.replace('|', "%7C"), ls.replace('|', "%7C"));
                        if re != rs {
                            ids.insert(re, le);
                        }
                    }
                } else {
                    learn(rv, lv, ids, logs_only);
                }
            }
        }
        // Log entries pair by kind, in order: which events a tenant holds is its own history.
        (Value::Array(r), Value::Array(l)) if r.first().is_some_and(is_log) => {
            let mut unused: Vec<&Value> = l.iter().collect();
            for rv in r {
                if let Some(at) = unused.iter().position(|lv| lv["type"] == rv["type"]) {
                    learn(rv, unused.remove(at), ids, true);
                }
            }
        }
        (Value::Array(r), Value::Array(l)) => {
            let loose = logs_only || r.len() != l.len();
            for (rv, lv) in r.iter().zip(l) {
                learn(rv, lv, ids, loose);
            }
        }
        _ => {}
    }
}

fn is_log(v: &Value) -> bool {
    v.get("log_id").is_some() && v.get("type").is_some()
}

/// The first id-like value of an object.
fn id_of(v: &Value) -> Option<&str> {
    ID_KEYS
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str))
}

/// Where `got` differs from `want` in shape. `lenient`: keys only the tenant has are fine. A list's
/// first recorded item is compared with the local item of the same (mapped) id, or with the first
/// item where items have no id: a tenant's other objects say nothing about the answer's shape.
fn shape(
    at: &str,
    want: &Value,
    got: &Value,
    lenient: bool,
    ids: &HashMap<String, String>,
    out: &mut Vec<String>,
) {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            // Whether a page has a `next` depends on what else the tenant holds when the pages hold
            // different numbers of items.
            let other_content = w.iter().any(|(k, wv)| {
                matches!((wv, g.get(k)), (Value::Array(a), Some(Value::Array(b))) if a.len() != b.len())
            });
            for (k, wv) in w {
                if k == "next" && other_content {
                    continue;
                }
                // A rewritten answer has a null for every key its struct knows and Auth0 left out.
                if lenient && (FORCED.contains(&k.as_str()) || wv.is_null()) {
                    continue;
                }
                match g.get(k) {
                    None if RETIRED.contains(&k.as_str()) => {}
                    None => out.push(format!("{at}.{k}: missing")),
                    Some(gv) => shape(&format!("{at}.{k}"), wv, gv, lenient, ids, out),
                }
            }
            if !lenient {
                out.extend(
                    g.keys()
                        .filter(|k| !(*k == "next" && other_content))
                        .filter(|k| !w.contains_key(*k) && !NEWER.contains(&k.as_str()))
                        .map(|k| format!("{at}.{k}: not in Auth0's answer")),
                );
            }
        }
        (Value::Array(w), Value::Array(g)) => {
            let Some(wf) = w.first() else { return };
            let counterpart = match id_of(wf) {
                Some(id) => {
                    let local = ids.get(id).map_or(id, String::as_str);
                    g.iter().find(|x| id_of(x) == Some(local))
                }
                None => g.first(),
            };
            if let Some(gf) = counterpart {
                shape(&format!("{at}[0]"), wf, gf, lenient, ids, out);
            }
        }
        _ if kind(want) == kind(got) => {}
        _ => out.push(format!(
            "{at}: {} where Auth0 has {}",
            kind(got),
            kind(want)
        )),
    }
}

/// An error answer's words, which must be Auth0's.
fn error_words(v: &Value) -> Vec<Value> {
    ["statusCode", "error", "errorCode", "message"]
        .iter()
        .map(|k| v.get(*k).cloned().unwrap_or(Value::Null))
        .collect()
}

struct Exchange {
    method: Method,
    path: String,
    query: String,
    body: Option<Value>,
    status: u16,
    content_type: Option<String>,
    response: Option<Value>,
}

fn exchanges(cassette: &Value) -> Vec<Exchange> {
    cassette["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| Exchange {
            method: x["method"].as_str().unwrap().parse().unwrap(),
            path: x["path"].as_str().unwrap().to_string(),
            query: x["query"].as_str().unwrap_or_default().to_string(),
            body: Some(x["body"].clone()).filter(|b| !b.is_null()),
            status: x["status"].as_u64().unwrap() as u16,
            content_type: x["content_type"].as_str().map(str::to_string),
            response: Some(x["response"].clone()).filter(|b| !b.is_null()),
        })
        .collect()
}

/// Auth0 deletes a connection in the background: deleting it again answers 202 (with the same
/// `deleted_at`) while that runs and 204 once it is done. Same-day recordings of the same sequence
/// show both (`TestConnectionManager_Read_*` 202 then 202, `..._ReadByName_*` 202 then 204), so
/// either answer to a repeated delete is Auth0's; the tenant deletes at once and answers 204.
fn repeated_delete(ex: &Exchange, status: u16, deleted: &[String]) -> bool {
    ex.method == Method::DELETE
        && ex.path.starts_with("/api/v2/connections/")
        && deleted.contains(&ex.path)
        && ex.status == 202
        && status == 204
        && ex
            .response
            .as_ref()
            .is_some_and(|r| r.get("deleted_at").is_some())
}

/// What one exchange showed.
enum Verdict {
    Match,
    Differs(String),
    Unimplemented,
}

async fn replay(
    name: &str,
    cassette: &Value,
    tallies: &mut BTreeMap<String, Tally>,
    notes: &mut Vec<String>,
) {
    let tenant = start().await;
    let token = tenant.admin_token().await;
    // The recorded tenant had a default login route: its invitations were made for clients without
    // one of their own.
    let route =
        serde_json::json!({"default_redirection_uri": "https://go-auth0-dev.example/login"});
    let (s, _) = tenant
        .mgmt_as(&token, Method::PATCH, "tenants/settings", Some(route))
        .await;
    assert_eq!(s, 200, "the tenant's default login route is set");
    if name.starts_with("TestLogManager") {
        // The recorded tenant had logs to page through (`page=1&per_page=5` is its second page),
        // mixing the kinds its answers show: token exchanges (`seccft`), sign-ups (`ss`) and
        // Management API changes (`sapi`), as its test runs left them.
        for i in 0..8 {
            tenant.mgmt_token_for(MGMT_CLIENT, MGMT_SECRET).await;
            // The go-auth0 tests' user.
            let user = serde_json::json!({
                "connection": "Username-Password-Authentication",
                "email": format!("chuck{i}@example.com"), "password": "Testing-123456",
                "username": format!("test-user{i}"), "given_name": "Chuck", "family_name": "Sanchez",
                "nickname": "Chucky", "picture": "https://example-picture-url.jpg",
                "email_verified": true, "blocked": false,
                "user_metadata": {"favourite_attack": "roundhouse_kick"},
                "app_metadata": {"facts": ["count_to_infinity_twice"]},
            });
            let (s, made) = tenant
                .mgmt_as(&token, Method::POST, "users", Some(user))
                .await;
            assert_eq!(s, 201, "{made}");
            let path = format!(
                "users/{}",
                made["user_id"].as_str().unwrap().replace('|', "%7C")
            );
            let (s, _) = tenant.mgmt_as(&token, Method::DELETE, &path, None).await;
            assert_eq!(s, 204);
        }
    }
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut deleted: Vec<String> = Vec::new();
    for (i, ex) in exchanges(cassette).into_iter().enumerate() {
        let res = resource(&ex.path);
        let path = mapped(&ex.path, &ids);
        let query = mapped(&ex.query, &ids);
        let url = if query.is_empty() {
            tenant.url(&path)
        } else {
            tenant.url(&format!("{path}?{query}"))
        };
        let mut request = tenant
            .http
            .request(ex.method.clone(), url)
            .bearer_auth(&token);
        match ex.body.as_ref().map(|b| mapped_json(b, &ids)) {
            Some(Value::String(text)) => request = request.body(text),
            Some(json) => request = request.json(&json),
            None => {}
        }
        let answer = request.send().await.unwrap();
        let status = answer.status().as_u16();
        let content_type = answer
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let text = answer.text().await.unwrap_or_default();
        let local: Option<Value> = serde_json::from_str(&text).ok();
        if let (Some(r), Some(l)) = (&ex.response, &local) {
            learn(r, l, &mut ids, false);
        }
        let verdict = if matches!(status, 404 | 405) && local.is_none() && text.trim().is_empty() {
            Verdict::Unimplemented
        } else if repeated_delete(&ex, status, &deleted) {
            Verdict::Match
        } else if status != ex.status {
            Verdict::Differs(format!(
                "status {status} where Auth0 answered {}: {text:.200}",
                ex.status
            ))
        } else if ex.content_type.is_some() && content_type != ex.content_type {
            Verdict::Differs(format!(
                "Content-Type {content_type:?} where Auth0 sent {:?}",
                ex.content_type
            ))
        } else {
            let rewritten = REWRITTEN.contains(&res.as_str());
            match (&ex.response, &local) {
                (Some(_), _) if rewritten && ex.status >= 400 => Verdict::Match,
                (Some(want), Some(got)) if ex.status >= 400 => {
                    let want = mapped_json(want, &ids);
                    if error_words(&want) == error_words(got) {
                        Verdict::Match
                    } else {
                        Verdict::Differs(format!("error {got} where Auth0 has {want}"))
                    }
                }
                (Some(want), Some(got)) => {
                    let mut out = Vec::new();
                    shape("", want, got, rewritten, &ids, &mut out);
                    if out.is_empty() {
                        Verdict::Match
                    } else {
                        Verdict::Differs(out.join("; "))
                    }
                }
                (Some(want), None) => {
                    Verdict::Differs(format!("no JSON body where Auth0 has {want}"))
                }
                (None, Some(got)) if !got.is_null() => {
                    Verdict::Differs(format!("a body ({got:.100}) where Auth0 sends none"))
                }
                _ => Verdict::Match,
            }
        };
        if ex.method == Method::DELETE {
            deleted.push(ex.path.clone());
        }
        let tally = tallies.entry(res).or_default();
        let what = format!("{name} #{i} {} {}", ex.method, ex.path);
        match verdict {
            Verdict::Match => tally.matched += 1,
            Verdict::Differs(why) => {
                tally.mismatched += 1;
                notes.push(format!("differs  {what}: {why}"));
            }
            Verdict::Unimplemented => {
                tally.unimplemented += 1;
                notes.push(format!("missing  {what}"));
            }
        }
    }
}

fn rate(t: &Tally) -> f64 {
    if t.total() == 0 {
        return 1.0;
    }
    t.matched as f64 / t.total() as f64
}

#[tokio::test]
async fn go_auth0_recordings_replay_against_the_local_tenant() {
    let mut files: Vec<_> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut notes = Vec::new();
    let mut mocks = Vec::new();
    for path in &files {
        let cassette: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let name = cassette["cassette"].as_str().unwrap().to_string();
        if cassette["mock"] == true {
            mocks.push(name);
            continue;
        }
        replay(&name, &cassette, &mut tallies, &mut notes).await;
    }
    let mut all = Tally::default();
    let mut used = Tally::default();
    println!("resource            matched  differs  missing   rate");
    for (res, t) in &tallies {
        println!(
            "{res:<18} {:>8} {:>8} {:>8} {:>6.1} %",
            t.matched,
            t.mismatched,
            t.unimplemented,
            rate(t) * 100.0
        );
        for sum in [&mut all]
            .into_iter()
            .chain(USED.contains(&res.as_str()).then_some(&mut used))
        {
            sum.matched += t.matched;
            sum.mismatched += t.mismatched;
            sum.unimplemented += t.unimplemented;
        }
    }
    println!(
        "overall {:.1} % of {} exchanges; the resources orgdesk uses {:.1} % of {}",
        rate(&all) * 100.0,
        all.total(),
        rate(&used) * 100.0,
        used.total()
    );
    println!(
        "not replayed (hand-written mocks, not traffic): {}",
        mocks.join(", ")
    );
    for note in &notes {
        println!("{note}");
    }
    assert!(
        all.total() > 250,
        "the recordings are read ({} exchanges)",
        all.total()
    );
    assert!(
        rate(&all) >= FLOOR_OVERALL,
        "overall {:.3} < {FLOOR_OVERALL}",
        rate(&all)
    );
    assert!(
        rate(&used) >= FLOOR_USED,
        "orgdesk's resources {:.3} < {FLOOR_USED}",
        rate(&used)
    );
}
