//! `/orgs/:org/apps`: apps this organization installed (uninstall any time), apps it publishes
//! (install link, who installed, unpublish), and publishing one of its bots.

use leptos::prelude::*;

use super::bots::ScopePicker;
use super::{api_label, org_param, plural};
use crate::api::apps::{load_apps, PublishApp, UninstallApp, UnpublishApp};
use crate::api::desk::{list_bots, load_desk};
use crate::components::copy::CopyButton;
use crate::components::feedback::{flag, latest, ConfirmButton, ErrorNote, Loading, Outcome};
use crate::components::island::island_context;
use crate::components::layout::PageTitle;
use crate::components::queue::QueueNotice;
use crate::components::ready::{ChangeForm, Live};
use crate::model::apps::{InstalledApp, PublishedApp};
use crate::model::desk::{Bot, Desk};

#[component]
fn InstalledRow(
    org: String,
    app: InstalledApp,
    uninstall: ServerAction<UninstallApp>,
) -> impl IntoView {
    let app_id = app.app_id.clone();
    view! {
        <li class="list__item" data-testid="installed-app">
            <span class="list__title">{app.name.clone()}</span>
            <span class="small">"Published by " {app.publisher.clone()}</span>
            <span class="small">{format!("{}: {}", api_label(&app.audience), app.scopes.join(", "))}</span>
            <span class="small muted">{format!("Installed {}", app.installed_at.get(..10).unwrap_or(""))}</span>
            <div class="actions">
                <ConfirmButton label="Uninstall" question=format!("Uninstall {}? It gets no new tokens for your organization.", app.name) confirm="Uninstall"
                    endpoint="apps/uninstall" hidden=vec![("org_id", org.clone()), ("app_id", app_id.clone())]
                    pending=uninstall.pending()
                    on_confirm=Callback::new(move |_| { uninstall.dispatch(UninstallApp { org_id: org.clone(), app_id: app_id.clone() }); })/>
            </div>
        </li>
    }
}

#[component]
fn PublishedRow(
    org: String,
    app: PublishedApp,
    unpublish: ServerAction<UnpublishApp>,
) -> impl IntoView {
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
    let app_id = app.app_id.clone();
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
                        <ConfirmButton label="Unpublish" question="Stop new installs? Organizations that installed it keep it until they uninstall it." confirm="Unpublish"
                            endpoint="apps/unpublish" hidden=vec![("org_id", org.clone()), ("app_id", app_id.clone())]
                            pending=unpublish.pending()
                            on_confirm=Callback::new(move |_| { unpublish.dispatch(UnpublishApp { org_id: org.clone(), app_id: app_id.clone() }); })/>
                    </div>
                }.into_any()
            } else {
                view! { <span class="small muted">"Not offered for new installs."</span> }.into_any()
            }}
        </li>
    }
}

