//! What can go wrong talking to Auth0, typed, so services decide without reading messages.

use std::time::Duration;

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ApiError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {message}")]
    Conflict { message: String },
    /// 400 or 403: the request was refused; retrying it unchanged will not help.
    #[error("refused ({status}, {code:?}): {message}")]
    Refused {
        status: u16,
        code: Option<String>,
        message: String,
    },
    /// Still rate limited after the retries the budget allows.
    #[error("rate limited by Auth0")]
    RateLimited { retry_after: Option<Duration> },
    /// 5xx, after retries where retrying was safe.
    #[error("Auth0 answered {status}")]
    Upstream { status: u16 },
    #[error("Auth0 did not answer in time")]
    Timeout,
    #[error("cannot reach Auth0: {0}")]
    Transport(String),
    /// The Management API refused orgdesk's own credentials.
    #[error("Auth0 refused orgdesk's Management API credentials: {0}")]
    Credentials(String),
    #[error("unexpected answer from Auth0: {0}")]
    Decode(String),
    /// An id that would change the path it is put in; nothing was sent.
    #[error("an id that is not valid for a Management API path")]
    InvalidId,
}

impl ApiError {
    /// Whether the user can simply try again later.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ApiError::RateLimited { .. }
                | ApiError::Upstream { .. }
                | ApiError::Timeout
                | ApiError::Transport(_)
        )
    }
}
