//! The Management API v2 subset orgdesk uses, behind a client-credentials bearer token with scopes.

pub mod api_log;
pub mod auth;
pub mod body;
pub mod client_credentials;
pub mod client_grants;
pub mod clients;
pub mod connections;
pub mod credentials;
pub mod invitations;
pub mod logs;
pub mod members;
pub mod org_client_grants;
pub mod org_connections;
pub mod organizations;
pub mod resource_servers;
pub mod role_permissions;
pub mod role_users;
pub mod roles;
pub mod strategies;
pub mod tenant_settings;
pub mod users;
pub mod validation;

use std::sync::Arc;

use axum::routing::{delete, get, post};
use axum::Router;

use super::Emulator;

pub fn routes() -> Router<Arc<Emulator>> {
    Router::new()
        .merge(application_routes())
        .merge(organization_routes())
        .merge(directory_routes())
        .merge(connection_routes())
}

/// Connections, the clients they serve and the organizations that use them.
fn connection_routes() -> Router<Arc<Emulator>> {
    Router::new()
        .route(
            "/api/v2/connections",
            get(connections::list).post(connections::create),
        )
        .route(
            "/api/v2/connections/{id}",
            get(connections::get)
                .patch(connections::update)
                .delete(connections::delete),
        )
        .route(
            "/api/v2/connections/{id}/clients",
            get(connections::clients).patch(connections::update_clients),
        )
        .route(
            "/api/v2/clients/{id}/connections",
            get(connections::of_client),
        )
        .route(
            "/api/v2/organizations/{id}/enabled_connections",
            get(org_connections::list).post(org_connections::add),
        )
        .route(
            "/api/v2/organizations/{id}/enabled_connections/{connection_id}",
            get(org_connections::get)
                .patch(org_connections::update)
                .delete(org_connections::remove),
        )
}

/// Clients, their grants and the APIs they are granted.
fn application_routes() -> Router<Arc<Emulator>> {
    Router::new()
        .route("/api/v2/clients", get(clients::list).post(clients::create))
        .route(
            "/api/v2/clients/{id}",
            get(clients::get)
                .patch(clients::update)
                .delete(clients::delete),
        )
        .route(
            "/api/v2/clients/{id}/rotate-secret",
            post(clients::rotate_secret),
        )
        .route(
            "/api/v2/clients/{id}/credentials",
            get(client_credentials::list).post(client_credentials::create),
        )
        .route(
            "/api/v2/clients/{id}/credentials/{credential_id}",
            get(client_credentials::get)
                .patch(client_credentials::update)
                .delete(client_credentials::delete),
        )
        .route(
            "/api/v2/client-grants",
            get(client_grants::list).post(client_grants::create),
        )
        .route(
            "/api/v2/client-grants/{id}",
            get(client_grants::get)
                .patch(client_grants::update)
                .delete(client_grants::delete),
        )
        .route(
            "/api/v2/client-grants/{id}/organizations",
            get(client_grants::organizations),
        )
        .route(
            "/api/v2/resource-servers",
            get(resource_servers::list_resource_servers)
                .post(resource_servers::create_resource_server),
        )
        .route(
            "/api/v2/resource-servers/{id}",
            get(resource_servers::get_resource_server)
                .patch(resource_servers::update_resource_server)
                .delete(resource_servers::delete_resource_server),
        )
}

/// Organizations, their members, invitations and client grants.
fn organization_routes() -> Router<Arc<Emulator>> {
    Router::new()
        .route(
            "/api/v2/organizations",
            get(organizations::list).post(organizations::create),
        )
        .route(
            "/api/v2/organizations/name/{name}",
            get(organizations::get_by_name),
        )
        .route(
            "/api/v2/organizations/{id}",
            get(organizations::get)
                .patch(organizations::update)
                .delete(organizations::delete),
        )
        .route(
            "/api/v2/organizations/{id}/client-grants",
            get(org_client_grants::list).post(org_client_grants::associate),
        )
        .route(
            "/api/v2/organizations/{id}/client-grants/{grant_id}",
            delete(org_client_grants::remove),
        )
        .route(
            "/api/v2/organizations/{id}/members",
            get(members::list)
                .post(members::add)
                .delete(members::remove),
        )
        .route(
            "/api/v2/organizations/{id}/members/{user_id}/roles",
            get(members::list_roles)
                .post(members::assign_roles)
                .delete(members::remove_roles),
        )
        .route(
            "/api/v2/organizations/{id}/invitations",
            get(invitations::list).post(invitations::create),
        )
        .route(
            "/api/v2/organizations/{id}/invitations/{invitation_id}",
            get(invitations::get).delete(invitations::delete),
        )
}

/// Roles, users and the tenant's logs.
fn directory_routes() -> Router<Arc<Emulator>> {
    Router::new()
        .route(
            "/api/v2/roles",
            get(roles::list_roles).post(roles::create_role),
        )
        .route(
            "/api/v2/roles/{id}",
            get(roles::get_role)
                .patch(roles::update_role)
                .delete(roles::delete_role),
        )
        .route(
            "/api/v2/roles/{id}/permissions",
            get(role_permissions::list)
                .post(role_permissions::add)
                .delete(role_permissions::remove),
        )
        .route(
            "/api/v2/roles/{id}/users",
            get(role_users::list).post(role_users::assign),
        )
        .route(
            "/api/v2/tenants/settings",
            get(tenant_settings::get).patch(tenant_settings::update),
        )
        .route("/api/v2/users", post(users::create_user))
        .route(
            "/api/v2/users/{id}",
            get(users::get_user)
                .patch(users::update_user)
                .delete(users::delete_user),
        )
        .route(
            "/api/v2/users/{id}/roles",
            get(users::user_roles)
                .post(users::assign_user_roles)
                .delete(users::remove_user_roles),
        )
        .route("/api/v2/users-by-email", get(users::users_by_email))
        .route(
            "/api/v2/users/{id}/organizations",
            get(users::user_organizations),
        )
        .route("/api/v2/logs", get(logs::list))
        .route("/api/v2/logs/{id}", get(logs::get))
}
