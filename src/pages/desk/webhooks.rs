//! `/orgs/:org/webhooks`: the organization's audit events sent to its own systems. Register an
//! endpoint (its signing secret is shown once, on the page that answers), see each endpoint's latest
//! deliveries with their outcome, resume one orgdesk paused for failing, delete one.

use leptos::prelude::*;

use super::org_param;
use crate::api::webhooks::list_webhooks;
use crate::components::copy::CopyButton;
use crate::components::feedback::{ErrorNote, Loading};
use crate::components::layout::PageTitle;
use crate::components::post::{ConfirmPost, PostForm};
use crate::model::webhooks::{NewWebhook, WebhookDelivery, WebhookEndpoint};

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let org = org_param();
    let data = Resource::new(move || org.get(), list_webhooks);
    let made = use_context::<NewWebhook>().map(|made| view! { <SecretShown made/> });
    view! {
        <PageTitle page="Webhooks"/>
        <h1>"Webhooks"</h1>
        <p class="muted">
            "orgdesk sends every event of your organization's audit log to the endpoints you register here, within seconds: "
            "a JSON POST signed with the endpoint's secret (Standard Webhooks: "<code>"webhook-id"</code>", "<code>"webhook-timestamp"</code>", "<code>"webhook-signature"</code>"). "
            "A delivery that fails is tried again after 30 s, 2 min, 8 min and so on; after 5 failures in a row the endpoint is paused and your audit log says why."
        </p>
        {made}
        <Suspense fallback=|| view! { <Loading what="the webhook endpoints"/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => view! { <Endpoints org=org.get_untracked() list/> }.into_any(),
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Suspense>
        <Register org=org.get_untracked()/>
    }
}

#[component]
fn SecretShown(made: NewWebhook) -> impl IntoView {
    view! {
        <div tabindex="-1" class="panel panel--secret" role="region"
            aria-labelledby="webhook-secret-title" data-testid="webhook-secret-panel" data-outcome="ok">
            <h2 id="webhook-secret-title" role="status">"Copy the signing secret now"</h2>
            <p>"This is the only time orgdesk shows it; it keeps it only to sign deliveries. Your receiver checks each delivery's signature with it. If it is lost, delete the endpoint and register it again."</p>
            <dl class="facts">
                <dt>"Signing secret"</dt>
                <dd class="secret-row">
                    <code data-testid="webhook-secret">{made.secret.clone()}</code>
                    <CopyButton value=made.secret what="signing secret"/>
                </dd>
            </dl>
        </div>
    }
}

#[component]
fn Register(org: String) -> impl IntoView {
    view! {
        <PostForm class="form" labelledby="register-webhook" endpoint="webhooks/create" hidden=vec![("org_id", org)] pending="Checking the address…">
            <h2 id="register-webhook">"Register an endpoint"</h2>
            <div class="field">
                <label for="webhook-url">"Endpoint address"</label>
                <input id="webhook-url" name="url" type="url" inputmode="url" required maxlength="1024"
                    placeholder="https://" aria-describedby="webhook-url-hint"/>
                <p id="webhook-url-hint" class="small muted">"A public https address. orgdesk checks it now and again before every delivery."</p>
            </div>
            <div class="field">
                <label for="webhook-description">"Description (optional)"</label>
                <input id="webhook-description" name="description" maxlength="140"/>
            </div>
            <button type="submit" class="btn btn--primary">"Register endpoint"</button>
        </PostForm>
    }
}

#[component]
fn Endpoints(org: String, list: Vec<WebhookEndpoint>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="empty" data-testid="no-webhooks">"No endpoints yet."</p> }
            .into_any();
    }
    list.into_iter()
        .map(|e| view! { <Endpoint org=org.clone() e/> })
        .collect_view()
        .into_any()
}

#[component]
fn Endpoint(org: String, e: WebhookEndpoint) -> impl IntoView {
    let heading = format!("webhook-{}", e.id);
    let heading_id = heading.clone();
    let state = match &e.paused_at {
        Some(at) => view! {
            <p class="note note--error" data-testid="webhook-paused">
                {format!("Paused on {} after {} failed deliveries in a row. Nothing is sent until you resume it; what waits is sent then.", super::day(at), e.failures)}
            </p>
            <ConfirmPost endpoint="webhooks/resume" hidden=vec![("org_id", org.clone()), ("endpoint_id", e.id.clone())]
                label="Resume" question="Resume sending to this endpoint?" confirm="Yes, resume"/>
        }
        .into_any(),
        None if e.failures > 0 => view! {
            <p class="note" data-testid="webhook-failing">{format!("The last {} attempts failed; orgdesk keeps trying.", e.failures)}</p>
        }
        .into_any(),
        None => view! { <p class="small muted" data-testid="webhook-active">"Active"</p> }.into_any(),
    };
    let deliveries = if e.deliveries.is_empty() {
        view! { <p class="empty">"Nothing sent yet: the next event of your audit log goes here."</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap" role="region" tabindex="0" aria-label=format!("Deliveries to {}", e.url)>
                <table class="table" data-testid="webhook-deliveries">
                    <thead><tr><th scope="col">"Event"</th><th scope="col">"Queued"</th><th scope="col">"Outcome"</th><th scope="col">"Attempts"</th><th scope="col">"Answer"</th></tr></thead>
                    <tbody>{e.deliveries.into_iter().map(|d| view! { <Delivery d/> }).collect_view()}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="panel" aria-labelledby=heading.clone() data-testid="webhook">
            <h2 id=heading_id><code>{e.url.clone()}</code></h2>
            {(!e.description.is_empty()).then(|| view! { <p>{e.description.clone()}</p> })}
            <p class="small muted">{format!("Registered {} by {}", super::day(&e.created_at), e.created_by)}</p>
            {state}
            <h3>"Latest deliveries"</h3>
            {deliveries}
            <ConfirmPost endpoint="webhooks/delete" hidden=vec![("org_id", org), ("endpoint_id", e.id)]
                label="Delete endpoint" question="Delete this endpoint? Nothing more is sent to it." confirm="Yes, delete it"/>
        </section>
    }
}

#[component]
fn Delivery(d: WebhookDelivery) -> impl IntoView {
    let outcome = match d.state.as_str() {
        "delivered" => "Delivered".to_string(),
        "failed" => "Given up".to_string(),
        _ => match &d.next_at {
            Some(next) if d.attempts > 0 => format!(
                "Trying again {}",
                next.replace('T', " ").chars().take(16).collect::<String>()
            ),
            _ => "Waiting".to_string(),
        },
    };
    view! {
        <tr data-state=d.state.clone()>
            <td><code>{d.action}</code></td>
            <td>{d.created_at.replace('T', " ").chars().take(16).collect::<String>()}</td>
            <td>{outcome}</td>
            <td>{d.attempts}</td>
            <td>{d.last.unwrap_or_default()}</td>
        </tr>
    }
}
