//! `/support/orgs/:org`: one organization as support sees it — bots, grants, members with roles,
//! audit log. Nothing here changes anything.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::support::load_org_dossier;
use crate::components::audit_table::AuditTable;
use crate::components::feedback::{ErrorNote, Loading};
use crate::components::grant_table::GrantTable;
use crate::components::scopes::api_label;
use crate::components::table::Table;
use crate::model::wire::encode;

#[component]
pub fn SupportOrg() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let org = Memo::new(move |_| params.read().get("org").unwrap_or_default());
    let from = Memo::new(move |_| query.read().get("from"));
    let data = Resource::new(
        move || (org.get(), from.get()),
        |(org, from)| load_org_dossier(org, from),
    );
    view! {
        <Title text="Organization · Support console"/>
        <p><a href="/support">"← Support console"</a></p>
        <Suspense fallback=|| view! { <Loading what="the organization"/> }>
            {move || Suspend::new(async move {
                let d = match data.await {
                    Ok(d) => d,
                    Err(e) => return view! { <ErrorNote error=e/> }.into_any(),
                };
                let id = d.org.id.clone();
                let title = d.org.display_name.clone().unwrap_or(d.org.name.clone());
                let page_title = format!("{title} · Support console");
                view! {
                    <Title text=page_title/>
                    <section class="hero hero--compact">
                        <p class="muted small">"Organization (read-only)"</p>
                        <h1>{title}</h1>
                        <p class="muted"><code>{d.org.name.clone()}</code> " · " <code>{id.clone()}</code></p>
                        {d.quota.clone().map(|q| view! { <p class="small" data-testid="org-quota">{format!("Machine-to-machine tokens: {q}. Set in orgdesk's configuration (ORGDESK_ORG_TOKEN_QUOTAS).")}</p> })}
                    </section>
                    <section aria-labelledby="s-bots">
                        <h2 id="s-bots">{format!("Bots registered through orgdesk ({})", d.bots.len())}</h2>
                        {if d.bots.is_empty() {
                            view! { <p class="empty">"None."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="list" data-testid="support-bots">
                                    {d.bots.into_iter().map(|b| {
                                        let access = if b.access.is_empty() { "No API access".to_string() } else {
                                            b.access.iter().map(|a| format!("{} ({})", api_label(&a.audience), a.scopes.join(", "))).collect::<Vec<_>>().join("; ")
                                        };
                                        view! {
                                            <li class="list__item">
                                                <span class="list__title">{b.name}</span>
                                                <span class="small">{access}</span>
                                                <code class="small muted">{b.client_id}</code>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                    <section aria-labelledby="s-grants">
                        <h2 id="s-grants">"Client grants associated with this organization"</h2>
                        <p class="small muted">"Everything that can get tokens for this organization, whoever set it up."</p>
                        <GrantTable grants=d.grants/>
                    </section>
                    <section aria-labelledby="s-members">
                        <h2 id="s-members">"Members"</h2>
                        <Table label="Members" testid="support-members" columns=&["Name", "Email", "Roles"]>
                            {d.members.into_iter().map(|m| view! {
                                <tr><td>{m.name}</td><td>{m.email}</td><td>{m.roles.into_iter().map(|r| r.name).collect::<Vec<_>>().join(", ")}</td></tr>
                            }).collect_view()}
                        </Table>
                        {d.next_members.map(|n| view! {
                            <p><a class="btn" href=format!("/support/orgs/{}?from={}", encode(&id), encode(&n))>"More members"</a></p>
                        })}
                    </section>
                    <section aria-labelledby="s-audit">
                        <h2 id="s-audit">"Audit log (newest 50)"</h2>
                        <p><a class="btn" rel="external" download="" href=format!("/support/orgs/{}/audit.csv", encode(&d.org.id))>"Download the whole log (CSV)"</a></p>
                        <AuditTable entries=d.events/>
                    </section>
                }
                .into_any()
            })}
        </Suspense>
    }
}
