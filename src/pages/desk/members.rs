//! `/orgs/:org/members`: who is in the organization, their roles, search, removal; and invitations.

use crate::components::layout::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::org_param;
use crate::api::members::{list_members, search_members, RemoveMember, SetMemberRole};
use crate::components::feedback::{latest, AskInline, ConfirmButton, ErrorNote, Loading, Outcome};
use crate::components::get_form::GetForm;
use crate::components::island::island_context;
use crate::components::queue::QueueNotice;
use crate::components::ready::Live;
use crate::model::members::{encode, MemberView, RoleRef, SearchResults};

/// A change to someone's admin role waiting for "yes".
#[derive(Clone, Copy, PartialEq, Eq)]
struct AdminChange {
    on: bool,
}

#[component]
fn MemberRow(
    org: String,
    member: MemberView,
    assignable: Vec<RoleRef>,
    you: String,
    admin_role: String,
) -> impl IntoView {
    let roles = RwSignal::new(member.roles.clone());
    let set_role = ServerAction::<SetMemberRole>::new();
    crate::components::queue::track(set_role.pending());
    let remove = ServerAction::<RemoveMember>::new();
    crate::components::queue::track(remove.pending());
    Effect::new(move |_| match set_role.value().get() {
        Some(Ok(now)) => roles.set(now),
        // Puts the checkbox back where the server says it is.
        Some(Err(_)) => roles.update(|_| ()),
        None => {}
    });
    let removal = latest(remove.value());
    let removed = move || matches!(removal(), Some(Ok(())));
    let is_you = member.user_id == you;
    let label = if member.name.is_empty() {
        member.email.clone()
    } else {
        member.name.clone()
    };
    let user_id = member.user_id.clone();
    let row_id = member
        .user_id
        .replace(|c: char| !c.is_ascii_alphanumeric(), "-");
    // Giving or taking the admin role is asked about first: it decides who runs the desk.
    let asking = RwSignal::new(None::<AdminChange>);
    let (org_a, user_a, admin_a) = (org.clone(), user_id.clone(), admin_role.clone());
    let apply_admin = move |on: bool| {
        asking.set(None);
        set_role.dispatch(SetMemberRole {
            org_id: org_a.clone(),
            user_id: user_a.clone(),
            role_id: admin_a.clone(),
            on,
        });
    };
    let member_roles = member.roles.clone();
    let checks = assignable
        .into_iter()
        .map(|role| {
            let (org_nojs, user_nojs) = (org.clone(), user_id.clone());
            let member_roles = member_roles.clone();
            let (org, user_id, id) = (org.clone(), user_id.clone(), role.id.clone());
            let checked_id = role.id.clone();
            let input_id = format!("role-{row_id}-{}", role.id);
            let for_id = input_id.clone();
            let is_admin_role = role.id == admin_role;
            // Your own admin role is locked: another admin can take it, you cannot drop it by a click.
            let locked = is_you && is_admin_role;
            let title = locked.then_some("Your own admin role is locked. Another admin can change it.");
            let described = role.description.clone();
            let description_id = format!("{input_id}-about");
            let described_by = [
                described.as_ref().map(|_| description_id.clone()),
                locked.then(|| format!("locked-{row_id}")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
            view! {
                <label class="check" for=for_id title=title.map(String::from).or(described.clone())>
                    <input id=input_id type="checkbox"
                        checked=roles.read_untracked().iter().any(|r| r.id == role.id)
                        prop:checked=move || roles.read().iter().any(|r| r.id == checked_id)
                        disabled=move || locked || set_role.pending().try_get().unwrap_or(false)
                        aria-describedby=(!described_by.is_empty()).then_some(described_by)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            if is_admin_role {
                                // Shown as it was until confirmed.
                                roles.update(|_| ());
                                asking.set(Some(AdminChange { on }));
                            } else {
                                set_role.dispatch(SetMemberRole { org_id: org.clone(), user_id: user_id.clone(), role_id: id.clone(), on });
                            }
                        }/>
                    {role.name.clone()}
                </label>
                {described.map(|d| view! { <span id=description_id class="visually-hidden">{d}</span> })}
                // Without JavaScript a box cannot act: a button per role does, on a page of its own.
                {(!locked).then(|| {
                    let has = member_roles.iter().any(|r| r.id == role.id);
                    let label = if has { format!("Take {}", role.name) } else { format!("Give {}", role.name) };
                    view! {
                        <span class="nojs-only">
                            <crate::components::ready::ActionButton endpoint="members/role"
                                hidden=vec![("org_id", org_nojs.clone()), ("user_id", user_nojs.clone()), ("role_id", role.id.clone()), ("on", (!has).to_string())]
                                label class="btn btn--quiet" on_click=Callback::new(|_| ())/>
                        </span>
                    }
                })}
            }
        })
        .collect_view();
    let (org_r, user_r, email_r) = (org.clone(), member.user_id.clone(), member.email.clone());
    let who = member.email.clone();
    let confirm = move || {
        asking.get().map(|change| {
            let question = if change.on {
                format!("Make {who} an admin? They will be able to manage bots, API access, members and apps.")
            } else {
                format!("Take the admin role from {who}? They lose the desk at once.")
            };
            let yes = if change.on { "Make admin" } else { "Take admin role" };
            let apply = apply_admin.clone();
            view! {
                <AskInline question yes on_yes=Callback::new(move |_| apply(change.on)) on_no=Callback::new(move |_| asking.set(None))/>
            }
        })
    };
    view! {
        <li class="list__item member" data-testid="member-row" data-email=member.email.clone()>
            {move || removed().then(|| {
                let text = format!("{email_r} was removed.");
                view! { <Outcome><p>{text}</p></Outcome> }
            })}
            <div class="member__body" hidden=removed>
                <div class="member__who">
                    <span class="list__title">{label.clone()} {is_you.then_some(view! { <span class="muted small">" (you)"</span> })}</span>
                    <span class="small muted">{member.email.clone()}</span>
                    {is_you.then(|| view! { <span class="small muted" id=format!("locked-{row_id}")>"Your own admin role is locked; another admin can change it."</span> })}
                </div>
                <fieldset class="roles">
                    <legend class="visually-hidden">{format!("Roles of {}", member.email)}</legend>
                    {checks}
                </fieldset>
                <div class="member__actions">
                {(!is_you).then(|| {
                    let (org, user) = (org_r.clone(), user_r.clone());
                    view! {
                        <ConfirmButton label="Remove" question=format!("Remove {} from the organization?", member.email) confirm="Remove member"
                            endpoint="members/remove" hidden=vec![("org_id", org.clone()), ("user_id", user.clone())]
                            pending=remove.pending()
                            on_confirm=Callback::new(move |_| { remove.dispatch(RemoveMember { org_id: org.clone(), user_id: user.clone() }); })/>
                    }
                })}
                </div>
                {confirm}
                {let now = latest(set_role.value()); move || now().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e focus=true/> })}
                {let now = latest(remove.value()); move || now().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e focus=true/> })}
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
    view! {
        <PageTitle page="Members"/>
        <MembersIsland org q from/>
    }
}

