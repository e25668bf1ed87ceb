//! axum's extractors, refusing with a problem document instead of plain text: a body that is not
//! JSON, too large, or not the documented shape; a query or a path that does not parse.

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use super::problem::Problem;

/// The largest body the automation API reads (its bodies are a few hundred bytes).
pub const MAX_BODY: usize = 16 * 1024;

fn refused(status: StatusCode, text: String, request_id: Option<String>) -> Problem {
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "too-large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
        _ => "invalid",
    };
    // axum's words name the field and what was expected; control characters are not echoed.
    let text: String = text.chars().filter(|c| !c.is_control()).take(300).collect();
    let status = if status == StatusCode::UNPROCESSABLE_ENTITY {
        StatusCode::BAD_REQUEST
    } else {
        status
    };
    Problem::new(status, code, text).with_request_id(request_id.as_deref())
}

fn request_id(parts: &Parts) -> Option<String> {
    crate::server::http::web::request_id_of(&parts.headers)
}

/// A JSON body, read but parsed only when the handler asks (`parse`): after the caller was
/// authenticated and authorized, so a stranger learns nothing from how their body was judged.
pub struct Json<T> {
    bytes: axum::body::Bytes,
    json: bool,
    _type: std::marker::PhantomData<T>,
}

impl<T: DeserializeOwned> Json<T> {
    pub fn parse(self, request_id: Option<&str>) -> Result<T, Problem> {
        let rid = request_id.map(String::from);
        if !self.json {
            return Err(refused(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Send the body as JSON, with `Content-Type: application/json`.".into(),
                rid,
            ));
        }
        serde_json::from_slice(&self.bytes).map_err(|e| {
            refused(
                StatusCode::BAD_REQUEST,
                format!("The body is not the documented JSON: {e}"),
                rid,
            )
        })
    }
}

impl<T: Send, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let rid = crate::server::http::web::request_id_of(req.headers());
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim().to_ascii_lowercase();
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            });
        match axum::body::Bytes::from_request(req, state).await {
            Ok(bytes) => Ok(Json {
                bytes,
                json,
                _type: std::marker::PhantomData,
            }),
            Err(e) => Err(refused(e.status(), e.body_text(), rid)),
        }
    }
}

/// A query string, parsed only when the handler asks (see `Json`).
pub struct Query<T> {
    raw: Option<String>,
    _type: std::marker::PhantomData<T>,
}

impl<T: DeserializeOwned> Query<T> {
    pub fn parse(self, request_id: Option<&str>) -> Result<T, Problem> {
        serde_urlencoded::from_str(self.raw.as_deref().unwrap_or_default()).map_err(|e| {
            refused(
                StatusCode::BAD_REQUEST,
                format!("The query is not as documented: {e}"),
                request_id.map(String::from),
            )
        })
    }
}

impl<T: Send, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        Ok(Query {
            raw: parts.uri.query().map(String::from),
            _type: std::marker::PhantomData,
        })
    }
}

pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(e) => {
                let e: PathRejection = e;
                Err(refused(e.status(), e.body_text(), request_id(parts)))
            }
        }
    }
}
