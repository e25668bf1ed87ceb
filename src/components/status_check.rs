//! "Is orgdesk healthy?" — one click, one server-function round trip.

use leptos::prelude::*;

use crate::api::status::ServiceStatus;

#[component]
pub fn StatusCheck() -> impl IntoView {
    let check = ServerAction::<ServiceStatus>::new();
    let pending = super::feedback::flag(check.pending());
    let result = super::feedback::latest(check.value());
    view! {
        <super::ready::Live class="status-check">
            <button
                type="button"
                class="btn btn--quiet"
                on:click=move |_| {
                    check.dispatch(ServiceStatus {});
                }
                disabled=pending
            >
                {move || if pending() { "Checking…" } else { "Check service status" }}
            </button>
            <span role="status" class="status-check__result" data-testid="status-result">
                {move || {
                    result()
                        .map(|outcome| match outcome {
                            Ok(report) if report.database_reachable => {
                                format!(
                                    "All systems normal · database reachable (schema {}) · identity: {} · v{}",
                                    report.schema_version,
                                    report.identity_provider,
                                    report.version,
                                )
                            }
                            Ok(_) => "Degraded · the database is not reachable".to_string(),
                            Err(err) => format!("Status unavailable · {}", err.message),
                        })
                }}
            </span>
        </super::ready::Live>
    }
}
