//! What a page's few islands share (the desk's pages are rendered on the server only; what runs in
//! the browser is the in-place loop, the rules explainer, the footer's status check and the mark
//! that says a page is ready). In the browser each island is hydrated as a root of its own.

use leptos::prelude::*;

/// Present inside an island: on the server, what the bundle will take over.
#[derive(Clone, Copy)]
pub struct InIsland;

/// Whether this part is rendered inside an island.
pub fn in_island() -> bool {
    use_context::<InIsland>().is_some()
}

/// Sign in and come back to the page being shown (the landing page needs no way back).
pub fn sign_in_href() -> String {
    let back = here();
    if back == "/" {
        "/login".to_string()
    } else {
        format!("/login?return_to={}", crate::model::members::encode(&back))
    }
}

/// The path and query of the page being shown.
pub(crate) fn here() -> String {
    #[cfg(feature = "ssr")]
    {
        let location = leptos_router::hooks::use_location();
        let (path, search) = (
            location.pathname.get_untracked(),
            location.search.get_untracked(),
        );
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        leptos::web_sys::window()
            .and_then(|w| {
                let l = w.location();
                Some(format!("{}{}", l.pathname().ok()?, l.search().ok()?))
            })
            .unwrap_or_default()
    }
}

/// The last island of a page with the bundle. Islands are hydrated in document order, so once this
/// one is, every island before it is too: the page says it is ready (what the browser tests and
/// scripts/perf wait for).
#[island]
pub fn ReadyMark() -> impl IntoView {
    Effect::new(|_| {
        #[cfg(feature = "hydrate")]
        if let Some(main) = document().get_element_by_id("main") {
            let _ = main.set_attribute("data-hydrated", "true");
            let _ = main.set_attribute("data-ready", "true");
        }
    });
}

/// The footer's status check, answered in place on a page with the bundle. The server renders the
/// footer before the page's own island (the route's view is built later), while the browser
/// hydrates in document order: so this island must create no resource and no Suspense, whose
/// serialized-data ids would then be counted in a different order. It gets the token as a prop.
#[island]
pub fn StatusCheckIsland(csrf: String) -> impl IntoView {
    provide_context(InIsland);
    provide_context(super::ready::Csrf(csrf));
    view! { <super::status_check::StatusCheck/> }
}
