//! A client secret, shown once: copy buttons for the id and the secret, and the token request ready
//! to run in curl, Node.js or Python. Rendered on the server, on the page that answers the change that
//! made the secret; the desk's script moves the keyboard to it (`data-outcome`), and it is announced.

use leptos::prelude::*;

use super::copy::CopyButton;
use crate::model::bots::{token_snippets, NewSecret};

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
    // One language open at a time (`details` sharing a name): works as served, with or without
    // the bundle, by keyboard and pointer alike.
    let snippets = snippets
        .into_iter()
        .enumerate()
        .map(|(i, (label, code))| {
            view! {
                <details class="snippet" name="token-request" open=i == 0>
                    <summary>{label}</summary>
                    <pre tabindex="0" data-testid="token-request" data-language=label><code>{code.clone()}</code></pre>
                    <CopyButton value=code what=format!("{label} token request")/>
                </details>
            }
        })
        .collect_view();
    view! {
        <div tabindex="-1" class="panel panel--secret" role="region"
            aria-labelledby="secret-title" data-testid="secret-panel" data-outcome="ok">
            <h2 id="secret-title" role="status">"Copy the client secret now"</h2>
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
            {snippets}
        </div>
    }
}
