//! `/orgs/:org/bots`: the organization's bots, and registering a new one.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{api_label, org_param, plural, title};
use crate::api::desk::{list_bots, load_desk, RegisterBot};
use crate::components::copy::CopyButton;
use crate::components::feedback::{flag, latest, ErrorNote, Loading};
use crate::components::island::{island_context, IslandTitle};
use crate::components::queue::QueueNotice;
use crate::components::ready::{ChangeForm, Live};
use crate::components::secret::SecretPanel;
use crate::model::desk::{ApiOption, Bot, Desk};

/// Checkboxes for an API's scopes, bound to `chosen`.
#[component]
pub fn ScopePicker(
    scopes: Vec<String>,
    chosen: RwSignal<Vec<String>>,
    #[prop(into)] id: String,
    /// What each scope allows (same order as `scopes`), as the tenant describes it.
    #[prop(optional)]
    descriptions: Vec<Option<String>>,
) -> impl IntoView {
    view! {
        <fieldset class="scopes">
            <legend>"Scopes"</legend>
            {scopes
                .into_iter()
                .enumerate()
                .map(|(i, scope)| {
                    let description = descriptions.get(i).cloned().flatten();
                    let (a, b) = (scope.clone(), scope.clone());
                    let input_id = format!("{id}-{}", scope.replace(':', "-"));
                    let for_id = input_id.clone();
                    let about = format!("{input_id}-about");
                    let described_by = description.as_ref().map(|_| about.clone());
                    view! {
                        <div class="check-row">
                            <label class="check" for=for_id>
                                <input
                                    id=input_id
                                    type="checkbox"
                                    name="scopes"
                                    value=scope.clone()
                                    aria-describedby=described_by
                                    checked=chosen.read_untracked().contains(&scope)
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
                            {description.map(|d| view! { <span id=about class="muted small">{d}</span> })}
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

#[component]
fn BotRow(org: String, bot: Bot, apis: Vec<ApiOption>) -> impl IntoView {
    let href = format!("/orgs/{org}/bots/{}", bot.client_id);
    let access = if bot.access.is_empty() {
        "No API access".to_string()
    } else {
        bot.access
            .iter()
            .map(|a| {
                let name = apis
                    .iter()
                    .find(|x| x.audience == a.audience)
                    .map(|x| x.name.clone())
                    .unwrap_or_else(|| api_label(&a.audience));
                format!("{name}: {}", a.scopes.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    view! {
        <tr data-testid="bot-row">
            <td>
                <a class="table__title" href=href>{bot.name.clone()}</a>
                {bot.description.clone().map(|d| view! { <br/><span class="muted small">{d}</span> })}
            </td>
            <td>{access}</td>
            <td class="nowrap"><code class="small">{bot.client_id.clone()}</code> <CopyButton value=bot.client_id.clone() what=format!("client id of {}", bot.name)/></td>
            <td class="nowrap small">{bot.created_at.get(..10).unwrap_or("").to_string()}</td>
        </tr>
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
    let org_for_form = org.clone();
    // Answered in the form, no round trip: the server says the same, but nobody should wait for it.
    let missing = RwSignal::new(None::<&'static str>);
    let submit = Callback::new(move |_: leptos::ev::SubmitEvent| {
        if chosen.read().is_empty() {
            missing.set(Some("Choose at least one scope."));
            return;
        }
        missing.set(None);
        sent_audience.set(audience.get());
        register.dispatch(RegisterBot {
            org_id: org.clone(),
            name: name.get(),
            description: description.get(),
            audience: audience.get(),
            scopes: chosen.get(),
            idempotency_key: token.get(),
        });
    });
    view! {
        <ChangeForm class="form" on_submit=submit labelledby="register-title" endpoint="bots/register" hidden=vec![("org_id", org_for_form)]>
            <input type="hidden" name="idempotency_key" value=move || token.get()/>
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
                <select id="bot-api" name="audience" on:change=move |ev| { audience.set(event_target_value(&ev)); chosen.set(Vec::new()); }>
                    {apis.into_iter().map(|a| {
                        let value = a.audience.clone();
                        view! { <option value=value.clone() selected=move || audience.get() == value>{a.name.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            {move || {
                let api = apis_for_scopes.iter().find(|a| a.audience == audience.get()).cloned();
                let (scopes, descriptions) = api.map(|a| (a.scopes, a.descriptions)).unwrap_or_default();
                view! { <ScopePicker scopes descriptions chosen id="new-scope"/> }
            }}
            {move || missing.get().map(|m| view! { <p class="note note--error" role="alert" data-testid="form-problem">{m}</p> })}
            <p class="small muted">
                "The bot gets tokens for this organization only: its access requires an organization and is granted for yours alone."
            </p>
            <button type="submit" class="btn btn--primary" disabled=pending>
                {move || if pending() { "Registering…" } else { "Register bot" }}
            </button>
        </ChangeForm>
    }
}

#[component]
pub fn BotsPage() -> impl IntoView {
    let org = org_param().get_untracked();
    view! {
        <Title text="Bots"/>
        <BotsIsland org/>
    }
}

#[island]
fn BotsIsland(org: String) -> impl IntoView {
    island_context();
    let org = Signal::stored(org);
    let register = ServerAction::<RegisterBot>::new();
    crate::components::queue::track(register.pending());
    let sent_audience = RwSignal::new(String::new());
    let desk_res = Resource::new(move || org.get(), load_desk);
    let bots = Resource::new(
        move || (org.get(), register.version().get()),
        |(org, _)| list_bots(org),
    );
    view! {
        <QueueNotice/>
        <h1>"Bots"</h1>
        <p class="lead">"Machine-to-machine clients owned by your organization. Each gets tokens only for your organization."</p>
        <Suspense fallback=|| view! { <Loading what="the registration form"/> }>
            {move || Suspend::new(async move {
                match desk_res.await {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(d) => {
                        let token_url = d.token_url.clone();
                        let org_id = d.me.org_id.clone();
                        let org_name = d.me.org_name.clone().unwrap_or_default();
                        view! {
                            <IslandTitle text=title(&["Bots", &org_name])/>
                            <Live><section class="panel" id="register">
                                <h2 id="register-title">"Register a bot"</h2>
                                <RegisterForm org=org_id.clone() desk=d.clone() register sent_audience/>
                                {let now = latest(register.value()); move || now().map(|outcome| match outcome {
                                    Ok(secret) => view! {
                                        <SecretPanel secret token_url=token_url.clone() audience=sent_audience.get() org_id=org_id.clone()/>
                                    }
                                        .into_any(),
                                    Err(e) => view! { <ErrorNote error=e focus=true/> }.into_any(),
                                })}
                            </section></Live>
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
                    let apis = desk_res.await.map(|d| d.apis).unwrap_or_default();
                    match bots.await {
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty" data-testid="no-bots">"No bots yet. Register one above to give a program access to the vendor's API for your organization."</p>
                        }.into_any(),
                        Ok(list) => {
                            let org = org.get_untracked();
                            let count = plural(list.len(), "bot", "bots");
                            view! {
                                <Live>
                                    <p class="small muted" data-testid="bot-count">{count}</p>
                                    <div class="table-wrap" tabindex="0" role="region" aria-label="Your bots">
                                        <table class="table" data-testid="bot-list">
                                            <thead><tr><th scope="col">"Bot"</th><th scope="col">"API access"</th><th scope="col">"Client id"</th><th scope="col">"Registered"</th></tr></thead>
                                            <tbody>
                                                {list.into_iter().map(|bot| view! { <BotRow org=org.clone() bot apis=apis.clone()/> }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                </Live>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
