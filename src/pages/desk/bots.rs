//! `/orgs/:org/bots`: the organization's bots, and registering a new one.

use leptos::prelude::*;

use super::{org_param, plural};
use crate::api::bots::list_bots;
use crate::api::desk::load_desk;
use crate::components::copy::CopyButton;
use crate::components::feedback::{ErrorNote, Loading};
use crate::components::layout::PageTitle;
use crate::components::post::{PostForm, QueueSlot};
use crate::components::scopes::{api_label, ApiScopes};
use crate::components::secret::SecretPanel;
use crate::components::table::Table;
use crate::model::bots::{Bot, SecretShown};
use crate::model::desk::{ApiOption, Desk};

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
                {bot.health.attention().map(|a| view! { <br/><span class="badge badge--warn" data-testid="bot-attention">{a}</span> })}
            </td>
            <td>{access}</td>
            <td class="nowrap"><code class="small">{bot.client_id.clone()}</code> <CopyButton value=bot.client_id.clone() what=format!("client id of {}", bot.name)/></td>
            <td class="nowrap small">{bot.created_at.get(..10).unwrap_or("").to_string()}</td>
        </tr>
    }
}

/// Name, description, the API and its scopes. After a registration the page comes back empty,
/// with a new idempotency key, and the secret above it.
#[component]
fn RegisterForm(org: String, desk: Desk) -> impl IntoView {
    let hidden = vec![("org_id", org), ("idempotency_key", desk.form_token)];
    view! {
        <PostForm class="form" labelledby="register-title" endpoint="bots/register" hidden pending="Registering…">
            <div class="field">
                <label for="bot-name">"Name"</label>
                <input id="bot-name" name="name" required maxlength="100" autocomplete="off"/>
            </div>
            <div class="field">
                <label for="bot-description">"Description " <span class="muted">"(optional)"</span></label>
                <input id="bot-description" name="description" maxlength="140" autocomplete="off"/>
            </div>
            <ApiScopes apis=desk.apis id="new"/>
            <p class="small muted">
                "The bot gets tokens for this organization only: its access requires an organization and is granted for yours alone."
            </p>
            <button type="submit" class="btn btn--primary">"Register bot"</button>
        </PostForm>
    }
}

/// Rendered on the server only: registering is a form the desk's script posts in place, and its
/// answer is this page with the new bot's secret on it.
#[component]
pub fn BotsPage() -> impl IntoView {
    let org = org_param().get_untracked();
    let desk = Resource::new(
        {
            let org = org.clone();
            move || org.clone()
        },
        load_desk,
    );
    let bots = Resource::new(
        {
            let org = org.clone();
            move || org.clone()
        },
        list_bots,
    );
    // First on the page and apart from what it reads: the secret is shown even if a read fails.
    let secret = use_context::<SecretShown>().map(
        |SecretShown {
             secret,
             audience,
             org_id,
             token_url,
         }| {
            view! { <SecretPanel secret token_url audience org_id/> }
        },
    );
    view! {
        <PageTitle page="Bots"/>
        <QueueSlot/>
        <h1>"Bots"</h1>
        <p class="lead">"Machine-to-machine clients owned by your organization. Each gets tokens only for your organization."</p>
        {secret}
        <Suspense fallback=|| view! { <Loading what="the registration form"/> }>
            {move || Suspend::new(async move {
                match desk.await {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok(d) => view! {
                        <section class="panel" id="register" aria-labelledby="register-title">
                            <h2 id="register-title">"Register a bot"</h2>
                            <RegisterForm org=d.me.org_id.clone() desk=d/>
                        </section>
                    }
                        .into_any(),
                }
            })}
        </Suspense>
        <section aria-labelledby="list-title">
            <h2 id="list-title">"Your bots"</h2>
            <Suspense fallback=|| view! { <Loading what="bots"/> }>
                {move || {
                    let org = org.clone();
                    Suspend::new(async move {
                        let apis = desk.await.map(|d| d.apis).unwrap_or_default();
                        match bots.await {
                            Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                            Ok(list) if list.is_empty() => view! {
                                <p class="empty" data-testid="no-bots">"No bots yet. Register one above to give a program access to the vendor's API for your organization."</p>
                            }.into_any(),
                            Ok(list) => {
                                let count = plural(list.len(), "bot", "bots");
                                view! {
                                    <p class="small muted" data-testid="bot-count">{count}</p>
                                    <Table label="Your bots" testid="bot-list" columns=&["Bot", "API access", "Client id", "Registered"]>
                                        {list.into_iter().map(|bot| view! { <BotRow org=org.clone() bot apis=apis.clone()/> }).collect_view()}
                                    </Table>
                                }
                                    .into_any()
                            }
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}
