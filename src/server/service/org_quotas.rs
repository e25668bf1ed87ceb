//! The vendor's M2M token quotas for organizations (`ORGDESK_ORG_TOKEN_QUOTAS`): put on the tenant
//! as Auth0's `token_quota` of each organization named, and given to every organization customers
//! create (`*`). Customers and support staff only read them (a bot's page shows use against them).

use super::{Ctx, ServiceError};
use crate::server::audit::{self, Audit};
use crate::server::auth0::clients::{QuotaLimits, TokenQuota};
use crate::server::auth0::ApiError;
use crate::server::identity::OrgQuota;

fn quota(q: &OrgQuota) -> TokenQuota {
    TokenQuota {
        client_credentials: Some(QuotaLimits {
            enforce: true,
            per_day: q.per_day,
            per_hour: q.per_hour,
        }),
    }
}

/// The quota of an organization a customer creates, if the vendor set one.
pub fn for_new(ctx: &Ctx<'_>) -> Option<TokenQuota> {
    ctx.identity
        .org_quotas
        .iter()
        .find(|q| q.org_id == "*")
        .map(quota)
}

/// Sets each named organization's quota where the tenant holds another; answers how many changed.
/// An organization that does not exist is skipped (and said in the log).
pub async fn apply(ctx: &Ctx<'_>) -> Result<usize, ServiceError> {
    let mut changed = 0;
    for q in ctx.identity.org_quotas.iter().filter(|q| q.org_id != "*") {
        let org = match ctx.mgmt.organization(&q.org_id).await {
            Ok(org) => org,
            Err(ApiError::NotFound) => {
                tracing::warn!(org_id = %q.org_id, "ORGDESK_ORG_TOKEN_QUOTAS names an organization the tenant does not have");
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let wanted = quota(q);
        if org.token_quota.as_ref() == Some(&wanted) {
            continue;
        }
        ctx.mgmt
            .set_organization_token_quota(&q.org_id, &wanted)
            .await?;
        changed += 1;
        let words = wanted
            .client_credentials
            .as_ref()
            .map(QuotaLimits::words)
            .unwrap_or_default();
        Audit::new(
            ctx.db,
            ctx.clock.as_ref(),
            &q.org_id,
            "orgdesk",
            Some("orgdesk (vendor configuration)"),
        )
        .record(
            audit::Action::OrganizationQuota,
            Some(&q.org_id),
            audit::Result::Ok,
            &format!("machine-to-machine tokens: at most {words}, enforced"),
        )
        .await;
    }
    Ok(changed)
}
