//! Every refusal and failure of the automation API as an RFC 9457 problem document
//! (`application/problem+json`), naming the request it answers. Service errors are put in the
//! caller's words exactly as the desk puts them; the cause stays in the server log.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::server::auth0::ApiError;
use crate::server::policy::Denied;
use crate::server::service::ServiceError;
use crate::server::text::escaped;

/// A refusal or failure, answered as a problem document (boxed: it travels in every `Result`).
#[derive(Debug, Clone)]
pub struct Problem(Box<Document>);

/// A problem document.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Problem)]
pub struct Document {
    /// Names the kind of problem; its anchor on the API reference page explains it.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What happened, in words for the person reading the pipeline's log.
    pub detail: String,
    /// The request this answers: quote it when asking the vendor why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The input field at fault, for a 400.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip)]
    challenge: Option<String>,
    #[serde(skip)]
    retry_after: Option<u64>,
}

/// Every problem type: its code, status, and what it means (the reference page lists them).
pub const KINDS: &[(&str, u16, &str)] = &[
    ("invalid", 400, "The request is not as documented or breaks a rule; `field` names the input at fault."),
    ("idempotency-key", 400, "A create was sent without a valid Idempotency-Key header."),
    ("unauthenticated", 401, "No token, or one that is malformed, expired, foreign-signed, for another API, not a machine token, or names no organization."),
    ("fresh-token-needed", 401, "A sensitive change wants a token issued in the last minutes: ask Auth0 for a new one and send the request again."),
    ("insufficient-scope", 403, "The token does not carry the operation's scope, or the grant of it was revoked."),
    ("own-api", 403, "Access to orgdesk's own API is granted by an admin in the desk, not through the API."),
    ("forbidden", 403, "The caller may not do this."),
    ("not-found", 404, "Not there, or not the token's organization's: the same answer, so nothing leaks."),
    ("method-not-allowed", 405, "The path does not take that method."),
    ("conflict", 409, "It collides with the organization's state (a name taken, access already granted, the last admin)."),
    ("consent-mismatch", 409, "An install's consent does not name exactly the API and scopes the app asks for now; nothing was installed."),
    ("busy", 409, "Another change to the organization's admins is under way; try again in a moment."),
    ("idempotency-in-progress", 409, "A request with the same Idempotency-Key is still under way."),
    ("too-large", 413, "The body is larger than 16 KiB."),
    ("unsupported-media-type", 415, "The body is not JSON."),
    ("idempotency-key-reused", 422, "The Idempotency-Key was used before for a different request."),
    ("rate-limited", 429, "This caller is going faster than orgdesk allows; Retry-After says when to try again."),
    ("timeout", 408, "orgdesk did not finish in time; send the request again (with the same Idempotency-Key for a create)."),
    ("internal", 500, "A failure on orgdesk's side; quote the request id."),
    ("upstream-unavailable", 503, "Auth0 did not answer in time; nothing was left half-done."),
    ("upstream-rate-limited", 503, "Auth0's rate limit is taken up; Retry-After says when to try again."),
];

/// Where problem types are explained (anchors of the reference page).
pub const TYPES: &str = "/developers/api#problem-";

impl Problem {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Problem(Box::new(Document {
            kind: format!("{TYPES}{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            request_id: None,
            field: None,
            challenge: None,
            retry_after: None,
        }))
    }

    pub fn status(&self) -> u16 {
        self.0.status
    }

    pub fn with_request_id(mut self, id: Option<&str>) -> Self {
        self.0.request_id = id.map(String::from);
        self
    }

    /// RFC 6750: no token, or one that does not verify.
    pub fn unauthenticated(detail: &str, invalid: bool) -> Self {
        let mut p = Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", detail);
        p.0.challenge = Some(if invalid {
            format!(
                "Bearer realm=\"orgdesk\", error=\"invalid_token\", error_description=\"{}\"",
                detail.replace(['"', '\\'], "'")
            )
        } else {
            "Bearer realm=\"orgdesk\"".into()
        });
        p
    }

    /// RFC 6750: the token lacks the operation's scope.
    pub fn insufficient_scope(scope: &str) -> Self {
        let mut p = Problem::new(
            StatusCode::FORBIDDEN,
            "insufficient-scope",
            format!("This operation needs the `{scope}` scope, which the token does not carry."),
        );
        p.0.challenge = Some(format!(
            "Bearer realm=\"orgdesk\", error=\"insufficient_scope\", scope=\"{scope}\""
        ));
        p
    }

