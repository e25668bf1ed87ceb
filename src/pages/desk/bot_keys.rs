//! A bot's credentials on its page: its secret (rotated here), or its public keys
//! (`private_key_jwt`) with the guided rotation — add the new key, check a token signed with it,
//! remove the old one. orgdesk never sees a private key: the admin makes the pair on their machine.

use leptos::prelude::*;

use crate::components::copy::CopyButton;
use crate::components::post::{ConfirmPost, PostForm};
use crate::components::secret::SecretPanel;
use crate::model::bots::{Bot, BotKey, SecretShown, TokenShown};

/// The commands that make a key pair on the admin's own machine.
const GENERATE: &str = "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out bot.key\nopenssl pkey -in bot.key -pubout -out bot.pub";

/// A signed assertion, as the bot makes one for each token request (Python, PyJWT).
fn assertion_snippet(client_id: &str, tenant: &str, kid: &str) -> String {
    format!(
        "import time, uuid, jwt  # pip install pyjwt[crypto]\n\nnow = int(time.time())\nassertion = jwt.encode(\n    {{\"iss\": \"{client_id}\", \"sub\": \"{client_id}\", \"aud\": \"{tenant}\",\n     \"iat\": now, \"exp\": now + 60, \"jti\": str(uuid.uuid4())}},\n    open(\"bot.key\").read(), algorithm=\"RS256\",\n    headers={{\"kid\": \"{kid}\"}})  # the key's kid, as listed here once added\nprint(assertion)"
    )
}

