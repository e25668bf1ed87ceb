//! `/apps/:app_id`: the install page another organization's admin opens from the publisher's link.
//! Who publishes the app, what it asks for in plain words, then approve or decline. Signed out, the
//! same description and a way to sign in that comes back here.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::apps::load_app_listing;
use crate::components::feedback::{ErrorNote, Loading};
use crate::components::post::{PostButton, PostForm, QueueSlot};
use crate::model::apps::AppListing;

/// Approve or decline, or what was just decided (`?decided=1` after the answer: the page says so
/// once, and offers neither choice again until it is opened anew).
#[component]
fn Decision(app: AppListing, decided: bool) -> impl IntoView {
    let org_name = app.org_name.clone();
    if decided && app.installed {
        let text = format!("Installed for {org_name}. It can now get tokens for {org_name} with the permissions above.");
        let href = format!("/orgs/{}/apps", app.org_id);
        return view! {
            <div class="note note--ok" role="status" tabindex="-1" data-testid="installed" data-outcome="ok">
                <p>{text}</p>
                <p><a href=href>"See your installed apps"</a></p>
            </div>
        }
        .into_any();
    }
    if decided && app.declined_at.is_some() {
        return view! {
            <div class="note note--ok" role="status" tabindex="-1" data-testid="declined" data-outcome="ok">
                <p>"Declined. Nothing was changed, and the publisher sees that you said no."</p>
            </div>
        }
        .into_any();
    }
    let fields = vec![
        ("org_id", app.org_id.clone()),
        ("app_id", app.app_id.clone()),
    ];
    let earlier = app.declined_at.clone();
    view! {
        {earlier.as_ref().map(|at| view! {
            <p class="note note--info" data-testid="declined-before">{format!(
                "Your organization declined this app on {}. You can still approve it.",
                at.get(..10).unwrap_or(at)
            )}</p>
        })}
        <div class="actions" data-testid="decision">
            <PostForm class="inline-form" endpoint="apps/install" hidden=fields.clone() pending="Approving…">
                <button type="submit" class="btn btn--primary">{format!("Approve for {org_name}")}</button>
            </PostForm>
            {earlier.is_none().then(|| view! { <PostButton endpoint="apps/decline" hidden=fields label="Decline" pending="Declining…"/> })}
        </div>
    }
    .into_any()
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

/// Rendered on the server only, whole before it is sent (the title names the app): approving and
/// declining are forms the desk's script posts in place.
#[component]
pub fn InstallPage() -> impl IntoView {
    let app_id = use_params_map()
        .read_untracked()
        .get("app_id")
        .unwrap_or_default();
    let decided = use_query_map().read_untracked().get("decided").is_some();
    let data = Resource::new(move || app_id.clone(), load_app_listing);
    view! {
        <Title text="Install an app"/>
        <QueueSlot/>
        <Suspense fallback=|| view! { <Loading what="the app"/> }>
            {move || Suspend::new(async move {
                let app = match data.await {
                    Ok(a) => a,
                    Err(e) => return view! { <h1>"Install an app"</h1> <ErrorNote error=e/> }.into_any(),
                };
                // Just decided: `Decision` says what, once.
                let state = if !app.signed_in {
                    None
                } else if app.own {
                    Some("This app is published by your own organization; it already works for you.")
                } else if decided {
                    None
                } else if app.installed {
                    Some("Your organization has installed this app. You can uninstall it on your Apps page.")
                } else if !app.published {
                    Some("The publisher no longer offers this app for new installs.")
                } else {
                    None
                };
                let sign_in = format!("/login?return_to=/apps/{}", app.app_id);
                view! {
                    <Title text=format!("Install {}", app.name)/>
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
                        (true, None) => view! { <Decision app=app.clone() decided/> }.into_any(),
                    }}
                }
                .into_any()
            })}
        </Suspense>
    }
}
