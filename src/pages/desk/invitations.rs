//! The invitations page (as in Auth0's own dashboard, a tab beside Members): invite by email with
//! roles and a validity period; pending invitations with their expiry, resend in one click, revoke
//! after confirmation. One Management API read, the members page another.

use leptos::prelude::*;

use super::{org_param, plural};
use crate::api::members::{list_invitations, InviteMember, ResendInvitation, RevokeInvitation};
use crate::components::copy::CopyButton;
use crate::components::feedback::{flag, latest, ConfirmButton, ErrorNote, Loading, Outcome};
use crate::components::island::island_context;
use crate::components::layout::PageTitle;
use crate::components::queue::QueueNotice;
use crate::components::ready::{ActionButton, ChangeForm, Live};
use crate::model::members::{InvitationView, Invitations, RoleRef};

fn day(ts: &str) -> String {
    ts.get(..10).unwrap_or(ts).to_string()
}

/// The link to pass on, shown after inviting or resending (Auth0 also emails it).
#[component]
fn SentNote(invitation: InvitationView, #[prop(into)] id: String) -> impl IntoView {
    let text = format!(
        "Invitation sent to {}, valid until {}.",
        invitation.email,
        day(&invitation.expires_at)
    );
    view! {
        <Outcome testid="invitation-sent">
            <p>{text}</p>
            {invitation.url.map(|url| view! {
                <div class="field">
                    <label for=id.clone()>"Invitation link (if the email does not arrive)"</label>
                    <div class="secret-row">
                        <input id=id readonly value=url.clone()/>
                        <CopyButton value=url what="invitation link"/>
                    </div>
                </div>
            })}
        </Outcome>
    }
}

