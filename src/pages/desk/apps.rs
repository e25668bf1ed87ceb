//! `/orgs/:org/apps`: apps this organization installed (uninstall any time), apps it publishes
//! (install link, who installed, unpublish), and publishing one of its bots.

use leptos::prelude::*;

use leptos_router::hooks::use_query_map;

use super::{org_param, plural};
use crate::api::apps::load_apps;
use crate::api::bots::list_bots;
use crate::api::desk::load_desk;
use crate::components::copy::CopyButton;
use crate::components::feedback::{ErrorNote, Loading};
use crate::components::get_form::GetForm;
use crate::components::layout::PageTitle;
use crate::components::post::{ConfirmPost, PostForm, QueueSlot};
use crate::components::scopes::{api_label, ApiScopes};
use crate::model::apps::{InstalledApp, PublishedApp};
use crate::model::bots::Bot;
use crate::model::desk::{ApiOption, Desk};

#[component]
fn InstalledRow(org: String, app: InstalledApp) -> impl IntoView {
    view! {
        <li class="list__item" data-testid="installed-app">
            <span class="list__title">{app.name.clone()}</span>
            <span class="small">"Published by " {app.publisher.clone()}</span>
            <span class="small">{format!("{}: {}", api_label(&app.audience), app.scopes.join(", "))}</span>
            <span class="small muted">{format!("Installed {}", app.installed_at.get(..10).unwrap_or(""))}</span>
            <div class="actions">
                <ConfirmPost endpoint="apps/uninstall" hidden=vec![("org_id", org), ("app_id", app.app_id.clone())]
                    label="Uninstall" question=format!("Uninstall {}? It gets no new tokens for your organization.", app.name) confirm="Uninstall"/>
            </div>
        </li>
    }
}

