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
    let title = match kind {
        ErrorKind::RateLimited => "Too many requests",
        ErrorKind::Forbidden => "Not allowed",
        _ => "Request refused",
    };
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} · orgdesk</title><link rel=\"stylesheet\" href=\"/pkg/orgdesk.css\"></head><body><main class=\"container main\">\
<section class=\"error-page\"><h1>{title}</h1><p role=\"alert\">{}</p><p><a class=\"btn\" href=\"/\">Back to the overview</a></p>\
</section></main></body></html>",
        crate::server::html::escape(message)
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
