//! OpenID Connect sign-in with the `openidconnect` crate, plus the checks Auth0 organizations need:
//! RS256 only, a bounded `iat`, `azp`, and `org_id` present and equal to the organization asked for.
//! An unknown `kid` refetches the JWKS once (at most every 30 s) before giving up.

use std::time::{Duration, Instant};

use base64::Engine;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdTokenVerifier, CoreJsonWebKeySet,
    CoreJwsSigningAlgorithm, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, TokenResponse,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;

use crate::clock::Clock;
use std::sync::Arc;

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// How far `iat` may be from now: clocks drift a little, replays are old.
const IAT_FUTURE: Duration = Duration::from_secs(60);
const IAT_PAST: Duration = Duration::from_secs(600);
const JWKS_REFETCH_EVERY: Duration = Duration::from_secs(30);
/// The longest ID token lifetime Auth0 can be configured for (30 days): a token valid for longer
/// was not minted by Auth0 for this sign-in.
const EXP_MAX: Duration = Duration::from_secs(30 * 86_400 + 60);

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("the identity provider could not be reached: {0}")]
    Provider(String),
    #[error("the code exchange failed: {0}")]
    Exchange(String),
    #[error("the ID token was refused: {0}")]
    Token(String),
    #[error("the sign-in did not name the organization that was asked for")]
    Organization,
}

/// What orgdesk keeps between the redirect to Auth0 and the callback (in the pre-login session).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingLogin {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub organization: Option<String>,
    pub return_to: Option<String>,
    /// Started from an invitation link: the invitee is usually not an admin.
    #[serde(default)]
    pub invited: bool,
    /// A signed-in admin confirming it is them (step-up), not a new sign-in.
    #[serde(default)]
    pub step_up: bool,
}

/// The verified identity from the ID token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SignedIn {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub org_id: String,
    pub org_name: Option<String>,
    /// When the person last authenticated at the identity provider (`auth_time`), if it said.
    pub auth_time: Option<i64>,
    /// `amr` names `mfa`: a second factor was given in this sign-in.
    pub mfa: bool,
}

/// A person verified by the sign-up application's ID token (no organization).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Person {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub email_verified: bool,
}

pub struct Oidc {
    http: reqwest::Client,
    client_id: String,
    client_secret: SecretString,
    redirect: RedirectUrl,
    issuer: IssuerUrl,
    /// The provider metadata (with its JWKS) and when the JWKS was last refetched.
    metadata: RwLock<(CoreProviderMetadata, Option<Instant>)>,
    /// The process's clock: token times are judged by it (tests move it).
    clock: Arc<dyn Clock>,
}

#[derive(Deserialize)]
struct ExtraClaims {
    azp: Option<String>,
    org_id: Option<String>,
    org_name: Option<String>,
    auth_time: Option<i64>,
    #[serde(default)]
    amr: Vec<String>,
}

/// What a redirect asks of the identity provider besides a sign-in.
#[derive(Default)]
struct Ask<'a> {
    organization: Option<&'a str>,
    invitation: Option<&'a str>,
    screen_hint: Option<&'a str>,
    return_to: Option<String>,
    /// Sign in again as this person (step-up), with a second factor when true.
    again: Option<(&'a str, bool)>,
}

/// The `acr_values` entry that asks Auth0 for multi-factor authentication.
pub const MULTI_FACTOR: &str = "http://schemas.openid.net/pape/policies/2007/06/multi-factor";