#[component]
fn PublishedRow(org: String, app: PublishedApp) -> impl IntoView {
    let installs = if app.installs.is_empty() {
        "No organization has installed it yet.".to_string()
    } else {
        format!(
            "Installed by {}",
            app.installs
                .iter()
                .map(|i| i.org_name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let install_count = plural(app.installs.len(), "organization", "organizations");
    let link_id = format!("link-{}", app.app_id);
    view! {
        <li class="list__item" data-testid="published-app">
            <span class="list__title">{app.name.clone()}</span>
            <span class="small">{app.description.clone()}</span>
            <span class="small">{format!("{}: {}", api_label(&app.audience), app.scopes.join(", "))}</span>
            <span class="small" data-testid="installs" title=install_count>{installs}</span>
            {if app.published {
                view! {
                    <div class="field">
                        <label for=link_id.clone()>"Install link"</label>
                        <div class="secret-row">
                            <input id=link_id readonly value=app.install_url.clone()/>
                            <CopyButton value=app.install_url.clone() what=format!("install link of {}", app.name)/>
                        </div>
                    </div>
                    <div class="actions">
                        <ConfirmPost endpoint="apps/unpublish" hidden=vec![("org_id", org), ("app_id", app.app_id.clone())]
                            label="Unpublish" question="Stop new installs? Organizations that installed it keep it until they uninstall it." confirm="Unpublish"/>
                    </div>
                }.into_any()
            } else {
                view! { <span class="small muted">"Not offered for new installs."</span> }.into_any()
            }}
        </li>
    }
}

/// Which bot (a GET form: the page comes back with that bot's APIs and scopes), then the offer. The
/// scopes start as the bot's own; others change what the bot itself can do, which the server says
/// (naming what) and the box below accepts.
#[component]
fn PublishForm(
    org: String,
    desk: Desk,
    bots: Vec<Bot>,
    /// Bots already offered as apps: not offered again here.
    published: Vec<String>,
    /// The bot asked for (`?bot=`), else the first that can be published.
    wanted: Option<String>,
) -> impl IntoView {
    let candidates: Vec<Bot> = bots
        .into_iter()
        .filter(|b| !b.access.is_empty() && !published.contains(&b.client_id))
        .collect();
    let Some(bot) = wanted
        .and_then(|id| candidates.iter().find(|b| b.client_id == id))
        .or(candidates.first())
        .cloned()
    else {
        return view! { <p class="empty">"No bot to publish: an app is one of your bots, with API access, that is not published yet. Register one, or give one access to an API first."</p> }.into_any();
    };
    let here = format!("/orgs/{org}/apps");
    let apis: Vec<ApiOption> = bot
        .access
        .iter()
        .filter_map(|a| desk.apis.iter().find(|x| x.audience == a.audience).cloned())
        .collect();
    let options = candidates
        .into_iter()
        .map(|b| {
            let selected = b.client_id == bot.client_id;
            view! { <option value=b.client_id selected=selected>{b.name}</option> }
        })
        .collect_view();
    view! {
        <GetForm action=here class="form form--inline">
            <div class="field">
                <label for="publish-bot">"Bot"</label>
                <select id="publish-bot" name="bot" data-submit="">{options}</select>
            </div>
            <button type="submit" class="btn nojs-only">"Choose"</button>
        </GetForm>
        <PostForm class="form" labelledby="publish-title" endpoint="apps/publish"
            hidden=vec![("org_id", org), ("client_id", bot.client_id.clone())] pending="Publishing…">
            <ApiScopes apis id="publish" ticked=bot.access.clone()/>
            <div class="field">
                <label for="publish-description">"Public description"</label>
                <textarea id="publish-description" name="description" rows="3" maxlength="500" required></textarea>
                <p class="small muted">"Shown to other organizations' admins when they decide whether to install it."</p>
            </div>
            <div class="note note--warn">
                <p>"The app uses this bot's own access: publishing with scopes other than the bot's changes what the bot can do in your organization too."</p>
                <label class="check" for="publish-change-access">
                    <input id="publish-change-access" type="checkbox" name="change_access"/>
                    " Change the bot's access too"
                </label>
            </div>
            <p class="small muted">"Installing organizations approve exactly these scopes. Each install lets the bot get tokens for that organization only."</p>
            <button type="submit" class="btn btn--primary">"Publish app"</button>
        </PostForm>
    }
    .into_any()
}

/// Rendered on the server only: every change is a form the desk's script posts in place.
#[component]
pub fn AppsPage() -> impl IntoView {
    let org = org_param().get_untracked();
    let wanted = use_query_map().read_untracked().get("bot");
    let data = Resource::new(
        {
            let org = org.clone();
            move || org.clone()
        },
        load_apps,
    );
    let form = Resource::new(
        {
            let org = org.clone();
            move || org.clone()
        },
        |org| async move {
            Ok::<_, crate::model::AppError>((load_desk(org.clone()).await?, list_bots(org).await?))
        },
    );
    view! {
        <PageTitle page="Apps"/>
        <QueueSlot/>
        <h1>"Apps"</h1>
        <p class="lead">"An app is a bot one organization publishes and others install. Installing one lets it get tokens for your organization only, with the scopes you approved."</p>
        <Suspense fallback=|| view! { <Loading what="apps"/> }>
            {move || {
                let (org, wanted) = (org.clone(), wanted.clone());
                Suspend::new(async move {
                    let d = match data.await {
                        Ok(d) => d,
                        Err(e) => return view! { <ErrorNote error=e/> }.into_any(),
                    };
                    let published_ids: Vec<String> = d.published.iter().filter(|a| a.published).map(|a| a.client_id.clone()).collect();
                    let installed = if d.installed.is_empty() {
                        view! { <p class="empty" data-testid="no-installed">"No apps installed. An app's publisher gives you its install link."</p> }.into_any()
                    } else {
                        view! { <ul class="list">{d.installed.into_iter().map(|a| view! { <InstalledRow org=org.clone() app=a/> }).collect_view()}</ul> }.into_any()
                    };
                    let published = if d.published.is_empty() {
                        view! { <p class="empty" data-testid="no-published">"You publish no apps yet."</p> }.into_any()
                    } else {
                        view! { <ul class="list">{d.published.into_iter().map(|a| view! { <PublishedRow org=org.clone() app=a/> }).collect_view()}</ul> }.into_any()
                    };
                    let publish = match form.await {
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                        Ok((desk, bots)) => view! { <PublishForm org=org.clone() desk bots published=published_ids wanted/> }.into_any(),
                    };
                    view! {
                        <section aria-labelledby="installed-title">
                            <h2 id="installed-title">"Installed apps"</h2>
                            {installed}
                        </section>
                        <section aria-labelledby="published-title">
                            <h2 id="published-title">"Apps you publish"</h2>
                            {published}
                        </section>
                        <section class="panel" aria-labelledby="publish-title">
                            <h2 id="publish-title">"Publish a bot as an app"</h2>
                            {publish}
                        </section>
                    }
                        .into_any()
                })
            }}
        </Suspense>
    }
}
