//! Refusals made before a request reaches a handler (cross-site, too large, too many): server calls get
//! the JSON error the browser code understands, everything else a small page.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use crate::model::{AppError, ErrorKind};

pub fn refuse(path: &str, status: StatusCode, kind: ErrorKind, message: &str) -> Response {
    if path.starts_with("/api/") {
        let body = serde_json::to_string(&AppError::new(kind, message)).unwrap_or_default();
        return (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response();
    }
    page(status, kind, message)
}

/// The small refusal page (for everything but server calls).
fn page(status: StatusCode, kind: ErrorKind, message: &str) -> Response {
    let title = match kind {
        ErrorKind::RateLimited => "Too many requests",
        ErrorKind::Forbidden => "Not allowed",
        ErrorKind::Unavailable => "Taking too long",
        _ => "Request refused",
    };
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} · orgdesk</title><link rel=\"stylesheet\" href=\"/pkg/orgdesk.css\"></head><body><main class=\"container main\">\
<section class=\"error-page\"><h1>{title}</h1><p role=\"alert\">{}</p><p><a class=\"btn\" href=\"/\">Back to the overview</a></p>\
</section></main></body></html>",
        crate::html::escape(message)
    );
    (status, Html(body)).into_response()
}

/// A 429 with `Retry-After` in whole seconds (at least 1).
pub fn too_many(path: &str, retry_after_ms: u64) -> Response {
    let secs = retry_after_ms.div_ceil(1000).max(1);
    let message = format!(
        "You are going faster than orgdesk allows. Nothing was changed by the refused request; wait {secs} second{} and try again.",
        if secs == 1 { "" } else { "s" }
    );
    let mut response = refuse(
        path,
        StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::RateLimited,
        &message,
    );
    if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The most of a refusal's body read back to name its request id (orgdesk's own are a few hundred bytes).
const MAX_REFUSAL_BODY: usize = 16 * 1024;

/// Every refusal a server call gets is the JSON error the browser code reads, naming the request it
/// answers, whoever made it: a handler, a guard (cross-site, rate limit, body limit), the framework (a
/// body that does not decode, a GET) or the deadline. Closes the class at one place, not per refusal.
/// Called by the outermost layer below compression (`http::deadline`) with what it kept of the
/// request: whether it was a server call (`/api/`) and its request id.
pub async fn named(call: bool, request_id: Option<HeaderValue>, response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    if !call {
        // A page or form post refused by a layer with a bare status (the body limit, the deadline)
        // would show a blank or plain-text page: it gets the small refusal page instead.
        let bare = !response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
        let layered = matches!(
            status,
            StatusCode::METHOD_NOT_ALLOWED
                | StatusCode::REQUEST_TIMEOUT
                | StatusCode::PAYLOAD_TOO_LARGE
        );
        if bare && layered {
            let error = unread(status);
            return page(status, error.kind, &error.message);
        }
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_REFUSAL_BODY)
        .await
        .unwrap_or_default();
    let mut error = serde_json::from_slice::<AppError>(&bytes).unwrap_or_else(|_| unread(status));
    if error.request_id.is_none() {
        error.request_id = request_id.and_then(|v| v.to_str().ok().map(str::to_owned));
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let body = serde_json::to_string(&error).unwrap_or_default();
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// What a refusal without an orgdesk error body (a bare status from a layer) means to the person.
/// Only the server-call paths take every status here; a page takes 405, 408 and 413.
fn unread(status: StatusCode) -> AppError {
    let too_large = format!(
        "The request is too large: orgdesk reads at most {} KB.",
        crate::server::http::MAX_BODY / 1024
    );
    let (kind, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (ErrorKind::Invalid, too_large.as_str()),
        StatusCode::METHOD_NOT_ALLOWED => (
            ErrorKind::Invalid,
            "This address does not take that kind of request (server calls and forms are POSTs).",
        ),
        StatusCode::NOT_FOUND => (ErrorKind::NotFound, "There is no such server call."),
        StatusCode::REQUEST_TIMEOUT => (
            ErrorKind::Unavailable,
            "orgdesk took too long to answer. Reload the page to see where things stand before trying again.",
        ),
        s if s.is_server_error() => (ErrorKind::Internal, "Something went wrong on our side."),
        _ => (ErrorKind::Invalid, "The request was refused."),
    };
    AppError::new(kind, message)
}
