//! `/orgs/:org/bots/:client_id`: one bot — its API access for this organization, a test token, secret
//! rotation, rename and delete. Rendered on the server only: every change is a form the desk's
//! script posts in place; a rotated secret or a test token's claims come back on this page,
//! rendered for that answer alone.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::approvals::BotRequests;
use super::bot_keys::Credentials;
use super::{org_param, title};
use crate::api::bots::get_bot;
use crate::api::desk::load_desk;
use crate::components::copy::CopyButton;
use crate::components::feedback::{ErrorNote, Loading};
use crate::components::post::{ConfirmPost, PostForm, QueueSlot};
use crate::components::scopes::{api_label, ApiScopes, ScopePicker};
use crate::model::bots::{Access, Bot, TokenShown};
use crate::model::desk::{ApiOption, Desk};
use crate::model::AppError;

#[component]
fn AccessRow(
    org: String,
    client_id: String,
    access: Access,
    api: Option<ApiOption>,
) -> impl IntoView {
    let (scopes_allowed, descriptions, api_name) = match api {
        Some(a) => (a.scopes, a.descriptions, a.name),
        None => (Vec::new(), Vec::new(), api_label(&access.audience)),
    };
    let id = format!(
        "scope-{}",
        api_label(&access.audience).replace(['.', '/'], "-")
    );
    let fields = vec![
        ("org_id", org),
        ("client_id", client_id),
        ("audience", access.audience.clone()),
    ];
    view! {
        <li class="panel" data-testid="access-row">
            <h3>{api_name}</h3>
            <PostForm class="form" endpoint="bots/scopes" hidden=fields.clone() pending="Saving…">
                <ScopePicker scopes=scopes_allowed descriptions ticked=access.scopes.clone() id/>
                <div class="actions">
                    <button type="submit" class="btn">"Save scopes"</button>
                </div>
            </PostForm>
            <div class="actions">
                <ConfirmPost endpoint="bots/revoke" hidden=fields label="Revoke access"
                    question="The bot loses this API for your organization." confirm="Revoke"/>
            </div>
        </li>
    }
}

#[component]
fn GrantForm(org: String, bot: Bot, desk: Desk) -> impl IntoView {
    let available: Vec<_> = desk
        .apis
        .into_iter()
        .filter(|a| !bot.access.iter().any(|x| x.audience == a.audience))
        .collect();
    if available.is_empty() {
        return view! { <p class="muted small">"The bot has access to every API you can grant."</p> }.into_any();
    }
    view! {
        <PostForm class="form" endpoint="bots/grant" hidden=vec![("org_id", org), ("client_id", bot.client_id)] pending="Granting…">
            <ApiScopes apis=available id="grant"/>
            <button type="submit" class="btn btn--primary">"Grant access"</button>
        </PostForm>
    }
    .into_any()
}

/// `expires` (Unix seconds) as an instant the desk's script shows in the reader's own time zone
/// and language; as served, in UTC.
fn expiry(unix: i64) -> (String, String) {
    #[cfg(feature = "ssr")]
    {
        use time::format_description::well_known::Rfc3339;
        let at = time::OffsetDateTime::from_unix_timestamp(unix)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let iso = at.format(&Rfc3339).unwrap_or_default();
        let shown = format!("{} {:02}:{:02} UTC", at.date(), at.hour(), at.minute());
        (iso, shown)
    }
    #[cfg(not(feature = "ssr"))]
    {
        (unix.to_string(), unix.to_string())
    }
}

