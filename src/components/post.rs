//! Change forms rendered on the server and never hydrated: a plain HTML form that posts to
//! `/forms/<server function>` (`crate::server::http::forms`) and gets the page back with the answer in it.
//! Without JavaScript that is a page load; with the bundle the desk's script (`enhance`) posts it in
//! place: the button says what is under way, the page's part is swapped for the answer, the
//! keyboard goes to the result, and what was typed stays when the answer is an error. Nothing here
//! is in the bundle but the markup the script reads (`data-enhance`, `data-pending`, `_question`).

use leptos::prelude::*;

use super::ready::SessionToken;

/// Sent by the desk's script with a form it posts in place. A page elsewhere cannot send it without
/// asking first (a custom header), and it changes only the form of the answer, not what is checked.
pub const ENHANCED: &str = "x-orgdesk-enhanced";
/// Where an in-place post's answer sends the page (instead of a redirect the script cannot see).
pub const GO: &str = "x-orgdesk-go";

/// A form that changes something. `pending`: what its submit button says while the change is under
/// way ("Inviting…").
#[component]
pub fn PostForm(
    #[prop(into, optional)] class: String,
    #[prop(into, optional)] labelledby: Option<String>,
    endpoint: &'static str,
    /// Arguments that are not fields of the form (the organization, the invitation…).
    #[prop(optional)]
    hidden: Vec<(&'static str, String)>,
    #[prop(into, optional)] pending: Option<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <form
            method="post"
            action=format!("/forms/{endpoint}")
            class=class
            aria-labelledby=labelledby
            data-enhance=""
            data-pending=pending
        >
            <SessionToken/>
            {hidden.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value/> }).collect_view()}
            {children()}
        </form>
    }
}

/// A one-button change (resend, approve…).
#[component]
pub fn PostButton(
    endpoint: &'static str,
    hidden: Vec<(&'static str, String)>,
    #[prop(into)] label: String,
    /// What the button says while the change is under way.
    #[prop(into)]
    pending: String,
) -> impl IntoView {
    view! {
        <PostForm class="inline-form" endpoint hidden pending>
            <button type="submit" class="btn">{label}</button>
        </PostForm>
    }
}

/// A change that cannot be taken back: asked about once more before it is made. The script asks
/// inline (the answer's button takes the keyboard, Escape says no); without JavaScript the server
/// asks on a page of its own. Both read the question from the form.
#[component]
pub fn ConfirmPost(
    endpoint: &'static str,
    hidden: Vec<(&'static str, String)>,
    #[prop(into)] label: String,
    #[prop(into)] question: String,
    #[prop(into)] confirm: String,
) -> impl IntoView {
    let mut fields = hidden;
    fields.push(("_question", question));
    fields.push(("_confirm", confirm));
    view! {
        <PostForm class="inline-form" endpoint hidden=fields>
            <button type="submit" class="btn btn--danger">{label}</button>
        </PostForm>
    }
}

/// Where the desk's script says, while a change waits, how many Management API calls are ahead of
/// it (a page's `<main>` holds one; the script finds it by `data-queue-slot`).
#[component]
pub fn QueueSlot() -> impl IntoView {
    view! { <div aria-live="polite" class="queue-slot" data-queue-slot=""></div> }
}
