//! The support console's tenant-wide reports, one at a time (`?report=`), each with a CSV export.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::support::{
    report_access_requests, report_access_reviews, report_apps, report_drift,
    report_grants_per_api, report_idle_bots, report_needing_attention, report_open_grants,
};
use crate::components::feedback::{ErrorNote, Loading};
use crate::components::get_form::GetForm;
use crate::components::grant_table::GrantTable;
use crate::components::scopes::api_label;
use crate::components::table::Table;
use crate::model::apps::PublishedApp;
use crate::model::support::{ApiLine, DriftLine, GrantLine, IdleLine, ReportKind};
use crate::model::AppError;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
enum Report {
    None,
    Open(Vec<GrantLine>),
    PerApi(Vec<ApiLine>),
    Idle(u32, Vec<IdleLine>),
    Drift(Vec<DriftLine>),
    Apps(Vec<PublishedApp>),
    Requests(Vec<crate::model::bots::AccessRequest>),
    Attention(Vec<crate::model::support::AttentionLine>),
    Reviews(Vec<crate::model::reviews::ReviewSummary>),
}

async fn load(report: Option<ReportKind>, days: u32) -> Result<Report, AppError> {
    Ok(match report {
        Some(ReportKind::OpenGrants) => Report::Open(report_open_grants().await?),
        Some(ReportKind::GrantsPerApi) => Report::PerApi(report_grants_per_api().await?),
        Some(ReportKind::IdleBots) => Report::Idle(days, report_idle_bots(days).await?),
        Some(ReportKind::Drift) => Report::Drift(report_drift().await?),
        Some(ReportKind::Apps) => Report::Apps(report_apps().await?),
        Some(ReportKind::AccessRequests) => Report::Requests(report_access_requests().await?),
        Some(ReportKind::PastPolicy) => Report::Attention(report_needing_attention().await?),
        Some(ReportKind::AccessReviews) => Report::Reviews(report_access_reviews().await?),
        None => Report::None,
    })
}

