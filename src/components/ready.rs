//! Nothing a person does before the page is interactive is lost. Desk pages are rendered on the
//! server only: their change forms post to `/forms/<server function>` (`crate::server::forms`) as
//! they are, before the bundle arrives as without JavaScript, and the desk's script posts them in
//! place once it runs (`enhance`). A control marked `data-submit` submits its form when changed,
//! before the bundle as after: a member's role box (which shows its old state until the answer), the
//! apps page's choice of bot (a GET form). What acts inside an island (the footer's status check) is
//! a `ChangeForm`: rendered on the server it carries `data-ssr`, and it tells the page's early script
//! (`EARLY_SCRIPT`, inline in the shell) when the bundle has made it interactive. Until then that
//! script keeps what was typed and ticked, holds a submit or a click with a visible notice, and
//! replays it — values first — the moment the part is ready. No form submits its fields as a GET,
//! except searches and filters, which are GET forms; forms marked `data-native` (sign-out) are real
//! browser submissions.

use leptos::prelude::*;

/// The event a part sends when it has become interactive.
pub const READY_EVENT: &str = "orgdesk:ready";

/// Runs before the bundle, from the shell (with the page's CSP nonce). Plain ES5 on purpose: it must
/// run in every browser that can run the page at all.
pub const EARLY_SCRIPT: &str = r#"(function(){
document.documentElement.classList.add('js');
document.addEventListener('DOMContentLoaded',function(){var m=document.querySelector('.nav-menu');
if(m&&window.matchMedia&&window.matchMedia('(max-width: 48rem)').matches)m.open=false;});
var typed={},held=[];
function isReady(el){return !(el&&el.closest&&el.closest('[data-ssr]'));}
function record(e){var el=e.target;if(!el||!el.id||isReady(el))return;
typed[el.id]=(el.type==='checkbox'||el.type==='radio')?['checked',el.checked]:['value',el.value];}
document.addEventListener('input',record,true);document.addEventListener('change',record,true);
function note(at){if(at.__held)return;var p=document.createElement('p');p.className='note note--info held-note';
p.setAttribute('role','status');p.textContent='The page is still loading. What you did is kept and goes through as soon as it is ready.';
at.__held=p;if(at.tagName==='FORM'){at.appendChild(p);}else{at.insertAdjacentElement('afterend',p);}}
document.addEventListener('submit',function(e){var f=e.target;if(isReady(f)||f.hasAttribute('data-native')||(f.method||'').toLowerCase()==='get')return;
e.preventDefault();e.stopImmediatePropagation();if(held.indexOf(f)<0)held.push(f);note(f);},true);
document.addEventListener('click',function(e){var b=e.target&&e.target.closest&&e.target.closest('button');
if(!b||b.type==='submit'||isReady(b))return;
e.preventDefault();e.stopImmediatePropagation();if(held.indexOf(b)<0)held.push(b);note(b);},true);
document.addEventListener('change',function(e){var el=e.target,f=el&&el.form;if(!f||!el.hasAttribute('data-submit'))return;
if(el.type==='checkbox')el.checked=!el.checked;if(f.requestSubmit){f.requestSubmit();}else{var b=f.querySelector('[type=submit]');if(b)b.click();}});
document.addEventListener('orgdesk:ready',function(e){var root=e.target;root.removeAttribute('data-ssr');setTimeout(function(){
Object.keys(typed).forEach(function(id){var el=document.getElementById(id);if(!el||!root.contains(el)||!isReady(el))return;
var t=typed[id];delete typed[id];if(el[t[0]]===t[1])return;el[t[0]]=t[1];
el.dispatchEvent(new Event('input',{bubbles:true}));el.dispatchEvent(new Event('change',{bubbles:true}));});
held=held.filter(function(x){if(!root.contains(x)||!isReady(x))return true;if(x.__held){x.__held.remove();x.__held=null;}
if(x.isConnected){if(x.tagName==='FORM'){x.requestSubmit();}else{x.click();}}return false;});},0);},true);
})();"#;

/// `data-ssr` on what the server renders inside an island of a page with the bundle (hydration leaves
/// it; the ready event removes it). Outside the islands, and on a page without the bundle, nothing
/// will take a form over: it posts as it is.
fn server_rendered() -> Option<&'static str> {
    (cfg!(feature = "ssr") && super::island::in_island() && crate::app::PageBundle::loaded())
        .then_some("")
}

fn announce(target: &leptos::web_sys::EventTarget) {
    if let Ok(event) = leptos::web_sys::Event::new(READY_EVENT) {
        let _ = target.dispatch_event(&event);
    }
}

/// A form that changes something: posted, never a GET of its fields, and held until interactive.
/// `on_submit` gets the event after the browser's own submission is stopped. `endpoint` names the
/// server function it calls: without JavaScript the browser posts the form's fields (named after the
/// function's arguments; `hidden` for the fixed ones) to `/forms/<endpoint>`, with the session's
/// token.
#[component]
pub fn ChangeForm(
    #[prop(into, optional)] class: String,
    #[prop(into, optional)] labelledby: Option<String>,
    #[prop(into, optional)] testid: Option<String>,
    endpoint: &'static str,
    /// Arguments that are not fields of the form (the organization, the bot...).
    #[prop(optional)]
    hidden: Vec<(&'static str, String)>,
    on_submit: Callback<leptos::ev::SubmitEvent>,
    children: Children,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Form>::new();
    node.on_load(|el| announce(&el));
    view! {
        <form
            node_ref=node
            data-ssr=server_rendered()
            method="post"
            action=format!("/forms/{endpoint}")
            class=class
            aria-labelledby=labelledby
            data-testid=testid
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                on_submit.run(ev);
            }
        >
            <SessionToken/>
            {hidden.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value/> }).collect_view()}
            {children()}
        </form>
    }
}

/// The session's token, given as it is (to an island that must not wait for the account: see
/// `island::StatusCheckIsland`).
#[derive(Clone)]
pub struct Csrf(pub String);

/// The session's token in a form, for the server to check when the browser posts it itself.
#[component]
pub fn SessionToken() -> impl IntoView {
    if let Some(Csrf(value)) = use_context::<Csrf>() {
        return view! { <input type="hidden" name="csrf" value=value/> }.into_any();
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
    // for the account on the server and hydrates from its data.
    view! {
        <Suspense fallback=|| view! { <input type="hidden" name="csrf" value=""/> }>
            <input type="hidden" name="csrf" value=token/>
        </Suspense>
    }
    .into_any()
}
