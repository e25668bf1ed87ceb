//! `/orgs/:org`: the organization at a glance — what an admin wants first: its members, invitations
//! waiting for an answer, its bots, and what happened lately.

use leptos::prelude::*;

use super::{org_param, plural};
use crate::api::audit::audit_log;
use crate::api::bots::list_bots;
use crate::api::desk::load_desk;
use crate::api::invitations::list_invitations;
use crate::api::members::list_members;
use crate::components::feedback::{ErrorNote, Loading};
use crate::components::layout::PageTitle;
use crate::model::audit::{action_label, AuditPage};
use crate::model::bots::Bot;
use crate::model::invitations::Invitations;
use crate::model::members::MembersPage;
use crate::model::AppError;

/// How many of the latest audit records the overview shows.
const RECENT: u32 = 6;

#[component]
pub fn Overview() -> impl IntoView {
    let org = org_param();
    let data = Resource::new(
        move || org.get(),
        |org| async move {
            let d = load_desk(org.clone()).await?;
            let bots = list_bots(org.clone()).await?;
            Ok::<_, crate::model::AppError>((d, bots))
        },
    );
    // The parts load at once. The page streams in order, so it waits for every part anyway: one
    // Suspense for all of them renders the same page with less work than one each.
    let members = Resource::new(move || org.get(), |org| list_members(org, None));
    let invitations = Resource::new(move || org.get(), list_invitations);
    let requests = Resource::new(move || org.get(), crate::api::bots::list_access_requests);
    let reviews = Resource::new(
        move || org.get(),
        |org| crate::api::reviews::load_reviews(org, None),
    );
    let webhooks = Resource::new(move || org.get(), crate::api::webhooks::list_webhooks);
    let recent = Resource::new(
        move || org.get(),
        |org| {
            audit_log(
                org,
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                None,
                Some(RECENT),
            )
        },
    );
    view! {
        <PageTitle page="Overview"/>
        <Suspense fallback=|| view! { <Loading what="your organization"/> }>
            {move || Suspend::new(async move {
                let (data, members, invitations, recent, requests) = (
                    data.await,
                    members.await,
                    invitations.await,
                    recent.await,
                    requests.await.unwrap_or_default(),
                );
                let review = reviews
                    .await
                    .ok()
                    .and_then(|p| p.reviews.into_iter().next())
                    .filter(|r| r.state != "done");
                let paused: Vec<String> = webhooks
                    .await
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|w| w.paused_at.is_some())
                    .map(|w| w.url)
                    .collect();
                match data {
                    Err(e) => view! { <h1>"Overview"</h1> <ErrorNote error=e/> }.into_any(),
                    Ok((d, bots)) => {
                        let org_name = d.me.org_name.clone().unwrap_or_else(|| d.me.org_id.clone());
                        let home = format!("/orgs/{}", d.me.org_id);
                        view! {
                            <section class="hero hero--compact">
                                <p class="muted small">"Organization"</p>
                                <h1>{org_name}</h1>
                                <p class="muted">"Signed in as " {d.me.email.clone()} " · admin"</p>
                            </section>
                            <super::approvals::Waiting home=home.clone() requests bots=bots.clone() review paused/>
                            <Cards home=home.clone() members invitations bots/>
                            <RecentActivity recent home/>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The three counts an admin looks at first, each with the way to its page.
#[component]
fn Cards(
    home: String,
    members: Result<MembersPage, AppError>,
    invitations: Result<Invitations, AppError>,
    bots: Vec<Bot>,
) -> impl IntoView {
    let granted: usize = bots.iter().map(|b| b.access.len()).sum();
    let (member_count, members_what) = match members {
        Ok(p) if p.next.is_some() => (format!("{}+", p.members.len()), "members"),
        Ok(p) => (
            p.members.len().to_string(),
            if p.members.len() == 1 {
                "member"
            } else {
                "members"
            },
        ),
        Err(_) => ("–".to_string(), "members"),
    };
    let (invitation_count, invitations_what) = match invitations {
        Ok(i) => {
            let n = i.list.iter().filter(|x| !x.expired).count();
            (
                n.to_string(),
                if n == 1 {
                    "pending invitation"
                } else {
                    "pending invitations"
                },
            )
        }
        Err(_) => ("–".to_string(), "pending invitations"),
    };
    view! {
        <ul class="cards">
            <li class="card">
                <p class="card__number" data-testid="member-count">{member_count}</p>
                <h2 class="card__label">{members_what}</h2>
                <p><a href=format!("{home}/members")>"Members and roles"</a></p>
            </li>
            <li class="card">
                <p class="card__number" data-testid="invitation-count">{invitation_count}</p>
                <h2 class="card__label">{invitations_what}</h2>
                <p><a href=format!("{home}/invitations")>"Invite someone"</a></p>
            </li>
            <li class="card">
                <p class="card__number" data-testid="bot-count">{bots.len()}</p>
                <h2 class="card__label">{if bots.len() == 1 { "bot" } else { "bots" }}</h2>
                <p>{format!("{} for this organization only", plural(granted, "API grant", "API grants"))}</p>
                <p><a href=format!("{home}/bots")>"Manage bots"</a></p>
            </li>
        </ul>
    }
}

/// The latest audit records, in words, and the way to the whole log.
#[component]
fn RecentActivity(recent: Result<AuditPage, AppError>, home: String) -> impl IntoView {
    view! {
        <section aria-labelledby="recent-title">
            <h2 id="recent-title">"Recent activity"</h2>
            {match recent {
                Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                Ok(p) if p.entries.is_empty() => view! { <p class="empty">"Nothing has happened yet."</p> }.into_any(),
                Ok(p) => view! {
                    <ul class="activity" data-testid="recent-activity">
                        {p.entries.into_iter().map(|e| {
                            let on = e.target_name.clone().or(e.target.clone()).unwrap_or_default();
                            view! {
                                <li>
                                    <span class="small muted nowrap">{e.at.get(..16).unwrap_or(&e.at).replace('T', " ")}</span>
                                    " " <strong>{e.actor.clone()}</strong> " · " {action_label(&e.action).to_string()}
                                    {(!on.is_empty()).then(|| view! { <span class="muted">" · " {on}</span> })}
                                    {(e.result != "ok").then(|| view! { " " <span class=format!("badge badge--{}", e.result)>{e.result.clone()}</span> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <p><a href=format!("{home}/audit")>"The whole audit log"</a></p>
                }.into_any(),
            }}
        </section>
    }
}
