//! `/orgs/:org/reviews`: access reviews — start one, keep or remove each bot and admin, see earlier
//! reviews and download any as CSV. `?review=<id>` shows an earlier one.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{day, org_param};
use crate::api::reviews::load_reviews;
use crate::components::feedback::{ErrorNote, Loading};
use crate::components::layout::PageTitle;
use crate::components::post::{ConfirmPost, PostForm};
use crate::components::scopes::api_label;
use crate::model::reviews::{ReviewItem, ReviewSummary, ReviewsPage as Page};

/// "Open: 3 of 5 to decide, until 2026-12-21", "Overdue: …", "Done on …".
pub fn state_words(r: &ReviewSummary) -> String {
    match r.state.as_str() {
        "done" => format!(
            "Done on {}: {} kept, {} removed",
            day(r.closed_at.as_deref().unwrap_or_default()),
            r.items - r.removed,
            r.removed
        ),
        "overdue" => format!(
            "Overdue since {}: {} of {} still to decide",
            day(&r.due_at),
            r.undecided,
            r.items
        ),
        _ => format!(
            "Open until {}: {} of {} still to decide",
            day(&r.due_at),
            r.undecided,
            r.items
        ),
    }
}

#[component]
pub fn ReviewsPage() -> impl IntoView {
    let org = org_param();
    let query = use_query_map();
    let chosen = Memo::new(move |_| query.read().get("review"));
    let data = Resource::new(
        move || (org.get(), chosen.get()),
        |(o, id)| load_reviews(o, id),
    );
    view! {
        <PageTitle page="Access reviews"/>
        <h1>"Access reviews"</h1>
        <p class="muted">
            "Confirm who and what can reach your organization's data: every bot with its owner, APIs, scopes and last token, and every admin. "
            "Keep each, or remove it — a removed bot loses all its API access (it stays registered, so you can grant it again), a removed admin loses the admin role."
        </p>
        <Suspense fallback=|| view! { <Loading what="the reviews"/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <Reviews org=org.get_untracked() page/> }.into_any(),
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Reviews(org: String, page: Page) -> impl IntoView {
    let open = page.reviews.iter().any(|r| r.state != "done");
    let every = (page.every_days > 0).then(|| {
        view! { <p class="small muted" data-testid="review-every">{format!("Your credential policy starts a review every {} days.", page.every_days)}</p> }
    });
    let start = (!open).then(|| view! { <Start org=org.clone()/> });
    let shown = page
        .shown
        .map(|(summary, items)| view! { <Shown org=org.clone() summary items/> });
    view! {
        {every}
        {start}
        {shown}
        <History org reviews=page.reviews/>
    }
}

#[component]
fn Start(org: String) -> impl IntoView {
    view! {
        <PostForm class="form form--inline" labelledby="start-title" endpoint="reviews/start" hidden=vec![("org_id", org)] pending="Starting…">
            <h2 id="start-title" class="visually-hidden">"Start a review"</h2>
            <div class="field">
                <label for="review-days">"Days to complete it"</label>
                <input id="review-days" name="days" type="number" min="1" max="90" required value="14"/>
            </div>
            <button type="submit" class="btn btn--primary">"Start a review"</button>
        </PostForm>
    }
}

#[component]
fn Shown(org: String, summary: ReviewSummary, items: Vec<ReviewItem>) -> impl IntoView {
    let open = summary.state != "done";
    let (bots, admins): (Vec<ReviewItem>, Vec<ReviewItem>) =
        items.into_iter().partition(|i| i.kind == "bot");
    let rows = |list: Vec<ReviewItem>| {
        list.into_iter()
            .map(|item| view! { <Item org=org.clone() review=summary.id.clone() item open/> })
            .collect_view()
    };
    let empty = |what: &'static str, list: &[ReviewItem]| {
        list.is_empty()
            .then(|| view! { <p class="empty">{what}</p> })
    };
    view! {
        <section class="panel" aria-labelledby="review-title" data-testid="review" data-state=summary.state.clone()>
            <h2 id="review-title">{format!("Review started {} by {}", day(&summary.started_at), summary.started_by)}</h2>
            <p data-testid="review-state" class=if summary.state == "overdue" { "note note--error" } else { "" }>{state_words(&summary)}</p>
            <p><a class="btn" rel="external" download="" href=summary.csv_href()>"Download CSV"</a></p>
            <h3>{format!("Bots ({})", bots.len())}</h3>
            {empty("No bots were registered when the review started.", &bots)}
            <ul class="list list--plain">{rows(bots.clone())}</ul>
            <h3>{format!("Admins ({})", admins.len())}</h3>
            {empty("No admins were found when the review started.", &admins)}
            <ul class="list list--plain">{rows(admins.clone())}</ul>
        </section>
    }
}

#[component]
fn Item(org: String, review: String, item: ReviewItem, open: bool) -> impl IntoView {
    let what = if item.kind == "bot" {
        let owner = if item.owner.is_empty() {
            "no owner recorded".to_string()
        } else {
            format!("owner {}", item.owner)
        };
        let last = item
            .last_used
            .as_deref()
            .map(|t| format!("last token {}", day(t)))
            .unwrap_or_else(|| "no token seen".into());
        format!("{owner} · {last}")
    } else {
        item.access.join(", ")
    };
    let access = (item.kind == "bot").then(|| {
        let lines = item
            .access
            .iter()
            .map(|a| match a.split_once(": ") {
                Some((api, scopes)) => format!("{}: {scopes}", api_label(api)),
                None => a.clone(),
            })
            .collect::<Vec<_>>();
        let text = if lines.is_empty() {
            "No API access".to_string()
        } else {
            lines.join(" · ")
        };
        view! { <p class="small">{text}</p> }
    });
    let decided = item.decision.clone().map(|d| {
        let verb = if d == "keep" { "Kept" } else { "Removed" };
        let by = item.decider.clone().unwrap_or_default();
        let on = day(item.decided_at.as_deref().unwrap_or_default());
        let note = item
            .note
            .clone()
            .filter(|n| !n.is_empty())
            .map(|n| format!(": “{n}”"))
            .unwrap_or_default();
        view! { <p class="small" data-testid="review-decision">{format!("{verb} by {by} on {on}{note}")}</p> }
    });
    let choose = (open && item.decision.is_none()).then(|| {
        if item.mine {
            return view! { <p class="small muted">"Your own admin role: another admin of your organization reviews it (if you are the only admin, keep it here)."</p> <Choose org=org.clone() review=review.clone() item=item.clone()/> }.into_any();
        }
        view! { <Choose org=org.clone() review=review.clone() item=item.clone()/> }.into_any()
    });
    let kind_word = if item.kind == "bot" { "Bot" } else { "Admin" };
    view! {
        <li class="panel" data-testid="review-item" data-kind=item.kind.clone() data-decision=item.decision.clone().unwrap_or_default()>
            <p><strong>{item.label.clone()}</strong> <span class="small muted">{format!(" {kind_word} · ")}<code>{item.subject_id.clone()}</code></span></p>
            <p class="small muted">{what}</p>
            {access}
            {decided}
            {choose}
        </li>
    }
}

#[component]
fn Choose(org: String, review: String, item: ReviewItem) -> impl IntoView {
    let hidden = vec![
        ("org_id", org),
        ("review_id", review),
        ("kind", item.kind.clone()),
        ("subject_id", item.subject_id.clone()),
    ];
    let mut keep = hidden.clone();
    keep.push(("keep", "true".into()));
    let note_id = format!("note-{}-{}", item.kind, item.subject_id);
    let (label, question) = if item.kind == "bot" {
        (
            format!("Remove {}'s access", item.label),
            format!(
                "Take away all of {}'s API access? Its tokens stop working; it stays registered.",
                item.label
            ),
        )
    } else {
        (
            format!("Remove {}'s admin role", item.label),
            format!("Take the admin role away from {}?", item.label),
        )
    };
    view! {
        <div class="actions">
            <PostForm class="form form--inline" endpoint="reviews/decide" hidden=keep pending="Saving…">
                <div class="field">
                    <label for=note_id.clone()>"Note (optional)"</label>
                    <input id=note_id name="note" maxlength="500" autocomplete="off"/>
                </div>
                <button type="submit" class="btn btn--primary">"Keep"</button>
            </PostForm>
            <ConfirmPost endpoint="reviews/decide" hidden label question confirm="Remove"/>
        </div>
    }
}

#[component]
fn History(org: String, reviews: Vec<ReviewSummary>) -> impl IntoView {
    if reviews.is_empty() {
        return view! { <p class="empty">"No review yet."</p> }.into_any();
    }
    let rows = reviews
        .into_iter()
        .map(|r| {
            view! {
                <li data-testid="review-row" data-state=r.state.clone()>
                    <a href=format!("/orgs/{org}/reviews?review={}", r.id)>{format!("{} by {}", day(&r.started_at), r.started_by)}</a>
                    {format!(" — {} · ", state_words(&r))}
                    <a rel="external" download="" href=r.csv_href()>"CSV"</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="history-title">
            <h2 id="history-title">"Every review"</h2>
            <ul class="list">{rows}</ul>
        </section>
    }
    .into_any()
}
