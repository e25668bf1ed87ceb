//! A client secret, shown once: a copy button and the token request, ready to run.

use leptos::prelude::*;

use crate::model::desk::{token_request, NewSecret};

#[component]
pub fn SecretPanel(
    secret: NewSecret,
    token_url: String,
    audience: String,
    org_id: String,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let curl = token_request(
        &token_url,
        &secret.client_id,
        &secret.client_secret,
        &audience,
        &org_id,
    );
    let value = secret.client_secret.clone();
    view! {
        <section class="panel panel--secret" aria-labelledby="secret-title" data-testid="secret-panel">
            <h3 id="secret-title">"Copy the client secret now"</h3>
            <p>"This is the only time orgdesk shows it. It is not stored anywhere; if it is lost, rotate it."</p>
            <dl class="facts">
                <dt>"Client id"</dt>
                <dd><code data-testid="client-id">{secret.client_id.clone()}</code></dd>
                <dt>"Client secret"</dt>
                <dd class="secret-row">
                    <code data-testid="client-secret">{secret.client_secret.clone()}</code>
                    <button
                        type="button"
                        class="btn btn--quiet"
                        on:click=move |_| {
                            #[cfg(feature = "hydrate")]
                            {
                                if let Some(window) = web_sys_window() {
                                    let _ = window.navigator().clipboard().write_text(&value);
                                }
                            }
                            #[cfg(not(feature = "hydrate"))]
                            let _ = &value;
                            copied.set(true);
                        }
                    >
                        {move || if copied.get() { "Copied" } else { "Copy" }}
                    </button>
                </dd>
            </dl>
            <p class="small">"Get a token for your organization:"</p>
            <pre data-testid="token-request"><code>{curl}</code></pre>
        </section>
    }
}

#[cfg(feature = "hydrate")]
fn web_sys_window() -> Option<web_sys::Window> {
    web_sys::window()
}
