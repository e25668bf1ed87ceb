//! A client secret, shown once: copy buttons for the id and the secret, and the token request ready
//! to run in curl, Node.js or Python. The panel takes focus and is announced when it appears.

use leptos::prelude::*;

use super::copy::CopyButton;
use super::feedback::focus_on_load;
use crate::model::desk::{token_snippets, NewSecret};

#[component]
pub fn SecretPanel(
    secret: NewSecret,
    token_url: String,
    audience: String,
    org_id: String,
) -> impl IntoView {
    let snippets = token_snippets(
        &token_url,
        &secret.client_id,
        &secret.client_secret,
        &audience,
        &org_id,
    );
    let shown = RwSignal::new(0usize);
    let node = NodeRef::<leptos::html::Div>::new();
    focus_on_load(node);
    let tabs = snippets
        .iter()
        .enumerate()
        .map(|(i, (label, _))| {
            let label = *label;
            view! {
                <button type="button" class="tab" role="tab" id=format!("snippet-tab-{i}")
                    aria-selected=move || if shown.get() == i { "true" } else { "false" }
                    aria-controls="snippet-panel"
                    on:click=move |_| shown.set(i)>
                    {label}
                </button>
            }
        })
        .collect_view();
    let for_panel = snippets.clone();
    view! {
        <div node_ref=node tabindex="-1" class="panel panel--secret" role="region"
            aria-labelledby="secret-title" data-testid="secret-panel">
            <h3 id="secret-title" role="status">"Copy the client secret now"</h3>
            <p>"This is the only time orgdesk shows it. It is not stored anywhere; if it is lost, rotate it."</p>
            <dl class="facts">
                <dt>"Client id"</dt>
                <dd class="secret-row">
                    <code data-testid="client-id">{secret.client_id.clone()}</code>
                    <CopyButton value=secret.client_id.clone() what="client id"/>
                </dd>
                <dt>"Client secret"</dt>
                <dd class="secret-row">
                    <code data-testid="client-secret">{secret.client_secret.clone()}</code>
                    <CopyButton value=secret.client_secret.clone() what="client secret"/>
                </dd>
            </dl>
            <p class="small">"Get a token for your organization:"</p>
            <div class="tabs-row" role="tablist" aria-label="Language">{tabs}</div>
            {move || {
                let (label, code) = for_panel[shown.get()].clone();
                view! {
                    <div id="snippet-panel" role="tabpanel" aria-labelledby=format!("snippet-tab-{}", shown.get())>
                        <pre tabindex="0" data-testid="token-request" data-language=label><code>{code.clone()}</code></pre>
                        <CopyButton value=code what=format!("{label} token request")/>
                    </div>
                }
            }}
        </div>
    }
}
