//! `/orgs/:org/bots`: the organization's bots, and registering a new one.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{api_label, org_param};
use crate::api::desk::{list_bots, load_desk, RegisterBot};
use crate::components::feedback::{flag, latest, ErrorNote, Loading};
use crate::components::secret::SecretPanel;
use crate::model::desk::{ApiOption, Bot, Desk};

/// Checkboxes for an API's scopes, bound to `chosen`.
#[component]
pub fn ScopePicker(
    scopes: Vec<String>,
    chosen: RwSignal<Vec<String>>,
    #[prop(into)] id: String,
) -> impl IntoView {
    view! {
        <fieldset class="scopes">
            <legend>"Scopes"</legend>
            {scopes
                .into_iter()
                .map(|scope| {
                    let (a, b) = (scope.clone(), scope.clone());
                    let input_id = format!("{id}-{}", scope.replace(':', "-"));
                    let for_id = input_id.clone();
                    view! {
                        <label class="check" for=for_id>
                            <input
                                id=input_id
                                type="checkbox"
                                prop:checked=move || chosen.read().contains(&a)
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|v| {
                                        v.retain(|x| x != &b);
                                        if on {
                                            v.push(b.clone());
                                        }
                                    });
                                }
                            />
                            <code>{scope}</code>
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

#[component]
fn BotRow(org: String, bot: Bot) -> impl IntoView {
    let href = format!("/orgs/{org}/bots/{}", bot.client_id);
    let access = if bot.access.is_empty() {
        "No API access".to_string()
    } else {
        bot.access
            .iter()
            .map(|a| format!("{} ({})", api_label(&a.audience), a.scopes.join(", ")))
            .collect::<Vec<_>>()
            .join("; ")
    };
    view! {
        <li class="list__item" data-testid="bot-row">
            <a class="list__title" href=href>{bot.name.clone()}</a>
            <span class="muted small">{bot.description.clone().unwrap_or_default()}</span>
            <span class="small">{access}</span>
            <code class="small muted">{bot.client_id.clone()}</code>
        </li>
    }
}

#[component]
fn RegisterForm(
    org: String,
    desk: Desk,
    register: ServerAction<RegisterBot>,
    sent_audience: RwSignal<String>,
) -> impl IntoView {
    let first: Option<ApiOption> = desk.apis.first().cloned();
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let audience = RwSignal::new(
        first
            .as_ref()
            .map(|a| a.audience.clone())
            .unwrap_or_default(),
    );
    let chosen = RwSignal::new(Vec::<String>::new());
    let token = RwSignal::new(desk.form_token.clone());
    let apis = desk.apis.clone();
    let apis_for_scopes = desk.apis.clone();
    let pending = flag(register.pending());
    // After a registration the next one needs a new idempotency key; the secret panel stays up.
    Effect::new(move |_| {
        if let Some(Ok(_)) = register.value().get() {
            token.update(|t| t.push('+'));
            name.set(String::new());
            description.set(String::new());
            chosen.set(Vec::new());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sent_audience.set(audience.get());
        register.dispatch(RegisterBot {
            org_id: org.clone(),
            name: name.get(),
            description: description.get(),
            audience: audience.get(),
            scopes: chosen.get(),
            idempotency_key: token.get(),
        });
    };
    view! {
        <form class="form" on:submit=submit aria-labelledby="register-title">
            <div class="field">
                <label for="bot-name">"Name"</label>
                <input id="bot-name" name="name" required maxlength="100" autocomplete="off"
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="bot-description">"Description " <span class="muted">"(optional)"</span></label>
                <input id="bot-description" name="description" maxlength="140" autocomplete="off"
                    prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="bot-api">"API"</label>
                <select id="bot-api" on:change=move |ev| { audience.set(event_target_value(&ev)); chosen.set(Vec::new()); }>
                    {apis.into_iter().map(|a| {
                        let value = a.audience.clone();
                        view! { <option value=value.clone() selected=move || audience.get() == value>{api_label(&a.audience)}</option> }
                    }).collect_view()}
                </select>
            </div>
            {move || {
                let scopes = apis_for_scopes.iter().find(|a| a.audience == audience.get()).map(|a| a.scopes.clone()).unwrap_or_default();
                view! { <ScopePicker scopes chosen id="new-scope"/> }
            }}
            <p class="small muted">
                "The bot gets tokens for this organization only: its access requires an organization and is granted for yours alone."
            </p>
            <button type="submit" class="btn btn--primary" disabled=pending>
                {move || if pending() { "Registering…" } else { "Register bot" }}
            </button>
        </form>
    }
}

#[component]
pub fn BotsPage() -> impl IntoView {
    let org = org_param();
    let register = ServerAction::<RegisterBot>::new();
    crate::components::queue::track(register.pending());
    let sent_audience = RwSignal::new(String::new());
    let desk_res = Resource::new(move || org.get(), load_desk);
    let bots = Resource::new(
        move || (org.get(), register.version().get()),
        |(org, _)| list_bots(org),
    );
    view! {
        <Title text="Bots"/>
        <h1>"Bots"</h1>
        <p class="lead">"Machine-to-machine clients owned by your organization. Each gets tokens only for your organization."</p>
        <Suspense fallback=|| view! { <Loading what="the registration form"/> }>
            {move || Suspend::new(async move {
                match desk_res.await {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(d) => {
                        let token_url = d.token_url.clone();
                        let org_id = d.me.org_id.clone();
                        view! {
                            <section class="panel" id="register">
                                <h2 id="register-title">"Register a bot"</h2>
                                <RegisterForm org=org_id.clone() desk=d.clone() register sent_audience/>
                                {let now = latest(register.value()); move || now().map(|outcome| match outcome {
                                    Ok(secret) => view! {
                                        <SecretPanel secret token_url=token_url.clone() audience=sent_audience.get() org_id=org_id.clone()/>
                                    }
                                        .into_any(),
                                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                                })}
                            </section>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
        <section aria-labelledby="list-title">
            <h2 id="list-title">"Your bots"</h2>
            <Transition fallback=|| view! { <Loading what="bots"/> }>
                {move || Suspend::new(async move {
                    match bots.await {
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty" data-testid="no-bots">"No bots yet. Register one above to give a program access to the vendor's API for your organization."</p>
                        }.into_any(),
                        Ok(list) => {
                            let org = org.get_untracked();
                            view! {
                                <ul class="list" data-testid="bot-list">
                                    {list.into_iter().map(|bot| view! { <BotRow org=org.clone() bot/> }).collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
