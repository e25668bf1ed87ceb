//! `/orgs/:org/bots/:client_id`: one bot — its API access for this organization, a test token, secret
//! rotation, rename and delete.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::bots::ScopePicker;
use super::{api_label, org_param, title};
use crate::api::desk::{
    get_bot, load_desk, ChangeBotScopes, DeleteBot, GrantBotAccess, RenameBot, RevokeBotAccess,
    RotateBotSecret, TestBotToken,
};
use crate::components::copy::CopyButton;
use crate::components::feedback::{flag, latest, ConfirmButton, ErrorNote, Loading, Outcome};
use crate::components::island::{go_to, island_context, IslandTitle};
use crate::components::queue::QueueNotice;
use crate::components::ready::{ChangeForm, Live};
use crate::components::secret::SecretPanel;
use crate::model::desk::{Access, ApiOption, Bot, Desk};
use crate::model::AppError;

fn outcome<T: Clone + Send + Sync + 'static>(
    value: Option<Result<T, AppError>>,
    ok: &'static str,
) -> impl IntoView {
    value.map(|r| match r {
        Ok(_) => view! { <Outcome><p>{ok}</p></Outcome> }.into_any(),
        Err(e) => view! { <ErrorNote error=e focus=true/> }.into_any(),
    })
}

#[component]
fn AccessRow(
    org: String,
    client_id: String,
    access: Access,
    api: Option<ApiOption>,
    done: Callback<()>,
) -> impl IntoView {
    let (scopes_allowed, descriptions, api_name) = match api {
        Some(a) => (a.scopes, a.descriptions, a.name),
        None => (Vec::new(), Vec::new(), api_label(&access.audience)),
    };
    let chosen = RwSignal::new(access.scopes.clone());
    let save = ServerAction::<ChangeBotScopes>::new();
    crate::components::queue::track(save.pending());
    let revoke = ServerAction::<RevokeBotAccess>::new();
    crate::components::queue::track(revoke.pending());
    Effect::new(move |_| {
        if matches!(revoke.value().get(), Some(Ok(()))) {
            done.run(());
        }
    });
    let (o1, c1, a1) = (org.clone(), client_id.clone(), access.audience.clone());
    let (o2, c2, a2) = (org, client_id, access.audience.clone());
    let id = format!(
        "scope-{}",
        api_label(&access.audience).replace(['.', '/'], "-")
    );
    view! {
        <li class="panel" data-testid="access-row">
            <h3>{api_name}</h3>
            <ChangeForm class="form" endpoint="bots/scopes"
                hidden=vec![("org_id", o1.clone()), ("client_id", c1.clone()), ("audience", a1.clone())]
                on_submit=Callback::new(move |_| { save.dispatch(ChangeBotScopes { org_id: o1.clone(), client_id: c1.clone(), audience: a1.clone(), scopes: chosen.get() }); })>
                <ScopePicker scopes=scopes_allowed descriptions chosen id/>
                <div class="actions">
                    <button type="submit" class="btn" disabled=flag(save.pending())>"Save scopes"</button>
                </div>
            </ChangeForm>
            <div class="actions">
                <ConfirmButton label="Revoke access" question="The bot loses this API for your organization." confirm="Revoke"
                    endpoint="bots/revoke" hidden=vec![("org_id", o2.clone()), ("client_id", c2.clone()), ("audience", a2.clone())]
                    pending=revoke.pending()
                    on_confirm=Callback::new(move |_| { revoke.dispatch(RevokeBotAccess { org_id: o2.clone(), client_id: c2.clone(), audience: a2.clone() }); })/>
            </div>
            {let now = latest(save.value()); move || outcome(now(), "Scopes saved.")}
            {let now = latest(revoke.value()); move || now().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e focus=true/> })}
        </li>
    }
}

