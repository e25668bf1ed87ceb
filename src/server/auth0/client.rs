//! The one Management API client: a cached client-credentials token (via `oauth2`), redirects off,
//! timeouts, and retries — on 429 honouring `x-ratelimit-reset`, on 5xx and timeouts only for
//! idempotent calls.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use oauth2::basic::BasicClient;
use oauth2::{AuthType, ClientId, ClientSecret, TokenResponse, TokenUrl};
use rand::Rng;
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::Mutex;

use super::error::ApiError;
use super::pacer::{Budget, Pacer, Queue};
use super::waiting::Waiting;
use crate::clock::{Clock, SystemClock};

/// How long a request may expect to wait for the budget before it is refused, nothing done (inside a
/// server call's 60 s, with room for its own calls). Twenty admins acting at once on the free plan wait
/// about 15–25 s each: the rate limit itself, not something to fail them over.
pub const DEFAULT_MAX_QUEUE: Duration = Duration::from_secs(40);

/// How the client retries; tests shrink the waits.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub base_backoff: Duration,
    /// The longest single wait for a rate limit to reset; past it the call fails as rate limited.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_backoff: Duration::from_millis(250),
            max_wait: Duration::from_secs(10),
        }
    }
}

pub struct ClientConfig {
    /// `https://tenant.example.auth0.com/` (with the trailing slash) or the local tenant's issuer.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: SecretString,
    pub timeout: Duration,
    pub retry: RetryPolicy,
}

struct CachedToken {
    value: SecretString,
    refresh_at: Instant,
}

pub struct ManagementClient {
    http: reqwest::Client,
    base: String,
    audience: String,
    oauth: BasicClient<
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointSet,
    >,
    token: Mutex<Option<CachedToken>>,
    retry: RetryPolicy,
    /// Calls that reached Auth0, token requests included (for benchmarks and metrics).
    pub calls: AtomicU64,
    pub token_fetches: AtomicU64,
    /// Calls by kind and the time spent waiting for Auth0's answers (benchmarks).
    pub reads: AtomicU64,
    pub writes: AtomicU64,
    pub upstream: Waiting,
    /// Answers that were 429 (the budget should keep this at zero).
    pub throttled: AtomicU64,
    pacer: Arc<Pacer>,
    clock: Arc<dyn Clock>,
}

fn idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE
    )
}

/// Whether Auth0 said no request remains in the bucket until the reset.
fn exhausted(headers: &reqwest::header::HeaderMap) -> bool {
    headers
        .get("x-ratelimit-remaining")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() == "0")
}

/// Seconds until `x-ratelimit-reset` (Unix seconds) from `now_ms`, if the header is there.
fn reset_wait(headers: &reqwest::header::HeaderMap, now_ms: i64) -> Option<Duration> {
    let reset: u64 = headers
        .get("x-ratelimit-reset")?
        .to_str()
        .ok()?
        .parse()
        .ok()?;
    let now = now_ms as f64 / 1000.0;
    Some(Duration::from_secs_f64((reset as f64 - now).max(0.0)))
}

