//! The invitations page (as in Auth0's own dashboard, a tab beside Members): invite by email with
//! roles and a validity period; pending invitations with their expiry, resend in one click, revoke
//! after confirmation. One Management API read, the members page another.

use leptos::prelude::*;

use super::{day, org_param, plural};
use crate::api::invitations::list_invitations;
use crate::components::copy::CopyButton;
use crate::components::feedback::{ErrorNote, Loading};
use crate::components::layout::PageTitle;
use crate::components::post::{ConfirmPost, PostButton, PostForm, QueueSlot};
use crate::model::invitations::{InvitationView, Invitations};
use crate::model::members::RoleRef;

/// Invite by email: roles (a member's by default) and how long the link stays open. After a send
/// the page comes back with the address cleared for the next one and the link in the notice.
#[component]
fn InviteForm(org: String, data: Invitations) -> impl IntoView {
    let max = data.max_days;
    view! {
        <PostForm class="form" labelledby="invite-title" endpoint="invitations/create" hidden=vec![("org_id", org)] pending="Inviting…">
            <div class="field">
                <label for="invite-email">"Email"</label>
                <input id="invite-email" name="email" type="email" required maxlength="254" autocomplete="off"/>
            </div>
            <fieldset class="roles">
                <legend>"Roles"</legend>
                {data.assignable.into_iter().map(|RoleRef { id, name, description }| {
                    let input_id = format!("invite-role-{id}");
                    let for_id = input_id.clone();
                    let about = format!("{input_id}-about");
                    let described_by = description.as_ref().map(|_| about.clone());
                    let checked = name.eq_ignore_ascii_case("member");
                    view! {
                        <div class="check-row">
                            <label class="check" for=for_id>
                                <input id=input_id type="checkbox" name="roles" value=id checked=checked aria-describedby=described_by/>
                                {name}
                            </label>
                            {description.map(|d| view! { <span id=about class="muted small">{d}</span> })}
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <div class="field">
                <label for="invite-days">"Valid for (days)"</label>
                <input id="invite-days" name="days" type="number" min="1" inputmode="numeric" value=data.default_days.to_string()/>
                <p class="small muted">{format!("Auth0 keeps an invitation open for at most {max} days; a longer period is shortened to {max}.")}</p>
            </div>
            <button type="submit" class="btn btn--primary">"Send invitation"</button>
        </PostForm>
    }
}

#[component]
fn PendingRow(org: String, invitation: InvitationView) -> impl IntoView {
    let roles = invitation
        .roles
        .iter()
        .map(|r| r.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let expiry = if invitation.expired {
        format!("expired {}", day(&invitation.expires_at))
    } else {
        format!("expires {}", day(&invitation.expires_at))
    };
    let fields = vec![("org_id", org), ("id", invitation.id.clone())];
    let who = invitation.email.clone();
    view! {
        <li class="list__item" data-testid="invitation-row" data-email=invitation.email.clone()>
            <span class="list__title">{invitation.email.clone()}</span>
            <span class="small">{roles}</span>
            <span class="small" class:muted=!invitation.expired>{expiry}</span>
            <span class="small muted">{format!("invited by {}", invitation.inviter)}</span>
            <div class="actions">
                {invitation.url.map(|url| view! { <CopyButton value=url what=format!("invitation link for {who}")/> })}
                <PostButton endpoint="invitations/resend" hidden=fields.clone() label="Resend" pending="Sending…"/>
                <ConfirmPost endpoint="invitations/revoke" hidden=fields label="Revoke"
                    question=format!("Withdraw the invitation to {}?", invitation.email) confirm="Revoke invitation"/>
            </div>
        </li>
    }
}

/// Rendered on the server only: every change on it is a form the desk's script posts in place.
#[component]
pub fn InvitationsPage() -> impl IntoView {
    let org = org_param().get_untracked();
    let data = Resource::new(
        {
            let org = org.clone();
            move || org.clone()
        },
        list_invitations,
    );
    let members = format!("/orgs/{org}/members");
    view! {
        <PageTitle page="Invitations"/>
        <QueueSlot/>
        <h1>"Invitations"</h1>
        <p class="lead">
            "Invite people to your organization with the roles they need. They join when they follow the link. "
            <a href=members>"Members"</a>
        </p>
        <Suspense fallback=|| view! { <Loading what="invitations"/> }>
            {move || {
                let org = org.clone();
                Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                        Ok(d) => {
                            let count = plural(d.list.iter().filter(|i| !i.expired).count(), "pending invitation", "pending invitations");
                            let list = if d.list.is_empty() {
                                view! { <p class="empty" data-testid="no-invitations">"No pending invitations."</p> }.into_any()
                            } else {
                                view! {
                                    <p class="small muted">{count}</p>
                                    <ul class="list" data-testid="invitation-list">
                                        {d.list.clone().into_iter().map(|i| view! { <PendingRow org=org.clone() invitation=i/> }).collect_view()}
                                    </ul>
                                }.into_any()
                            };
                            view! {
                                <section class="panel" aria-labelledby="invite-title">
                                    <h2 id="invite-title">"Invite someone"</h2>
                                    <InviteForm org=org.clone() data=d/>
                                </section>
                                <section aria-labelledby="pending-title">
                                    <h2 id="pending-title">"Pending invitations"</h2>
                                    {list}
                                </section>
                            }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}
