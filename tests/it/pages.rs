//! A page's HTTP status is decided before it streams: sign in first (and come back), the wrong
//! organization or a missing object is a 404, the wrong kind of account a 403; a change form the
//! browser posted itself (no JavaScript) changes nothing and says why.

use serde_json::json;

use crate::helpers::spawn_app;
use crate::tenant::{ACME, API, GLOBEX};

const SUPPORT_ORG: &str = "org_travel0Support01";

#[tokio::test]
async fn desk_pages_answer_with_the_status_their_content_means() {
    let app = spawn_app().await;
    let plain = crate::tenant::http();

    // Signed out: off to sign in, with the organization and the way back.
    let r = plain
        .get(app.url(&format!("/orgs/{ACME}/members?from=x")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap();
    assert_eq!(
        to,
        format!("/login?organization={ACME}&return_to=%2Forgs%2F{ACME}%2Fmembers%3Ffrom%3Dx")
    );

    let alice = app.sign_in("alice@acme.example", ACME).await;
    let bot = app.register_bot(&alice, ACME, "Status bot").await;
    let id = bot["client_id"].as_str().unwrap();
    for (path, status) in [
        (format!("/orgs/{ACME}"), 200),
        (format!("/orgs/{ACME}/bots/{id}"), 200),
        (format!("/orgs/{ACME}/bots/nosuchbot"), 404),
        (format!("/orgs/{ACME}/settings"), 200),
        (format!("/orgs/{ACME}/nosuchpage"), 404),
        (format!("/orgs/{GLOBEX}"), 404),
        (format!("/orgs/{GLOBEX}/bots/{id}"), 404),
        ("/support".to_string(), 403),
        ("/no/such/page".to_string(), 404),
    ] {
        let r = alice.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), status, "{path}");
    }
    // Without JavaScript the page is whole: parts arrive in order, in their place.
    let page = app
        .page_html(&alice, &format!("/orgs/{ACME}/bots/{id}"))
        .await;
    assert!(
        page.contains("data-testid=\"bot-name\">Status bot<"),
        "the bot's name is in the page as sent"
    );
    // Another organization cannot see Acme's bot page either.
    let grace = app.sign_in("grace@globex.example", GLOBEX).await;
    let r = grace
        .get(app.url(&format!("/orgs/{ACME}/bots/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // Support staff get the console, and a 403 on the desk.
    let sam = app.browser();
    let done = app
        .sign_in_with(&sam, "sam@travel0.example", Some(SUPPORT_ORG))
        .await;
    assert_eq!(done.status(), 303);
    for (path, status) in [
        ("/support".to_string(), 200),
        (format!("/support/orgs/{ACME}"), 200),
        ("/support/orgs/not-an-org".to_string(), 404),
        (format!("/orgs/{ACME}"), 403),
    ] {
        let r = sam.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), status, "{path}");
    }
}

#[tokio::test]
async fn every_page_knows_who_is_signed_in_and_which_page_it_is() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    // The header, the title and the forms' token come from one read of the session before the page
    // renders: on the desk's pages, the public ones and the 404 alike.
    let token = {
        let page = app.page_html(&alice, &format!("/orgs/{ACME}")).await;
        let at = page.find("name=\"csrf\" value=\"").expect("a form token") + 20;
        page[at..at + 32].to_string()
    };
    assert!(!token.starts_with('"'), "the token is not empty");
    for path in [
        "/".to_string(),
        "/rules".to_string(),
        format!("/orgs/{ACME}"),
        format!("/orgs/{ACME}/members"),
        format!("/orgs/{ACME}/bots/nosuchbot"),
        "/no/such/page".to_string(),
    ] {
        let r = alice.get(app.url(&path)).send().await.unwrap();
        let page = r.text().await.unwrap();
        assert!(
            page.contains("data-testid=\"signed-in-as\" class=\"small\">alice@acme.example"),
            "{path}: the header names who is signed in"
        );
        assert!(
            page.contains(&token),
            "{path}: the sign-out form has the token"
        );
        assert!(
            page.contains(&format!("href=\"/orgs/{ACME}/bots\"")),
            "{path}"
        );
    }
    // The page being shown is marked in the header; the overview only on its own path.
    let members = app
        .page_html(&alice, &format!("/orgs/{ACME}/members"))
        .await;
    assert!(members.contains(&format!(
        "<a href=\"/orgs/{ACME}/members\" aria-current=\"page\">Members"
    )));
    assert!(members.contains(&format!("<a href=\"/orgs/{ACME}\">Overview")));
    assert!(
        members.contains("<title>Members · Acme Travel · orgdesk</title>"),
        "{members}"
    );
    let overview = app.page_html(&alice, &format!("/orgs/{ACME}")).await;
    assert!(overview.contains(&format!(
        "<a href=\"/orgs/{ACME}\" aria-current=\"page\">Overview"
    )));
    assert_eq!(overview.matches("aria-current").count(), 1);

    // Signed out: a way to sign in, no account, no token.
    let plain = crate::tenant::http();
    let page = plain.get(app.url("/rules")).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(
        page.contains("href=\"/login?return_to=%2Frules\""),
        "{page}"
    );
    assert!(!page.contains("signed-in-as"));
    assert!(!page.contains(&token));
}

