//! `/apps/:app_id`: the install page another organization's admin opens from the publisher's link.
//! Who publishes the app, what it asks for in plain words, then approve or decline. Signed out, the
//! same description and a way to sign in that comes back here.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::apps::{load_app_listing, DeclineApp, InstallApp};
use crate::components::feedback::{flag, latest, ErrorNote, Loading, Outcome};
use crate::components::island::{island_context, IslandTitle};
use crate::components::queue::QueueNotice;
use crate::components::ready::{ActionButton, Live};
use crate::model::apps::AppListing;

/// Where the decision stands on this page.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Decided {
    Open,
    Installed,
    Declined,
}

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
    // A decision ends the page's choices: once one succeeded, neither button is offered again.
    let decided = move || {
        if installed().is_some_and(|r| r.is_ok()) {
            Decided::Installed
        } else if declined().is_some_and(|r| r.is_ok()) {
            Decided::Declined
        } else {
            Decided::Open
        }
    };
    let busy = {
        let (i, d) = (flag(install.pending()), flag(decline.pending()));
        move || i() || d()
    };
    let earlier = app.declined_at.clone();
    view! {
        {move || match decided() {
            Decided::Installed => Some({
                let text = format!("Installed for {org_name}. It can now get tokens for {org_name} with the permissions above.");
                let href = apps_href.clone();
                view! {
                    <Outcome testid="installed">
                        <p>{text}</p>
                        <p><a href=href>"See your installed apps"</a></p>
                    </Outcome>
                }.into_any()
            }),
            Decided::Declined => Some(view! {
                <Outcome testid="declined"><p>"Declined. Nothing was changed, and the publisher sees that you said no."</p></Outcome>
            }.into_any()),
            Decided::Open => None,
        }}
        {move || install.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e focus=true/> })}
        {move || decline.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e focus=true/> })}
        {move || (decided() == Decided::Open).then(|| {
            let (o1, a1, o2, a2) = (o1.clone(), a1.clone(), o2.clone(), a2.clone());
            let earlier = earlier.clone();
            view! {
                {earlier.as_ref().map(|at| view! {
                    <p class="note note--info" data-testid="declined-before">{format!(
                        "Your organization declined this app on {}. You can still approve it.",
                        at.get(..10).unwrap_or(at)
                    )}</p>
                })}
                <div class="actions" data-testid="decision">
                    <ActionButton endpoint="apps/install" hidden=vec![("org_id", o1.clone()), ("app_id", a1.clone())]
                        label=format!("Approve for {}", app.org_name) class="btn btn--primary" disabled=Signal::derive(busy)
                        on_click=Callback::new(move |_| { install.dispatch(InstallApp { org_id: o1.clone(), app_id: a1.clone() }); })/>
                    {earlier.is_none().then(|| view! {
                        <ActionButton endpoint="apps/decline" hidden=vec![("org_id", o2.clone()), ("app_id", a2.clone())]
                            label="Decline" disabled=Signal::derive(busy)
                            on_click=Callback::new(move |_| { decline.dispatch(DeclineApp { org_id: o2.clone(), app_id: a2.clone() }); })/>
                    })}
                </div>
            }
        })}
    }
}

#[component]
fn Asks(app: AppListing) -> impl IntoView {
    let who = if app.signed_in {
        app.org_name.clone()
    } else {
        "your organization".to_string()
    };
    let permissions = app
        .scopes
        .iter()
        .zip(
            app.scope_descriptions
                .iter()
                .chain(std::iter::repeat(&None)),
        )
        .map(|(scope, description)| {
            view! {
                <li>
                    <code>{scope.clone()}</code>
                    {description.clone().map(|d| view! { <span>" — " {d}</span> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="asks-title">
            <h2 id="asks-title">"What it asks for"</h2>
            <p>{app.description.clone()}</p>
            <p>"Access to " <strong>{app.api_name.clone()}</strong> " with these permissions:"</p>
            <ul data-testid="scopes">{permissions}</ul>
            <p class="small" data-testid="explanation">{format!(
                "If you approve, {} — a program run by {} — can ask for access tokens for {who} and use them to call {} with the permissions above. \
                 Your approval covers {who} only: it gives no access to any other organization, and the app cannot sign in as any of your people. \
                 You can uninstall it at any time on your Apps page; from then on it gets no new tokens for {who}.",
                app.name, app.publisher, app.api_name
            )}</p>
        </section>
    }
}

#[component]
pub fn InstallPage() -> impl IntoView {
    let app_id = use_params_map()
        .read_untracked()
        .get("app_id")
        .unwrap_or_default();
    view! {
        <Title text="Install an app"/>
        <InstallIsland app_id/>
    }
}

#[island]
fn InstallIsland(app_id: String) -> impl IntoView {
    island_context();
    let data = Resource::new(move || app_id.clone(), load_app_listing);
    view! {
        <QueueNotice/>
        <Suspense fallback=|| view! { <Loading what="the app"/> }>
            {move || Suspend::new(async move {
                let app = match data.await {
                    Ok(a) => a,
                    Err(e) => return view! { <h1>"Install an app"</h1> <ErrorNote error=e/> }.into_any(),
                };
                let state = if !app.signed_in {
                    None
                } else if app.own {
                    Some("This app is published by your own organization; it already works for you.")
                } else if app.installed {
                    Some("Your organization has installed this app. You can uninstall it on your Apps page.")
                } else if !app.published {
                    Some("The publisher no longer offers this app for new installs.")
                } else {
                    None
                };
                let sign_in = format!("/login?return_to=/apps/{}", app.app_id);
                view! {
                    <IslandTitle text=format!("Install {}", app.name)/>
                    <section class="hero hero--compact">
                        <p class="muted small">{if app.signed_in { format!("App install request for {}", app.org_name) } else { "App install request".to_string() }}</p>
                        <h1>{app.name.clone()}</h1>
                        <p>"Published by " <strong data-testid="publisher">{app.publisher.clone()}</strong></p>
                    </section>
                    <Asks app=app.clone()/>
                    {match (app.signed_in, state) {
                        (false, _) => view! {
                            <div class="panel" data-testid="sign-in-to-install">
                                <p>"To approve or decline it for your organization, sign in as one of its admins."</p>
                                <p><a class="btn btn--primary" href=sign_in rel="external">"Sign in to decide"</a></p>
                            </div>
                        }.into_any(),
                        (true, Some(text)) => view! { <p class="note note--ok" role="status">{text}</p> }.into_any(),
                        (true, None) => view! { <Live><Decision app=app.clone()/></Live> }.into_any(),
                    }}
                }
                .into_any()
            })}
        </Suspense>
    }
}
