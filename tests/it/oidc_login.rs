//! Whole flows against the local tenant with the crates orgdesk itself uses: an OIDC login with
//! `openidconnect` (PKCE, state, nonce, organization), and client credentials with `oauth2`.

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};
use reqwest::StatusCode;
use url::Url;

use crate::helpers::tenant_login::hidden;
use crate::tenant::{
    claims, http, start, Tenant, ACME, API, GLOBEX, LOGIN_CLIENT, LOGIN_SECRET, PASSWORD,
};

const CALLBACK: &str = "http://127.0.0.1:3000/auth/callback";

fn query(location: &str, key: &str) -> Option<String> {
    Url::parse(location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

async fn sign_in(
    tenant: &Tenant,
    browser: &reqwest::Client,
    authorize_url: &str,
    email: &str,
) -> reqwest::Response {
    crate::helpers::tenant_login::submit_login(
        browser,
        &tenant.url(""),
        authorize_url,
        email,
        PASSWORD,
    )
    .await
}

async fn client(
    tenant: &Tenant,
) -> (
    CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    >,
    reqwest::Client,
) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let metadata = CoreProviderMetadata::discover_async(
        IssuerUrl::new(tenant.handle.issuer()).unwrap(),
        &http,
    )
    .await
    .expect("discovery");
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(LOGIN_CLIENT.into()),
        Some(ClientSecret::new(LOGIN_SECRET.into())),
    )
    .set_redirect_uri(RedirectUrl::new(CALLBACK.into()).unwrap());
    (client, http)
}

#[tokio::test]
async fn openidconnect_login_with_pkce_nonce_and_organization() {
    let tenant = start().await;
    let (client, http_client) = client(&tenant).await;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".into()))
        .add_scope(Scope::new("email".into()))
        .add_extra_param("organization", ACME)
        .set_pkce_challenge(challenge)
        .url();

    let browser = http();
    let done = sign_in(&tenant, &browser, url.as_str(), "alice@acme.example").await;
    assert_eq!(done.status(), StatusCode::FOUND);
    let location = done.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(CALLBACK), "{location}");
    assert_eq!(
        query(&location, "state").as_deref(),
        Some(state.secret().as_str())
    );
    let code = query(&location, "code").unwrap();

    let tokens = client
        .exchange_code(AuthorizationCode::new(code.clone()))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http_client)
        .await
        .expect("code exchange");
    let id_token = tokens.id_token().expect("an ID token");
    let verified = id_token
        .claims(&client.id_token_verifier(), &nonce)
        .expect("a valid ID token");
    assert_eq!(
        verified.email().map(|e| e.as_str()),
        Some("alice@acme.example")
    );
    let raw = claims(&id_token.to_string());
    assert_eq!(raw["org_id"], ACME);
    assert_eq!(raw["org_name"], "acme-travel");
    assert_eq!(raw["aud"], LOGIN_CLIENT);
    assert!(tokens.access_token().secret().len() > 20);

    // A code works once.
    let again = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .request_async(&http_client)
        .await;
    assert!(again.is_err());

    // The same browser is signed in now: prompt=none succeeds silently.
    let (url, _, _) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_extra_param("organization", ACME)
        .add_extra_param("prompt", "none")
        .url();
    let silent = browser.get(url.as_str()).send().await.unwrap();
    let location = silent.headers()["location"].to_str().unwrap().to_string();
    assert!(query(&location, "code").is_some(), "{location}");
}

#[tokio::test]
async fn a_user_in_several_organizations_picks_one_and_non_members_are_refused() {
    let tenant = start().await;
    let (client, _) = client(&tenant).await;
    let (url, _, _) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .url();
    let browser = http();
    let picker = sign_in(&tenant, &browser, url.as_str(), "carol@consult.example").await;
    assert_eq!(picker.status(), 200);
    let html = picker.text().await.unwrap();
    assert!(
        html.contains("Choose an organization")
            && html.contains("Acme Travel")
            && html.contains("Globex Tours")
    );
    let tx = hidden(&html, "tx");
    // Another browser cannot finish Carol's choice.
    let stranger = http()
        .post(tenant.url("/u/organization"))
        .form(&[("tx", tx.as_str()), ("organization", GLOBEX)])
        .send()
        .await
        .unwrap();
    assert_eq!(stranger.status(), 403);
    let chosen = browser
        .post(tenant.url("/u/organization"))
        .form(&[("tx", tx.as_str()), ("organization", GLOBEX)])
        .send()
        .await
        .unwrap();
    assert_eq!(chosen.status(), StatusCode::FOUND);

    // Bob is not in Globex: refused with Auth0's error redirect.
    let (url, _, _) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_extra_param("organization", GLOBEX)
        .url();
    let refused = sign_in(&tenant, &http(), url.as_str(), "bob@acme.example").await;
    let location = refused.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(query(&location, "error").as_deref(), Some("access_denied"));
}

