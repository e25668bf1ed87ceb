//! Everything orgdesk sends to Auth0's Management API: one client, typed calls, typed errors.

pub mod client;
pub mod error;
pub mod members;
pub mod pacer;
pub mod paging;
pub mod resources;
pub mod tenant;
pub mod waiting;

pub use client::{ClientConfig, ManagementClient, RetryPolicy};
pub use error::ApiError;
pub use pacer::Budget;
