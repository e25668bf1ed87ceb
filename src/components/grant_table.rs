//! Client grants as a table (the support console's organization view and its reports).

use leptos::prelude::*;

use super::scopes::api_label;
use crate::model::support::GrantLine;

/// Client grants as a table: client, API, scopes, organization use, who made it.
#[component]
pub fn GrantTable(grants: Vec<GrantLine>) -> impl IntoView {
    if grants.is_empty() {
        return view! { <p class="empty">"No client grants."</p> }.into_any();
    }
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Client grants">
            <table class="table" data-testid="grant-table">
                <thead>
                    <tr><th scope="col">"Client"</th><th scope="col">"API"</th><th scope="col">"Scopes"</th><th scope="col">"Organizations"</th><th scope="col">"Registered by orgdesk for"</th></tr>
                </thead>
                <tbody>
                    {grants.into_iter().map(|g| {
                        let orgs = if g.allow_any_organization {
                            format!("any organization ({})", g.organization_usage)
                        } else {
                            g.organization_usage.clone()
                        };
                        view! {
                            <tr data-testid="grant-row">
                                <td>{g.client_name}<br/><code class="small muted">{g.client_id}</code></td>
                                <td>{api_label(&g.audience)}</td>
                                <td class="small">{g.scopes.join(" ")}</td>
                                <td><span class:badge=true class:badge--denied=g.allow_any_organization>{orgs}</span></td>
                                <td class="small">{g.owner_org.unwrap_or_else(|| "—".into())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
