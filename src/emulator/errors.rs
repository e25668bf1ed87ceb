//! Auth0's two error shapes: the Management API's `{statusCode, error, message, errorCode?}` (SPEC §1.3)
//! and the Authentication API's OAuth `{error, error_description}` (SPEC §2.4).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

/// Auth0's `errorCode`s the tenant uses, by name (an injected fault names one).
pub fn known_code(code: &str) -> Option<&'static str> {
    const CODES: &[&str] = &[
        "conflict",
        "connection_conflict",
        "inexistent_client",
        "inexistent_client_grant",
        "inexistent_connection",
        "inexistent_invitation",
        "inexistent_resource_server",
        "inexistent_user",
        "insufficient_scope",
        "invalid_body",
        "invalid_paging",
        "invalid_query_string",
        "operation_not_supported",
        "organization_conflict",
        "too_many_entities",
        "too_many_requests",
    ];
    CODES.iter().find(|c| **c == code).copied()
}

/// A Management API error response.
#[derive(Debug, Clone)]
pub struct MgmtError {
    pub status: StatusCode,
    pub message: String,
    pub error_code: Option<&'static str>,
}

impl MgmtError {
    pub fn new(
        status: StatusCode,
        message: impl Into<String>,
        error_code: Option<&'static str>,
    ) -> Self {
        Self {
            status,
            message: message.into(),
            error_code,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message, Some("invalid_body"))
    }

    pub fn invalid_query(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            format!("Query validation error: {}", message.into()),
            Some("invalid_query_string"),
        )
    }

    pub fn not_found(message: impl Into<String>, error_code: Option<&'static str>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message, error_code)
    }

    pub fn conflict(message: impl Into<String>, error_code: Option<&'static str>) -> Self {
        Self::new(StatusCode::CONFLICT, message, error_code)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message, None)
    }

    /// The real wording (SPEC §1.3): `Insufficient scope, expected any of: a,b`.
    pub fn insufficient_scope(expected: &[&str]) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            format!(
                "Insufficient scope, expected any of: {}",
                expected.join(",")
            ),
            Some("insufficient_scope"),
        )
    }

    pub fn too_many_requests() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "Global limit has been reached",
            Some("too_many_requests"),
        )
    }

    pub fn body(&self) -> Value {
        let mut body = Map::new();
        body.insert("statusCode".into(), json!(self.status.as_u16()));
        body.insert(
            "error".into(),
            json!(self.status.canonical_reason().unwrap_or("Error")),
        );
        body.insert("message".into(), json!(self.message));
        if let Some(code) = self.error_code {
            body.insert("errorCode".into(), json!(code));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            body.insert("attributes".into(), json!({ "error": self.message }));
        }
        Value::Object(body)
    }
}

impl IntoResponse for MgmtError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

/// An Authentication API (OAuth) error response.
#[derive(Debug, Clone)]
pub struct OAuthError {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
}

impl OAuthError {
    pub fn new(status: u16, error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            error,
            description: description.into(),
        }
    }

    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(400, "invalid_request", description)
    }

    /// Wrong client credentials (SPEC §2.4, real: 401 `access_denied` / `Unauthorized`).
    pub fn bad_client() -> Self {
        Self::new(401, "access_denied", "Unauthorized")
    }

    pub fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new(403, "invalid_grant", description)
    }

    pub fn too_many_requests() -> Self {
        Self::new(
            429,
            "too_many_requests",
            "Rate limit exceeded. Please retry after some time.",
        )
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        (
            self.status,
            [(axum::http::header::CACHE_CONTROL, "no-store")],
            Json(json!({ "error": self.error, "error_description": self.description })),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_match_the_recorded_shapes() {
        let body = MgmtError::insufficient_scope(&["read:users", "read:current_user"]).body();
        assert_eq!(
            body,
            json!({"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any of: read:users,read:current_user","errorCode":"insufficient_scope"})
        );
        let body = MgmtError::not_found("No organization found by that id or name", None).body();
        assert!(body.get("errorCode").is_none());
        let body = MgmtError::unauthorized("Invalid token.").body();
        assert_eq!(body["attributes"]["error"], "Invalid token.");
    }
}
