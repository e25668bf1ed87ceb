//! Who may do what. `authorize` returns a `Permit`, and every service that changes anything upstream
//! takes one, so a forgotten check does not compile. An admin may act only on their own organization;
//! before every change the admin role is read again, live, so a revoked admin is locked out at once.

use super::auth::{Role, SessionUser};
use super::auth0::{ApiError, ManagementClient};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read the organization's bots, grants and members.
    View,
    /// Register, rename, rotate, delete bots; grant and revoke API access.
    ManageBots,
    /// Change members' roles, remove members, invite and revoke invitations.
    ManageMembers,
    /// Publish and unpublish the organization's apps; install and uninstall others' apps.
    ManageApps,
}

impl Action {
    fn changes_anything(self) -> bool {
        matches!(
            self,
            Action::ManageBots | Action::ManageMembers | Action::ManageApps
        )
    }
}

/// Whether someone holding `actor_roles` may give (or take away) `role`: only roles the vendor lets
/// customers assign, and never one above the giver's own. The admin role is the top customer role,
/// so an admin may give any assignable role; anyone else only a role they hold themselves.
pub fn may_grant(
    actor_roles: &[String],
    role: &str,
    assignable: &[String],
    admin_role: &str,
) -> bool {
    assignable.iter().any(|r| r == role)
        && (actor_roles.iter().any(|r| r == admin_role) || actor_roles.iter().any(|r| r == role))
}

/// Proof that `user_id` may do `action` on `org_id`. Only `authorize` makes one.
#[derive(Debug, Clone)]
pub struct Permit {
    org_id: String,
    user_id: String,
    actor_name: String,
    action: Action,
    /// The actor's role ids as read live for a change (empty for views).
    roles: Vec<String>,
}

impl Permit {
    pub fn org_id(&self) -> &str {
        &self.org_id
    }
    pub fn user_id(&self) -> &str {
        &self.user_id
    }
    pub fn actor_name(&self) -> &str {
        &self.actor_name
    }
    pub fn action(&self) -> Action {
        self.action
    }
    pub fn roles(&self) -> &[String] {
        &self.roles
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Denied {
    /// Another organization's object: answered as "not found", so nothing about it leaks.
    #[error("not found")]
    OtherOrganization,
    #[error("this needs the organization's admin role")]
    NotAdmin,
    #[error("this needs the vendor's support role")]
    NotSupport,
    #[error("the role could not be checked: {0}")]
    Unchecked(ApiError),
}

impl Denied {
    /// The refusal in the audit log's words (no upstream error text).
    pub fn audit_text(&self) -> String {
        match self {
            Denied::Unchecked(err) => format!(
                "the role could not be checked: {}",
                crate::server::service::upstream_text(err)
            ),
            other => other.to_string(),
        }
    }
}

pub async fn authorize(
    mgmt: &ManagementClient,
    admin_role: &str,
    actor: &SessionUser,
    org_id: &str,
    action: Action,
) -> Result<Permit, Denied> {
    if actor.org_id != org_id {
        return Err(Denied::OtherOrganization);
    }
    if actor.role != Role::Admin {
        return Err(Denied::NotAdmin);
    }
    let mut roles = Vec::new();
    if action.changes_anything() {
        roles = mgmt
            .member_roles(org_id, &actor.user_id)
            .await
            .map_err(Denied::Unchecked)?
            .into_iter()
            .map(|r| r.id)
            .collect();
        if !roles.iter().any(|r| r == admin_role) {
            return Err(Denied::NotAdmin);
        }
    }
    Ok(Permit {
        org_id: org_id.to_string(),
        user_id: actor.user_id.clone(),
        actor_name: actor.email.clone(),
        action,
        roles,
    })
}

/// Proof that the caller is vendor support staff (role read from Auth0 at most 30 s ago). Support can only read.
#[derive(Debug, Clone)]
pub struct SupportPermit {
    pub user_id: String,
    pub actor_name: String,
    pub support_org: String,
}

/// The session's claim to the support console, before any upstream read: the support organization
/// and role, when the session is a support session of that organization.
pub fn support_claim<'a>(
    support: Option<(&'a str, &'a str)>,
    actor: &SessionUser,
) -> Result<(&'a str, &'a str), Denied> {
    match support {
        Some((org, role)) if actor.role == Role::Support && actor.org_id == org => Ok((org, role)),
        _ => Err(Denied::NotSupport),
    }
}

/// The permit, given the actor's roles in the support organization as read from Auth0.
pub fn support_permit(
    support: Option<(&str, &str)>,
    actor: &SessionUser,
    roles: &[super::auth0::roles::Role],
) -> Result<SupportPermit, Denied> {
    let (support_org, support_role) = support_claim(support, actor)?;
    if !roles.iter().any(|r| r.id == support_role) {
        return Err(Denied::NotSupport);
    }
    Ok(SupportPermit {
        user_id: actor.user_id.clone(),
        actor_name: actor.email.clone(),
        support_org: support_org.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nobody_grants_a_role_above_their_own_or_outside_the_allowlist() {
        let assignable: Vec<String> = ["rol_admin", "rol_member", "rol_billing"]
            .map(String::from)
            .to_vec();
        let admin = vec!["rol_admin".to_string()];
        let billing = vec!["rol_billing".to_string()];
        assert!(may_grant(&admin, "rol_member", &assignable, "rol_admin"));
        assert!(may_grant(&admin, "rol_admin", &assignable, "rol_admin"));
        assert!(!may_grant(&admin, "rol_support", &assignable, "rol_admin"));
        assert!(may_grant(&billing, "rol_billing", &assignable, "rol_admin"));
        assert!(!may_grant(&billing, "rol_admin", &assignable, "rol_admin"));
        assert!(!may_grant(&billing, "rol_member", &assignable, "rol_admin"));
        assert!(!may_grant(&[], "rol_member", &assignable, "rol_admin"));
    }

    #[tokio::test]
    async fn another_organization_is_refused_before_any_upstream_call() {
        // An unreachable Management API proves no call is made.
        let mgmt = ManagementClient::new(super::super::auth0::ClientConfig {
            issuer: "http://127.0.0.1:9/".into(),
            client_id: "x".into(),
            client_secret: "y".to_string().into(),
            timeout: std::time::Duration::from_millis(50),
            retry: Default::default(),
        })
        .unwrap();
        let actor = SessionUser {
            user_id: "auth0|a".into(),
            name: "A".into(),
            email: "a@example.com".into(),
            org_id: "org_a".into(),
            org_name: None,
            role: Role::Admin,
            signed_in_at: 0,
            csrf: String::new(),
            organizations: 1,
        };
        assert_eq!(
            authorize(&mgmt, "rol_admin", &actor, "org_b", Action::ManageBots)
                .await
                .unwrap_err(),
            Denied::OtherOrganization
        );
        let permit = authorize(&mgmt, "rol_admin", &actor, "org_a", Action::View)
            .await
            .unwrap();
        assert_eq!(permit.org_id(), "org_a");
        let support = SessionUser {
            role: Role::Support,
            ..actor
        };
        assert_eq!(
            authorize(&mgmt, "rol_admin", &support, "org_a", Action::View)
                .await
                .unwrap_err(),
            Denied::NotAdmin
        );
        assert_eq!(mgmt.calls.load(std::sync::atomic::Ordering::Relaxed), 0);
    }
}
