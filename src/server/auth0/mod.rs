//! Everything orgdesk sends to Auth0's Management API: one client, typed calls, typed errors.

pub mod client;
pub mod error;
pub mod paging;
pub mod resources;

pub use client::{ClientConfig, ManagementClient, RetryPolicy};
pub use error::ApiError;
