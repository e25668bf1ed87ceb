//! Access requests that need another admin (four-eyes approval): on a bot's page, with the choice to
//! approve or reject for every admin but the requester; on the overview, what waits (with bots past
//! the credential policy and an open access review).

use leptos::prelude::*;

use super::day;

use crate::components::post::PostForm;
use crate::components::scopes::api_label;
use crate::model::bots::{AccessRequest, Bot};

fn state_words(r: &AccessRequest) -> String {
    let by = r.decider.clone().unwrap_or_default();
    let reason = r
        .reason
        .clone()
        .filter(|x| !x.is_empty())
        .map(|x| format!(": “{x}”"))
        .unwrap_or_default();
    match r.state.as_str() {
        "approved" => format!("Approved by {by}{reason}"),
        "rejected" => format!("Rejected by {by}{reason}"),
        "failed" => format!("Approved by {by}, but Auth0 refused the change{reason}"),
        "expired" => "Expired without a decision".to_string(),
        _ => format!("Waiting for approval until {}", day(&r.until)),
    }
}

#[component]
fn Decide(org: String, request: AccessRequest) -> impl IntoView {
    let hidden = vec![("org_id", org), ("id", request.id.clone())];
    let mut approve = hidden.clone();
    approve.push(("approve", "true".into()));
    let reason_id = format!("reason-{}", request.id);
    view! {
        <div class="actions">
            <PostForm class="form form--inline" endpoint="approvals/decide" hidden=approve pending="Approving…">
                <button type="submit" class="btn btn--primary">"Approve"</button>
            </PostForm>
            <PostForm class="form form--inline" endpoint="approvals/decide" hidden pending="Rejecting…">
                <div class="field">
                    <label for=reason_id.clone()>"Reason to reject"</label>
                    <input id=reason_id name="reason" required maxlength="500" autocomplete="off"/>
                </div>
                <button type="submit" class="btn">"Reject"</button>
            </PostForm>
        </div>
    }
}

/// A bot's requests: what each asks for, who asked, and its state; the decision for other admins.
#[component]
pub fn BotRequests(org: String, bot: Bot) -> impl IntoView {
    if bot.requests.is_empty() {
        return ().into_any();
    }
    let rows = bot
        .requests
        .into_iter()
        .map(|r| {
            let pending = r.state == "pending";
            let decide = (pending && !r.mine).then(|| view! { <Decide org=org.clone() request=r.clone()/> });
            let who = if r.mine { "you".to_string() } else { r.requester.clone() };
            view! {
                <li class="panel" data-testid="access-request" data-state=r.state.clone()>
                    <p>
                        <strong>{r.sensitive.join(", ")}</strong>
                        {format!(" on {} — asked by {who} on {}", api_label(&r.audience), day(&r.requested_at))}
                    </p>
                    <p class="small" data-testid="request-state">{state_words(&r)}</p>
                    {(pending && r.mine).then(|| view! {
                        <p class="small muted">"Another admin of your organization decides it; until then the bot's access stays as it is."</p>
                    })}
                    {decide}
                </li>
            }
        })
        .collect_view();
    view! {
        <h3>"Access requests"</h3>
        <ul class="list list--plain" data-testid="access-requests">{rows}</ul>
    }
    .into_any()
}

/// The overview's "needs attention": requests waiting for a decision, each with the way to its bot.
#[component]
pub fn Waiting(
    home: String,
    requests: Vec<AccessRequest>,
    bots: Vec<Bot>,
    /// The open access review, if one is.
    review: Option<crate::model::reviews::ReviewSummary>,
    /// Webhook endpoints orgdesk paused for failing (their addresses).
    #[prop(optional)]
    paused: Vec<String>,
) -> impl IntoView {
    let waiting: Vec<AccessRequest> = requests
        .into_iter()
        .filter(|r| r.state == "pending")
        .collect();
    let flagged: Vec<(String, String, String)> = bots
        .iter()
        .filter_map(|b| Some((b.client_id.clone(), b.name.clone(), b.health.attention()?)))
        .collect();
    if waiting.is_empty() && flagged.is_empty() && review.is_none() && paused.is_empty() {
        return ().into_any();
    }
    let paused = paused
        .into_iter()
        .map(|url| {
            view! {
                <li data-testid="webhook-attention">
                    <a href=format!("{home}/webhooks")>"Webhook endpoint paused"</a>
                    {format!(": {url} failed too often; nothing is sent to it until an admin resumes it.")}
                </li>
            }
        })
        .collect_view();
    let review = review.map(|r| {
        view! {
            <li data-testid="review-attention" data-state=r.state.clone()>
                <a href=format!("{home}/reviews")>"Access review"</a>
                {format!(": {}", super::reviews::state_words(&r))}
            </li>
        }
    });
    let flagged = flagged
        .into_iter()
        .map(|(id, name, what)| {
            view! {
                <li data-testid="bot-attention">
                    <a href=format!("{home}/bots/{id}")>{name}</a>
                    {format!(": {what}")}
                </li>
            }
        })
        .collect_view();
    let rows = waiting
        .into_iter()
        .map(|r| {
            let name = bots
                .iter()
                .find(|b| b.client_id == r.client_id)
                .map(|b| b.name.clone())
                .unwrap_or_else(|| r.client_id.clone());
            let what = if r.mine {
                "waits for another admin"
            } else {
                "waits for your decision"
            };
            view! {
                <li data-testid="waiting-request">
                    <a href=format!("{home}/bots/{}", r.client_id)>{name}</a>
                    {format!(" asks for {} — {what}", r.sensitive.join(", "))}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="attention-title">
            <h2 id="attention-title">"Needs attention"</h2>
            <ul class="list">{review}{paused}{rows}{flagged}</ul>
        </section>
    }
    .into_any()
}