impl Oidc {
    pub async fn discover(
        issuer: &str,
        client_id: &str,
        client_secret: SecretString,
        redirect_url: &str,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, SignInError> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| SignInError::Provider(e.to_string()))?;
        let issuer =
            IssuerUrl::new(issuer.to_string()).map_err(|e| SignInError::Provider(e.to_string()))?;
        let metadata = CoreProviderMetadata::discover_async(issuer.clone(), &http)
            .await
            .map_err(|e| SignInError::Provider(e.to_string()))?;
        Ok(Self {
            http,
            client_id: client_id.to_string(),
            client_secret,
            redirect: RedirectUrl::new(redirect_url.to_string())
                .map_err(|e| SignInError::Provider(e.to_string()))?,
            issuer,
            metadata: RwLock::new((metadata, None)),
            clock,
        })
    }

    async fn client(&self) -> Client {
        let metadata = self.metadata.read().await.0.clone();
        CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.client_id.clone()),
            Some(ClientSecret::new(
                self.client_secret.expose_secret().to_string(),
            )),
        )
        .set_redirect_uri(self.redirect.clone())
    }

    /// The URL to send the browser to, and what to remember until it comes back.
    pub async fn authorize_url(
        &self,
        organization: Option<&str>,
        invitation: Option<&str>,
        return_to: Option<String>,
    ) -> (String, PendingLogin) {
        self.authorize(Ask {
            organization,
            invitation,
            return_to,
            ..Ask::default()
        })
        .await
    }

    /// Signing in again, as `email` in `organization`, whatever session the provider has
    /// (`prompt=login`, `max_age=0`), with a second factor when `mfa` (step-up).
    pub async fn step_up_url(
        &self,
        organization: &str,
        email: &str,
        mfa: bool,
        return_to: Option<String>,
    ) -> (String, PendingLogin) {
        self.authorize(Ask {
            organization: Some(organization),
            return_to,
            again: Some((email, mfa)),
            ..Ask::default()
        })
        .await
    }

    /// The sign-up application's URL: no organization; Auth0's sign-up form first when asked
    /// (`screen_hint=signup`, the Universal Login's parameter).
    pub async fn signup_url(&self, signing_up: bool) -> (String, PendingLogin) {
        self.authorize(Ask {
            screen_hint: signing_up.then_some("signup"),
            ..Ask::default()
        })
        .await
    }

    async fn authorize(&self, ask: Ask<'_>) -> (String, PendingLogin) {
        let Ask {
            organization,
            invitation,
            screen_hint,
            return_to,
            again,
        } = ask;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let client = self.client().await;
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("profile".into()))
            .add_scope(Scope::new("email".into()))
            .set_pkce_challenge(challenge);
        if let Some(org) = organization {
            request = request.add_extra_param("organization", org);
        }
        if let Some(ticket) = invitation {
            request = request.add_extra_param("invitation", ticket);
        }
        if let Some(hint) = screen_hint {
            request = request.add_extra_param("screen_hint", hint);
        }
        if let Some((email, mfa)) = again {
            request = request
                .add_prompt(openidconnect::core::CoreAuthPrompt::Login)
                .set_max_age(Duration::ZERO)
                .add_extra_param("login_hint", email);
            if mfa {
                request = request.add_extra_param("acr_values", MULTI_FACTOR);
            }
        }
        let (url, state, nonce) = request.url();
        let pending = PendingLogin {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            organization: organization.map(String::from),
            return_to,
            invited: invitation.is_some(),
            step_up: again.is_some(),
        };
        (url.to_string(), pending)
    }

    fn now(&self) -> std::time::SystemTime {
        let ms = u64::try_from(self.clock.now_ms()).unwrap_or(0);
        std::time::SystemTime::UNIX_EPOCH + Duration::from_millis(ms)
    }

    fn verifier<'a>(&self, client: &'a Client) -> CoreIdTokenVerifier<'a> {
        let now = self.now();
        client
            .id_token_verifier()
            .set_time_fn(move || now.into())
            .set_allowed_algs(vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256])
            .set_issue_time_verifier_fn(move |iat| {
                let iat: std::time::SystemTime = iat.into();
                if iat > now + IAT_FUTURE {
                    Err("issued in the future".to_string())
                } else if iat + IAT_PAST < now {
                    Err("issued too long ago".to_string())
                } else {
                    Ok(())
                }
            })
    }

    /// Refetches the JWKS if it has not been refetched recently; true when it changed.
    async fn refresh_jwks(&self) -> bool {
        let mut guard = self.metadata.write().await;
        if guard.1.is_some_and(|at| at.elapsed() < JWKS_REFETCH_EVERY) {
            return false;
        }
        guard.1 = Some(Instant::now());
        let uri = guard.0.jwks_uri().clone();
        match CoreJsonWebKeySet::fetch_async(&uri, &self.http).await {
            Ok(keys) => {
                guard.0 = guard.0.clone().set_jwks(keys);
                true
            }
            Err(err) => {
                tracing::warn!(error = %err, "JWKS refetch failed");
                false
            }
        }
    }

    /// Exchanges the code (with the PKCE verifier) and verifies the ID token and its organization.
    pub async fn finish(
        &self,
        pending: &PendingLogin,
        code: &str,
    ) -> Result<SignedIn, SignInError> {
        let (person, extra) = self.verify(pending, code).await?;
        let org_id = extra
            .org_id
            .filter(|o| crate::server::ids::org(o))
            .ok_or(SignInError::Organization)?;
        if pending
            .organization
            .as_deref()
            .is_some_and(|asked| asked != org_id && Some(asked) != extra.org_name.as_deref())
        {
            return Err(SignInError::Organization);
        }
        Ok(SignedIn {
            user_id: person.user_id,
            name: person.name,
            email: person.email,
            org_id,
            org_name: extra.org_name,
            auth_time: extra.auth_time,
            mfa: extra.amr.iter().any(|m| m == "mfa"),
        })
    }

    /// As [`Self::finish`], for the sign-up application: the person, signed in to no organization
    /// (a token naming one is refused: that application denies organizations).
    pub async fn finish_person(
        &self,
        pending: &PendingLogin,
        code: &str,
    ) -> Result<Person, SignInError> {
        let (person, extra) = self.verify(pending, code).await?;
        if extra.org_id.is_some() {
            return Err(SignInError::Token(
                "a sign-up token names an organization".into(),
            ));
        }
        Ok(person)
    }

    async fn verify(
        &self,
        pending: &PendingLogin,
        code: &str,
    ) -> Result<(Person, ExtraClaims), SignInError> {
        let client = self.client().await;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| SignInError::Exchange(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| SignInError::Exchange(e.to_string()))?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| SignInError::Token("no ID token".into()))?;
        let nonce = Nonce::new(pending.nonce.clone());
        let claims = match id_token.claims(&self.verifier(&client), &nonce) {
            Ok(c) => c.clone(),
            Err(first) => {
                // A key rotated since discovery: fetch the keys once more and retry.
                if !self.refresh_jwks().await {
                    return Err(SignInError::Token(first.to_string()));
                }
                let refreshed = self.client().await;
                let verifier = self.verifier(&refreshed);
                let verified = id_token.claims(&verifier, &nonce).cloned();
                verified.map_err(|e| SignInError::Token(e.to_string()))?
            }
        };
        let expires: std::time::SystemTime = claims.expiration().into();
        if expires > self.now() + EXP_MAX {
            return Err(SignInError::Token("it expires too far ahead".into()));
        }
        // The userinfo answer must be about the same subject (OpenID Connect Core §5.3.2).
        let subject = claims.subject().clone();
        let _info: CoreUserInfoClaims = client
            .user_info(tokens.access_token().clone(), Some(subject))
            .map_err(|e| SignInError::Provider(e.to_string()))?
            .request_async(&self.http)
            .await
            .map_err(|e| SignInError::Token(format!("userinfo refused: {e}")))?;
        // The signature is verified above; read Auth0's extra claims from the same payload.
        let raw = id_token.to_string();
        let payload = raw
            .split('.')
            .nth(1)
            .ok_or_else(|| SignInError::Token("malformed".into()))?;
        let extra: ExtraClaims = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or_else(|| SignInError::Token("malformed claims".into()))?;
        if extra
            .azp
            .as_deref()
            .is_some_and(|azp| azp != self.client_id)
        {
            return Err(SignInError::Token("azp names another client".into()));
        }
        if !crate::server::ids::user(claims.subject().as_str()) {
            return Err(SignInError::Token("the subject is not a user id".into()));
        }
        let person = Person {
            user_id: claims.subject().to_string(),
            name: claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string())
                .unwrap_or_default(),
            email: claims.email().map(|e| e.to_string()).unwrap_or_default(),
            email_verified: claims.email_verified().unwrap_or(false),
        };
        Ok((person, extra))
    }

    pub fn issuer(&self) -> &str {
        self.issuer.as_str()
    }
}