fn render(report: Report) -> AnyView {
    match report {
        Report::Open(list) => view! { <GrantTable grants=list/> }.into_any(),
        Report::PerApi(list) => {
            view! {
                <Table label="Grants per API" testid="api-table" columns=&["API", "Grants", "Require an organization", "Allow", "Deny", "Unset", "Open to any organization"]>
                    {list.into_iter().map(|a| view! {
                        <tr><td>{api_label(&a.audience)}</td><td>{a.grants}</td><td>{a.require}</td><td>{a.allow}</td><td>{a.deny}</td><td>{a.unset}</td><td>{a.open_to_any_org}</td></tr>
                    }).collect_view()}
                </Table>
            }
            .into_any()
        }
        Report::Idle(days, list) => {
            if list.is_empty() {
                return view! { <p class="empty">{format!("Every bot got a token in the last {days} days.")}</p> }.into_any();
            }
            view! {
                <Table label="Idle bots" testid="idle-table" columns=&["Bot", "Organization", "Registered", "Last token"]>
                    {list.into_iter().map(|i| view! {
                        <tr data-testid="idle-row"><td>{i.name}<br/><code class="small muted">{i.client_id}</code></td><td>{i.org_id}</td><td>{i.created_at.get(..10).unwrap_or("").to_string()}</td><td>{i.last_token.unwrap_or_else(|| "none in the tenant's logs".into())}</td></tr>
                    }).collect_view()}
                </Table>
            }
            .into_any()
        }
        Report::Drift(list) => {
            if list.is_empty() {
                return view! { <p class="empty" data-testid="no-drift">"Every bot matches orgdesk's record."</p> }.into_any();
            }
            view! {
                <Table label="Drift" testid="drift-table" columns=&["Bot", "Organization", "What changed"]>
                    {list.into_iter().map(|d| view! {
                        <tr data-testid="drift-row"><td>{d.bot_name}<br/><code class="small muted">{d.client_id}</code></td><td>{d.org_id}</td><td>{d.problem}</td></tr>
                    }).collect_view()}
                </Table>
            }
            .into_any()
        }
        Report::Apps(list) => {
            if list.is_empty() {
                return view! { <p class="empty">"No organization has published an app."</p> }.into_any();
            }
            view! {
                <Table label="Published apps" testid="apps-table" columns=&["App", "Publisher", "API and scopes", "Offered", "Installed by"]>
                    {list.into_iter().map(|a| view! {
                        <tr data-testid="app-row">
                            <td>{a.name}<br/><code class="small muted">{a.client_id}</code></td>
                            <td>{a.publisher}</td>
                            <td>{api_label(&a.audience)} ": " {a.scopes.join(" ")}</td>
                            <td>{if a.published { "yes" } else { "no" }}</td>
                            <td>{if a.installs.is_empty() { "—".to_string() } else { a.installs.iter().map(|i| format!("{} ({})", i.org_name, i.org_id)).collect::<Vec<_>>().join(", ") }}</td>
                        </tr>
                    }).collect_view()}
                </Table>
            }
            .into_any()
        }
        Report::Requests(list) => {
            if list.is_empty() {
                return view! { <p class="empty">"No access request is waiting."</p> }.into_any();
            }
            view! {
                <Table label="Access requests waiting" testid="requests-table" columns=&["Organization", "Bot", "Asks for", "Asked by", "Until", "State"]>
                    {list.into_iter().map(|r| view! {
                        <tr data-testid="request-row">
                            <td>{r.org_id}</td>
                            <td><code class="small">{r.client_id}</code></td>
                            <td>{api_label(&r.audience)} ": " {r.sensitive.join(" ")}</td>
                            <td>{r.requester}</td>
                            <td>{r.until.get(..10).unwrap_or("").to_string()}</td>
                            <td>{r.state}</td>
                        </tr>
                    }).collect_view()}
                </Table>
            }
            .into_any()
        }
        Report::Attention(list) => {
            if list.is_empty() {
                return view! { <p class="empty">"No bot is due or past its credential policy, and every owner is still a member."</p> }.into_any();
            }
            view! {
                <Table label="Bots needing attention" testid="attention-table" columns=&["Bot", "Organization", "Owner", "What"]>
                    {list.into_iter().map(|a| view! {
                        <tr data-testid="attention-row">
                            <td>{a.name}<br/><code class="small muted">{a.client_id}</code></td>
                            <td>{a.org_id}</td>
                            <td>{a.health.owner.clone()}</td>
                            <td>{a.health.attention().unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </Table>
            }
            .into_any()
        }
        Report::Reviews(list) => view! { <ReviewsTable list/> }.into_any(),
        Report::None => view! { <p class="small muted">"Choose a report."</p> }.into_any(),
    }
}

/// Every organization's access reviews, each with its state (overdue ones stand out).
#[component]
fn ReviewsTable(list: Vec<crate::model::reviews::ReviewSummary>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="empty">"No organization has started an access review."</p> }
            .into_any();
    }
    view! {
        <Table label="Access reviews" testid="reviews-table" columns=&["Organization", "Started", "By", "State"]>
            {list.into_iter().map(|r| view! {
                <tr data-testid="review-row" data-state=r.state.clone()>
                    <td><a href=format!("/support/orgs/{}", r.org_id)>{r.org_id.clone()}</a></td>
                    <td>{r.started_at.get(..10).unwrap_or("").to_string()}</td>
                    <td>{r.started_by.clone()}</td>
                    <td>{crate::pages::desk::reviews::state_words(&r)}</td>
                </tr>
            }).collect_view()}
        </Table>
    }
    .into_any()
}

#[component]
pub fn Reports() -> impl IntoView {
    let query = use_query_map();
    let report = Memo::new(move |_| {
        query
            .read()
            .get("report")
            .and_then(|r| ReportKind::from_slug(&r))
    });
    let days = Memo::new(move |_| {
        query
            .read()
            .get("days")
            .and_then(|d| d.parse::<u32>().ok())
            .unwrap_or(30)
            .clamp(1, 365)
    });
    let data = Resource::new(move || (report.get(), days.get()), |(r, d)| load(r, d));
    view! {
        <section aria-labelledby="reports-title">
            <h2 id="reports-title">"Reports"</h2>
            <nav aria-label="Reports">
                <ul class="tabs">
                    {ReportKind::ALL.into_iter().map(|kind| {
                        let current = move || (report.get() == Some(kind)).then_some("page");
                        view! { <li><a href=format!("/support?report={}", kind.slug()) aria-current=current>{kind.title()}</a></li> }
                    }).collect_view()}
                </ul>
            </nav>
            {move || (report.get() == Some(ReportKind::IdleBots)).then(|| view! {
                <GetForm action="/support".to_string() class="form form--inline">
                    <input type="hidden" name="report" value="idle-bots"/>
                    <label for="idle-days">"No token for (days)"</label>
                    <input id="idle-days" name="days" type="number" min="1" max="365" value=days.get_untracked().to_string() prop:value=move || days.get().to_string()/>
                    <button type="submit" class="btn">"Show"</button>
                </GetForm>
            })}
            {move || report.get().map(|kind| view! {
                <p><a class="btn" rel="external" download="" href=kind.csv_href(days.get())>"Download CSV"</a></p>
            })}
            <Transition fallback=|| view! { <Loading what="the report"/> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(r) => render(r),
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
