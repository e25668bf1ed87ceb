//! A person creating their own organization: the Auth0 organization, the vendor's connections
//! enabled for it, the person as its member with the admin role. Journaled: a failure part-way, or a
//! killed process, leaves no half-made organization behind.

use std::collections::BTreeMap;

use super::journal::{self, Kind, Plan, Rest};
use super::{Ctx, ServiceError};
use crate::server::audit::{self, Audit};
use crate::server::auth0::organizations::{NewOrganization, Organization};
use crate::server::auth0::ApiError;
use crate::server::{org_name, text};

/// Metadata keys on an organization orgdesk made: the operation that made it (how an interrupted
/// creation finds what to undo) and who asked for it.
pub const OPERATION_KEY: &str = "orgdesk_operation";
pub const CREATED_BY_KEY: &str = "orgdesk_created_by";

/// How many of `orgs` the person created (and, being in the list, still belongs to).
pub fn founded_by(orgs: &[Organization], user_id: &str) -> u64 {
    orgs.iter()
        .filter(|org| org.metadata.get(CREATED_BY_KEY).map(String::as_str) == Some(user_id))
        .count() as u64
}

/// The person creating an organization, as their verified ID token names them.
pub struct Founder<'a> {
    pub user_id: &'a str,
    pub email: &'a str,
}

/// What the person typed, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrg {
    pub display_name: String,
    pub name: String,
}

impl NewOrg {
    /// A display name (1–255 characters, no invisible characters) and a name by Auth0's rule; an
    /// empty name is made from the display name.
    pub fn parse(display_name: &str, name: &str) -> Result<Self, ServiceError> {
        let invalid = |field, message: &str| ServiceError::Invalid {
            field,
            message: message.to_string(),
        };
        let display_name =
            text::clean_name(display_name).map_err(|m| invalid("display_name", m))?;
        if display_name.is_empty() || display_name.chars().count() > 255 {
            return Err(invalid(
                "display_name",
                "Give your organization a name of 1 to 255 characters.",
            ));
        }
        let name = match name.trim() {
            "" => org_name::from_display_name(&display_name),
            typed => typed.to_string(),
        };
        if let Some(problem) = org_name::problem(&name) {
            return Err(invalid("name", problem));
        }
        Ok(Self { display_name, name })
    }
}

/// How many free names a refusal suggests.
const SUGGESTIONS: usize = 3;

/// Creates the organization and makes `founder` its admin; answers its id. A name already taken is
/// refused with free alternatives; any other failure undoes what was made before answering.
pub async fn create(
    ctx: &Ctx<'_>,
    founder: &Founder<'_>,
    new: &NewOrg,
    connection_ids: &[String],
) -> Result<String, ServiceError> {
    if ctx.mgmt.organization_named(&new.name).await?.is_some() {
        return Err(taken(ctx, &new.name).await);
    }
    let clock = ctx.clock.as_ref();
    // No organization yet, so none to file the operation under: the name is its target.
    let plan = Plan::new(Kind::OrgCreate, "").target(&new.name);
    let op_id = journal::open(ctx.db, clock, plan).await?;
    match steps(ctx, founder, new, connection_ids, &op_id).await {
        Ok(org_id) => {
            journal::close(ctx.db, clock, &op_id, Rest::Done).await?;
            Audit::new(ctx.db, clock, &org_id, founder.user_id, Some(founder.email))
                .record(
                    audit::Action::OrganizationCreate,
                    Some(&org_id),
                    audit::Result::Ok,
                    &format!("{} ({})", new.display_name, new.name),
                )
                .await;
            Ok(org_id)
        }
        Err(err) => {
            // Undone now; if that fails too, the recovery pass retries.
            let voice = Audit::new(ctx.db, clock, "", "orgdesk", Some("orgdesk"));
            super::settle_now_as(ctx, &voice, &op_id).await;
            match err {
                // Taken between the check and the creation.
                ServiceError::Upstream(ApiError::Conflict { .. }) => {
                    Err(taken(ctx, &new.name).await)
                }
                other => Err(other),
            }
        }
    }
}

async fn steps(
    ctx: &Ctx<'_>,
    founder: &Founder<'_>,
    new: &NewOrg,
    connection_ids: &[String],
    op_id: &str,
) -> Result<String, ServiceError> {
    let clock = ctx.clock.as_ref();
    let metadata = BTreeMap::from([(OPERATION_KEY, op_id), (CREATED_BY_KEY, founder.user_id)]);
    let org = ctx
        .mgmt
        .create_organization(&NewOrganization {
            name: &new.name,
            display_name: &new.display_name,
            metadata,
            token_quota: super::org_quotas::for_new(ctx),
        })
        .await?;
    journal::created(ctx.db, clock, op_id, &org.id).await?;
    for connection in connection_ids {
        ctx.mgmt.enable_connection(&org.id, connection).await?;
    }
    ctx.mgmt.add_member(&org.id, founder.user_id).await?;
    ctx.mgmt
        .assign_roles(
            &org.id,
            founder.user_id,
            std::slice::from_ref(&ctx.identity.admin_role),
        )
        .await?;
    Ok(org.id)
}

/// The refusal for a taken name, with free alternatives (each checked with Auth0).
async fn taken(ctx: &Ctx<'_>, name: &str) -> ServiceError {
    let mut free = Vec::new();
    for candidate in org_name::alternatives(name, SUGGESTIONS * 2, |_| false) {
        if free.len() == SUGGESTIONS {
            break;
        }
        if let Ok(None) = ctx.mgmt.organization_named(&candidate).await {
            free.push(candidate);
        }
    }
    let message = if free.is_empty() {
        format!("The name {name} is taken. Choose another.")
    } else {
        format!("The name {name} is taken. Free names: {}.", free.join(", "))
    };
    ServiceError::Invalid {
        field: "name",
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values_are_checked_and_a_missing_name_is_made() {
        let new = NewOrg::parse("  Umbrella Tours ", "").unwrap();
        assert_eq!(new.display_name, "Umbrella Tours");
        assert_eq!(new.name, "umbrella-tours");
        assert_eq!(
            NewOrg::parse("Umbrella", "umbrella-eu").unwrap().name,
            "umbrella-eu"
        );
        assert!(matches!(
            NewOrg::parse("Umbrella", "Umbrella EU"),
            Err(ServiceError::Invalid { field: "name", .. })
        ));
        assert!(matches!(
            NewOrg::parse("   ", ""),
            Err(ServiceError::Invalid {
                field: "display_name",
                ..
            })
        ));
        assert!(matches!(
            NewOrg::parse("Umbrella\u{202E}", ""),
            Err(ServiceError::Invalid {
                field: "display_name",
                ..
            })
        ));
    }
}
