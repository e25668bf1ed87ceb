//! "Is orgdesk healthy?" — one click, one server-function round trip. A form, so it also works on a
//! page without the bundle (the answer comes back as the page's notice).

use leptos::prelude::*;

use crate::api::status::ServiceStatus;

#[component]
pub fn StatusCheck() -> impl IntoView {
    let check = ServerAction::<ServiceStatus>::new();
    let pending = super::feedback::flag(check.pending());
    let result = super::feedback::latest(check.value());
    view! {
        <super::ready::ChangeForm
            class="status-check"
            endpoint="service_status"
            on_submit=Callback::new(move |_| {
                check.dispatch(ServiceStatus {});
            })
        >
            <button type="submit" class="btn btn--quiet" disabled=pending>
                {move || if pending() { "Checking…" } else { "Check service status" }}
            </button>
            <span role="status" class="status-check__result" data-testid="status-result">
                {move || {
                    result().map(|outcome| match outcome {
                        Ok(report) => report.summary(),
                        Err(err) => format!("Status unavailable · {}", err.message),
                    })
                }}
            </span>
        </super::ready::ChangeForm>
    }
}
