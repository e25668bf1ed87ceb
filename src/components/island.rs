//! What a page's few islands share (the desk's pages are rendered on the server only; what runs in
//! the browser is the in-place loop, the rules explainer and the mark that says a page is ready). In
//! the browser each island is hydrated as a root of its own.

use leptos::prelude::*;

/// Sign in and come back to the page being shown (the landing page needs no way back).
pub fn sign_in_href() -> String {
    let back = here();
    if back == "/" {
        "/login".to_string()
    } else {
        format!("/login?return_to={}", crate::model::wire::encode(&back))
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
