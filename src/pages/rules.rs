//! "How does a bot get a token for our organization?" — Auth0's organization rules for machine-to-machine
//! access, explained interactively from the same decision table the local tenant enforces.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::model::m2m::{decide, Decision, OrgRef, OrganizationUsage};

/// The organization choices offered for the request and for the default, as (value, label, meaning).
const ORG_CHOICES: [(&str, &str, OrgRef); 4] = [
    ("none", "none", OrgRef::Absent),
    (
        "granted",
        "one the access was granted for",
        OrgRef::Known { authorized: true },
    ),
    (
        "other",
        "another organization",
        OrgRef::Known { authorized: false },
    ),
    ("unknown", "one that does not exist", OrgRef::Unknown),
];

fn org_ref(value: &str) -> OrgRef {
    ORG_CHOICES
        .iter()
        .find(|(v, _, _)| *v == value)
        .map(|(_, _, r)| *r)
        .unwrap_or(OrgRef::Absent)
}

#[component]
fn OrgSelect(
    id: &'static str,
    label: &'static str,
    value: RwSignal<&'static str>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select
                id=id
                on:change=move |ev| {
                    let chosen = event_target_value(&ev);
                    if let Some((v, _, _)) = ORG_CHOICES.iter().find(|(v, _, _)| *v == chosen) {
                        value.set(v);
                    }
                }
            >
                {ORG_CHOICES
                    .iter()
                    .map(|(v, text, _)| {
                        view! { <option value=*v selected=move || value.get() == *v>{*text}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

#[component]
pub fn Rules() -> impl IntoView {
    view! {
        <Title text="Access rules"/>
        <section class="prose">
            <h1>"How a bot gets a token for your organization"</h1>
            <p>
                "A bot asks Auth0 for a token with the client-credentials flow, naming the API and, usually, "
                "an organization. Whether it gets one depends on how its access to that API is configured. "
                "orgdesk always configures customer bots the strictest way: organization "
                <strong>"required"</strong> ", and granted only for your organization."
            </p>
        </section>
        <RulesIsland/>
    }
}

/// The explainer answers as the choices change.
#[island]
fn RulesIsland() -> impl IntoView {
    let usage = RwSignal::new(OrganizationUsage::Require);
    let requested = RwSignal::new("granted");
    let default = RwSignal::new("none");
    let decision = move || {
        decide(
            usage.get(),
            org_ref(requested.get()),
            org_ref(default.get()),
        )
    };

    view! {
        <section class="panel" aria-labelledby="try-title">
            <h2 id="try-title">"Try the rules"</h2>
            <form class="explainer" on:submit=|ev| ev.prevent_default()>
                <div class="field">
                    <label for="usage">"Organization use for this API"</label>
                    <select
                        id="usage"
                        on:change=move |ev| {
                            if let Some(u) = OrganizationUsage::parse(&event_target_value(&ev)) {
                                usage.set(u);
                            }
                        }
                    >
                        {OrganizationUsage::ALL
                            .into_iter()
                            .map(|u| {
                                view! {
                                    <option value=u.as_str() selected=move || usage.get() == u>
                                        {u.as_str()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <OrgSelect id="requested" label="Organization in the request" value=requested/>
                <OrgSelect id="default" label="The bot's default organization" value=default/>
            </form>
            <p
                class=move || match decision() {
                    Decision::Token(_) => "outcome outcome--ok",
                    Decision::Refused(_) => "outcome outcome--refused",
                }
                data-testid="outcome"
                aria-live="polite"
            >
                {move || decision().explanation()}
            </p>
            <p class="muted small">
                "Refusals come back from Auth0's token endpoint as OAuth errors; the bot gets no token."
            </p>
        </section>
    }
}
