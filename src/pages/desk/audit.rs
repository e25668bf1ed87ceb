//! `/orgs/:org/audit`: the organization's audit log — filters by action, actor and time, older pages,
//! and a CSV export of everything the filters match. Filters live in the URL, so a view can be shared.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::org_param;
use crate::api::audit::audit_log;
use crate::components::audit_table::AuditTable;
use crate::components::feedback::{ErrorNote, Loading};
use crate::components::get_form::GetForm;
use crate::model::audit::{AuditQuery, AUDIT_ACTIONS};

/// The filters from the URL's query.
pub fn query_filters() -> Memo<AuditQuery> {
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        AuditQuery {
            action: get("action"),
            actor: get("actor"),
            since: get("since"),
            until: get("until"),
        }
    })
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let org = org_param();
    let filters = query_filters();
    let query = use_query_map();
    let before = Memo::new(move |_| {
        query
            .read()
            .get("before")
            .and_then(|b| b.parse::<i64>().ok())
    });
    let page = Resource::new(
        move || (org.get(), filters.get(), before.get()),
        |(org, f, before)| audit_log(org, f.action, f.actor, f.since, f.until, before, None),
    );
    let base = move || format!("/orgs/{}/audit", org.get());
    view! {
        <crate::components::layout::PageTitle page="Audit log"/>
        <h1>"Audit log"</h1>
        <p class="lead">"Every change in your organization made through orgdesk, every refused attempt, and every time vendor support looked."</p>
        <GetForm action=Signal::derive(base)>
            <div class="form form--inline filters">
                <div class="field">
                    <label for="audit-action">"Action"</label>
                    <select id="audit-action" name="action">
                        {AUDIT_ACTIONS.iter().map(|(value, label)| {
                            let v = value.to_string();
                            view! { <option value=*value selected=move || filters.read().action == v>{*label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="audit-actor">"Who"</label>
                    <input id="audit-actor" name="actor" maxlength="100" placeholder="email" value=filters.get_untracked().actor prop:value=move || filters.read().actor.clone()/>
                </div>
                <div class="field">
                    <label for="audit-since">"From"</label>
                    <input id="audit-since" name="since" type="date" value=filters.get_untracked().since prop:value=move || filters.read().since.clone()/>
                </div>
                <div class="field">
                    <label for="audit-until">"To"</label>
                    <input id="audit-until" name="until" type="date" value=filters.get_untracked().until prop:value=move || filters.read().until.clone()/>
                </div>
                <button type="submit" class="btn">"Filter"</button>
                <a class="btn btn--quiet" href=base>"Clear"</a>
            </div>
        </GetForm>
        <p>
            <a class="btn" rel="external" download=""
                href=move || format!("/orgs/{}/audit.csv?{}", org.get(), filters.read().to_query())>
                "Download CSV"
            </a>
        </p>
        <Transition fallback=|| view! { <Loading what="the audit log"/> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! { <ErrorNote error=e focus=true/> }.into_any(),
                    Ok(p) => {
                        let q = filters.get_untracked().to_query();
                        let sep = if q.is_empty() { "" } else { "&" };
                        let here = base();
                        let newest = before.get_untracked().is_some().then(|| format!("{here}?{q}"));
                        let older = p.next_before.map(|b| format!("{here}?{q}{sep}before={b}"));
                        view! {
                            <AuditTable entries=p.entries/>
                            <nav class="actions" aria-label="Pages">
                                {newest.map(|h| view! { <a class="btn" href=h>"Newest"</a> })}
                                {older.map(|h| view! { <a class="btn" href=h>"Older entries"</a> })}
                            </nav>
                        }
                        .into_any()
                    }
                }
            })}
        </Transition>
    }
}
