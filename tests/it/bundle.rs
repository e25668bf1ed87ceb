//! What a browser downloads: pages and answers compressed as it asks (a page still streams), the
//! bundle under content-hashed names from its precompressed twins, cached for a year.

use std::io::Write;
use std::time::{Duration, Instant};

use crate::helpers::{spawn_app, spawn_app_with, TestApp};
use crate::tenant::ACME;

const HASH: &str = "0123456789abcdef";

/// A site like the build makes: hashed names, assets.json, .br and .gz twins.
fn hashed_site(dir: &std::path::Path) -> std::path::PathBuf {
    let pkg = dir.join("hashed-site/pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let js = "export default function init() {} export function hydrate() {}".repeat(20);
    let files = [
        (format!("orgdesk.{HASH}.js"), js.clone()),
        (format!("orgdesk.{HASH}.wasm"), "\0asm-stand-in".repeat(50)),
        (
            "orgdesk.fedcba9876543210.css".to_string(),
            "body{}".repeat(50),
        ),
        ("orgdesk.css".to_string(), "body{}".repeat(50)),
    ];
    for (name, body) in &files {
        std::fs::write(pkg.join(name), body).unwrap();
        let mut gz = flate2_free_gzip(body.as_bytes());
        std::fs::write(pkg.join(format!("{name}.gz")), &mut gz).unwrap();
        // A marker instead of real brotli: the server serves the file as it is.
        std::fs::write(pkg.join(format!("{name}.br")), format!("br:{name}")).unwrap();
    }
    std::fs::write(
        pkg.join("assets.json"),
        format!(r#"{{"output_name": "orgdesk.{HASH}", "css": "orgdesk.fedcba9876543210.css"}}"#),
    )
    .unwrap();
    dir.join("hashed-site")
}

/// gzip without a compression crate: a stored (uncompressed) deflate stream is valid gzip.
fn flate2_free_gzip(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    for (i, block) in data.chunks(65_535).enumerate() {
        let last = (i + 1) * 65_535 >= data.len();
        out.push(if last { 1 } else { 0 });
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.write_all(block).unwrap();
    }
    if data.is_empty() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn plain() -> reqwest::Client {
    // No automatic decompression: the test looks at what is on the wire.
    reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_bundle_is_served_precompressed_under_hashed_names_and_cached_for_a_year() {
    let dir = tempfile::tempdir().unwrap();
    let site = hashed_site(dir.path());
    let app = spawn_app_with(&[("ORGDESK_SITE_ROOT", site.to_str().unwrap())]).await;
    let html = app.get("/rules").await.text().await.unwrap();
    assert!(html.contains(&format!("/pkg/orgdesk.{HASH}.js")), "{html}");
    assert!(html.contains(&format!("/pkg/orgdesk.{HASH}.wasm")));
    assert!(html.contains("/pkg/orgdesk.fedcba9876543210.css"));

    let http = plain();
    let js = format!("/pkg/orgdesk.{HASH}.js");
    let br = http
        .get(app.url(&js))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(br.status(), 200);
    assert_eq!(br.headers()["content-encoding"], "br");
    assert!(br.headers()["vary"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase()
        .contains("accept-encoding"));
    assert_eq!(
        br.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(br.text().await.unwrap(), format!("br:orgdesk.{HASH}.js"));
    let gz = http
        .get(app.url(&js))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    let none = http.get(app.url(&js)).send().await.unwrap();
    assert!(none.headers().get("content-encoding").is_none());
    assert!(none.text().await.unwrap().starts_with("export default"));
    // The plain-named stylesheet (for pages outside Leptos) is revalidated, not kept for a year.
    let css = http.get(app.url("/pkg/orgdesk.css")).send().await.unwrap();
    assert_eq!(css.headers()["cache-control"], "no-cache");
    // Pages stay uncacheable.
    let page = http.get(app.url("/")).send().await.unwrap();
    assert_eq!(page.headers()["cache-control"], "no-store");
}

async fn first_chunk_and_total(
    app: &TestApp,
    browser: &reqwest::Client,
    path: &str,
) -> (Duration, Duration, String) {
    let started = Instant::now();
    let mut response = browser
        .get(app.url(path))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let first = response.chunk().await.unwrap().expect("a first chunk");
    let first_at = started.elapsed();
    let mut body = String::from_utf8_lossy(&first).into_owned();
    while let Some(more) = response.chunk().await.unwrap() {
        body.push_str(&String::from_utf8_lossy(&more));
    }
    (first_at, started.elapsed(), body)
}

#[tokio::test]
async fn pages_answers_and_csv_are_compressed_and_a_page_still_streams() {
    let app = spawn_app().await;
    let browser = app.browser();
    let done = app.alice_signs_in(&browser).await;
    let cookie = done
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("orgdesk="))
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_string();
    // On the wire: what a browser that accepts br or gzip gets.
    let http = plain();
    for (path, accept) in [
        (format!("/orgs/{ACME}/members"), "br"),
        (format!("/orgs/{ACME}/audit.csv"), "br"),
        ("/rules".to_string(), "gzip"),
    ] {
        let r = http
            .get(app.url(&path))
            .header("cookie", &cookie)
            .header("accept-encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()["content-encoding"], accept, "{path}");
    }
    let list_bots = || async {
        http.post(app.url("/api/bots/list"))
            .header("cookie", &cookie)
            .header("origin", &app.running.base_url)
            .header("content-type", "application/json")
            .header("accept-encoding", "gzip")
            .body(format!("{{\"org_id\": \"{ACME}\"}}"))
            .send()
            .await
            .unwrap()
    };
    assert_eq!(list_bots().await.status(), 200);
    // A tiny answer is not worth compressing; a list of bots is.
    app.register_bot(&browser, ACME, "Compressed bot").await;
    assert_eq!(list_bots().await.headers()["content-encoding"], "gzip");

    // A page waiting on a slow Auth0 read sends its first part before the read is back.
    let latency = Duration::from_millis(800);
    let status = app
        .client
        .put(app.tenant_url("/__emulator/latency"))
        .json(&serde_json::json!({"min_ms": latency.as_millis() as u64, "max_ms": latency.as_millis() as u64}))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 204);
    // The invitations list was never read in this test, so the page must ask Auth0.
    let (first, total, body) =
        first_chunk_and_total(&app, &browser, &format!("/orgs/{ACME}/invitations")).await;
    assert!(
        body.contains("No pending invitations"),
        "the whole page arrives"
    );
    assert!(total >= latency, "the page waited for Auth0: {total:?}");
    assert!(
        first < latency / 2,
        "the first part streamed at {first:?}, before the {latency:?} read finished"
    );
}

/// Only pages where something acts in place load the bundle; the others are whole as served and
/// offer nothing that waits for it (the footer's status check posts as a form and answers in the
/// page's notice).
#[tokio::test]
async fn pages_that_only_read_go_out_without_the_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let site = hashed_site(dir.path());
    let app = spawn_app_with(&[("ORGDESK_SITE_ROOT", site.to_str().unwrap())]).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let bot = app.register_bot(&alice, ACME, "Bundle bot").await;
    let id = bot["client_id"].as_str().unwrap();
    let script = format!("/pkg/orgdesk.{HASH}.js");
    for path in [
        "/".to_string(),
        format!("/orgs/{ACME}"),
        format!("/orgs/{ACME}/audit"),
        "/no/such/page".to_string(),
    ] {
        let html = app.page_html(&alice, &path).await;
        assert!(
            html.contains("data-ready=\"true\""),
            "{path}: ready as served"
        );
        assert!(!html.contains(&script), "{path}: no bundle");
        assert!(
            !html.contains(" data-ssr"),
            "{path}: nothing waits for a bundle"
        );
        assert!(html.contains("action=\"/forms/service_status\""), "{path}");
        assert!(!html.contains("<leptos-island"), "{path}: no islands");
    }
    for path in [
        "/rules".to_string(),
        format!("/orgs/{ACME}/bots"),
        format!("/orgs/{ACME}/bots/{id}"),
        format!("/orgs/{ACME}/members"),
        format!("/orgs/{ACME}/invitations"),
        format!("/orgs/{ACME}/apps"),
    ] {
        let html = app.page_html(&alice, &path).await;
        assert!(html.contains(&script), "{path}: the bundle");
        // Islands mode: the desk's script and the ready mark (and the rules explainer on /rules).
        assert!(
            html.matches("<leptos-island").count() >= 2,
            "{path}: its islands"
        );
        assert!(html.contains("islandFn"), "{path}: hydrated as islands");
        assert!(!html.contains("data-ready"), "{path}: ready once hydrated");
        // Nothing waits for the bundle: its forms post as they are until the script takes them.
        assert!(
            !html.contains(" data-ssr"),
            "{path}: nothing waits for the bundle"
        );
        assert!(html.contains("action=\"/forms/service_status\""), "{path}");
    }
    // The status check as a form: back where it was, the report as a notice, once.
    let r = alice
        .post(app.url("/forms/service_status"))
        .header("origin", &app.running.base_url)
        .header("referer", app.url(&format!("/orgs/{ACME}/audit")))
        .form(&[("csrf", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        403,
        "a signed-in session's form carries its token"
    );
    let (_, me) = app.read(&alice, "me", &[]).await;
    let r = alice
        .post(app.url("/forms/service_status"))
        .header("origin", &app.running.base_url)
        .header("referer", app.url(&format!("/orgs/{ACME}/audit")))
        .form(&[("csrf", me["csrf"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], format!("/orgs/{ACME}/audit"));
    let html = app.page_html(&alice, &format!("/orgs/{ACME}/audit")).await;
    assert!(
        html.contains("All systems normal · database reachable (schema "),
        "{html}"
    );
    let html = app.page_html(&alice, &format!("/orgs/{ACME}/audit")).await;
    assert!(!html.contains("All systems normal"));
}
