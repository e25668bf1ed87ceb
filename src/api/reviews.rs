//! Access reviews: the page, starting one, and keeping or removing an item.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::reviews::ReviewsPage;
use crate::model::AppError;
#[cfg(feature = "ssr")]
use crate::server::http::web::change;

/// The organization's reviews, and one in full (`id`, or the latest).
#[server(endpoint = "reviews/page", input = Json, output = crate::model::wire::TextJson)]
pub async fn load_reviews(org_id: String, id: Option<String>) -> Result<ReviewsPage, AppError> {
    let call = crate::server::http::web::signed_in().await?;
    let view = call.view(&org_id).await?;
    crate::server::service::access_reviews::page(&call.ctx(), &view, id.as_deref())
        .await
        .map_err(|e| call.fail(e))
}

/// Starts a review of every bot and admin, due in `days` days.
#[server(endpoint = "reviews/start", input = Json, output = crate::model::wire::TextJson)]
pub async fn start_review(org_id: String, days: u32) -> Result<String, AppError> {
    use crate::server::policy::Action::ManageOrganization;
    use crate::server::service::access_reviews;
    let done = change(&org_id, ManageOrganization, async |ctx, permit| {
        access_reviews::start(ctx, permit, days).await
    });
    done.await
}

/// Keeps or removes one bot or admin of an open review.
#[server(endpoint = "reviews/decide", input = Json, output = crate::model::wire::TextJson)]
pub async fn decide_review_item(
    org_id: String,
    review_id: String,
    kind: String,
    subject_id: String,
    keep: bool,
    note: String,
) -> Result<(), AppError> {
    use crate::server::policy::Action::ManageOrganization;
    use crate::server::service::access_reviews;
    let done = change(&org_id, ManageOrganization, async |ctx, permit| {
        let item = (kind.as_str(), subject_id.as_str());
        access_reviews::decide(ctx, permit, &review_id, item, keep, &note).await
    });
    done.await
}