#[component]
fn GrantForm(org: String, bot: Bot, desk: Desk, done: Callback<()>) -> impl IntoView {
    let available: Vec<_> = desk
        .apis
        .iter()
        .filter(|a| !bot.access.iter().any(|x| x.audience == a.audience))
        .cloned()
        .collect();
    if available.is_empty() {
        return view! { <p class="muted small">"The bot has access to every API you can grant."</p> }.into_any();
    }
    let audience = RwSignal::new(available[0].audience.clone());
    let chosen = RwSignal::new(Vec::<String>::new());
    let grant = ServerAction::<GrantBotAccess>::new();
    crate::components::queue::track(grant.pending());
    Effect::new(move |_| {
        if matches!(grant.value().get(), Some(Ok(()))) {
            done.run(());
        }
    });
    let client_id = bot.client_id.clone();
    let (org_for_form, client_for_form) = (org.clone(), client_id.clone());
    let options = available.clone();
    let missing = RwSignal::new(false);
    let submit = Callback::new(move |_| {
        if chosen.read().is_empty() {
            missing.set(true);
            return;
        }
        missing.set(false);
        grant.dispatch(GrantBotAccess {
            org_id: org.clone(),
            client_id: client_id.clone(),
            audience: audience.get(),
            scopes: chosen.get(),
        });
    });
    view! {
        <ChangeForm class="form" on_submit=submit endpoint="bots/grant" hidden=vec![("org_id", org_for_form), ("client_id", client_for_form)]>
            <div class="field">
                <label for="grant-api">"API"</label>
                <select id="grant-api" name="audience" on:change=move |ev| { audience.set(event_target_value(&ev)); chosen.set(Vec::new()); }>
                    {options.into_iter().map(|a| view! { <option value=a.audience.clone()>{a.name.clone()}</option> }).collect_view()}
                </select>
            </div>
            {move || {
                let api = available.iter().find(|a| a.audience == audience.get()).cloned();
                let (scopes, descriptions) = api.map(|a| (a.scopes, a.descriptions)).unwrap_or_default();
                view! { <ScopePicker scopes descriptions chosen id="grant-scope"/> }
            }}
            {move || missing.get().then(|| view! { <p class="note note--error" role="alert">"Choose at least one scope."</p> })}
            <button type="submit" class="btn btn--primary" disabled=flag(grant.pending())>"Grant access"</button>
            {let now = latest(grant.value()); move || now().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e focus=true/> })}
        </ChangeForm>
    }
    .into_any()
}

/// `expires` (Unix seconds) in the reader's own time zone and language; UTC on the server.
fn local_time(unix: i64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix as f64 * 1000.0));
        String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        format!("{unix} (Unix time, UTC)")
    }
}

