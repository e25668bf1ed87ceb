//! Loading and error notes every page uses.

use leptos::prelude::*;

use crate::model::AppError;

/// Moves keyboard focus to `node` once it is in the page: a result, an error or a new panel that
/// appears after an action is where the person's attention goes, and screen readers read it out.
pub fn focus_on_load(node: NodeRef<leptos::html::Div>) {
    node.on_load(|el| {
        let _ = el.focus();
    });
}

/// A change was refused because the person's admin role is gone: the page shows the layout's notice
/// and stops offering the desk's controls (`main[data-lost-role]` hides them). The notice is outside
/// every island, so this is said to the page itself.
fn lost_role() {
    #[cfg(feature = "hydrate")]
    {
        let document = document();
        if let Some(main) = document.get_element_by_id("main") {
            let _ = main.set_attribute("data-lost-role", "true");
        }
        if let Ok(Some(notice)) = document.query_selector("[data-testid=lost-role]") {
            let _ = notice.remove_attribute("hidden");
        }
    }
}

/// A readable error with the request id to quote to support. `focus`: it answers something the
/// person just did, so focus moves to it.
#[component]
pub fn ErrorNote(error: AppError, #[prop(optional)] focus: bool) -> impl IntoView {
    // On the server the page answers with the error's real status.
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = axum::http::StatusCode::from_u16(error.status_code()) {
            response.set_status(code);
        }
    }
    let retry = error.kind.is_retryable().then_some(" You can try again.");
    let sign_in = (error.kind == crate::model::ErrorKind::Unauthenticated).then(|| {
        let href = super::island::sign_in_href();
        view! { <p><a class="btn btn--primary" href=href rel="external">"Sign in"</a></p> }
    });
    let node = NodeRef::<leptos::html::Div>::new();
    if focus {
        focus_on_load(node);
    }
    // A change (an action: `focus`) refused because the person is no longer an admin: the whole
    // page says so at once.
    if focus && error.kind == crate::model::ErrorKind::Forbidden {
        lost_role();
    }
    view! {
        <div node_ref=node class="note note--error" role="alert" tabindex="-1">
            <p>{error.message.clone()}{retry}</p>
            {sign_in}
            {error.request_id.map(|id| view! { <p class="small muted">"Request id: " <code>{id}</code></p> })}
        </div>
    }
}

#[component]
pub fn Loading(#[prop(into)] what: String) -> impl IntoView {
    view! { <p class="muted" role="status">"Loading " {what} "…"</p> }
}
