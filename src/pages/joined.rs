//! `/joined`: where an invitee lands after accepting an invitation. orgdesk itself is for admins, so
//! this says what happened and what (not) to do next.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::desk::joined_org;

#[component]
pub fn JoinedPage() -> impl IntoView {
    let org = Resource::new(|| (), |_| joined_org());
    view! {
        <Title text="Welcome"/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let name = org.await.ok().flatten();
                let heading = match &name {
                    Some(org) => format!("You have joined {org}"),
                    None => "Your invitation is accepted".to_string(),
                };
                view! {
                    <section class="hero">
                        <h1>{heading}</h1>
                        <p data-testid="joined">
                            "Your invitation is accepted and your account is a member of the organization. "
                            "orgdesk is where your organization's admins manage members and machine access; there is nothing more to do here."
                        </p>
                        <p><a class="btn" href="/">"About orgdesk"</a></p>
                    </section>
                }
            })}
        </Suspense>
    }
}