#[component]
fn InviteForm(org: String, data: Invitations, invite: ServerAction<InviteMember>) -> impl IntoView {
    let default_role: Vec<String> = data
        .assignable
        .iter()
        .find(|r| r.name.eq_ignore_ascii_case("member"))
        .map(|r| vec![r.id.clone()])
        .unwrap_or_default();
    let email = RwSignal::new(String::new());
    let chosen = RwSignal::new(default_role.clone());
    let days = RwSignal::new(data.default_days.to_string());
    let max = data.max_days;
    // After a send the address is cleared for the next one; roles and validity stay as chosen.
    Effect::new(move |_| {
        if let Some(Ok(_)) = invite.value().get() {
            email.set(String::new());
        }
    });
    let org_for_form = org.clone();
    let submit = Callback::new(move |_: leptos::ev::SubmitEvent| {
        invite.dispatch(InviteMember {
            org_id: org.clone(),
            email: email.get(),
            roles: chosen.get(),
            days: days.get().trim().parse().unwrap_or(0),
        });
    });
    view! {
        <ChangeForm class="form" on_submit=submit labelledby="invite-title" endpoint="invitations/create" hidden=vec![("org_id", org_for_form)]>
            <div class="field">
                <label for="invite-email">"Email"</label>
                <input id="invite-email" name="email" type="email" required maxlength="254" autocomplete="off"
                    prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
            </div>
            <fieldset class="roles">
                <legend>"Roles"</legend>
                {data.assignable.into_iter().map(|RoleRef { id, name, description }| {
                    let (a, b) = (id.clone(), id.clone());
                    let input_id = format!("invite-role-{id}");
                    let for_id = input_id.clone();
                    let about = format!("{input_id}-about");
                    let described_by = description.as_ref().map(|_| about.clone());
                    view! {
                        <div class="check-row">
                            <label class="check" for=for_id>
                                <input id=input_id type="checkbox" name="roles" value=id.clone() checked=chosen.read_untracked().contains(&id) prop:checked=move || chosen.read().contains(&a)
                                    aria-describedby=described_by
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|v| { v.retain(|x| x != &b); if on { v.push(b.clone()); } });
                                    }/>
                                {name}
                            </label>
                            {description.map(|d| view! { <span id=about class="muted small">{d}</span> })}
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <div class="field">
                <label for="invite-days">"Valid for (days)"</label>
                <input id="invite-days" name="days" type="number" min="1" inputmode="numeric"
                    value=days.get_untracked() prop:value=move || days.get() on:input=move |ev| days.set(event_target_value(&ev))/>
                <p class="small muted">{format!("Auth0 keeps an invitation open for at most {max} days; a longer period is shortened to {max}.")}</p>
            </div>
            <button type="submit" class="btn btn--primary" disabled=flag(invite.pending())>
                {let busy = flag(invite.pending()); move || if busy() { "Inviting…" } else { "Send invitation" }}
            </button>
        </ChangeForm>
    }
}

#[component]
fn PendingRow(
    org: String,
    invitation: InvitationView,
    resend: ServerAction<ResendInvitation>,
    revoke: ServerAction<RevokeInvitation>,
) -> impl IntoView {
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
    let (o1, i1) = (org.clone(), invitation.id.clone());
    let (o2, i2) = (org, invitation.id.clone());
    let link = invitation.url.clone();
    let who = invitation.email.clone();
    view! {
        <li class="list__item" data-testid="invitation-row" data-email=invitation.email.clone()>
            <span class="list__title">{invitation.email.clone()}</span>
            <span class="small">{roles}</span>
            <span class="small" class:muted=!invitation.expired>{expiry}</span>
            <span class="small muted">{format!("invited by {}", invitation.inviter)}</span>
            <div class="actions">
                {link.map(|url| view! { <CopyButton value=url what=format!("invitation link for {who}")/> })}
                <ActionButton endpoint="invitations/resend" hidden=vec![("org_id", o1.clone()), ("id", i1.clone())]
                    label="Resend" disabled=resend.pending()
                    on_click=Callback::new(move |_| { resend.dispatch(ResendInvitation { org_id: o1.clone(), id: i1.clone() }); })/>
                <ConfirmButton label="Revoke" question=format!("Withdraw the invitation to {}?", invitation.email) confirm="Revoke invitation"
                    endpoint="invitations/revoke" hidden=vec![("org_id", o2.clone()), ("id", i2.clone())]
                    pending=revoke.pending()
                    on_confirm=Callback::new(move |_| { revoke.dispatch(RevokeInvitation { org_id: o2.clone(), id: i2.clone() }); })/>
            </div>
        </li>
    }
}

#[component]
pub fn InvitationsPage() -> impl IntoView {
    let org = org_param();
    view! {
        <PageTitle page="Invitations"/>
        <h1>"Invitations"</h1>
        <p class="lead">
            "Invite people to your organization with the roles they need. They join when they follow the link. "
            <a href=move || format!("/orgs/{}/members", org.get())>"Members"</a>
        </p>
        <InvitationsSection org=org.get_untracked()/>
    }
}

/// Which change on the page answered last: only its notice shows, so notices do not pile up.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    Resend,
    Revoke,
}

#[island]
fn InvitationsSection(org: String) -> impl IntoView {
    island_context();
    let org = Signal::stored(org);
    let invite = ServerAction::<InviteMember>::new();
    crate::components::queue::track(invite.pending());
    let resend = ServerAction::<ResendInvitation>::new();
    crate::components::queue::track(resend.pending());
    let revoke = ServerAction::<RevokeInvitation>::new();
    crate::components::queue::track(revoke.pending());
    let last = RwSignal::new(None::<Last>);
    Effect::new(move |_| {
        if resend.version().get() > 0 {
            last.set(Some(Last::Resend));
        }
    });
    Effect::new(move |_| {
        if revoke.version().get() > 0 {
            last.set(Some(Last::Revoke));
        }
    });
    // The form reads the roles once; the list follows every change.
    let form_data = Resource::new(move || org.get(), list_invitations);
    let data = Resource::new(
        move || {
            (
                org.get(),
                invite.version().get(),
                resend.version().get(),
                revoke.version().get(),
            )
        },
        |(org, ..)| list_invitations(org),
    );
    view! {
        <QueueNotice/>
        <section class="panel" aria-labelledby="invite-title">
            <h2 id="invite-title">"Invite someone"</h2>
            <Suspense fallback=|| view! { <Loading what="the invitation form"/> }>
                {move || Suspend::new(async move {
                    match form_data.await {
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                        Ok(d) => view! { <Live><InviteForm org=org.get_untracked() data=d invite/></Live> }.into_any(),
                    }
                })}
            </Suspense>
            {let now = latest(invite.value()); move || now().map(|r| match r {
                Ok(i) => view! { <SentNote invitation=i id="invitation-link"/> }.into_any(),
                Err(e) => view! { <ErrorNote error=e focus=true/> }.into_any(),
            })}
        </section>
        <section aria-labelledby="pending-title">
            <h2 id="pending-title">"Pending invitations"</h2>
            {let (resent, revoked) = (latest(resend.value()), latest(revoke.value()));
            move || match last.get() {
                Some(Last::Resend) => resent().map(|r| match r {
                    Ok(i) => view! { <SentNote invitation=i id="resent-invitation-link"/> }.into_any(),
                    Err(e) => view! { <ErrorNote error=e focus=true/> }.into_any(),
                }),
                Some(Last::Revoke) => revoked().map(|r| match r {
                    Ok(()) => view! { <Outcome><p>"Invitation withdrawn."</p></Outcome> }.into_any(),
                    Err(e) => view! { <ErrorNote error=e focus=true/> }.into_any(),
                }),
                None => None,
            }}
            <Transition fallback=|| view! { <Loading what="invitations"/> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                        Ok(d) if d.list.is_empty() => view! { <p class="empty" data-testid="no-invitations">"No pending invitations."</p> }.into_any(),
                        Ok(d) => {
                            let org = org.get_untracked();
                            let count = plural(d.list.iter().filter(|i| !i.expired).count(), "pending invitation", "pending invitations");
                            view! {
                                <Live>
                                    <p class="small muted">{count}</p>
                                    <ul class="list" data-testid="invitation-list">
                                        {d.list.into_iter().map(|i| view! { <PendingRow org=org.clone() invitation=i resend revoke/> }).collect_view()}
                                    </ul>
                                </Live>
                            }
                            .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
