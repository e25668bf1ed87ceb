//! Server functions: the browser's only door into the server. Each is a public endpoint, kept thin.

pub mod apps;
pub mod audit;
pub mod bots;
pub mod desk;
pub mod invitations;
pub mod members;
pub mod onboarding;
pub mod organization;
pub mod reviews;
pub mod status;
pub mod support;
pub mod webhooks;

/// Server functions that change something (at Auth0 or in orgdesk's store). The rest only read.
/// Changes have their own, tighter rate budget; a test checks every registered function is listed
/// here or in `READS`.
pub const CHANGES: &[&str] = &[
    "bots/register",
    "bots/rotate",
    "bots/rename",
    "bots/delete",
    "bots/grant",
    "bots/scopes",
    "bots/revoke",
    "bots/test-token",
    "bots/test-key",
    "bots/key-add",
    "bots/key-remove",
    "approvals/decide",
    "bots/owner",
    "bots/restore",
    "organization/policy",
    "reviews/start",
    "reviews/decide",
    "members/role",
    "members/remove",
    "invitations/create",
    "invitations/revoke",
    "invitations/resend",
    "apps/publish",
    "apps/unpublish",
    "apps/install",
    "apps/decline",
    "apps/uninstall",
    "organization/update",
    "organization/leave",
    "organization/delete",
    "webhooks/create",
    "webhooks/delete",
    "webhooks/resume",
];

pub const READS: &[&str] = &[
    "me",
    "joined",
    "onboarding",
    "organization/settings",
    "desk",
    "service_status",
    "queue",
    "bots/list",
    "bots/get",
    "approvals/list",
    "organization/policy-get",
    "reviews/page",
    "members/list",
    "members/search",
    "invitations/list",
    "audit/list",
    "webhooks/list",
    "apps/desk",
    "apps/listing",
    "support/orgs",
    "support/org",
    "support/reports/open-grants",
    "support/reports/grants-per-api",
    "support/reports/idle-bots",
    "support/reports/access-requests",
    "support/reports/credential-policy",
    "support/reports/access-reviews",
    "support/reports/drift",
    "support/reports/apps",
];

/// Whether a request path is a change: a server function in `CHANGES`, or any other non-GET route
/// (sign-out).
pub fn is_change(path: &str) -> bool {
    match path.strip_prefix("/api/") {
        Some(name) => !READS.contains(&name),
        None => true,
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn every_server_function_is_a_read_or_a_change() {
        let mut registered: Vec<String> = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path.trim_start_matches("/api/").to_string())
            .collect();
        registered.sort();
        let mut listed: Vec<String> = CHANGES.iter().chain(READS).map(|s| s.to_string()).collect();
        listed.sort();
        assert_eq!(registered, listed);
        assert!(CHANGES.iter().all(|c| !READS.contains(c)));
    }

    #[test]
    fn only_reads_are_not_changes() {
        assert!(!is_change("/api/members/list"));
        assert!(is_change("/api/members/role"));
        assert!(is_change("/api/anything-new"));
        assert!(is_change("/logout"));
    }
}