impl ManagementClient {
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.timeout)
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| ApiError::Transport(e.to_string()))?;
        let token_url = TokenUrl::new(format!("{}oauth/token", config.issuer))
            .map_err(|e| ApiError::Transport(format!("invalid issuer: {e}")))?;
        let oauth = BasicClient::new(ClientId::new(config.client_id))
            .set_client_secret(ClientSecret::new(
                config.client_secret.expose_secret().to_string(),
            ))
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(token_url);
        Ok(Self {
            http,
            base: format!("{}api/v2/", config.issuer),
            audience: format!("{}api/v2/", config.issuer),
            oauth,
            token: Mutex::new(None),
            retry: config.retry,
            calls: AtomicU64::new(0),
            token_fetches: AtomicU64::new(0),
            reads: AtomicU64::new(0),
            writes: AtomicU64::new(0),
            upstream: Waiting::default(),
            throttled: AtomicU64::new(0),
            pacer: Arc::new(Pacer::new(None, DEFAULT_MAX_QUEUE)),
            clock: Arc::new(SystemClock),
        })
    }

    /// Reads the tenant's wall-clock answers (`x-ratelimit-reset`) against this clock: the process's
    /// one clock, which tests move.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Paces calls to `budget` (the tenant's Management API rate limit); a change that would wait
    /// longer than `max_queue` to start is refused before it does anything.
    pub fn with_budget(mut self, budget: Option<Budget>, max_queue: Duration) -> Self {
        self.pacer = Arc::new(Pacer::new(budget, max_queue));
        self
    }

    /// The Management API queue as the desk shows it.
    pub fn queue(&self) -> Queue {
        self.pacer.queue()
    }

    /// The cached token, or a new one. Concurrent callers wait for one fetch instead of each fetching.
    async fn token(&self, stale: Option<&str>) -> Result<SecretString, ApiError> {
        let mut cached = self.token.lock().await;
        if let Some(t) = cached.as_ref() {
            let rejected = stale.is_some_and(|s| s == t.value.expose_secret());
            if !rejected && Instant::now() < t.refresh_at {
                return Ok(t.value.clone());
            }
        }
        self.token_fetches.fetch_add(1, Ordering::Relaxed);
        self.calls.fetch_add(1, Ordering::Relaxed);
        let response = self
            .oauth
            .exchange_client_credentials()
            .add_extra_param("audience", &self.audience)
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                oauth2::RequestTokenError::ServerResponse(r) => {
                    ApiError::Credentials(r.error().to_string())
                }
                oauth2::RequestTokenError::Request(e) => ApiError::Transport(e.to_string()),
                other => ApiError::Decode(other.to_string()),
            })?;
        let lifetime = response.expires_in().unwrap_or(Duration::from_secs(3600));
        // Refresh a minute early (or at 90 % of a short lifetime) so no call carries an expiring token.
        let margin = Duration::from_secs(60).min(lifetime / 10);
        let value = SecretString::from(response.access_token().secret().clone());
        *cached = Some(CachedToken {
            value: value.clone(),
            refresh_at: Instant::now() + lifetime - margin,
        });
        Ok(value)
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.retry.base_backoff.saturating_mul(1 << attempt.min(6));
        base + Duration::from_millis(
            rand::thread_rng().gen_range(0..=base.as_millis().max(1) as u64 / 4),
        )
    }

    /// One Management API call. `path` is relative to `/api/v2/`, already escaped.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Option<Value>, ApiError> {
        refuse_traversal(path)?;
        let url = format!("{}{}", self.base, path);
        let mut token = self.token(None).await?;
        let mut refreshed = false;
        let mut attempt = 0;
        loop {
            let outcome = self.once(&method, &url, &token, query, body).await?;
            let step = match outcome {
                Ok(response) => {
                    self.answered(&method, path, response, attempt, refreshed)
                        .await
                }
                Err(err) => self.failed(&method, path, &err, attempt),
            };
            match step {
                Step::Done(result) => return result,
                Step::Refresh => {
                    // The cached token was revoked or expired early: one fresh token, one more try.
                    refreshed = true;
                    token = self.token(Some(token.expose_secret())).await?;
                    continue;
                }
                Step::Retry(wait) => {
                    tracing::debug!(%method, path, attempt, wait_ms = wait.as_millis() as u64, "retrying a Management API call");
                    tokio::time::sleep(wait).await;
                }
            }
            attempt += 1;
        }
    }

    /// One request on the wire, after its turn at the pacer; counted for the metrics.
    async fn once(
        &self,
        method: &Method,
        url: &str,
        token: &SecretString,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Result<reqwest::Response, reqwest::Error>, ApiError> {
        let queued = Instant::now();
        self.pacer
            .acquire()
            .await
            .map_err(|wait| ApiError::RateLimited {
                retry_after: Some(wait),
            })?;
        let waited = queued.elapsed();
        if waited >= Duration::from_millis(1) {
            crate::server::metrics::METRICS.rate_limit_wait(waited);
        }
        self.calls.fetch_add(1, Ordering::Relaxed);
        if *method == Method::GET {
            self.reads.fetch_add(1, Ordering::Relaxed);
        } else {
            self.writes.fetch_add(1, Ordering::Relaxed);
        }
        let waiting = self.upstream.start();
        let mut request = self
            .http
            .request(method.clone(), url)
            .bearer_auth(token.expose_secret())
            .query(query);
        if let Some(b) = body {
            request = request.json(b);
        }
        let outcome = request.send().await;
        drop(waiting);
        Ok(outcome)
    }

    /// What an answer means: a result, a retry after a wait (429 honouring the reset, 5xx for
    /// idempotent calls), or one token refresh after a 401.
    async fn answered(
        &self,
        method: &Method,
        path: &str,
        response: reqwest::Response,
        attempt: u32,
        refreshed: bool,
    ) -> Step {
        let status = response.status();
        let metrics = &crate::server::metrics::METRICS;
        if exhausted(response.headers()) || status == StatusCode::TOO_MANY_REQUESTS {
            // Every queued call waits for the reset, not only this one.
            if let Some(wait) = reset_wait(response.headers(), self.clock.now_ms()) {
                self.pacer.hold((Instant::now() + wait).into());
            }
        }
        metrics.upstream(method.as_str(), path, status.as_u16());
        if status == StatusCode::UNAUTHORIZED && !refreshed {
            return Step::Refresh;
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            self.throttled.fetch_add(1, Ordering::Relaxed);
            let wait = reset_wait(response.headers(), self.clock.now_ms())
                .unwrap_or_else(|| self.backoff(attempt));
            if attempt >= self.retry.max_retries || wait > self.retry.max_wait {
                return Step::Done(Err(ApiError::RateLimited {
                    retry_after: Some(wait),
                }));
            }
            metrics.rate_limit_wait(wait);
            return Step::Retry(wait + Duration::from_millis(rand::thread_rng().gen_range(0..100)));
        }
        if status.is_server_error() {
            if !idempotent(method) || attempt >= self.retry.max_retries {
                return Step::Done(Err(ApiError::Upstream {
                    status: status.as_u16(),
                }));
            }
            return Step::Retry(self.backoff(attempt));
        }
        Step::Done(decode(status, response).await)
    }

    /// A call that got no answer: retried with backoff when repeating it is harmless.
    fn failed(&self, method: &Method, path: &str, err: &reqwest::Error, attempt: u32) -> Step {
        crate::server::metrics::METRICS.upstream(method.as_str(), path, 0);
        let failure = if err.is_timeout() {
            ApiError::Timeout
        } else {
            ApiError::Transport(without_url(err))
        };
        if !idempotent(method) || attempt >= self.retry.max_retries {
            return Step::Done(Err(failure));
        }
        Step::Retry(self.backoff(attempt))
    }

    /// A call with a typed body (each resource's request bodies are structs in its own file).
    pub async fn send_json<B: serde::Serialize>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<Option<Value>, ApiError> {
        let body = serde_json::to_value(body).map_err(|e| ApiError::Decode(e.to_string()))?;
        self.send(method, path, &[], Some(&body)).await
    }

    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ApiError> {
        let value = self
            .send(Method::GET, path, query, None)
            .await?
            .unwrap_or(Value::Null);
        serde_json::from_value(value).map_err(|e| ApiError::Decode(e.to_string()))
    }
}