#[tokio::test]
async fn authorize_errors_follow_auth0() {
    let tenant = start().await;
    let base = format!(
        "{}/authorize?response_type=code&client_id={LOGIN_CLIENT}&redirect_uri={CALLBACK}&scope=openid&state=s1",
        tenant.handle.base_url
    );
    let wrong_callback = http()
        .get(base.replace(CALLBACK, "https://evil.example/cb"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        wrong_callback.status(),
        400,
        "never redirect to an unregistered callback"
    );

    let none = http()
        .get(format!("{base}&prompt=none&organization={ACME}"))
        .send()
        .await
        .unwrap();
    let location = none.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(query(&location, "error").as_deref(), Some("login_required"));
    assert_eq!(query(&location, "state").as_deref(), Some("s1"));

    let unknown = http()
        .get(format!("{base}&organization=org_doesNotExist0001"))
        .send()
        .await
        .unwrap();
    let location = unknown.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(
        query(&location, "error").as_deref(),
        Some("invalid_request")
    );
}

#[tokio::test]
async fn oauth2_client_credentials_with_organization() {
    use oauth2::basic::BasicClient;
    use oauth2::{ClientId, ClientSecret, TokenUrl};

    let tenant = start().await;
    let bot = tenant.bot("require", false).await;
    let (s, _) = tenant
        .mgmt(
            reqwest::Method::POST,
            &format!("organizations/{ACME}/client-grants"),
            Some(serde_json::json!({"grant_id": bot.grant_id})),
        )
        .await;
    assert_eq!(s, 201);
    let client = BasicClient::new(ClientId::new(bot.client_id.clone()))
        .set_client_secret(ClientSecret::new(bot.secret.clone()))
        .set_token_uri(TokenUrl::new(tenant.url("/oauth/token")).unwrap());
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let token = client
        .exchange_client_credentials()
        .add_extra_param("audience", API)
        .add_extra_param("organization", ACME)
        .request_async(&http)
        .await
        .expect("a token for Acme");
    let c = claims(token.access_token().secret());
    assert_eq!(c["org_id"], ACME);
    assert_eq!(c["permissions"], serde_json::json!(["read:bookings"]));
    let refused = client
        .exchange_client_credentials()
        .add_extra_param("audience", API)
        .add_extra_param("organization", GLOBEX)
        .request_async(&http)
        .await;
    assert!(refused.is_err(), "Globex never granted this bot access");
}

#[tokio::test]
async fn an_invitee_signs_up_through_the_invitation_and_becomes_a_member_with_its_roles() {
    let tenant = start().await;
    let (s, inv) = tenant
        .mgmt(
            reqwest::Method::POST,
            &format!("organizations/{ACME}/invitations"),
            Some(serde_json::json!({"inviter": {"name": "Alice"}, "invitee": {"email": "dana@newhire.example"}, "client_id": LOGIN_CLIENT, "roles": ["rol_orgdeskMember001"]})),
        )
        .await;
    assert_eq!(s, 201, "{inv}");
    let ticket = inv["ticket_id"].as_str().unwrap();
    let url = format!(
        "{}/authorize?response_type=code&client_id={LOGIN_CLIENT}&redirect_uri={CALLBACK}&scope=openid&state=s&invitation={ticket}&organization={ACME}",
        tenant.handle.base_url
    );
    let browser = http();
    let page = browser
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Accept your invitation") && page.contains("dana@newhire.example"),
        "a sign-up form for the invitee"
    );
    let tx = hidden(&page, "tx");
    let done = browser
        .post(tenant.url("/u/login"))
        .form(&[
            ("tx", tx.as_str()),
            ("email", "dana@newhire.example"),
            ("password", "a-new-password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::FOUND);
    assert!(query(done.headers()["location"].to_str().unwrap(), "code").is_some());
    let (_, members) = tenant
        .get(&format!(
            "organizations/{ACME}/members?fields=user_id,email,roles"
        ))
        .await;
    let dana = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "dana@newhire.example")
        .expect("a member now");
    assert_eq!(
        dana["roles"],
        serde_json::json!([{"id": "rol_orgdeskMember001", "name": "member"}])
    );
    // The invitation is used up.
    let again = http().get(&url).send().await.unwrap();
    assert_eq!(
        query(again.headers()["location"].to_str().unwrap(), "error").as_deref(),
        Some("invalid_request")
    );
}
