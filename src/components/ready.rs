//! Nothing a person does before the page is interactive is lost. Pages are rendered on the server,
//! and their change forms post to `/forms/<server function>` (`crate::server::http::forms`) as they are:
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

/// The session's token in a form, for the server to check when the browser posts it itself. Forms
/// are rendered on the server only, from the user read before the page rendered.
#[component]
pub fn SessionToken() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let token = crate::server::http::csrf::page_token().unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let token = String::new();
    view! { <input type="hidden" name="csrf" value=token/> }
}
