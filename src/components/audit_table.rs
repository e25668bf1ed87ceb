//! The audit log as a table (the desk's audit page, the support console's organization view).

use leptos::prelude::*;

use super::table::Table;
use crate::model::audit::{action_label, AuditEntry};

const COLUMNS: &[&str] = &["Time (UTC)", "Who", "What", "On", "Result", "Detail"];

#[component]
pub fn AuditTable(entries: Vec<AuditEntry>) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p class="empty" data-testid="no-events">"Nothing recorded matches."</p> }
            .into_any();
    }
    view! {
        <Table label="Audit log entries" testid="audit-table" columns=COLUMNS stack=true>
            {entries.into_iter().map(|e| {
                let label = action_label(&e.action).to_string();
                let on = match (e.target_name.clone(), e.target.clone()) {
                    (Some(name), Some(id)) if name != id => view! { <span>{name}</span><br/><code class="muted">{id}</code> }.into_any(),
                    (_, Some(id)) => view! { <code>{id}</code> }.into_any(),
                    _ => view! { <span class="muted">"—"</span> }.into_any(),
                };
                view! {
                    <tr data-testid="audit-row">
                        <td data-label="Time (UTC)" class="nowrap">{e.at.get(..19).unwrap_or(&e.at).replace('T', " ")}</td>
                        <td data-label="Who">{e.actor}</td>
                        <td data-label="What"><span data-testid="audit-action">{label}</span><br/><code class="muted small">{e.action}</code></td>
                        <td data-label="On" class="small">{on}</td>
                        <td data-label="Result"><span class=format!("badge badge--{}", e.result)>{e.result.clone()}</span></td>
                        <td data-label="Detail" class="small wrap">{e.detail.unwrap_or_default()}
                            {e.request_id.map(|id| view! { <span class="muted" title="Request id">" · " {id}</span> })}
                        </td>
                    </tr>
                }
            }).collect_view()}
        </Table>
    }
    .into_any()
}