/// reqwest errors name the URL; orgdesk's URLs hold no secrets, but keep messages short anyway.
fn without_url(err: &reqwest::Error) -> String {
    let text = err.to_string();
    text.split(" for url").next().unwrap_or(&text).to_string()
}

async fn decode(
    status: StatusCode,
    response: reqwest::Response,
) -> Result<Option<Value>, ApiError> {
    let bytes = response
        .bytes()
        .await
        .map_err(|e| ApiError::Transport(without_url(&e)))?;
    let body: Option<Value> = if bytes.is_empty() {
        None
    } else {
        serde_json::from_slice(&bytes).ok()
    };
    if status.is_success() {
        if !bytes.is_empty() && body.is_none() {
            return Err(ApiError::Decode("the body is not JSON".into()));
        }
        return Ok(body);
    }
    let field = |k: &str| {
        body.as_ref()
            .and_then(|b| b.get(k))
            .and_then(Value::as_str)
            .map(String::from)
    };
    let message = field("message")
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_string());
    Err(match status {
        StatusCode::NOT_FOUND => ApiError::NotFound,
        StatusCode::CONFLICT => ApiError::Conflict { message },
        StatusCode::UNAUTHORIZED => ApiError::Credentials(message),
        s => ApiError::Refused {
            status: s.as_u16(),
            code: field("errorCode"),
            message,
        },
    })
}

/// An answer's body as `T` (an empty answer reads as `null`).
pub(super) fn from_body<T: DeserializeOwned>(value: Option<Value>) -> Result<T, ApiError> {
    serde_json::from_value(value.unwrap_or(Value::Null))
        .map_err(|e| ApiError::Decode(e.to_string()))
}

/// A delete whose object is already gone has done its job.
pub(super) fn gone_is_done<T>(result: Result<T, ApiError>) -> Result<(), ApiError> {
    match result {
        Ok(_) | Err(ApiError::NotFound) => Ok(()),
        Err(e) => Err(e),
    }
}

/// A read of one object: `None` when Auth0 has no such object.
pub fn absent_is_none<T>(result: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
    match result {
        Ok(found) => Ok(Some(found)),
        Err(ApiError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// What to do after one attempt of a call.
enum Step {
    Done(Result<Option<Value>, ApiError>),
    Retry(Duration),
    Refresh,
}

/// Ids are checked where they enter and escaped into segments; this is the last line: no segment
/// may be one a URL parser would resolve away (`..` would turn `users/../organizations` into
/// `GET /organizations`).
fn refuse_traversal(path: &str) -> Result<(), ApiError> {
    let segments = path.split('?').next().unwrap_or_default().split('/');
    if segments.clone().any(crate::server::ids::traverses) {
        tracing::warn!(path = %crate::server::text::escaped(path), "refused a Management API path with a dot or empty segment");
        return Err(ApiError::InvalidId);
    }
    Ok(())
}
