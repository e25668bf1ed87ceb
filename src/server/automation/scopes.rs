//! The scopes of orgdesk's own API: what an admin grants an automation bot, in the desk.

pub const BOTS_READ: &str = "bots:read";
pub const BOTS_WRITE: &str = "bots:write";
pub const MEMBERS_READ: &str = "members:read";
pub const MEMBERS_WRITE: &str = "members:write";
pub const AUDIT_READ: &str = "audit:read";
pub const GOVERNANCE_READ: &str = "governance:read";
pub const APPS_READ: &str = "apps:read";
pub const APPS_WRITE: &str = "apps:write";

/// Every scope, with what it allows (the descriptions `orgdesk setup` gives the tenant).
pub const DESCRIBED: &[(&str, &str)] = &[
    (
        BOTS_READ,
        "Read the organization's bots and their API access",
    ),
    (
        BOTS_WRITE,
        "Register, rename, rotate and delete bots; grant and revoke their API access",
    ),
    (
        MEMBERS_READ,
        "Read the organization's members, their roles and invitations",
    ),
    (
        MEMBERS_WRITE,
        "Change members' roles, remove members, send and revoke invitations",
    ),
    (AUDIT_READ, "Read the organization's audit log"),
    (
        GOVERNANCE_READ,
        "Read the credential policy, pending approvals and access reviews",
    ),
    (
        APPS_READ,
        "Read the apps the organization publishes and installed",
    ),
    (
        APPS_WRITE,
        "Publish and unpublish apps; install and uninstall others' apps",
    ),
];

pub const ALL: &[&str] = &[
    BOTS_READ,
    BOTS_WRITE,
    MEMBERS_READ,
    MEMBERS_WRITE,
    AUDIT_READ,
    GOVERNANCE_READ,
    APPS_READ,
    APPS_WRITE,
];

#[cfg(test)]
mod tests {
    #[test]
    fn the_seed_defines_every_scope_as_described() {
        let seed = crate::emulator::seed::Seed::travel0().unwrap();
        let api = seed
            .resource_servers
            .iter()
            .find(|r| r.identifier == crate::server::identity::demo::ORGDESK_API)
            .unwrap();
        let scopes: Vec<(&str, &str)> = api
            .scopes
            .iter()
            .map(|s| (s.value.as_str(), s.description.as_str()))
            .collect();
        assert_eq!(scopes, super::DESCRIBED);
        let names: Vec<&str> = super::DESCRIBED.iter().map(|d| d.0).collect();
        assert_eq!(names, super::ALL);
    }
}