#[component]
fn PublishForm(
    org: String,
    desk: Desk,
    bots: Vec<Bot>,
    /// Bots already offered as apps: not offered again here.
    published: Vec<String>,
    publish: ServerAction<PublishApp>,
) -> impl IntoView {
    let candidates: Vec<Bot> = bots
        .into_iter()
        .filter(|b| !b.access.is_empty() && !published.contains(&b.client_id))
        .collect();
    if candidates.is_empty() {
        return view! { <p class="empty">"No bot to publish: an app is one of your bots, with API access, that is not published yet. Register one, or give one access to an API first."</p> }.into_any();
    }
    let first = candidates[0].clone();
    let client_id = RwSignal::new(first.client_id.clone());
    let audience = RwSignal::new(first.access[0].audience.clone());
    let chosen = RwSignal::new(first.access[0].scopes.clone());
    let description = RwSignal::new(String::new());
    let by_bot = candidates.clone();
    let pick = move |id: String| {
        if let Some(b) = by_bot.iter().find(|b| b.client_id == id) {
            audience.set(b.access[0].audience.clone());
            chosen.set(b.access[0].scopes.clone());
        }
        client_id.set(id);
    };
    let org_for_form = org.clone();
    let apis = desk.apis.clone();
    let apis_for_names = desk.apis.clone();
    let bots_for_api = candidates.clone();
    let change_access = RwSignal::new(false);
    // The app uses the bot's own grant: scopes other than the bot's change what the bot can do.
    let bots_for_change = candidates.clone();
    let access_change = Memo::new(move |_| {
        let have = bots_for_change
            .iter()
            .find(|b| b.client_id == client_id.get())
            .and_then(|b| b.access.iter().find(|a| a.audience == audience.get()))
            .map(|a| a.scopes.clone())
            .unwrap_or_default();
        let want = chosen.get();
        let added: Vec<String> = want.iter().filter(|s| !have.contains(s)).cloned().collect();
        let removed: Vec<String> = have.iter().filter(|s| !want.contains(s)).cloned().collect();
        (added, removed)
    });
    let submit = Callback::new(move |_: leptos::ev::SubmitEvent| {
        let (added, removed) = access_change.get_untracked();
        publish.dispatch(PublishApp {
            org_id: org.clone(),
            client_id: client_id.get(),
            description: description.get(),
            audience: audience.get(),
            scopes: chosen.get(),
            change_access: (added.is_empty() && removed.is_empty()) || change_access.get(),
        });
    });
    view! {
        <ChangeForm class="form" on_submit=submit labelledby="publish-title" endpoint="apps/publish" hidden=vec![("org_id", org_for_form)]>
            <div class="field">
                <label for="publish-bot">"Bot"</label>
                <select id="publish-bot" name="client_id" on:change=move |ev| pick(event_target_value(&ev))>
                    {candidates.into_iter().map(|b| view! { <option value=b.client_id.clone()>{b.name.clone()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="publish-api">"API"</label>
                <select id="publish-api" name="audience" on:change=move |ev| audience.set(event_target_value(&ev))>
                    {move || {
                        let bot = bots_for_api.iter().find(|b| b.client_id == client_id.get()).cloned();
                        bot.map(|b| b.access.into_iter().map(|a| {
                            let value = a.audience.clone();
                            let name = apis_for_names.iter().find(|x| x.audience == a.audience).map(|x| x.name.clone()).unwrap_or_else(|| api_label(&a.audience));
                            view! { <option value=value.clone() selected=move || audience.get() == value>{name}</option> }
                        }).collect_view())
                    }}
                </select>
            </div>
            {move || {
                let api = apis.iter().find(|a| a.audience == audience.get()).cloned();
                let (scopes, descriptions) = api.map(|a| (a.scopes, a.descriptions)).unwrap_or_default();
                view! { <ScopePicker scopes descriptions chosen id="publish-scope"/> }
            }}
            <div class="field">
                <label for="publish-description">"Public description"</label>
                <textarea id="publish-description" name="description" rows="3" maxlength="500" required
                    prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                <p class="small muted">"Shown to other organizations' admins when they decide whether to install it."</p>
            </div>
            {move || {
                let (added, removed) = access_change.get();
                (!added.is_empty() || !removed.is_empty()).then(|| {
                    let mut what = Vec::new();
                    if !added.is_empty() { what.push(format!("gives it {}", added.join(", "))); }
                    if !removed.is_empty() { what.push(format!("takes away {}", removed.join(", "))); }
                    view! {
                        <div class="note note--warn" data-testid="access-change">
                            <p>{format!("The app uses this bot's own access, so publishing with these scopes also changes what the bot can do in your organization: it {}.", what.join(" and "))}</p>
                            <label class="check">
                                <input type="checkbox" name="change_access" prop:checked=move || change_access.get() on:change=move |ev| change_access.set(event_target_checked(&ev))/>
                                " Change the bot's access too"
                            </label>
                        </div>
                    }
                })
            }}
            <p class="small muted">"Installing organizations approve exactly these scopes. Each install lets the bot get tokens for that organization only."</p>
            <button type="submit" class="btn btn--primary" disabled=flag(publish.pending())>"Publish app"</button>
        </ChangeForm>
    }
    .into_any()
}

#[component]
pub fn AppsPage() -> impl IntoView {
    let org = org_param().get_untracked();
    view! {
        <PageTitle page="Apps"/>
        <AppsIsland org/>
    }
}

#[island]
fn AppsIsland(org: String) -> impl IntoView {
    island_context();
    let org = Signal::stored(org);
    let publish = ServerAction::<PublishApp>::new();
    crate::components::queue::track(publish.pending());
    let unpublish = ServerAction::<UnpublishApp>::new();
    crate::components::queue::track(unpublish.pending());
    let uninstall = ServerAction::<UninstallApp>::new();
    crate::components::queue::track(uninstall.pending());
    let data = Resource::new(
        move || {
            (
                org.get(),
                publish.version().get(),
                unpublish.version().get(),
                uninstall.version().get(),
            )
        },
        |(org, ..)| load_apps(org),
    );
    let form = Resource::new(
        move || {
            (
                org.get(),
                publish.version().get(),
                unpublish.version().get(),
            )
        },
        |(org, ..)| async move {
            let published = load_apps(org.clone())
                .await?
                .published
                .into_iter()
                .filter(|a| a.published)
                .map(|a| a.client_id)
                .collect::<Vec<_>>();
            Ok::<_, crate::model::AppError>((
                load_desk(org.clone()).await?,
                list_bots(org).await?,
                published,
            ))
        },
    );
    view! {
        <QueueNotice/>
        <h1>"Apps"</h1>
        <p class="lead">"An app is a bot one organization publishes and others install. Installing one lets it get tokens for your organization only, with the scopes you approved."</p>
        <Transition fallback=|| view! { <Loading what="apps"/> }>
            {move || Suspend::new(async move {
                let d = match data.await {
                    Ok(d) => d,
                    Err(e) => return view! { <ErrorNote error=e/> }.into_any(),
                };
                let org = org.get_untracked();
                let installed = if d.installed.is_empty() {
                    view! { <p class="empty" data-testid="no-installed">"No apps installed. An app's publisher gives you its install link."</p> }.into_any()
                } else {
                    let org = org.clone();
                    view! { <ul class="list">{d.installed.into_iter().map(|a| view! { <InstalledRow org=org.clone() app=a uninstall/> }).collect_view()}</ul> }.into_any()
                };
                let published = if d.published.is_empty() {
                    view! { <p class="empty" data-testid="no-published">"You publish no apps yet."</p> }.into_any()
                } else {
                    view! {
                    <ul class="list">{d.published.into_iter().map(|a| view! { <PublishedRow org=org.clone() app=a unpublish/> }).collect_view()}</ul>
                }.into_any()
                };
                view! { <Live>
                    <section aria-labelledby="installed-title">
                        <h2 id="installed-title">"Installed apps"</h2>
                        {let now = latest(uninstall.value()); move || now().map(|r| match r {
                            Ok(()) => view! { <Outcome><p>"Uninstalled. It gets no new tokens for your organization."</p></Outcome> }.into_any(),
                            Err(e) => view! { <ErrorNote error=e focus=true/> }.into_any(),
                        })}
                        {installed}
                    </section>
                    <section aria-labelledby="published-title">
                        <h2 id="published-title">"Apps you publish"</h2>
                        {let now = latest(unpublish.value()); move || now().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e/> })}
                        {published}
                    </section>
                </Live> }
                .into_any()
            })}
        </Transition>
        <section class="panel" aria-labelledby="publish-title">
            <h2 id="publish-title">"Publish a bot as an app"</h2>
            {let now = latest(publish.value()); move || now().map(|r| match r {
                Ok(app) => {
                    let text = format!("Published. Share the install link: {}", app.install_url);
                    let url = app.install_url.clone();
                    view! { <Outcome testid="published"><p>{text}</p><CopyButton value=url what="install link"/></Outcome> }.into_any()
                }
                Err(e) => view! { <ErrorNote error=e focus=true/> }.into_any(),
            })}
            <Suspense fallback=|| view! { <Loading what="your bots"/> }>
                {move || Suspend::new(async move {
                    match form.await {
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                        Ok((desk, bots, published)) => view! { <Live><PublishForm org=org.get_untracked() desk bots published publish/></Live> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
