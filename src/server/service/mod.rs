//! Business rules. Everything that changes something upstream takes a `Permit`.

pub mod bots;
pub mod journal;

use sqlx::SqlitePool;

use super::auth0::{ApiError, ManagementClient};
use super::identity::Identity;

/// What services need: the store, the Management API, the vendor's rules, the issuer.
pub struct Ctx<'a> {
    pub db: &'a SqlitePool,
    pub mgmt: &'a ManagementClient,
    pub identity: &'a Identity,
    pub issuer: &'a str,
    pub request_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// Not there, or not this organization's (the same answer, so nothing leaks).
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Upstream(#[from] ApiError),
    #[error("store: {0}")]
    Store(#[from] sqlx::Error),
}

pub fn invalid(field: &'static str, message: impl Into<String>) -> ServiceError {
    ServiceError::Invalid {
        field,
        message: message.into(),
    }
}
