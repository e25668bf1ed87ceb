//! Nothing a person does before the page is interactive is lost. Pages are rendered on the server,
//! and their change forms post to `/forms/<server function>` (`crate::server::forms`) as they are:
//! before the bundle arrives as without JavaScript; the desk's script posts them in place once it
//! runs (`enhance`). What must happen before the bundle is in the page's early script.

use leptos::prelude::*;

/// Runs before the bundle, from the shell (with the page's CSP nonce). Plain ES5 on purpose: it must
/// run in every browser that can run the page at all. It marks the page as scripted (`.js`: the
/// buttons only a page without JavaScript needs step aside), folds the menu on a phone, and makes a
/// control marked `data-submit` submit its form when changed, before the bundle as after: a member's
/// role box (which shows its old state until the answer), the apps page's choice of bot (a GET form).
pub const EARLY_SCRIPT: &str = r#"(function(){
document.documentElement.classList.add('js');
document.addEventListener('DOMContentLoaded',function(){var m=document.querySelector('.nav-menu');
if(m&&window.matchMedia&&window.matchMedia('(max-width: 48rem)').matches)m.open=false;});
document.addEventListener('change',function(e){var el=e.target,f=el&&el.form;if(!f||!el.hasAttribute('data-submit'))return;
if(el.type==='checkbox')el.checked=!el.checked;if(f.requestSubmit){f.requestSubmit();}else{var b=f.querySelector('[type=submit]');if(b)b.click();}});
})();"#;

/// The session's token in a form, for the server to check when the browser posts it itself.
#[component]
pub fn SessionToken() -> impl IntoView {
    // A desk page's request already carries it: no wait, no Suspense per form.
    #[cfg(feature = "ssr")]
    if let Some(token) = crate::server::csrf::page_token() {
        return view! { <input type="hidden" name="csrf" value=token/> }.into_any();
    }
    let account = use_context::<super::layout::Account>();
    let token = move || {
        account
            .and_then(|a| a.get())
            .and_then(|r| r.ok())
            .flatten()
            .map(|me| me.csrf)
            .unwrap_or_default()
    };
    // Read under its own Suspense: a form outside the page's (the footer's status check) still waits
    // for the account on the server.
    view! {
        <Suspense fallback=|| view! { <input type="hidden" name="csrf" value=""/> }>
            <input type="hidden" name="csrf" value=token/>
        </Suspense>
    }
    .into_any()
}
