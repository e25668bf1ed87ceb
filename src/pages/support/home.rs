//! `/support`: find an organization; the reports.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::reports::Reports;
use crate::api::support::find_orgs;
use crate::components::feedback::{ErrorNote, Loading};
use crate::components::get_form::GetForm;
use crate::model::wire::encode;

#[component]
pub fn SupportHome() -> impl IntoView {
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q"));
    let found = Resource::new(
        move || q.get(),
        |q| async move {
            match q {
                Some(q) => find_orgs(q).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Title text="Support console"/>
        <h1>"Support console"</h1>
        <p class="lead">"Read-only views of every organization's bots, grants, members and audit log. What you open here is recorded in that organization's audit log."</p>
        <section class="panel" aria-labelledby="find-title">
            <h2 id="find-title">"Find an organization"</h2>
            <GetForm action="/support".to_string()>
                <div class="form form--inline" role="search">
                    <label for="org-search">"Name or id"</label>
                    <input id="org-search" type="search" name="q" maxlength="100" autocomplete="off" value=q.get_untracked().unwrap_or_default() prop:value=move || q.get().unwrap_or_default()/>
                    <button type="submit" class="btn btn--primary">"Find"</button>
                </div>
            </GetForm>
            <Transition fallback=|| view! { <Loading what="organizations"/> }>
                {move || Suspend::new(async move {
                    match found.await {
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                        Ok(None) => view! { <p class="small muted">"Leave the box empty and press Find to list every organization."</p> }.into_any(),
                        Ok(Some(list)) if list.is_empty() => view! { <p class="empty">"No organization matches."</p> }.into_any(),
                        Ok(Some(list)) => view! {
                            <ul class="list" data-testid="org-list">
                                {list.into_iter().map(|o| view! {
                                    <li class="list__item">
                                        <a class="list__title" href=format!("/support/orgs/{}", encode(&o.id))>{o.display_name.clone().unwrap_or(o.name.clone())}</a>
                                        <code class="small muted">{o.name} " · " {o.id}</code>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <Reports/>
    }
}
