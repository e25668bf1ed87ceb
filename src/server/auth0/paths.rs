//! Every Management API path orgdesk calls, relative to `/api/v2/`, built in one place: ids from
//! anywhere are escaped into their segment here, once.

/// Percent-escapes one path segment (`auth0|abc` → `auth0%7Cabc`).
pub fn seg(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

pub const CLIENTS: &str = "clients";
pub const CLIENT_GRANTS: &str = "client-grants";
pub const ORGANIZATIONS: &str = "organizations";
pub const RESOURCE_SERVERS: &str = "resource-servers";
pub const ROLES: &str = "roles";
pub const LOGS: &str = "logs";
pub const USERS_BY_EMAIL: &str = "users-by-email";

pub fn client(client_id: &str) -> String {
    format!("clients/{}", seg(client_id))
}

pub fn client_rotate_secret(client_id: &str) -> String {
    format!("clients/{}/rotate-secret", seg(client_id))
}

pub fn client_grant(grant_id: &str) -> String {
    format!("client-grants/{}", seg(grant_id))
}

pub fn organization(org_id: &str) -> String {
    format!("organizations/{}", seg(org_id))
}

pub fn organization_client_grants(org_id: &str) -> String {
    format!("organizations/{}/client-grants", seg(org_id))
}

pub fn organization_client_grant(org_id: &str, grant_id: &str) -> String {
    format!(
        "organizations/{}/client-grants/{}",
        seg(org_id),
        seg(grant_id)
    )
}

pub fn members(org_id: &str) -> String {
    format!("organizations/{}/members", seg(org_id))
}

pub fn member_roles(org_id: &str, user_id: &str) -> String {
    format!(
        "organizations/{}/members/{}/roles",
        seg(org_id),
        seg(user_id)
    )
}

pub fn invitations(org_id: &str) -> String {
    format!("organizations/{}/invitations", seg(org_id))
}

pub fn invitation(org_id: &str, id: &str) -> String {
    format!("organizations/{}/invitations/{}", seg(org_id), seg(id))
}

pub fn user_organizations(user_id: &str) -> String {
    format!("users/{}/organizations", seg(user_id))
}

// What `orgdesk setup` reads and writes besides the above.

pub const CONNECTIONS: &str = "connections";

/// By id or by (escaped) identifier: Auth0 answers both.
pub fn resource_server(id_or_identifier: &str) -> String {
    format!("resource-servers/{}", seg(id_or_identifier))
}

pub fn role(role_id: &str) -> String {
    format!("roles/{}", seg(role_id))
}

pub fn organization_by_name(name: &str) -> String {
    format!("organizations/name/{}", seg(name))
}

pub fn organization_connections(org_id: &str) -> String {
    format!("organizations/{}/enabled_connections", seg(org_id))
}

pub fn connection_clients(connection_id: &str) -> String {
    format!("connections/{}/clients", seg(connection_id))
}

pub fn client_credentials(client_id: &str) -> String {
    format!("clients/{}/credentials", seg(client_id))
}

pub fn client_credential(client_id: &str, credential_id: &str) -> String {
    format!(
        "clients/{}/credentials/{}",
        seg(client_id),
        seg(credential_id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_escaped_into_one_segment() {
        assert_eq!(seg("auth0|abc"), "auth0%7Cabc");
        assert_eq!(seg("a b/c"), "a%20b%2Fc");
        assert_eq!(
            member_roles("org_1", "auth0|x"),
            "organizations/org_1/members/auth0%7Cx/roles"
        );
        assert_eq!(client("../x"), "clients/..%2Fx");
    }
}