    pub fn not_found(what: &str) -> Self {
        Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("{what} does not exist here."),
        )
    }

    pub fn invalid(field: Option<&str>, detail: impl Into<String>) -> Self {
        let mut p = Problem::new(StatusCode::BAD_REQUEST, "invalid", detail);
        p.0.field = field.map(String::from);
        p
    }

    pub fn rate_limited(wait_ms: u64) -> Self {
        let secs = wait_ms.div_ceil(1000).max(1);
        let mut p = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            format!(
                "This caller is going faster than orgdesk allows. Nothing was done; wait {secs} s."
            ),
        );
        p.0.retry_after = Some(secs);
        p
    }

    /// A refusal by policy, in the caller's words (the denial itself is audited by the caller).
    pub fn denied(denied: Denied) -> Self {
        match denied {
            Denied::OtherOrganization => Problem::not_found("That organization"),
            Denied::NotAdmin | Denied::NotSupport => Problem::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "This caller may not do that.",
            ),
            Denied::Unchecked(err) => Problem::service(ServiceError::Upstream(err), None),
        }
    }

    /// A service's error, as the desk words it; upstream causes are logged under the request id.
    pub fn service(err: ServiceError, request_id: Option<&str>) -> Self {
        let p = match &err {
            ServiceError::Invalid { field, message } => Problem::invalid(Some(field), message.clone()),
            ServiceError::NotFound => Problem::not_found("That bot"),
            ServiceError::Missing(what) => Problem::not_found(what),
            ServiceError::Busy => Problem::new(
                StatusCode::CONFLICT,
                "busy",
                "Another change to this organization's admins is in progress. Try again in a moment.",
            ),
            ServiceError::Conflict(m) => Problem::new(StatusCode::CONFLICT, "conflict", m.clone()),
            ServiceError::StepUp => {
                let mut p = Problem::new(
                    StatusCode::UNAUTHORIZED,
                    "fresh-token-needed",
                    "This change is sensitive: ask Auth0 for a new token and send it again. Nothing was changed.",
                );
                p.0.challenge = Some(
                    "Bearer realm=\"orgdesk\", error=\"insufficient_user_authentication\", error_description=\"a recently issued token is needed\"".into(),
                );
                p
            }
            ServiceError::Upstream(ApiError::RateLimited { retry_after }) => {
                let mut p = Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "upstream-rate-limited",
                    "Auth0's rate limit is taken up right now. Nothing was left half-done; try again.",
                );
                p.0.retry_after = Some(retry_after.map_or(60, |d| d.as_secs().max(1)));
                p
            }
            ServiceError::Upstream(ApiError::Upstream { .. } | ApiError::Timeout | ApiError::Transport(_)) => {
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "upstream-unavailable",
                    "Auth0 did not complete the change. Nothing was left half-done; try again.",
                )
            }
            ServiceError::Upstream(ApiError::NotFound) => Problem::not_found("That object"),
            ServiceError::Upstream(ApiError::InvalidId) => Problem::invalid(None, "That id is not valid."),
            ServiceError::Upstream(ApiError::Refused { status: 400, .. }) => {
                Problem::invalid(None, "Auth0 did not accept that. Check what was sent.")
            }
            ServiceError::Upstream(ApiError::Conflict { .. }) => Problem::new(
                StatusCode::CONFLICT,
                "conflict",
                "Auth0 says that already exists or collides with something there.",
            ),
            ServiceError::Upstream(ApiError::Refused { .. } | ApiError::Credentials(_) | ApiError::Decode(_))
            | ServiceError::Store(_) => Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on orgdesk's side.",
            ),
        };
        if p.status() >= 500 {
            tracing::error!(error = %escaped(&err.to_string()), request_id = request_id.unwrap_or("-"), "automation API request failed");
        }
        p.with_request_id(request_id)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let this = *self.0;
        let status = StatusCode::from_u16(this.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_string(&this).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(v) = this.challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            headers.insert(header::WWW_AUTHENTICATE, v);
        }
        if let Some(secs) = this.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// A refusal made outside the API's handlers with a bare status (the outer body limit, the
/// deadline) becomes a problem document too; the API's own answers pass as they are.
pub fn bare(request_id: Option<HeaderValue>, response: Response) -> Response {
    let status = response.status();
    let problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if problem || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (code, detail) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ("too-large", "The body is larger than orgdesk reads."),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "orgdesk did not finish in time; what was asked may or may not have happened. Send it again with the same Idempotency-Key."),
        StatusCode::TOO_MANY_REQUESTS => ("rate-limited", "Too many requests from this address."),
        _ => ("internal", "The request was refused."),
    };
    let rid = request_id.as_ref().and_then(|v| v.to_str().ok());
    let mut answer = Problem::new(status, code, detail)
        .with_request_id(rid)
        .into_response();
    for name in [header::RETRY_AFTER] {
        if let Some(v) = response.headers().get(&name) {
            answer.headers_mut().insert(name, v.clone());
        }
    }
    answer
}