#[component]
fn TestToken(org: String, bot: Bot, apis: Vec<ApiOption>) -> impl IntoView {
    let secret = RwSignal::new(String::new());
    let audience = RwSignal::new(
        bot.access
            .first()
            .map(|a| a.audience.clone())
            .unwrap_or_default(),
    );
    let test = ServerAction::<TestBotToken>::new();
    crate::components::queue::track(test.pending());
    let client_id = bot.client_id.clone();
    let access = bot.access.clone();
    if access.is_empty() {
        return view! { <p class="muted small">"Grant the bot access to an API first; then you can test a token here."</p> }.into_any();
    }
    let hidden = vec![("org_id", org.clone()), ("client_id", client_id.clone())];
    let submit = Callback::new(move |_| {
        test.dispatch(TestBotToken {
            org_id: org.clone(),
            client_id: client_id.clone(),
            audience: audience.get(),
            secret: secret.get(),
        });
        // The secret is sent once and forgotten here too.
        secret.set(String::new());
    });
    view! {
        <ChangeForm class="form" on_submit=submit endpoint="bots/test-token" hidden>
            <p class="small muted">"Paste the bot's secret: orgdesk asks Auth0 for a token for your organization and shows what it says. The secret is used once and not kept."</p>
            <div class="field">
                <label for="test-api">"API"</label>
                <select id="test-api" name="audience" on:change=move |ev| audience.set(event_target_value(&ev))>
                    {access.into_iter().map(|a| {
                        let name = apis.iter().find(|x| x.audience == a.audience).map(|x| x.name.clone()).unwrap_or_else(|| api_label(&a.audience));
                        view! { <option value=a.audience.clone()>{name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="test-secret">"Client secret"</label>
                <input id="test-secret" name="secret" type="password" autocomplete="off" required prop:value=move || secret.get()
                    on:input=move |ev| secret.set(event_target_value(&ev))/>
            </div>
            <button type="submit" class="btn" disabled=flag(test.pending())>"Get a test token"</button>
            {let now = latest(test.value()); move || now().map(|r| match r {
                Ok(c) => {
                    let expires = local_time(c.expires_at);
                    view! {
                        <Outcome class="note note--ok" testid="token-result">
                            <p>"Auth0 issued a token for your organization."</p>
                            <dl class="facts" data-testid="token-claims">
                                <dt>"org_id"</dt><dd><code>{c.org_id.unwrap_or_else(|| "(none)".into())}</code></dd>
                                <dt>"scope"</dt><dd><code>{c.scope}</code></dd>
                                <dt>"expires"</dt><dd data-testid="token-expires">{expires}</dd>
                            </dl>
                        </Outcome>
                    }.into_any()
                }
                Err(e) => view! { <ErrorNote error=e focus=true/> }.into_any(),
            })}
        </ChangeForm>
    }
    .into_any()
}

#[component]
pub fn BotPage() -> impl IntoView {
    let org = org_param().get_untracked();
    let params = use_params_map();
    let client_id = params.read_untracked().get("client_id").unwrap_or_default();
    view! {
        <Title text="Bot"/>
        <BotIsland org client_id/>
    }
}

#[island]
fn BotIsland(org: String, client_id: String) -> impl IntoView {
    island_context();
    let org = Signal::stored(org);
    let client_id = Signal::stored(client_id);
    let changed = RwSignal::new(0u32);
    let bump = Callback::new(move |_| changed.update(|n| *n += 1));
    let data = Resource::new(
        move || (org.get(), client_id.get(), changed.get()),
        |(org, client_id, _)| async move {
            let d = load_desk(org.clone()).await?;
            let bot = get_bot(org, client_id).await?;
            Ok::<_, AppError>((d, bot))
        },
    );
    let rotate = ServerAction::<RotateBotSecret>::new();
    crate::components::queue::track(rotate.pending());
    let rename = ServerAction::<RenameBot>::new();
    crate::components::queue::track(rename.pending());
    let delete = ServerAction::<DeleteBot>::new();
    crate::components::queue::track(delete.pending());
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(()))) {
            go_to(&format!("/orgs/{}/bots", org.get_untracked()));
        }
    });
    Effect::new(move |_| {
        if matches!(rename.value().get(), Some(Ok(()))) {
            bump.run(());
        }
    });
    view! {
        <QueueNotice/>
        <p><a href=move || format!("/orgs/{}/bots", org.get())>"← All bots"</a></p>
        <Transition fallback=|| view! { <Loading what="the bot"/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <h1>"Bot"</h1> <ErrorNote error=e/> }.into_any(),
                    Ok((d, bot)) => {
                        let org_id = d.me.org_id.clone();
                        let org_name = d.me.org_name.clone().unwrap_or_default();
                        let name = RwSignal::new(bot.name.clone());
                        let (o_rename, c_rename) = (org_id.clone(), bot.client_id.clone());
                        let (o_rotate, c_rotate) = (org_id.clone(), bot.client_id.clone());
                        let (o_delete, c_delete) = (org_id.clone(), bot.client_id.clone());
                        let token_url = d.token_url.clone();
                        let first_api = bot.access.first().map(|a| a.audience.clone()).unwrap_or_default();
                        let access_rows = bot.access.iter().map(|a| {
                            let api = d.apis.iter().find(|x| x.audience == a.audience).cloned();
                            view! { <AccessRow org=org_id.clone() client_id=bot.client_id.clone() access=a.clone() api done=bump/> }
                        }).collect_view();
                        // Deleting a bot that is an app ends the app for everyone who installed it: say who.
                        let delete_question = match &bot.app {
                            Some(app) if !app.installers.is_empty() => format!(
                                "Delete this bot for good? It is published as an app, and {} will lose it too.",
                                app.installers.join(", ")
                            ),
                            Some(_) => "Delete this bot for good? Its app goes too (nobody has installed it).".to_string(),
                            None => "Delete this bot for good?".to_string(),
                        };
                        let app_note = bot.app.clone().map(|app| {
                            let installs = if app.installers.is_empty() {
                                "No organization has installed it.".to_string()
                            } else {
                                format!("Installed by {}.", app.installers.join(", "))
                            };
                            let state = if app.published { "It is published as an app." } else { "It was published as an app (not offered for new installs now)." };
                            view! { <p class="note note--info" data-testid="bot-app">{format!("{state} {installs} Its API access is what the app's installers approved, so it cannot change here.")}</p> }
                        });
                        let bot_title = title(&[&bot.name, "Bots", &org_name]);
                        view! {
                            <IslandTitle text=bot_title/>
                            <Live>
                            <h1 data-testid="bot-name">{bot.name.clone()}</h1>
                            <p class="muted">
                                <code data-testid="bot-client-id">{bot.client_id.clone()}</code> " "
                                <CopyButton value=bot.client_id.clone() what="client id"/>
                                {bot.description.clone().map(|d| view! { " · " {d} })}
                            </p>
                            {app_note}

                            <section aria-labelledby="access-title">
                                <h2 id="access-title">"API access for your organization"</h2>
                                {if bot.access.is_empty() {
                                    view! { <p class="empty">"This bot has no API access yet."</p> }.into_any()
                                } else {
                                    view! { <ul class="list list--plain">{access_rows}</ul> }.into_any()
                                }}
                                <h3>"Grant another API"</h3>
                                <GrantForm org=org_id.clone() bot=bot.clone() desk=d.clone() done=bump/>
                            </section>

                            <section class="panel" aria-labelledby="test-title">
                                <h2 id="test-title">"Test token"</h2>
                                <TestToken org=org_id.clone() bot=bot.clone() apis=d.apis.clone()/>
                            </section>

                            <section class="panel" aria-labelledby="secret-title-h">
                                <h2 id="secret-title-h">"Rotate the secret"</h2>
                                <p class="small muted">"Rotating makes a new secret and stops the old one at once."</p>
                                <ConfirmButton label="Rotate secret" question="Programs using the old secret will stop getting tokens." confirm="Rotate now"
                                    endpoint="bots/rotate" hidden=vec![("org_id", o_rotate.clone()), ("client_id", c_rotate.clone())]
                                    pending=rotate.pending()
                                    on_confirm=Callback::new(move |_| { rotate.dispatch(RotateBotSecret { org_id: o_rotate.clone(), client_id: c_rotate.clone() }); })/>
                                {let now = latest(rotate.value()); move || now().map(|r| match r {
                                    Ok(secret) => view! { <SecretPanel secret token_url=token_url.clone() audience=first_api.clone() org_id=o_delete.clone()/> }.into_any(),
                                    Err(e) => view! { <ErrorNote error=e focus=true/> }.into_any(),
                                })}
                            </section>

                            <section class="panel" aria-labelledby="settings-title">
                                <h2 id="settings-title">"Name"</h2>
                                <ChangeForm class="form form--inline" endpoint="bots/rename"
                                    hidden=vec![("org_id", o_rename.clone()), ("client_id", c_rename.clone())]
                                    on_submit=Callback::new(move |_| {
                                    rename.dispatch(RenameBot { org_id: o_rename.clone(), client_id: c_rename.clone(), name: name.get() });
                                })>
                                    <div class="field">
                                        <label for="rename">"Name"</label>
                                        <input id="rename" name="name" required maxlength="100" value=name.get_untracked() prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                                    </div>
                                    <button type="submit" class="btn" disabled=flag(rename.pending())>"Rename"</button>
                                </ChangeForm>
                                {let now = latest(rename.value()); move || now().map(|r| match r {
                                    Ok(()) => view! { <Outcome><p>"Renamed."</p></Outcome> }.into_any(),
                                    Err(e) => view! { <ErrorNote error=e focus=true/> }.into_any(),
                                })}
                            </section>

                            <section class="panel panel--danger" aria-labelledby="danger-title">
                                <h2 id="danger-title">"Danger zone"</h2>
                                <p class="small">"Deleting removes the bot's API access, then the bot itself. Programs using it stop at once; this cannot be undone."</p>
                                <ConfirmButton label="Delete bot" question=delete_question confirm="Delete"
                                    endpoint="bots/delete" hidden=vec![("org_id", org_id.clone()), ("client_id", c_delete.clone())]
                                    pending=delete.pending()
                                    on_confirm=Callback::new(move |_| { delete.dispatch(DeleteBot { org_id: org_id.clone(), client_id: c_delete.clone() }); })/>
                                {let now = latest(delete.value()); move || now().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e focus=true/> })}
                            </section>
                            </Live>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}
