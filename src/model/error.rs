//! The one error type that crosses the wire: a kind, a message safe to show, and the request id to quote.

use crate::model::wire::TextJsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What went wrong, in terms the user can act on. Each kind has one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorKind {
    /// The input was refused; the message says which field and why.
    Invalid,
    /// Not signed in, or the session ended.
    Unauthenticated,
    /// Signed in, but this change wants a recent sign-in (step-up): sign in again, then it goes on.
    Reauthenticate,
    /// Signed in, but not allowed.
    Forbidden,
    /// The object does not exist, or is not this organization's.
    NotFound,
    /// The change collides with the current state.
    Conflict,
    /// Too many requests; try again later.
    RateLimited,
    /// An upstream service (Auth0) failed or timed out; safe to retry.
    Unavailable,
    /// A bug or an unexpected failure on our side.
    Internal,
    /// The browser could not reach orgdesk.
    Network,
}

impl ErrorKind {
    /// The HTTP status for this kind. Exhaustive on purpose: a new kind must choose its status.
    pub fn status_code(self) -> u16 {
        match self {
            ErrorKind::Invalid => 400,
            ErrorKind::Unauthenticated => 401,
            ErrorKind::Reauthenticate => 401,
            ErrorKind::Forbidden => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::Conflict => 409,
            ErrorKind::RateLimited => 429,
            ErrorKind::Unavailable => 503,
            ErrorKind::Internal => 500,
            ErrorKind::Network => 503,
        }
    }

    /// Whether trying the same thing again later may succeed.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            ErrorKind::RateLimited | ErrorKind::Unavailable | ErrorKind::Network
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub kind: ErrorKind,
    /// Safe to show: never a secret, a token, or an upstream error body.
    pub message: String,
    /// The id of the request that failed, for support.
    pub request_id: Option<String>,
}

impl AppError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            request_id: None,
        }
    }

    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }

    pub fn status_code(&self) -> u16 {
        self.kind.status_code()
    }
}

/// A request orgdesk cannot read: 400, not the 500 the framework would answer, saying what did not
/// fit (the decoder's reason, e.g. "missing field `client_id`", without its position).
fn malformed(reason: &str) -> AppError {
    #[cfg(feature = "ssr")]
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::BAD_REQUEST);
    }
    let reason = reason.split(" at line ").next().unwrap_or_default().trim();
    // The reason can quote the value sent: a short excerpt is enough to find it.
    let reason: String = match reason.char_indices().nth(120) {
        Some((cut, _)) => format!("{}…", &reason[..cut]),
        None => reason.to_string(),
    };
    if reason.is_empty() {
        AppError::new(ErrorKind::Invalid, "The request was malformed.")
    } else {
        AppError::new(
            ErrorKind::Invalid,
            format!("The request was malformed: {reason}."),
        )
    }
}

impl FromServerFnError for AppError {
    type Encoder = TextJsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) => AppError::new(
                ErrorKind::Network,
                "orgdesk could not be reached. Check your connection and try again.",
            ),
            ServerFnErrorErr::Args(reason) | ServerFnErrorErr::MissingArg(reason) => {
                malformed(&reason)
            }
            // On the server, the only thing decoded is the request: a body that does not fit.
            ServerFnErrorErr::Deserialization(reason) if cfg!(feature = "ssr") => {
                malformed(&reason)
            }
            ServerFnErrorErr::Registration(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_)
            | ServerFnErrorErr::ServerError(_)
            | ServerFnErrorErr::MiddlewareError(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::Serialization(_)
            | ServerFnErrorErr::Response(_) => {
                AppError::new(ErrorKind::Internal, "Something went wrong on our side.")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_client_or_server_error_status() {
        let kinds = [
            ErrorKind::Invalid,
            ErrorKind::Unauthenticated,
            ErrorKind::Forbidden,
            ErrorKind::NotFound,
            ErrorKind::Conflict,
            ErrorKind::RateLimited,
            ErrorKind::Unavailable,
            ErrorKind::Internal,
            ErrorKind::Network,
        ];
        for kind in kinds {
            assert!((400..600).contains(&kind.status_code()), "{kind:?}");
        }
        assert_eq!(ErrorKind::NotFound.status_code(), 404);
        assert!(ErrorKind::RateLimited.is_retryable());
        assert!(!ErrorKind::Forbidden.is_retryable());
    }

    #[test]
    fn transport_failures_become_network_errors_without_internals() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Request(
            "connection refused at 10.0.0.1".into(),
        ));
        assert_eq!(err.kind, ErrorKind::Network);
        assert!(!err.message.contains("10.0.0.1"));
    }
}
