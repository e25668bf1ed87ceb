//! `/orgs/:org/bots/:client_id`: one bot — its API access for this organization, a test token, secret
//! rotation, rename and delete.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::bots::ScopePicker;
use super::{api_label, org_param};
use crate::api::desk::{
    get_bot, load_desk, ChangeBotScopes, DeleteBot, GrantBotAccess, RenameBot, RevokeBotAccess,
    RotateBotSecret, TestBotToken,
};
use crate::components::feedback::{flag, latest, ConfirmButton, ErrorNote, Loading};
use crate::components::secret::SecretPanel;
use crate::model::desk::{Access, Bot, Desk};
use crate::model::AppError;

fn outcome<T: Clone + Send + Sync + 'static>(
    value: Option<Result<T, AppError>>,
    ok: &'static str,
) -> impl IntoView {
    value.map(|r| match r {
        Ok(_) => view! { <p class="note note--ok" role="status">{ok}</p> }.into_any(),
        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
    })
}

#[component]
fn AccessRow(
    org: String,
    client_id: String,
    access: Access,
    scopes_allowed: Vec<String>,
    done: Callback<()>,
) -> impl IntoView {
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
            <h3>{api_label(&access.audience)}</h3>
            <ScopePicker scopes=scopes_allowed chosen id/>
            <div class="actions">
                <button type="button" class="btn" disabled=flag(save.pending())
                    on:click=move |_| { save.dispatch(ChangeBotScopes { org_id: o1.clone(), client_id: c1.clone(), audience: a1.clone(), scopes: chosen.get() }); }>
                    "Save scopes"
                </button>
                <ConfirmButton label="Revoke access" question="The bot loses this API for your organization." confirm="Revoke"
                    pending=revoke.pending()
                    on_confirm=Callback::new(move |_| { revoke.dispatch(RevokeBotAccess { org_id: o2.clone(), client_id: c2.clone(), audience: a2.clone() }); })/>
            </div>
            {let now = latest(save.value()); move || outcome(now(), "Scopes saved.")}
            {let now = latest(revoke.value()); move || now().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e/> })}
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
    let options = available.clone();
    view! {
        <form class="form" on:submit=move |ev| {
            ev.prevent_default();
            grant.dispatch(GrantBotAccess { org_id: org.clone(), client_id: client_id.clone(), audience: audience.get(), scopes: chosen.get() });
        }>
            <div class="field">
                <label for="grant-api">"API"</label>
                <select id="grant-api" on:change=move |ev| { audience.set(event_target_value(&ev)); chosen.set(Vec::new()); }>
                    {options.into_iter().map(|a| view! { <option value=a.audience.clone()>{api_label(&a.audience)}</option> }).collect_view()}
                </select>
            </div>
            {move || {
                let scopes = available.iter().find(|a| a.audience == audience.get()).map(|a| a.scopes.clone()).unwrap_or_default();
                view! { <ScopePicker scopes chosen id="grant-scope"/> }
            }}
            <button type="submit" class="btn btn--primary" disabled=flag(grant.pending())>"Grant access"</button>
            {let now = latest(grant.value()); move || now().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e/> })}
        </form>
    }
    .into_any()
}

