//! `/orgs/:org/members`: who is in the organization, their roles, search, removal. Rendered on the
//! server only: each role box is a form that posts when changed (giving or taking the admin role is
//! asked about first), removing is asked about first; the desk's script posts them in place.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::org_param;
use crate::api::members::{list_members, search_members};
use crate::components::feedback::{ErrorNote, Loading};
use crate::components::get_form::GetForm;
use crate::components::layout::PageTitle;
use crate::components::post::{ConfirmPost, PostForm, QueueSlot};
use crate::model::members::{MemberView, RoleRef, SearchResults};
use crate::model::wire::encode;

/// One role of one member: a box that posts its change when ticked or cleared (a button does it
/// without JavaScript). The admin role asks first: it decides who runs the desk.
#[component]
fn RoleToggle(
    org: String,
    member: MemberView,
    role: RoleRef,
    row_id: String,
    is_admin_role: bool,
    /// Your own admin role: another admin can take it, you cannot drop it by a click.
    locked: bool,
) -> impl IntoView {
    let has = member.roles.iter().any(|r| r.id == role.id);
    let input_id = format!("role-{row_id}-{}", role.id);
    let label_for = input_id.clone();
    let description_id = format!("{input_id}-about");
    let described_by = [
        role.description.as_ref().map(|_| description_id.clone()),
        locked.then(|| format!("locked-{row_id}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let mut hidden = vec![
        ("org_id", org),
        ("user_id", member.user_id.clone()),
        ("role_id", role.id.clone()),
        ("on", (!has).to_string()),
    ];
    if is_admin_role {
        let who = &member.email;
        let (question, yes) = if has {
            (
                format!("Take the admin role from {who}? They lose the desk at once."),
                "Take admin role",
            )
        } else {
            (format!("Make {who} an admin? They will be able to manage bots, API access, members and apps."), "Make admin")
        };
        hidden.push(("_question", question));
        hidden.push(("_confirm", yes.to_string()));
    }
    let button = if has {
        format!("Take {}", role.name)
    } else {
        format!("Give {}", role.name)
    };
    let title = if locked {
        Some("Your own admin role is locked. Another admin can change it.".to_string())
    } else {
        role.description.clone()
    };
    view! {
        <PostForm class="role-form" endpoint="members/role" hidden pending="Saving…">
            <label class="check" for=label_for title=title>
                <input id=input_id type="checkbox" checked=has disabled=locked data-submit=""
                    aria-describedby=(!described_by.is_empty()).then_some(described_by)/>
                {role.name.clone()}
            </label>
            {role.description.map(|d| view! { <span id=description_id class="visually-hidden">{d}</span> })}
            {(!locked).then(|| view! { <button type="submit" class="btn btn--quiet nojs-only">{button}</button> })}
        </PostForm>
    }
}

#[component]
fn MemberRow(
    org: String,
    member: MemberView,
    assignable: Vec<RoleRef>,
    you: String,
    admin_role: String,
) -> impl IntoView {
    let is_you = member.user_id == you;
    let label = if member.name.is_empty() {
        member.email.clone()
    } else {
        member.name.clone()
    };
    let row_id = member
        .user_id
        .replace(|c: char| !c.is_ascii_alphanumeric(), "-");
    let roles = assignable
        .into_iter()
        .map(|role| {
            let is_admin_role = role.id == admin_role;
            view! {
                <RoleToggle org=org.clone() member=member.clone() role row_id=row_id.clone()
                    is_admin_role locked=is_you && is_admin_role/>
            }
        })
        .collect_view();
    let remove = (!is_you).then(|| {
        view! {
            <ConfirmPost endpoint="members/remove"
                hidden=vec![("org_id", org.clone()), ("user_id", member.user_id.clone())]
                label="Remove" question=format!("Remove {} from the organization?", member.email) confirm="Remove member"/>
        }
    });
    view! {
        <li class="list__item member" data-testid="member-row" data-email=member.email.clone()>
            <div class="member__body">
                <div class="member__who">
                    <span class="list__title">{label} {is_you.then_some(view! { <span class="muted small">" (you)"</span> })}</span>
                    <span class="small muted">{member.email.clone()}</span>
                    {is_you.then(|| view! { <span class="small muted" id=format!("locked-{row_id}")>"Your own admin role is locked; another admin can change it."</span> })}
                </div>
                <fieldset class="roles">
                    <legend class="visually-hidden">{format!("Roles of {}", member.email)}</legend>
                    {roles}
                </fieldset>
                <div class="member__actions">{remove}</div>
            </div>
        </li>
    }
}

fn search_note(found: &SearchResults) -> String {
    let mut note = format!(
        "{} found among {} indexed members",
        found.members.len(),
        found.indexed
    );
    if let Some(at) = &found.as_of {
        note.push_str(&format!(
            " (list read {})",
            at.get(..16).unwrap_or(at).replace('T', " ")
        ));
    }
    if found.members.len() >= 50 {
        note.push_str(". Showing the first 50: type more to narrow it down");
    }
    if found.refreshing {
        note.push_str(
            ". The member list is being refreshed; search again in a moment for the newest.",
        );
    }
    note
}

#[component]
pub fn MembersPage() -> impl IntoView {
    let org = org_param().get_untracked();
    let query = use_query_map().get_untracked();
    let q = query.get("q").unwrap_or_default();
    let from = query.get("from");
    let first = from.is_some();
    let page = Resource::new(
        {
            let (org, from) = (org.clone(), from.clone());
            move || (org.clone(), from.clone())
        },
        |(org, from)| list_members(org, from),
    );
    let found = Resource::new(
        {
            let (org, q) = (org.clone(), q.clone());
            move || (org.clone(), q.clone())
        },
        |(org, q)| async move {
            if q.trim().is_empty() {
                Ok(None)
            } else {
                search_members(org, q).await.map(Some)
            }
        },
    );
    let here = format!("/orgs/{org}/members");
    let clear =
        (!q.is_empty()).then(|| view! { <a class="btn btn--quiet" href=here.clone()>"Clear"</a> });
    view! {
        <PageTitle page="Members"/>
        <QueueSlot/>
        <h1>"Members"</h1>
        <p class="lead">"People in your organization and their roles. Role changes apply at their next sign-in or token."</p>
        <p class="actions">
            <a class="btn" href=format!("/orgs/{org}/invitations")>"Invite someone"</a>
        </p>
        <GetForm action=here.clone()>
            <div class="form form--inline" role="search">
                <label for="member-search">"Search by name or email"</label>
                <input id="member-search" type="search" name="q" maxlength="100" autocomplete="off" value=q/>
                <button type="submit" class="btn">"Search"</button>
                {clear}
            </div>
        </GetForm>
        <section aria-labelledby="members-title">
            <h2 id="members-title" class="visually-hidden">"Member list"</h2>
            <Suspense fallback=|| view! { <Loading what="members"/> }>
                {move || {
                    let org = org.clone();
                    Suspend::new(async move {
                        let page = match page.await {
                            Ok(p) => p,
                            Err(e) => return view! { <ErrorNote error=e/> }.into_any(),
                        };
                        let (members, note, next) = match found.await {
                            Err(e) => return view! { <ErrorNote error=e/> }.into_any(),
                            Ok(Some(found)) => {
                                let note = search_note(&found);
                                (found.members, Some(note), None)
                            }
                            Ok(None) => (page.members.clone(), None, page.next.clone()),
                        };
                        let empty = members.is_empty();
                        let first = first && note.is_none();
                        view! {
                            {note.map(|n| view! { <p class="small muted" role="status" data-testid="search-note">{n}</p> })}
                            {empty.then(|| view! { <p class="empty">"No members match."</p> })}
                            <ul class="list" data-testid="member-list">
                                {members.into_iter().map(|m| view! {
                                    <MemberRow org=org.clone() member=m assignable=page.assignable.clone() you=page.you.clone() admin_role=page.admin_role.clone()/>
                                }).collect_view()}
                            </ul>
                            <nav class="actions" aria-label="Pages">
                                {first.then(|| view! { <a class="btn" href=format!("/orgs/{org}/members")>"First page"</a> })}
                                {next.map(|n| view! { <a class="btn" href=format!("/orgs/{org}/members?from={}", encode(&n))>"Next page"</a> })}
                            </nav>
                        }
                            .into_any()
                    })
                }}
            </Suspense>
        </section>
    }
}
