//! Everything orgdesk sends to Auth0's Management API: one client (`client.rs`: token, retries, rate
//! limits), one file per Auth0 resource with its typed requests and answers, and every path built
//! in `paths.rs`.

pub mod client;
pub mod client_grants;
pub mod clients;
pub mod error;
pub mod invitations;
pub mod logs;
pub mod members;
pub mod organizations;
pub mod pacer;
pub mod paging;
pub mod paths;
pub mod resource_servers;
pub mod roles;
pub mod users;
pub mod waiting;

pub use client::{ClientConfig, ManagementClient, RetryPolicy};
pub use error::ApiError;
pub use pacer::Budget;