#[component]
fn AddKey(fields: Vec<(&'static str, String)>, first: bool) -> impl IntoView {
    let (button, note) = if first {
        (
            "Use this key",
            "From now on the bot signs its token requests with this key; its client secret stops working at once.",
        )
    } else {
        (
            "Add the new key",
            "Both keys work until you remove the old one: move the bot to the new key in your own time.",
        )
    };
    view! {
        <PostForm class="form" endpoint="bots/key-add" hidden=fields pending="Adding the key…">
            <p class="small muted">{note}</p>
            <div class="field">
                <label for="key-pem">"Public key (PEM)"</label>
                <textarea id="key-pem" name="pem" rows="6" required spellcheck="false"
                    placeholder="-----BEGIN PUBLIC KEY-----" aria-describedby="key-pem-hint"></textarea>
                <p class="hint" id="key-pem-hint">"The contents of bot.pub. Never paste the private key (bot.key): it stays with the bot."</p>
            </div>
            <div class="field">
                <label for="key-name">"Key label (optional)"</label>
                <input id="key-name" name="name" maxlength="100" autocomplete="off"/>
            </div>
            <div class="field">
                <label for="key-expires">"Last day (optional)"</label>
                <input id="key-expires" name="expires_on" type="date" aria-describedby="key-expires-hint"/>
                <p class="hint" id="key-expires-hint">"After this day (UTC) Auth0 refuses assertions signed with the key."</p>
            </div>
            <button type="submit" class="btn btn--primary">{button}</button>
        </PostForm>
    }
}

#[component]
fn KeyRow(key: BotKey, fields: Vec<(&'static str, String)>, removable: bool) -> impl IntoView {
    let mut fields = fields;
    fields.push(("credential_id", key.id.clone()));
    let state = match (key.in_use, key.expired) {
        (_, true) => "expired",
        (true, false) => "in use",
        (false, false) => "not in use",
    };
    let expires = key
        .expires
        .clone()
        .map(|d| format!("last day {d}"))
        .unwrap_or_else(|| "no expiry".into());
    view! {
        <li class="key" data-testid="key-row" data-kid=key.kid.clone() data-state=state>
            <strong>{key.name.clone()}</strong>
            <span class=if key.expired { "badge badge--danger" } else { "badge" }>{state}</span>
            <span class="small muted">{format!(" added {} · {expires} · kid ", key.added)}<code>{key.kid.chars().take(12).collect::<String>()}"…"</code></span>
            {removable.then(|| view! {
                <ConfirmPost endpoint="bots/key-remove" hidden=fields label="Remove key"
                    question="Token requests signed with this key stop working at once." confirm="Remove"/>
            })}
        </li>
    }
}

/// The bot's credentials: its secret, or its keys with the rotation's steps.
#[component]
pub fn Credentials(org: String, bot: Bot, token_url: String) -> impl IntoView {
    let fields = vec![("org_id", org), ("client_id", bot.client_id.clone())];
    let tenant = token_url.trim_end_matches("oauth/token").to_string();
    let in_use: Vec<BotKey> = bot.keys.iter().filter(|k| k.in_use).cloned().collect();
    let first_api = bot
        .access
        .first()
        .map(|a| a.audience.clone())
        .unwrap_or_default();
    let newest_kid = in_use
        .last()
        .map(|k| k.kid.clone())
        .unwrap_or_else(|| "KID".into());
    let rotated = use_context::<SecretShown>().map(|s| {
        let audience = if s.audience.is_empty() {
            first_api
        } else {
            s.audience
        };
        view! { <SecretPanel secret=s.secret token_url=s.token_url audience org_id=s.org_id/> }
    });
    let make_keys = view! {
        <details class="snippet">
            <summary>"Make a key pair on your machine"</summary>
            <pre data-testid="key-commands"><code>{GENERATE}</code></pre>
            <CopyButton value=GENERATE.to_string() what="commands"/>
            <p class="small muted">"The bot signs each token request with bot.key; this is how (Python):"</p>
            <pre data-testid="assertion-snippet"><code>{assertion_snippet(&bot.client_id, &tenant, &newest_kid)}</code></pre>
        </details>
    };
    if in_use.is_empty() {
        return view! {
            <p class="small">"The bot authenticates with its client secret."</p>
            <p class="small muted">"Rotating makes a new secret and stops the old one at once."</p>
            <ConfirmPost endpoint="bots/rotate" hidden=fields.clone() label="Rotate secret"
                question="Programs using the old secret will stop getting tokens." confirm="Rotate now"/>
            {rotated}
            <h3>"Use a key instead of the secret"</h3>
            <p class="small muted">"With a key (private_key_jwt) the bot proves itself with a signature: no shared secret travels, and two keys let you rotate without downtime."</p>
            {make_keys}
            <AddKey fields first=true/>
        }
        .into_any();
    }
    // A rotation under way: two keys in use, the newer one last.
    let rotating = in_use.len() > 1;
    let newest = in_use.last().map(|k| k.name.clone()).unwrap_or_default();
    let checked = use_context::<TokenShown>()
        .and_then(|TokenShown(c)| c.key)
        .is_some_and(|k| k == newest);
    let removable = rotating;
    let rows = bot
        .keys
        .iter()
        .cloned()
        .map(|key| {
            let removable = removable || !key.in_use;
            view! { <KeyRow key fields=fields.clone() removable/> }
        })
        .collect_view();
    let steps = rotating.then(|| {
        let check = if checked {
            format!("Auth0 issued a token signed with {newest}.")
        } else {
            format!("Check that {newest} works: a test token below, with an assertion signed by it.")
        };
        view! {
            <ol class="steps" data-testid="rotation-steps" aria-label="Key rotation">
                <li data-done="true">{format!("{newest} was added; both keys work.")}</li>
                <li data-done=checked.to_string()>{check}</li>
                <li data-done="false">"Move the bot to the new key, then remove the old one here."</li>
            </ol>
        }
    });
    view! {
        <p class="small">"The bot signs its token requests with a key (private_key_jwt). orgdesk keeps only public keys."</p>
        {steps}
        <ul class="list list--plain" data-testid="key-list">{rows}</ul>
        {(!rotating).then(|| view! {
            <h3>"Rotate: add the new key"</h3>
            {make_keys}
            <AddKey fields=fields.clone() first=false/>
        })}
    }
    .into_any()
}
