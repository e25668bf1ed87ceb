//! Client grants as a table (the support console's organization view and its reports).

use leptos::prelude::*;

use super::scopes::api_label;
use super::table::Table;

const COLUMNS: &[&str] = &[
    "Client",
    "API",
    "Scopes",
    "Organizations",
    "Registered by orgdesk for",
];
use crate::model::support::GrantLine;

/// Client grants as a table: client, API, scopes, organization use, who made it.
#[component]
pub fn GrantTable(grants: Vec<GrantLine>) -> impl IntoView {
    if grants.is_empty() {
        return view! { <p class="empty">"No client grants."</p> }.into_any();
    }
    view! {
        <Table label="Client grants" testid="grant-table" columns=COLUMNS>
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
        </Table>
    }
    .into_any()
}
