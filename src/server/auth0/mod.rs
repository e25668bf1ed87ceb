//! Everything orgdesk sends to Auth0's Management API: one client (`client.rs`: token, retries, rate
//! limits), one file per Auth0 resource with its typed requests and answers, and every path built
//! in `paths.rs`.

pub mod client;
pub mod client_grants;
pub mod clients;
pub mod credentials;
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

/// The Management API scopes orgdesk's own application needs, and no more: what `orgdesk setup` grants
/// it (the Travel0 seed grants the same; a test keeps the two equal).
pub const SCOPES: &[&str] = &[
    "read:organizations",
    "create:organizations",
    "update:organizations",
    "delete:organizations",
    "create:organization_connections",
    "read:organization_members",
    "create:organization_members",
    "delete:organization_members",
    "read:organization_member_roles",
    "create:organization_member_roles",
    "delete:organization_member_roles",
    "read:organization_invitations",
    "create:organization_invitations",
    "delete:organization_invitations",
    "read:organization_client_grants",
    "create:organization_client_grants",
    "delete:organization_client_grants",
    "read:clients",
    "create:clients",
    "update:clients",
    "delete:clients",
    "read:client_keys",
    "update:client_keys",
    "read:client_credentials",
    "create:client_credentials",
    "update:client_credentials",
    "delete:client_credentials",
    "read:client_grants",
    "create:client_grants",
    "update:client_grants",
    "delete:client_grants",
    "read:roles",
    "read:resource_servers",
    "read:users",
    "read:logs",
];