#[tokio::test]
async fn a_change_form_posted_without_javascript_changes_nothing_and_says_so() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let r = alice
        .post(app.url(&format!("/orgs/{ACME}/bots")))
        .header("origin", &app.running.base_url)
        .form(&[("name", "No script"), ("audience", API)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Nothing was changed"));
    let (_, list) = app.read(&alice, "bots/list", &[("org_id", ACME)]).await;
    assert!(crate::helpers::bot_names_in(&list).is_empty());
}

#[tokio::test]
async fn install_links_explain_published_apps_to_anyone_and_hide_the_rest() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let bot = app.register_bot(&alice, ACME, "Listed bot").await;
    let (s, published) = app
        .call(
            &alice,
            "apps/publish",
            json!({"org_id": ACME, "client_id": bot["client_id"], "description": "Syncs bookings for agencies",
                "audience": API, "scopes": ["read:bookings"]}),
        )
        .await;
    assert_eq!(s, 200);
    let app_id = published["app_id"].as_str().unwrap().to_string();
    let plain = crate::tenant::http();
    let r = plain
        .get(app.url(&format!("/apps/{app_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("Listed bot") && page.contains("Syncs bookings for agencies"));
    assert!(page.contains("Sign in to decide"));
    assert!(!page.contains("session has ended"));
    // The public listing says only what the link already shows.
    let (s, listing) = app
        .call(&plain, "apps/listing", json!({"app_id": app_id}))
        .await;
    assert_eq!(s, 200, "{listing}");
    assert_eq!(listing["signed_in"], false);
    assert_eq!(listing["org_id"], "");
    for missing in [
        "app_0123456789abcdef0123456789abcdef",
        "app_x",
        "not-an-app",
    ] {
        let r = plain
            .get(app.url(&format!("/apps/{missing}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{missing}");
    }
    // Unpublished: a stranger sees nothing at all, the publisher still does.
    let (s, _) = app
        .call(
            &alice,
            "apps/unpublish",
            json!({"org_id": ACME, "app_id": app_id}),
        )
        .await;
    assert_eq!(s, 200);
    let r = plain
        .get(app.url(&format!("/apps/{app_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let (s, _) = app
        .call(&plain, "apps/listing", json!({"app_id": app_id}))
        .await;
    assert_eq!(s, 404);
    let r = alice
        .get(app.url(&format!("/apps/{app_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn a_change_form_without_javascript_needs_the_sessions_token_and_this_origin() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let token = app.form_token(&alice).await;
    let form = |csrf: &str| {
        vec![
            ("csrf".to_string(), csrf.to_string()),
            ("org_id".to_string(), ACME.to_string()),
            ("name".to_string(), "Form bot".to_string()),
            ("description".to_string(), String::new()),
            ("audience".to_string(), API.to_string()),
            (format!("scopes:{API}"), "read:bookings".to_string()),
            (
                "idempotency_key".to_string(),
                uuid::Uuid::new_v4().to_string(),
            ),
        ]
    };
    // Another session's token, none, or another site: refused, nothing registered.
    for (csrf, origin) in [
        ("not-the-token", app.running.base_url.clone()),
        ("", app.running.base_url.clone()),
        (token.as_str(), "https://evil.example".to_string()),
    ] {
        let r = alice
            .post(app.url("/forms/bots/register"))
            .header("origin", origin)
            .form(&form(csrf))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{csrf:?}");
    }
    let (_, list) = app.read(&alice, "bots/list", &[("org_id", ACME)]).await;
    assert!(crate::helpers::bot_names_in(&list).is_empty());
    // With both, the bot is registered and the answer is the bots page with its secret, once.
    let page = answer_page(
        app.post_form(&alice, "bots/register")
            .form(&form(&token))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(page.contains("Copy the client secret now"), "{page}");
    assert!(page.contains("<h1>Bots"), "{page}");
    // Rendered for the answer alone, it still knows who is signed in: the header, and every form's
    // token (the next change made from this page must be accepted).
    assert!(
        page.contains("data-testid=\"signed-in-as\" class=\"small\">alice@acme.example"),
        "{page}"
    );
    assert!(!page.contains("name=\"csrf\" value=\"\""), "{page}");
    assert!(page.contains(&format!("name=\"csrf\" value=\"{token}\"")));
    assert!(page.contains("data-testid=\"bot-list\""), "{page}");
    let (_, list) = app.read(&alice, "bots/list", &[("org_id", ACME)]).await;
    assert_eq!(crate::helpers::bot_names_in(&list), ["Form bot"]);
    let client_id = list[0]["client_id"].as_str().unwrap();
    assert!(page.contains(&format!("data-testid=\"client-id\">{client_id}<")));
    let secret = secret_on(&page);
    assert!(secret.len() > 30, "{secret}");
    let after = app.page_html(&alice, &format!("/orgs/{ACME}/bots")).await;
    assert!(after.contains("Form bot"));
    assert!(
        !after.contains(secret),
        "the secret is not on the page again"
    );
    // The desk's script gets the same page as the answer itself (no address to go to).
    let mut in_place = form(&token);
    in_place[2].1 = "Form bot in place".to_string();
    let r = app
        .post_form(&alice, "bots/register")
        .header("x-orgdesk-enhanced", "1")
        .form(&in_place)
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("x-orgdesk-go").is_none());
    assert!(answer_page(r).await.contains("Copy the client secret now"));
    // Scopes ticked under an API that is not the one chosen are not sent: nothing to register.
    let mut elsewhere = form(&token);
    elsewhere.retain(|(k, _)| !k.starts_with("scopes"));
    elsewhere.push((
        "scopes:https://other.example/".to_string(),
        "read:bookings".to_string(),
    ));
    let from_bots_page = |fields: &[(String, String)]| {
        app.post_form(&alice, "bots/register")
            .header("referer", app.url(&format!("/orgs/{ACME}/bots")))
            .form(fields)
            .send()
    };
    let r = from_bots_page(&elsewhere).await.unwrap();
    assert_eq!(r.status(), 303);
    let (_, list) = app.read(&alice, "bots/list", &[("org_id", ACME)]).await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    let page = app.page_html(&alice, &format!("/orgs/{ACME}/bots")).await;
    assert!(page.contains("Choose at least one scope."), "{page}");
    // A refused change comes back to the page it was on, with the reason, once.
    let mut no_scope = form(&token);
    no_scope.retain(|(k, _)| !k.starts_with("scopes"));
    let r = from_bots_page(&no_scope).await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], format!("/orgs/{ACME}/bots"));
    let page = app.page_html(&alice, &format!("/orgs/{ACME}/bots")).await;
    assert!(
        page.contains("Choose at least one scope."),
        "the notice shows"
    );
    let again = app.page_html(&alice, &format!("/orgs/{ACME}/bots")).await;
    assert!(
        !again.contains("data-testid=\"form-notice\""),
        "and only once"
    );
    // An unknown form is a 404.
    let r = app
        .post_form(&alice, "bots/everything")
        .form(&form(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn a_form_posted_in_place_is_told_where_to_go_and_the_page_shows_the_invitation_once() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let token = app.form_token(&alice).await;
    let page = format!("/orgs/{ACME}/invitations");
    let invite = |email: &str| {
        vec![
            ("csrf".to_string(), token.clone()),
            ("org_id".to_string(), ACME.to_string()),
            ("email".to_string(), email.to_string()),
            ("roles".to_string(), "rol_orgdeskMember001".to_string()),
            ("days".to_string(), "5".to_string()),
        ]
    };
    // The desk's script: no redirect it cannot see, the address in a header instead.
    let in_place = |browser: &reqwest::Client, email: &str| {
        app.post_form(browser, "invitations/create")
            .header("referer", app.url(&page))
            .header("x-orgdesk-enhanced", "1")
            .form(&invite(email))
            .send()
    };
    let r = in_place(&alice, "inplace@acme.example").await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-orgdesk-go"], page.as_str());
    assert!(r.headers().get("location").is_none());
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = app.page_html(&alice, &page).await;
    assert!(
        html.contains("Invitation sent to inplace@acme.example, valid until"),
        "{html}"
    );
    assert!(html.contains("Invitation link (if the email does not arrive)"));
    assert!(html.contains("organization=org_acmeTravel000001"));
    assert!(!app
        .page_html(&alice, &page)
        .await
        .contains("data-testid=\"form-notice\""));
    // A plain form: the same change answered with a redirect back.
    let r = app
        .post_form(&alice, "invitations/create")
        .header("referer", app.url(&page))
        .form(&invite("plain@acme.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], page.as_str());
    assert!(r.headers().get("x-orgdesk-go").is_none());
    // The header changes how the answer travels, not what is checked: another site is refused.
    let r = alice
        .post(app.url("/forms/invitations/create"))
        .header("origin", "https://evil.example")
        .header("x-orgdesk-enhanced", "1")
        .form(&invite("evil@acme.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let (_, list) = app
        .read(&alice, "invitations/list", &[("org_id", ACME)])
        .await;
    let emails: Vec<&str> = list["list"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["email"].as_str())
        .collect();
    assert!(emails.contains(&"inplace@acme.example") && emails.contains(&"plain@acme.example"));
    assert!(!emails.contains(&"evil@acme.example"));
    // Signed out: sign-in is where it goes, named in the header too (the script loads it).
    let stranger = app.browser();
    let r = in_place(&stranger, "late@acme.example").await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["x-orgdesk-go"]
        .to_str()
        .unwrap()
        .starts_with("/login?return_to="));
}

/// A rotation posted as a form answers with the bot's own page and the new secret on it, for the
/// bot's organization only; another organization's admin gets a refusal and no secret.
#[tokio::test]
async fn a_rotated_secret_comes_back_on_the_bots_page_for_its_own_organization_only() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let grace = app.sign_in("grace@globex.example", GLOBEX).await;
    let (status, bot) = app
        .call(
            &alice,
            "bots/register",
            json!({"org_id": ACME, "name": "Rotated by form", "description": "", "audience": API,
                   "scopes": ["read:bookings"], "idempotency_key": uuid::Uuid::new_v4().to_string()}),
        )
        .await;
    assert_eq!(status, 200, "{bot}");
    let client_id = bot["client_id"].as_str().unwrap().to_string();
    let first_secret = bot["client_secret"].as_str().unwrap().to_string();
    let (alice_token, grace_token) = (app.form_token(&alice).await, app.form_token(&grace).await);
    let rotate = |token: String, org: &str| {
        vec![
            ("csrf".to_string(), token),
            ("org_id".to_string(), org.to_string()),
            ("client_id".to_string(), client_id.clone()),
            ("_confirmed".to_string(), "1".to_string()),
        ]
    };
    for org in [GLOBEX, ACME] {
        let r = app
            .post_form(&grace, "bots/rotate")
            .form(&rotate(grace_token.clone(), org))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{org}");
        let body = r.text().await.unwrap();
        assert!(!body.contains("client-secret"), "{org}: {body}");
    }
    // Malformed ids and control characters: refused like any bad input, no page rendered for them.
    for bad in ["../../support", "bot\u{7}id", "x\r\nSet-Cookie: a=b", ""] {
        let r = app
            .post_form(&alice, "bots/rotate")
            .form(&[
                ("csrf", alice_token.as_str()),
                ("org_id", ACME),
                ("client_id", bad),
                ("_confirmed", "1"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{bad:?}");
        assert!(r
            .headers()
            .get_all("set-cookie")
            .iter()
            .all(|c| !c.to_str().unwrap_or("").starts_with("a=")));
        assert!(
            !r.text().await.unwrap().contains("client-secret"),
            "{bad:?}"
        );
    }
    // None of it changed the bot: its first secret still gets a token.
    let (status, token) = app
        .call(
            &alice,
            "bots/test-token",
            json!({"org_id": ACME, "client_id": client_id, "audience": API, "secret": first_secret}),
        )
        .await;
    assert_eq!(status, 200, "{token}");
    let page = answer_page(
        app.post_form(&alice, "bots/rotate")
            .header("x-orgdesk-enhanced", "1")
            .form(&rotate(alice_token, ACME))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        page.contains("<title>Rotated by form · Bots · Acme Travel · orgdesk</title>"),
        "{page}"
    );
    assert!(
        page.contains(&format!("data-testid=\"client-id\">{client_id}<")),
        "{page}"
    );
    let secret = secret_on(&page);
    assert!(secret.len() > 30 && secret != first_secret, "{secret}");
    assert!(
        page.contains(&format!("audience={API}")),
        "the snippet asks for the bot's API"
    );
}

/// The client secret a page shows (its secret panel's), or a failed test.
/// The page a form's post answered with: a 200 that no cache may keep (it can carry a secret).
async fn answer_page(r: reqwest::Response) -> String {
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    r.text().await.unwrap()
}

fn secret_on(page: &str) -> &str {
    page.split("data-testid=\"client-secret\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("a secret panel")
}

/// Starting a server renders the app once to list its routes, and Leptos holds back every resource
/// that starts loading meanwhile — process-wide, for good (leptos#4773). A page rendered by another
/// server of the same process at that moment never finished: an intermittent 408 in the test suite.
/// Pages must finish however many servers start beside them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_finish_while_other_servers_start_in_the_same_process() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let starting = std::thread::spawn(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            for _ in 0..12 {
                drop(spawn_app().await);
            }
        });
    });
    let mut views = 0;
    while !starting.is_finished() {
        let pages = [
            format!("/orgs/{ACME}"),
            format!("/orgs/{ACME}/bots"),
            format!("/orgs/{ACME}/members"),
            "/".to_string(),
        ]
        .map(|path| {
            let alice = alice.clone();
            let url = app.url(&path);
            tokio::spawn(async move {
                let body = tokio::time::timeout(std::time::Duration::from_secs(10), async {
                    alice.get(url).send().await?.text().await
                })
                .await;
                (path, body)
            })
        });
        for page in pages {
            let (path, body) = page.await.unwrap();
            let body = body
                .unwrap_or_else(|_| panic!("{path} did not finish in 10 s"))
                .unwrap();
            assert!(
                body.contains("</html>"),
                "{path} is whole: {}",
                &body[body.len().saturating_sub(200)..]
            );
            views += 1;
        }
    }
    starting.join().unwrap();
    assert!(
        views >= 4,
        "pages were read while servers started ({views})"
    );
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_timeout_as_the_process_clock_tells() {
    // One manual clock for orgdesk and its tenant: hours pass without sleeping. The idle timeout is
    // set longer than the absolute one, so only the absolute rule can end this session.
    let clock = orgdesk::clock::ManualClock::stopped_now();
    let app = crate::helpers::spawn_app_config({
        let clock = clock.clone();
        move |c| {
            c.clock = std::sync::Arc::new(clock);
            c.session_idle_timeout = std::time::Duration::from_secs(48 * 3600);
            c.session_absolute_timeout = std::time::Duration::from_secs(12 * 3600);
        }
    })
    .await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let overview = app.url(&format!("/orgs/{ACME}"));
    assert_eq!(alice.get(&overview).send().await.unwrap().status(), 200);
    clock.advance_secs(12 * 3600 - 60);
    assert_eq!(
        alice.get(&overview).send().await.unwrap().status(),
        200,
        "a minute before the end, still signed in"
    );
    clock.advance_secs(120);
    let r = alice.get(&overview).send().await.unwrap();
    assert_eq!(r.status(), 303, "past it, off to sign in");
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login?"));
    // Ended, not only refused once: the server calls refuse the cookie too.
    let (status, me) = app.read(&alice, "me", &[]).await;
    assert_eq!(
        (status, me),
        (200, serde_json::Value::Null),
        "nobody is signed in"
    );
}

/// Without JavaScript a change that asks first answers with the question on a page of its own;
/// confirmed there, it goes back to the page the form was first sent from — not to the question's
/// POST-only address — and a `_back` pointing off the site is ignored.
#[tokio::test]
async fn a_form_confirmed_on_its_question_page_goes_back_where_it_came_from() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let bot = app.register_bot(&alice, ACME, "Asked first").await;
    let client_id = bot["client_id"].as_str().unwrap().to_string();
    let token = app.form_token(&alice).await;
    let from = format!("/orgs/{ACME}/bots/{client_id}");
    let fields = |extra: &[(&str, &str)]| {
        let mut f = vec![
            ("csrf".to_string(), token.clone()),
            ("org_id".to_string(), ACME.to_string()),
            ("client_id".to_string(), client_id.clone()),
            ("name".to_string(), "Asked first, renamed".to_string()),
            ("_question".to_string(), "Rename it?".to_string()),
        ];
        f.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        f
    };
    let r = app
        .post_form(&alice, "bots/rename")
        .header("referer", app.url(&from))
        .form(&fields(&[]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let question = r.text().await.unwrap();
    assert!(question.contains("Rename it?"));
    assert!(
        question.contains(&format!("name=\"_back\" value=\"{from}\"")),
        "{question}"
    );
    for (back, lands) in [
        ("//evil.example/x", "/forms/bots/rename"),
        (from.as_str(), from.as_str()),
    ] {
        let r = app
            .post_form(&alice, "bots/rename")
            .header("referer", app.url("/forms/bots/rename"))
            .form(&fields(&[("_confirmed", "1"), ("_back", back)]))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{back}");
        assert_eq!(r.headers()["location"], lands, "{back}");
    }
}

/// Every desk page the menu links to renders for the organization's admin: the routes and what the
/// page-status layer lets through are one list (`app::DESK_SECTIONS`).
#[tokio::test]
async fn every_desk_section_renders_for_its_admin() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let overview = app.page_html(&alice, &format!("/orgs/{ACME}")).await;
    for section in orgdesk::app::DESK_SECTIONS {
        let path = format!("/orgs/{ACME}/{section}");
        assert!(
            overview.contains(&format!("href=\"{path}\"")),
            "the menu links {path}"
        );
        let r = alice.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let body = r.text().await.unwrap();
        assert!(!body.contains("Page not found"), "{path}");
    }
}
