//! `/onboarding`: "Create your organization". A person signs up (or in) through the vendor's
//! sign-up application, names their organization here and is signed in to it as its admin. Plain
//! forms: whole without JavaScript, nothing typed lost on a refusal (the page comes back with it).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::onboarding::load_onboarding;
use crate::components::feedback::{ErrorNote, Loading};
use crate::model::onboarding::{Newcomer, Outcome};

#[component]
pub fn OnboardingPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_onboarding());
    view! {
        <Title text="Create your organization"/>
        <Suspense fallback=|| view! { <Loading what="your organizations"/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(o) if !o.available => view! { <Unavailable/> }.into_any(),
                    Ok(o) => match o.newcomer {
                        None => view! { <Welcome/> }.into_any(),
                        Some(n) => view! { <CreateOrg newcomer=n/> }.into_any(),
                    },
                }
            })}
        </Suspense>
    }
}

#[component]
fn Unavailable() -> impl IntoView {
    view! {
        <section class="hero">
            <h1>"Create your organization"</h1>
            <p data-testid="onboarding-off">
                "Organizations are not created here. Ask the vendor, or an admin of your organization, for an invitation."
            </p>
            <p><a class="btn" href="/">"About orgdesk"</a></p>
        </section>
    }
}

#[component]
fn Welcome() -> impl IntoView {
    view! {
        <section class="hero">
            <h1>"Create your organization"</h1>
            <p class="lead">
                "Set up your company's organization in a minute: you become its admin, then register bots, "
                "grant them API access and invite your colleagues."
            </p>
            <p class="actions">
                <a class="btn btn--primary" href="/onboarding/start?signup=1">"Create an account"</a>
                " "
                <a class="btn" href="/onboarding/start">"I already have an account"</a>
            </p>
            <p class="small muted">"Already an admin of an organization? " <a href="/login">"Sign in to it"</a>"."</p>
        </section>
    }
}

#[component]
fn CreateOrg(newcomer: Newcomer) -> impl IntoView {
    let Newcomer {
        name,
        email,
        csrf,
        organizations,
        limit,
        created,
        outcome,
    } = newcomer;
    let outcome = outcome.unwrap_or_default();
    // A refusal not about one field (a limit, Auth0 unavailable) shows even where the form does not.
    let general =
        (!outcome.message.is_empty() && outcome.field.is_empty()).then(|| outcome.message.clone());
    let who = if name.is_empty() || name == email {
        email.clone()
    } else {
        format!("{name} ({email})")
    };
    let at_limit = created >= limit;
    let theirs = (!organizations.is_empty()).then(|| {
        view! {
            <section aria-labelledby="yours-title">
                <h2 id="yours-title">"Your organizations"</h2>
                <ul class="list" data-testid="your-orgs">
                    {organizations.into_iter().map(|org| {
                        let href = format!("/login?organization={}", org.id);
                        view! { <li><a href=href>{org.label}</a></li> }
                    }).collect_view()}
                </ul>
            </section>
        }
    });
    view! {
        <section class="hero">
            <h1>"Create your organization"</h1>
            <p>"Signed in as " <strong>{who}</strong>"."</p>
        </section>
        {general.map(|m| view! { <p class="note note--error" role="alert" data-testid="onboarding-error">{m}</p> })}
        {theirs}
        {if at_limit {
            view! {
                <p class="note" role="status" data-testid="onboarding-limit">
                    {format!("You have created {created} of the {limit} organizations one person may create here.")}
                </p>
            }.into_any()
        } else {
            view! { <CreateForm csrf=csrf.clone() outcome/> }.into_any()
        }}
        <form method="post" action="/logout" data-native="">
            <input type="hidden" name="csrf" value=csrf/>
            <button type="submit" class="btn btn--quiet">"Sign out"</button>
        </form>
    }
}

#[component]
fn CreateForm(csrf: String, outcome: Outcome) -> impl IntoView {
    let Outcome {
        display_name,
        name,
        field,
        message,
    } = outcome;
    let about = |f: &str| (field == f).then(|| format!("create-{f}-error"));
    let wrong = |f: &str| (field == f).then_some("true");
    let field_note = |f: &'static str| {
        (field == f).then(|| {
            view! { <p id=format!("create-{f}-error") class="field-error" role="alert">{message.clone()}</p> }
        })
    };
    view! {
        <form method="post" action="/onboarding/create" class="form" aria-labelledby="create-title" data-native="">
            <h2 id="create-title">"Your organization"</h2>
            <input type="hidden" name="csrf" value=csrf/>
            <div class="field">
                <label for="create-display_name">"Organization name"</label>
                <input id="create-display_name" name="display_name" required maxlength="255"
                    autocomplete="organization" value=display_name
                    aria-invalid=wrong("display_name") aria-describedby=about("display_name")/>
                {field_note("display_name")}
            </div>
            <div class="field">
                <label for="create-name">"Short name " <span class="muted">"(optional)"</span></label>
                <input id="create-name" name="name" maxlength="50" pattern="[a-z0-9][a-z0-9_\\-]*"
                    autocapitalize="none" spellcheck="false" value=name
                    aria-invalid=wrong("name")
                    aria-describedby=about("name").unwrap_or_else(|| "create-name-hint".into())/>
                <p id="create-name-hint" class="small muted">
                    "Lowercase letters, digits, hyphens and underscores; people type it to sign in to your organization. Left empty, it is made from the name."
                </p>
                {field_note("name")}
            </div>
            <button type="submit" class="btn btn--primary">"Create organization"</button>
        </form>
    }
}
