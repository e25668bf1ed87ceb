//! A bot's key credentials (`/api/v2/clients/{id}/credentials`, `private_key_jwt`): public keys Auth0
//! keeps, at most two per client, put into use by naming them in the client's
//! `client_authentication_methods`. A client with keys in use no longer takes its secret.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::client::{from_body, gone_is_done, ManagementClient};
use super::error::ApiError;
use super::paths;

/// `client_assertion_type` of a `private_key_jwt` token request (RFC 7523).
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Auth0 keeps at most two credentials per client: room for one rotation.
pub const MAX_KEYS: usize = 2;

/// A public key credential as Auth0 answers it (never the key itself).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct KeyCredential {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// The key's RFC 7638 thumbprint: what a signed assertion's header names.
    #[serde(default)]
    pub kid: Option<String>,
    #[serde(default)]
    pub alg: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub expires_at: Option<String>,
}

#[derive(Debug, Serialize)]
struct NewKey<'a> {
    credential_type: &'static str,
    name: &'a str,
    pem: &'a str,
    alg: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<&'a str>,
}

/// The client's keys in use and how it authenticates, from `GET /clients/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
struct AuthMethods {
    #[serde(default)]
    client_authentication_methods: Option<serde_json::Value>,
}

impl ManagementClient {
    /// Every key credential the client holds, in use or not.
    pub async fn key_credentials(&self, client_id: &str) -> Result<Vec<KeyCredential>, ApiError> {
        self.get(&paths::client_credentials(client_id), &[]).await
    }

    /// The ids of the keys the client authenticates with (empty: it uses its secret).
    pub async fn keys_in_use(&self, client_id: &str) -> Result<Vec<String>, ApiError> {
        let methods: AuthMethods = self
            .get(
                &paths::client(client_id),
                &[
                    ("fields", "client_authentication_methods".into()),
                    ("include_fields", "true".into()),
                ],
            )
            .await?;
        Ok(methods
            .client_authentication_methods
            .as_ref()
            .and_then(|m| m.pointer("/private_key_jwt/credentials"))
            .and_then(serde_json::Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|c| c.get("id").and_then(serde_json::Value::as_str))
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Stores a public key for the client (not yet in use).
    pub async fn add_key_credential(
        &self,
        client_id: &str,
        name: &str,
        pem: &str,
        expires_at: Option<&str>,
    ) -> Result<KeyCredential, ApiError> {
        let body = NewKey {
            credential_type: "public_key",
            name,
            pem,
            alg: "RS256",
            expires_at,
        };
        from_body(
            self.send_json(Method::POST, &paths::client_credentials(client_id), &body)
                .await?,
        )
    }

    /// Makes exactly these keys the client's way to authenticate (its secret stops working).
    pub async fn use_keys(&self, client_id: &str, ids: &[String]) -> Result<(), ApiError> {
        let credentials: Vec<_> = ids.iter().map(|id| json!({ "id": id })).collect();
        let body = json!({
            "token_endpoint_auth_method": null,
            "client_authentication_methods": { "private_key_jwt": { "credentials": credentials } },
        });
        self.send(Method::PATCH, &paths::client(client_id), &[], Some(&body))
            .await
            .map(|_| ())
    }

    /// Deletes a key credential (it must be out of use); one already gone counts as deleted.
    pub async fn delete_key_credential(
        &self,
        client_id: &str,
        credential_id: &str,
    ) -> Result<(), ApiError> {
        gone_is_done(
            self.send(
                Method::DELETE,
                &paths::client_credential(client_id, credential_id),
                &[],
                None,
            )
            .await,
        )
    }
}