#[component]
fn TestToken(org: String, bot: Bot, apis: Vec<ApiOption>) -> impl IntoView {
    if bot.access.is_empty() {
        return view! { <p class="muted small">"Grant the bot access to an API first; then you can test a token here."</p> }.into_any();
    }
    let result = use_context::<TokenShown>().map(|TokenShown(c)| {
        let (iso, shown) = expiry(c.expires_at);
        view! {
            <div class="note note--ok" role="status" tabindex="-1" data-testid="token-result" data-outcome="ok">
                <p>"Auth0 issued a token for your organization."</p>
                <dl class="facts" data-testid="token-claims">
                    {c.key.map(|k| view! { <dt>"signed with"</dt><dd data-testid="token-key">{k}</dd> })}
                    <dt>"org_id"</dt><dd><code>{c.org_id.unwrap_or_else(|| "(none)".into())}</code></dd>
                    <dt>"scope"</dt><dd><code>{c.scope}</code></dd>
                    <dt>"expires"</dt><dd><time data-testid="token-expires" data-local="" datetime=iso>{shown}</time></dd>
                </dl>
            </div>
        }
    });
    let keys = bot.uses_keys();
    let (endpoint, intro, label, name) = if keys {
        (
            "bots/test-key",
            "Paste an assertion the bot signed (see Credentials): orgdesk asks Auth0 for a token for your organization and shows what it says, and which key signed it. It is used once and not kept.",
            "Signed assertion (JWT)",
            "assertion",
        )
    } else {
        (
            "bots/test-token",
            "Paste the bot's secret: orgdesk asks Auth0 for a token for your organization and shows what it says. The secret is used once and not kept.",
            "Client secret",
            "secret",
        )
    };
    view! {
        <PostForm class="form" endpoint=endpoint hidden=vec![("org_id", org), ("client_id", bot.client_id)] pending="Asking Auth0…">
            <p class="small muted">{intro}</p>
            <div class="field">
                <label for="test-api">"API"</label>
                <select id="test-api" name="audience">
                    {bot.access.into_iter().map(|a| {
                        let name = apis.iter().find(|x| x.audience == a.audience).map(|x| x.name.clone()).unwrap_or_else(|| api_label(&a.audience));
                        view! { <option value=a.audience>{name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="test-secret">{label}</label>
                // No id-keyed restore of a secret after an error: it is sent once, and typed again.
                <input id="test-secret" name=name type="password" autocomplete="off" required data-forget=""/>
            </div>
            <button type="submit" class="btn">"Get a test token"</button>
        </PostForm>
        {result}
    }
    .into_any()
}

/// Deleting a bot that is an app ends the app for everyone who installed it: the question says who.
fn delete_question(bot: &Bot) -> String {
    match &bot.app {
        Some(app) if !app.installers.is_empty() => format!(
            "Delete this bot for good? It is published as an app, and {} will lose it too.",
            app.installers.join(", ")
        ),
        Some(_) => {
            "Delete this bot for good? Its app goes too (nobody has installed it).".to_string()
        }
        None => "Delete this bot for good?".to_string(),
    }
}

fn app_note(bot: &Bot) -> Option<impl IntoView> {
    bot.app.clone().map(|app| {
        let installs = if app.installers.is_empty() {
            "No organization has installed it.".to_string()
        } else {
            format!("Installed by {}.", app.installers.join(", "))
        };
        let state = if app.published {
            "It is published as an app."
        } else {
            "It was published as an app (not offered for new installs now)."
        };
        view! { <p class="note note--info" data-testid="bot-app">{format!("{state} {installs} Its API access is what the app's installers approved, so it cannot change here.")}</p> }
    })
}

#[component]
fn BotView(desk: Desk, bot: Bot) -> impl IntoView {
    let org = desk.me.org_id.clone();
    let fields = vec![
        ("org_id", org.clone()),
        ("client_id", bot.client_id.clone()),
    ];
    let access_rows = bot
        .access
        .iter()
        .map(|a| {
            let api = desk.apis.iter().find(|x| x.audience == a.audience).cloned();
            view! { <AccessRow org=org.clone() client_id=bot.client_id.clone() access=a.clone() api/> }
        })
        .collect_view();
    let org_name = desk.me.org_name.clone().unwrap_or_default();
    let (page_title, question, note) = (
        title(&[&bot.name, "Bots", &org_name]),
        delete_question(&bot),
        app_note(&bot),
    );
    let name = bot.name.clone();
    view! {
        <Title text=page_title/>
        <h1 data-testid="bot-name">{bot.name.clone()}</h1>
        <p class="muted">
            <code data-testid="bot-client-id">{bot.client_id.clone()}</code> " "
            <CopyButton value=bot.client_id.clone() what="client id"/>
            {bot.description.clone().map(|d| view! { " · " {d} })}
        </p>
        {note}

        <section aria-labelledby="access-title">
            <h2 id="access-title">"API access for your organization"</h2>
            {if bot.access.is_empty() {
                view! { <p class="empty">"This bot has no API access yet."</p> }.into_any()
            } else {
                view! { <ul class="list list--plain">{access_rows}</ul> }.into_any()
            }}
            <Taken org=org.clone() bot=bot.clone()/>
            <BotRequests org=org.clone() bot=bot.clone()/>
            <h3>"Grant another API"</h3>
            <GrantForm org=org.clone() bot=bot.clone() desk=desk.clone()/>
        </section>

        {bot.usage.clone().map(|usage| view! {
            <section class="panel" aria-labelledby="usage-title">
                <h2 id="usage-title">"Use"</h2>
                <super::bot_usage::Usage usage/>
            </section>
        })}

        <section class="panel" aria-labelledby="test-title">
            <h2 id="test-title">"Test token"</h2>
            <TestToken org=org.clone() bot=bot.clone() apis=desk.apis.clone()/>
        </section>

        <section class="panel" aria-labelledby="secret-title-h">
            <h2 id="secret-title-h">"Credentials"</h2>
            <Credentials org=org.clone() bot=bot.clone() token_url=desk.token_url.clone()/>
        </section>

        <section class="panel" aria-labelledby="owner-title">
            <h2 id="owner-title">"Owner"</h2>
            <p data-testid="bot-owner">
                {format!("{} answers for this bot.", if bot.health.owner.is_empty() { "Nobody".to_string() } else { bot.health.owner.clone() })}
                {(bot.health.max_age_days > 0).then(|| format!(" Its credential is {} days old; your policy allows {}.", bot.health.age_days, bot.health.max_age_days))}
            </p>
            {bot.health.attention().map(|a| view! { <p class="note note--warn" data-testid="bot-attention">{format!("Needs attention: {a}.")}</p> })}
            <PostForm class="form form--inline" endpoint="bots/owner" hidden=fields.clone() pending="Saving…">
                <div class="field">
                    <label for="owner-email">"New owner's email"</label>
                    <input id="owner-email" name="email" type="email" required autocomplete="off"/>
                </div>
                <button type="submit" class="btn">"Assign owner"</button>
            </PostForm>
        </section>

        <section class="panel" aria-labelledby="settings-title">
            <h2 id="settings-title">"Name"</h2>
            <PostForm class="form form--inline" endpoint="bots/rename" hidden=fields.clone() pending="Renaming…">
                <div class="field">
                    <label for="rename">"Name"</label>
                    <input id="rename" name="name" required maxlength="100" value=name/>
                </div>
                <button type="submit" class="btn">"Rename"</button>
            </PostForm>
        </section>

        <section class="panel panel--danger" aria-labelledby="danger-title">
            <h2 id="danger-title">"Danger zone"</h2>
            <p class="small">"Deleting removes the bot's API access, then the bot itself. Programs using it stop at once; this cannot be undone."</p>
            <ConfirmPost endpoint="bots/delete" hidden=fields label="Delete bot" question confirm="Delete"/>
        </section>
    }
}

#[component]
pub fn BotPage() -> impl IntoView {
    let org = org_param().get_untracked();
    let client_id = use_params_map()
        .read_untracked()
        .get("client_id")
        .unwrap_or_default();
    let all = format!("/orgs/{org}/bots");
    // The route is rendered whole before it is sent (`SsrMode::Async`): the title names the bot,
    // and the head goes out first.
    let data = Resource::new(
        move || (org.clone(), client_id.clone()),
        |(org, client_id)| async move {
            let desk = load_desk(org.clone()).await?;
            let bot = get_bot(org, client_id).await?;
            Ok::<_, AppError>((desk, bot))
        },
    );
    view! {
        <Title text="Bot"/>
        <QueueSlot/>
        <p><a href=all>"← All bots"</a></p>
        <Suspense fallback=|| view! { <Loading what="the bot"/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <h1>"Bot"</h1> <ErrorNote error=e/> }.into_any(),
                    Ok((desk, bot)) => view! { <BotView desk bot/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The access the credential policy took when the bot's credential expired, and the way back: once
/// the secret is rotated or a new key added, one button gives it back.
#[component]
fn Taken(org: String, bot: Bot) -> impl IntoView {
    if bot.taken.is_empty() {
        return ().into_any();
    }
    let on = bot
        .taken_at
        .clone()
        .unwrap_or_default()
        .chars()
        .take(10)
        .collect::<String>();
    let what = bot
        .taken
        .iter()
        .map(|a| format!("{}: {}", api_label(&a.audience), a.scopes.join(" ")))
        .collect::<Vec<_>>()
        .join("; ");
    let overdue = bot.health.credential == "overdue";
    let hidden = vec![("org_id", org), ("client_id", bot.client_id.clone())];
    view! {
        <div class="note note--warn" data-testid="taken-access">
            <p>{format!("Your credential policy took this bot's access on {on}, when its credential passed the maximum age: {what}.")}</p>
            {if overdue {
                view! { <p>"Rotate its secret or add a new key below; then give its access back here."</p> }.into_any()
            } else {
                view! {
                    <PostForm class="form form--inline" endpoint="bots/restore" hidden pending="Restoring…">
                        <button type="submit" class="btn btn--primary">"Restore its access"</button>
                    </PostForm>
                }
                .into_any()
            }}
        </div>
    }
    .into_any()
}
