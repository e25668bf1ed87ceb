//! Governance, read-only: the credential policy, access requests waiting for a second admin, and
//! access reviews. Deciding stays with people in the desk (a second admin, a reviewer).

use super::caller::ApiCall;
use super::extract::Path;
use super::problem::Problem;
use super::scopes::GOVERNANCE_READ;
use super::wire;
use crate::server::service::{access_reviews, approvals, credential_policy};

/// The organization's credential policy.
#[utoipa::path(get, path = "/organizations/{org_id}/credential-policy", tag = "Governance",
    params(("org_id" = String, Path)),
    responses((status = 200, body = wire::CredentialPolicy), super::Errors),
    security(("bearer" = ["governance:read"])))]
pub async fn policy(
    call: ApiCall,
    Path(org_id): Path<String>,
) -> Result<axum::Json<wire::CredentialPolicy>, Problem> {
    let view = call.view(&org_id, GOVERNANCE_READ).await?;
    let p = credential_policy::get(&call.ctx(), view.org_id())
        .await
        .map_err(|e| call.fail(e))?;
    Ok(axum::Json(wire::CredentialPolicy {
        max_age_days: p.max_age_days,
        warn_days: p.warn_days,
        review_every_days: p.review_every_days,
        revoke_at_expiry: p.revoke_at_expiry,
    }))
}

/// Requests for sensitive scopes, newest first (pending ones wait for another admin).
#[utoipa::path(get, path = "/organizations/{org_id}/access-requests", tag = "Governance",
    params(("org_id" = String, Path)),
    responses((status = 200, body = wire::AccessRequestList), super::Errors),
    security(("bearer" = ["governance:read"])))]
pub async fn requests(
    call: ApiCall,
    Path(org_id): Path<String>,
) -> Result<axum::Json<wire::AccessRequestList>, Problem> {
    let view = call.view(&org_id, GOVERNANCE_READ).await?;
    let list = approvals::list(&call.ctx(), &view)
        .await
        .map_err(|e| call.fail(e))?;
    let words = |s: &str| s.split_whitespace().map(String::from).collect();
    Ok(axum::Json(wire::AccessRequestList {
        requests: list
            .into_iter()
            .map(|r| wire::AccessRequest {
                scopes: words(&r.scopes),
                sensitive: words(&r.sensitive),
                requested_at: crate::clock::iso(r.requested_at),
                expires_at: crate::clock::iso(r.expires_at),
                id: r.id,
                client_id: r.client_id,
                audience: r.audience,
                requester: r.requester_email,
                state: r.state,
            })
            .collect(),
    }))
}

/// The organization's access reviews, newest first.
#[utoipa::path(get, path = "/organizations/{org_id}/access-reviews", tag = "Governance",
    params(("org_id" = String, Path)),
    responses((status = 200, body = wire::ReviewList), super::Errors),
    security(("bearer" = ["governance:read"])))]
pub async fn reviews(
    call: ApiCall,
    Path(org_id): Path<String>,
) -> Result<axum::Json<wire::ReviewList>, Problem> {
    let view = call.view(&org_id, GOVERNANCE_READ).await?;
    let list = access_reviews::summaries(&call.ctx(), Some(view.org_id()))
        .await
        .map_err(|e| call.fail(e))?;
    Ok(axum::Json(wire::ReviewList {
        reviews: list
            .into_iter()
            .map(|r| wire::Review {
                id: r.id,
                started_by: r.started_by,
                started_at: r.started_at,
                due_at: r.due_at,
                closed_at: r.closed_at,
                items: r.items,
                undecided: r.undecided,
                removed: r.removed,
                state: r.state,
            })
            .collect(),
    }))
}
