//! Who may do what, every decision in one place. `authorize` returns a `Permit` for a change, and
//! every service that changes anything upstream takes one, so a forgotten check does not compile;
//! `view` returns a `View` for a read. An admin may act only on their own organization; before every
//! change the admin role is read again, live, so a revoked admin is locked out at once. Sign-in
//! (`desk_role`), the support console (`support_permit`) and the last-admin guard (`is_admin`)
//! decide here too.

use super::auth::{Role, SessionUser};
use super::auth0::{ApiError, ManagementClient};

/// A change an admin asks for (reads are `View`s, not actions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Register, rename, rotate, delete bots; grant and revoke API access.
    ManageBots,
    /// Change members' roles, remove members, invite and revoke invitations.
    ManageMembers,
    /// Publish and unpublish the organization's apps; install and uninstall others' apps.
    ManageApps,
    /// Change the organization's display name and branding.
    ManageOrganization,
}

/// Whether `role_ids` include the organization admin role: the one answer to "is this an admin?".
pub fn is_admin<S: AsRef<str>>(role_ids: impl IntoIterator<Item = S>, admin_role: &str) -> bool {
    role_ids.into_iter().any(|r| r.as_ref() == admin_role)
}

/// The desk a person signing in gets, from their roles in the organization they signed in to: an
/// admin's desk, the support console (support role in the support organization), or none.
pub fn desk_role(
    identity: &super::identity::Identity,
    org_id: &str,
    roles: &[super::auth0::roles::Role],
) -> Option<Role> {
    let ids = || roles.iter().map(|r| r.id.as_str());
    if is_admin(ids(), &identity.admin_role) {
        Some(Role::Admin)
    } else if identity.support_org.as_deref() == Some(org_id)
        && identity
            .support_role
            .as_deref()
            .is_some_and(|role| ids().any(|id| id == role))
    {
        Some(Role::Support)
    } else {
        None
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

/// Who acts, in which organization: what every proof names.
#[derive(Debug, Clone)]
pub struct Actor {
    org_id: String,
    /// The organization's name as the sign-in named it (its id when it did not).
    org_name: String,
    user_id: String,
    actor_name: String,
}

impl Actor {
    fn of(actor: &SessionUser, org_id: &str) -> Self {
        Actor {
            org_id: org_id.to_string(),
            org_name: actor.org_name.clone().unwrap_or_else(|| org_id.to_string()),
            user_id: actor.user_id.clone(),
            actor_name: actor.email.clone(),
        }
    }
    pub fn org_id(&self) -> &str {
        &self.org_id
    }
    pub fn org_name(&self) -> &str {
        &self.org_name
    }
    pub fn user_id(&self) -> &str {
        &self.user_id
    }
    pub fn actor_name(&self) -> &str {
        &self.actor_name
    }
}

/// Proof that the actor may do `action` in the organization. Only `authorize` makes one.
#[derive(Debug, Clone)]
pub struct Permit {
    actor: Actor,
    action: Action,
    /// The actor's role ids, as read live for this change.
    roles: Vec<String>,
    /// The actor authenticated recently enough for a sensitive change (step-up).
    recent: bool,
}

impl Permit {
    pub fn action(&self) -> Action {
        self.action
    }
    /// Whether a sensitive change may go ahead without signing in again.
    pub fn recently_authenticated(&self) -> bool {
        self.recent
    }
    pub fn roles(&self) -> &[String] {
        &self.roles
    }
}

/// Proof that the actor may read the organization's desk (its admin role read at most 30 s ago).
/// Only `view` makes one; nothing that changes Auth0 takes it.
#[derive(Debug, Clone)]
pub struct View {
    actor: Actor,
}

/// What a `Permit` and a `View` both prove: who acts, in which organization (`Actor`'s methods).
pub trait Proof: std::ops::Deref<Target = Actor> {
    /// A change decides on live reads; a view may be answered from reads made moments ago.
    fn is_change(&self) -> bool;
}

impl std::ops::Deref for Permit {
    type Target = Actor;
    fn deref(&self) -> &Actor {
        &self.actor
    }
}

impl std::ops::Deref for View {
    type Target = Actor;
    fn deref(&self) -> &Actor {
        &self.actor
    }
}

impl Proof for Permit {
    fn is_change(&self) -> bool {
        true
    }
}

impl Proof for View {
    fn is_change(&self) -> bool {
        false
    }
}

/// The checks made before any upstream read: the actor's own organization, an admin session.
fn own_desk(actor: &SessionUser, org_id: &str) -> Result<(), Denied> {
    if actor.org_id != org_id {
        return Err(Denied::OtherOrganization);
    }
    if actor.role != Role::Admin {
        return Err(Denied::NotAdmin);
    }
    Ok(())
}

/// A view of `org_id`'s desk, given the viewer's roles there as read (`roles`).
pub fn view(
    actor: &SessionUser,
    org_id: &str,
    roles: &[super::auth0::roles::Role],
    admin_role: &str,
) -> Result<View, Denied> {
    own_desk(actor, org_id)?;
    if !is_admin(roles.iter().map(|r| &r.id), admin_role) {
        return Err(Denied::NotAdmin);
    }
    Ok(View {
        actor: Actor::of(actor, org_id),
    })
}

/// `view`'s checks that need no upstream read (refused: no roles are read for a stranger).
pub fn view_claim(actor: &SessionUser, org_id: &str) -> Result<(), Denied> {
    own_desk(actor, org_id)
}

/// A machine caller of the automation API, as its verified access token names it.
#[derive(Debug, Clone)]
pub struct Machine {
    pub client_id: String,
    /// The organization the token was issued for.
    pub org_id: String,
    pub org_name: Option<String>,
    /// How people know the caller (its bot's name when orgdesk knows it).
    pub name: String,
    /// The token was issued recently enough for a sensitive change (the step-up window).
    pub recent: bool,
}

impl Actor {
    fn of_machine(machine: &Machine) -> Self {
        Actor {
            org_id: machine.org_id.clone(),
            org_name: machine
                .org_name
                .clone()
                .unwrap_or_else(|| machine.org_id.clone()),
            user_id: machine.client_id.clone(),
            actor_name: machine.name.clone(),
        }
    }
}

/// A machine's view of `org_id`: only the organization its token was issued for. The token's scopes
/// (checked by the caller) stand where a person's admin role stands.
pub fn machine_view(machine: &Machine, org_id: &str) -> Result<View, Denied> {
    if machine.org_id != org_id {
        return Err(Denied::OtherOrganization);
    }
    Ok(View {
        actor: Actor::of_machine(machine),
    })
}

/// A machine's permit for `action` in `org_id`. It acts with an admin's reach (the scopes it was
/// granted by an admin bound it); a sensitive change wants a recently issued token.
pub fn machine_permit(
    machine: &Machine,
    org_id: &str,
    action: Action,
    admin_role: &str,
) -> Result<Permit, Denied> {
    if machine.org_id != org_id {
        return Err(Denied::OtherOrganization);
    }
    Ok(Permit {
        actor: Actor::of_machine(machine),
        action,
        roles: vec![admin_role.to_string()],
        recent: machine.recent,
    })
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

/// `recent`: the actor's last authentication is recent enough for a sensitive change (the caller
/// judges it by the vendor's step-up settings); services that make one check it.
pub async fn authorize(
    mgmt: &ManagementClient,
    admin_role: &str,
    actor: &SessionUser,
    org_id: &str,
    action: Action,
    recent: bool,
) -> Result<Permit, Denied> {
    own_desk(actor, org_id)?;
    let roles: Vec<String> = mgmt
        .member_roles(org_id, &actor.user_id)
        .await
        .map_err(Denied::Unchecked)?
        .into_iter()
        .map(|r| r.id)
        .collect();
    if !is_admin(&roles, admin_role) {
        return Err(Denied::NotAdmin);
    }
    Ok(Permit {
        actor: Actor::of(actor, org_id),
        action,
        roles,
        recent,
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
            auth_time: 0,
            mfa: false,
        };
        assert_eq!(
            authorize(
                &mgmt,
                "rol_admin",
                &actor,
                "org_b",
                Action::ManageBots,
                true
            )
            .await
            .unwrap_err(),
            Denied::OtherOrganization
        );
        let support = SessionUser {
            role: Role::Support,
            ..actor.clone()
        };
        assert_eq!(
            authorize(
                &mgmt,
                "rol_admin",
                &support,
                "org_a",
                Action::ManageBots,
                true
            )
            .await
            .unwrap_err(),
            Denied::NotAdmin
        );
        assert_eq!(mgmt.calls.load(std::sync::atomic::Ordering::Relaxed), 0);

        // A view: the roles as read decide; another organization or a support session never gets one.
        let admin = [role("rol_admin")];
        let view = super::view(&actor, "org_a", &admin, "rol_admin").unwrap();
        assert_eq!((view.org_id(), view.is_change()), ("org_a", false));
        assert_eq!(
            super::view(&actor, "org_a", &[role("rol_member")], "rol_admin").unwrap_err(),
            Denied::NotAdmin
        );
        assert_eq!(
            super::view(&actor, "org_b", &admin, "rol_admin").unwrap_err(),
            Denied::OtherOrganization
        );
        assert_eq!(
            super::view(&support, "org_a", &admin, "rol_admin").unwrap_err(),
            Denied::NotAdmin
        );
    }

    fn role(id: &str) -> crate::server::auth0::roles::Role {
        crate::server::auth0::roles::Role {
            id: id.into(),
            name: id.into(),
            description: None,
        }
    }

    #[test]
    fn sign_in_gives_the_desk_the_roles_earn() {
        let mut ids = crate::server::identity::from_vars(&|_| None).unwrap();
        ids.admin_role = "rol_admin".into();
        ids.support_org = None;
        ids.support_role = None;
        assert_eq!(
            desk_role(&ids, "org_a", &[role("rol_admin")]),
            Some(Role::Admin)
        );
        assert_eq!(desk_role(&ids, "org_a", &[role("rol_member")]), None);
        ids.support_org = Some("org_vendor".into());
        ids.support_role = Some("rol_support".into());
        assert_eq!(
            desk_role(&ids, "org_vendor", &[role("rol_support")]),
            Some(Role::Support)
        );
        // The support role counts only in the support organization.
        assert_eq!(desk_role(&ids, "org_a", &[role("rol_support")]), None);
    }
}
