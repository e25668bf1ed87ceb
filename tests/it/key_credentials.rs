//! `private_key_jwt` on the local tenant: public keys kept through `/clients/{id}/credentials`, put
//! into use through `client_authentication_methods`, and signed assertions at `/oauth/token`
//! checked as Auth0 checks them.

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use reqwest::Method;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::RsaPrivateKey;
use serde_json::{json, Value};

use crate::tenant::{start, TenantApi, API};

struct KeyPair {
    private_pem: String,
    public_pem: String,
}

fn key_pair() -> KeyPair {
    let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    KeyPair {
        private_pem: key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
        public_pem: key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap(),
    }
}

fn assertion(key: &KeyPair, client_id: &str, audience: &str, jti: &str, exp_in: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let claims = json!({"iss": client_id, "sub": client_id, "aud": audience,
        "iat": now, "exp": now + exp_in, "jti": jti});
    encode(
        &Header::new(Algorithm::RS256),
        &claims,
        &EncodingKey::from_rsa_pem(key.private_pem.as_bytes()).unwrap(),
    )
    .unwrap()
}

async fn token_with(tenant: &TenantApi, client_id: &str, signed: &str) -> (u16, Value) {
    let (s, body) = tenant
        .token(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", signed),
            ("audience", API),
        ])
        .await;
    (s.as_u16(), body)
}

#[tokio::test]
async fn a_bot_rotates_to_a_new_key_without_downtime() {
    let tenant = start().await;
    let admin = tenant.admin_token().await;
    let bot = tenant.bot("deny", false).await;
    let issuer = tenant.url("/");
    let path = format!("clients/{}/credentials", bot.client_id);
    let (old, new) = (key_pair(), key_pair());

    // Kept but not used until the client lists it.
    let (s, first) = tenant
        .mgmt_as(
            &admin,
            Method::POST,
            &path,
            Some(
                json!({"credential_type": "public_key", "name": "2026 key", "pem": old.public_pem}),
            ),
        )
        .await;
    assert_eq!(s, 201, "{first}");
    assert!(first.get("pem").is_none(), "a key is never answered back");
    let (s, body) = token_with(
        &tenant,
        &bot.client_id,
        &assertion(&old, &bot.client_id, &issuer, "a1", 60),
    )
    .await;
    assert_eq!(s, 401, "not in use yet: {body}");

    let use_keys = |ids: Vec<&Value>| json!({"client_authentication_methods": {"private_key_jwt": {"credentials": ids.into_iter().map(|id| json!({"id": id})).collect::<Vec<_>>()}}});
    let (s, client) = tenant
        .mgmt_as(
            &admin,
            Method::PATCH,
            &format!("clients/{}", bot.client_id),
            Some(use_keys(vec![&first["id"]])),
        )
        .await;
    assert_eq!(s, 200, "{client}");
    let (s, body) = token_with(
        &tenant,
        &bot.client_id,
        &assertion(&old, &bot.client_id, &issuer, "a2", 60),
    )
    .await;
    assert_eq!(s, 200, "{body}");

    // Once keys are in use, the secret no longer authenticates the client.
    let (s, _) = tenant
        .client_token(&bot.client_id, &bot.secret, API, None)
        .await;
    assert_eq!(s, 401);

    // An assertion is used once, for this tenant, unexpired, signed by a key in use.
    let again = assertion(&old, &bot.client_id, &issuer, "a2", 60);
    assert_eq!(
        token_with(&tenant, &bot.client_id, &again).await.0,
        401,
        "replayed jti"
    );
    let elsewhere = assertion(&old, &bot.client_id, "https://other.example/", "a3", 60);
    assert_eq!(
        token_with(&tenant, &bot.client_id, &elsewhere).await.0,
        401,
        "wrong audience"
    );
    let stale = assertion(&old, &bot.client_id, &issuer, "a4", -120);
    assert_eq!(
        token_with(&tenant, &bot.client_id, &stale).await.0,
        401,
        "expired"
    );
    let unknown = assertion(&new, &bot.client_id, &issuer, "a5", 60);
    assert_eq!(
        token_with(&tenant, &bot.client_id, &unknown).await.0,
        401,
        "a key not kept"
    );

    // Rotation: add the new key, use both, then only the new; the old one can then go.
    let (s, second) = tenant
        .mgmt_as(
            &admin,
            Method::POST,
            &path,
            Some(json!({"credential_type": "public_key", "pem": new.public_pem})),
        )
        .await;
    assert_eq!(s, 201);
    let (s, _) = tenant
        .mgmt_as(
            &admin,
            Method::POST,
            &path,
            Some(json!({"credential_type": "public_key", "pem": key_pair().public_pem})),
        )
        .await;
    assert_eq!(s, 400, "Auth0 keeps two credentials per client");
    tenant
        .mgmt_as(
            &admin,
            Method::PATCH,
            &format!("clients/{}", bot.client_id),
            Some(use_keys(vec![&first["id"], &second["id"]])),
        )
        .await;
    let via_new = assertion(
        &new,
        &bot.client_id,
        &format!("{issuer}oauth/token"),
        "b1",
        60,
    );
    assert_eq!(
        token_with(&tenant, &bot.client_id, &via_new).await.0,
        200,
        "the token endpoint is an audience too"
    );
    let old_id = first["id"].as_str().unwrap();
    let (s, _) = tenant
        .mgmt_as(&admin, Method::DELETE, &format!("{path}/{old_id}"), None)
        .await;
    assert_eq!(s, 400, "still in use: take it out of the method first");
    tenant
        .mgmt_as(
            &admin,
            Method::PATCH,
            &format!("clients/{}", bot.client_id),
            Some(use_keys(vec![&second["id"]])),
        )
        .await;
    let (s, _) = tenant
        .mgmt_as(&admin, Method::DELETE, &format!("{path}/{old_id}"), None)
        .await;
    assert_eq!(s, 204);
    let by_old = assertion(&old, &bot.client_id, &issuer, "c1", 60);
    assert_eq!(
        token_with(&tenant, &bot.client_id, &by_old).await.0,
        401,
        "the old key is gone"
    );

    // An expiry is enforced.
    let second_id = second["id"].as_str().unwrap();
    let (s, dated) = tenant
        .mgmt_as(
            &admin,
            Method::PATCH,
            &format!("{path}/{second_id}"),
            Some(json!({"expires_at": "2020-01-01T00:00:00+02:00"})),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(dated["expires_at"], "2019-12-31T22:00:00.000Z");
    let late = assertion(&new, &bot.client_id, &issuer, "c2", 60);
    assert_eq!(
        token_with(&tenant, &bot.client_id, &late).await.0,
        401,
        "expired credential"
    );
    let (_, listed) = tenant.mgmt_as(&admin, Method::GET, &path, None).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
}
