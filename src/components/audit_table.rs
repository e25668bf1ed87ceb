//! The audit log as a table (the desk's audit page, the support console's organization view).

use leptos::prelude::*;

use crate::model::audit::{action_label, AuditEntry};

#[component]
pub fn AuditTable(entries: Vec<AuditEntry>) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p class="empty" data-testid="no-events">"Nothing recorded matches."</p> }
            .into_any();
    }
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Audit log entries">
            <table class="table table--stack" data-testid="audit-table">
                <thead>
                    <tr><th scope="col">"Time (UTC)"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"On"</th><th scope="col">"Result"</th><th scope="col">"Detail"</th></tr>
                </thead>
                <tbody>
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
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