#[island]
fn MembersIsland(org: String, q: String, from: Option<String>) -> impl IntoView {
    island_context();
    let org = Signal::stored(org);
    let q = Signal::stored(q);
    let from = Signal::stored(from);
    let page = Resource::new(
        move || (org.get(), from.get()),
        |(org, from)| list_members(org, from),
    );
    let found = Resource::new(
        move || (org.get(), q.get()),
        |(org, q)| async move {
            if q.trim().is_empty() {
                Ok(None)
            } else {
                search_members(org, q).await.map(Some)
            }
        },
    );
    view! {
        <QueueNotice/>
        <h1>"Members"</h1>
        <p class="lead">"People in your organization and their roles. Role changes apply at their next sign-in or token."</p>
        <p class="actions">
            <a class="btn" href=move || format!("/orgs/{}/invitations", org.get())>"Invite someone"</a>
        </p>
        <GetForm action=Signal::derive(move || format!("/orgs/{}/members", org.get()))>
            <div class="form form--inline" role="search">
                <label for="member-search">"Search by name or email"</label>
                <input id="member-search" type="search" name="q" maxlength="100" autocomplete="off" value=q.get_untracked() prop:value=move || q.get()/>
                <button type="submit" class="btn">"Search"</button>
                {move || (!q.get().is_empty()).then(|| view! { <a class="btn btn--quiet" href=format!("/orgs/{}/members", org.get())>"Clear"</a> })}
            </div>
        </GetForm>
        <section aria-labelledby="members-title">
            <h2 id="members-title" class="visually-hidden">"Member list"</h2>
            <Transition fallback=|| view! { <Loading what="members"/> }>
                {move || Suspend::new(async move {
                    let page = match page.await {
                        Ok(p) => p,
                        Err(e) => return view! { <ErrorNote error=e/> }.into_any(),
                    };
                    let org = org.get_untracked();
                    let (members, note, next) = match found.await {
                        Err(e) => return view! { <ErrorNote error=e/> }.into_any(),
                        Ok(Some(found)) => {
                            let note = search_note(&found);
                            (found.members, Some(note), None)
                        }
                        Ok(None) => (page.members.clone(), None, page.next.clone()),
                    };
                    let empty = members.is_empty();
                    let first = from.get_untracked().is_some() && note.is_none();
                    view! { <Live>
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
                    </Live> }
                    .into_any()
                })}
            </Transition>
        </section>
    }
}