#[component]
fn TestToken(org: String, bot: Bot) -> impl IntoView {
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
    let apis = bot.access.clone();
    view! {
        <form class="form" on:submit=move |ev| {
            ev.prevent_default();
            test.dispatch(TestBotToken { org_id: org.clone(), client_id: client_id.clone(), audience: audience.get(), secret: secret.get() });
            // The secret is sent once and forgotten here too.
            secret.set(String::new());
        }>
            <p class="small muted">"Paste the bot's secret: orgdesk asks Auth0 for a token for your organization and shows what it says. The secret is used once and not kept."</p>
            <div class="field">
                <label for="test-api">"API"</label>
                <select id="test-api" on:change=move |ev| audience.set(event_target_value(&ev))>
                    {apis.into_iter().map(|a| view! { <option value=a.audience.clone()>{api_label(&a.audience)}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="test-secret">"Client secret"</label>
                <input id="test-secret" type="password" autocomplete="off" required prop:value=move || secret.get()
                    on:input=move |ev| secret.set(event_target_value(&ev))/>
            </div>
            <button type="submit" class="btn" disabled=flag(test.pending())>"Get a test token"</button>
            {let now = latest(test.value()); move || now().map(|r| match r {
                Ok(c) => view! {
                    <dl class="facts" data-testid="token-claims">
                        <dt>"org_id"</dt><dd><code>{c.org_id.unwrap_or_else(|| "(none)".into())}</code></dd>
                        <dt>"scope"</dt><dd><code>{c.scope}</code></dd>
                        <dt>"expires"</dt><dd><code>{c.expires_at}</code>" (Unix time)"</dd>
                    </dl>
                }.into_any(),
                Err(e) => view! { <ErrorNote error=e/> }.into_any(),
            })}
        </form>
    }
}

#[component]
pub fn BotPage() -> impl IntoView {
    let org = org_param();
    let params = use_params_map();
    let client_id = Memo::new(move |_| params.read().get("client_id").unwrap_or_default());
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
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(()))) {
            navigate(
                &format!("/orgs/{}/bots", org.get_untracked()),
                Default::default(),
            );
        }
    });
    Effect::new(move |_| {
        if matches!(rename.value().get(), Some(Ok(()))) {
            bump.run(());
        }
    });
    view! {
        <Title text="Bot"/>
        <p><a href=move || format!("/orgs/{}/bots", org.get())>"← All bots"</a></p>
        <Transition fallback=|| view! { <Loading what="the bot"/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok((d, bot)) => {
                        let org_id = d.me.org_id.clone();
                        let name = RwSignal::new(bot.name.clone());
                        let (o_rename, c_rename) = (org_id.clone(), bot.client_id.clone());
                        let (o_rotate, c_rotate) = (org_id.clone(), bot.client_id.clone());
                        let (o_delete, c_delete) = (org_id.clone(), bot.client_id.clone());
                        let token_url = d.token_url.clone();
                        let first_api = bot.access.first().map(|a| a.audience.clone()).unwrap_or_default();
                        let access_rows = bot.access.iter().map(|a| {
                            let allowed = d.apis.iter().find(|x| x.audience == a.audience).map(|x| x.scopes.clone()).unwrap_or_default();
                            view! { <AccessRow org=org_id.clone() client_id=bot.client_id.clone() access=a.clone() scopes_allowed=allowed done=bump/> }
                        }).collect_view();
                        view! {
                            <h1 data-testid="bot-name">{bot.name.clone()}</h1>
                            <p class="muted"><code>{bot.client_id.clone()}</code> " · " {bot.description.clone().unwrap_or_default()}</p>

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
                                <TestToken org=org_id.clone() bot=bot.clone()/>
                            </section>

                            <section class="panel" aria-labelledby="secret-title-h">
                                <h2 id="secret-title-h">"Rotate the secret"</h2>
                                <p class="small muted">"Rotating makes a new secret and stops the old one at once."</p>
                                <ConfirmButton label="Rotate secret" question="Programs using the old secret will stop getting tokens." confirm="Rotate now"
                                    pending=rotate.pending()
                                    on_confirm=Callback::new(move |_| { rotate.dispatch(RotateBotSecret { org_id: o_rotate.clone(), client_id: c_rotate.clone() }); })/>
                                {let now = latest(rotate.value()); move || now().map(|r| match r {
                                    Ok(secret) => view! { <SecretPanel secret token_url=token_url.clone() audience=first_api.clone() org_id=o_delete.clone()/> }.into_any(),
                                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                                })}
                            </section>

                            <section class="panel" aria-labelledby="settings-title">
                                <h2 id="settings-title">"Settings"</h2>
                                <form class="form form--inline" on:submit=move |ev| {
                                    ev.prevent_default();
                                    rename.dispatch(RenameBot { org_id: o_rename.clone(), client_id: c_rename.clone(), name: name.get() });
                                }>
                                    <div class="field">
                                        <label for="rename">"Name"</label>
                                        <input id="rename" required maxlength="100" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                                    </div>
                                    <button type="submit" class="btn" disabled=flag(rename.pending())>"Rename"</button>
                                </form>
                                {let now = latest(rename.value()); move || now().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e/> })}
                                <h3>"Delete"</h3>
                                <p class="small muted">"Removes the bot's API access, then the bot itself. Programs using it stop at once."</p>
                                <ConfirmButton label="Delete bot" question="Delete this bot for good?" confirm="Delete"
                                    pending=delete.pending()
                                    on_confirm=Callback::new(move |_| { delete.dispatch(DeleteBot { org_id: org_id.clone(), client_id: c_delete.clone() }); })/>
                                {let now = latest(delete.value()); move || now().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e/> })}
                            </section>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}
