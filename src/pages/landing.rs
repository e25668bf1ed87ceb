//! The signed-out landing page: what orgdesk is and what an organization admin can do with it.

use leptos::prelude::*;
use leptos_meta::Title;

const FEATURES: [(&str, &str); 5] = [
    (
        "Bots",
        "Register machine-to-machine clients owned by your organization. The secret is shown once, never stored.",
    ),
    (
        "API access",
        "Grant a bot the vendor's APIs with only the scopes you choose. Its tokens carry your organization, and only yours.",
    ),
    (
        "Members",
        "Invite colleagues, assign the roles your vendor allows, and remove access when people move on.",
    ),
    (
        "Audit log",
        "Every change and every refused attempt, with who, what, when, and a request id for support.",
    ),
    (
        "Third-party apps",
        "Install apps published by other organizations after reading exactly what they ask for. Uninstall any time.",
    ),
];

#[component]
pub fn Landing() -> impl IntoView {
    // Pages render on the server only: whether the vendor lets customers create organizations.
    #[cfg(feature = "ssr")]
    let onboarding = use_context::<crate::server::state::AppState>()
        .is_some_and(|s| s.onboarding_oidc.is_some());
    #[cfg(not(feature = "ssr"))]
    let onboarding = false;
    view! {
        <Title text="Your organization's admin desk"/>
        <section class="hero">
            <h1>"Your organization's admin desk"</h1>
            <p class="lead">
                "orgdesk lets the admins of each business customer manage their own organization on the vendor's "
                "Auth0 tenant: bots, API access, members and the audit log — for their organization only, "
                "without ever touching the vendor's Auth0 account."
            </p>
            <p class="actions">
                {onboarding.then(|| view! {
                    <a class="btn btn--primary" href="/onboarding" data-testid="create-org">"Create your organization"</a>
                    " "
                })}
                <a class=if onboarding { "btn" } else { "btn btn--primary" } href="/rules">"See how bots get access"</a>
            </p>
        </section>
        <section aria-labelledby="features-title">
            <h2 id="features-title">"What an organization admin can do"</h2>
            <ul class="cards">
                {FEATURES
                    .into_iter()
                    .map(|(title, text)| {
                        view! {
                            <li class="card">
                                <h3>{title}</h3>
                                <p>{text}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
