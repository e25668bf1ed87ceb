//! `/orgs/:org`: the organization at a glance.

use leptos::prelude::*;
use leptos_meta::Title;

use super::org_param;
use crate::api::desk::{list_bots, load_desk};
use crate::components::feedback::{ErrorNote, Loading};

#[component]
pub fn Overview() -> impl IntoView {
    let org = org_param();
    let data = Resource::new(
        move || org.get(),
        |org| async move {
            let d = load_desk(org.clone()).await?;
            let bots = list_bots(org).await?;
            Ok::<_, crate::model::AppError>((d, bots))
        },
    );
    view! {
        <Title text="Overview"/>
        <Suspense fallback=|| view! { <Loading what="your organization"/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    Ok((d, bots)) => {
                        let org_name = d.me.org_name.clone().unwrap_or_else(|| d.me.org_id.clone());
                        let granted: usize = bots.iter().map(|b| b.access.len()).sum();
                        let bots_href = format!("/orgs/{}/bots", d.me.org_id);
                        view! {
                            <section class="hero hero--compact">
                                <p class="muted small">"Organization"</p>
                                <h1>{org_name}</h1>
                                <p class="muted">"Signed in as " {d.me.email.clone()} " · admin"</p>
                            </section>
                            <ul class="cards">
                                <li class="card">
                                    <h2 class="card__number" data-testid="bot-count">{bots.len()}</h2>
                                    <p>"bots registered"</p>
                                    <p><a href=bots_href.clone()>"Manage bots"</a></p>
                                </li>
                                <li class="card">
                                    <h2 class="card__number">{granted}</h2>
                                    <p>"API grants, each for this organization only"</p>
                                    <p><a href=format!("{bots_href}#register")>"Register a bot"</a></p>
                                </li>
                                <li class="card">
                                    <h2 class="card__number">{d.apis.len()}</h2>
                                    <p>"vendor APIs you can grant"</p>
                                    <p><a href="/rules">"How access works"</a></p>
                                </li>
                            </ul>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
