//! `/apps/:app_id`: the install page another organization's admin opens from the publisher's link.
//! Who publishes the app, what it asks for in plain words, then approve or decline.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::apps::{load_app_listing, DeclineApp, InstallApp};
use crate::components::feedback::{flag, latest, ErrorNote, Loading};
use crate::model::apps::AppListing;
use crate::pages::desk::api_label;

#[component]
fn Decision(app: AppListing) -> impl IntoView {
    let install = ServerAction::<InstallApp>::new();
    crate::components::queue::track(install.pending());
    let decline = ServerAction::<DeclineApp>::new();
    crate::components::queue::track(decline.pending());
    let (o1, a1) = (app.org_id.clone(), app.app_id.clone());
    let (o2, a2) = (app.org_id.clone(), app.app_id.clone());
    let apps_href = format!("/orgs/{}/apps", app.org_id);
    let org_name = app.org_name.clone();
    let (installed, declined) = (latest(install.value()), latest(decline.value()));
    let decided =
        move || installed().is_some_and(|r| r.is_ok()) || declined().is_some_and(|r| r.is_ok());
    view! {
        {let now = latest(install.value()); move || match now() {
            Some(Ok(())) => Some(view! {
                <div class="note note--ok" role="status" data-testid="installed">
                    <p>{format!("Installed for {org_name}. It can now get tokens for {org_name} with the scopes above.")}</p>
                    <p><a href=apps_href.clone()>"See your installed apps"</a></p>
                </div>
            }.into_any()),
            Some(Err(e)) => Some(view! { <ErrorNote error=e/> }.into_any()),
            None => None,
        }}
        {let now = latest(decline.value()); move || match now() {
            Some(Ok(())) => Some(view! { <p class="note note--ok" role="status" data-testid="declined">"Declined. Nothing was changed."</p> }.into_any()),
            Some(Err(e)) => Some(view! { <ErrorNote error=e/> }.into_any()),
            None => None,
        }}
        <div class="actions" hidden=decided>
            <button type="button" class="btn btn--primary" disabled=flag(install.pending())
                on:click=move |_| { install.dispatch(InstallApp { org_id: o1.clone(), app_id: a1.clone() }); }>
                {format!("Approve for {}", app.org_name)}
            </button>
            <button type="button" class="btn" disabled=flag(decline.pending())
                on:click=move |_| { decline.dispatch(DeclineApp { org_id: o2.clone(), app_id: a2.clone() }); }>
                "Decline"
            </button>
        </div>
    }
}

#[component]
pub fn InstallPage() -> impl IntoView {
    let params = use_params_map();
    let app_id = Memo::new(move |_| params.read().get("app_id").unwrap_or_default());
    let data = Resource::new(move || app_id.get(), load_app_listing);
    view! {
        <Title text="Install an app"/>
        <Suspense fallback=|| view! { <Loading what="the app"/> }>
            {move || Suspend::new(async move {
                let app = match data.await {
                    Ok(a) => a,
                    Err(e) => return view! { <h1>"Install an app"</h1> <ErrorNote error=e/> }.into_any(),
                };
                let api = api_label(&app.audience);
                let state = if app.own {
                    Some("This app is published by your own organization; it already works for you.")
                } else if app.installed {
                    Some("Your organization has installed this app. You can uninstall it on your Apps page.")
                } else if !app.published {
                    Some("The publisher no longer offers this app for new installs.")
                } else {
                    None
                };
                view! {
                    <section class="hero hero--compact">
                        <p class="muted small">"App install request for " {app.org_name.clone()}</p>
                        <h1>{app.name.clone()}</h1>
                        <p>"Published by " <strong data-testid="publisher">{app.publisher.clone()}</strong></p>
                    </section>
                    <section class="panel" aria-labelledby="asks-title">
                        <h2 id="asks-title">"What it asks for"</h2>
                        <p>{app.description.clone()}</p>
                        <p>"Access to " <strong>{api.clone()}</strong> " with these permissions:"</p>
                        <ul data-testid="scopes">{app.scopes.iter().map(|s| view! { <li><code>{s.clone()}</code></li> }).collect_view()}</ul>
                        <p class="small" data-testid="explanation">{format!(
                            "If you approve, {} — a program run by {} — can ask for access tokens for {} and use them to call {} with the permissions above. \
                             Your approval covers {} only: it gives no access to any other organization, and the app cannot sign in as any of your people. \
                             You can uninstall it at any time on your Apps page; from then on it gets no new tokens for {}.",
                            app.name, app.publisher, app.org_name, api, app.org_name, app.org_name
                        )}</p>
                    </section>
                    {match state {
                        Some(text) => view! { <p class="note note--ok" role="status">{text}</p> }.into_any(),
                        None => view! { <Decision app=app.clone()/> }.into_any(),
                    }}
                }
                .into_any()
            })}
        </Suspense>
    }
}
