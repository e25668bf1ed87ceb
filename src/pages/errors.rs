//! Error pages. On the server they set the real HTTP status, so a missing page is a 404 for browsers,
//! crawlers and monitors alike.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ErrorPage(status: u16, title: &'static str, message: &'static str) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        let code = axum::http::StatusCode::from_u16(status)
            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        response.set_status(code);
    }
    view! {
        <Title text=title/>
        <section class="error-page" aria-labelledby="error-title">
            <p class="error-page__code">{status}</p>
            <h1 id="error-title">{title}</h1>
            <p>{message}</p>
            <p><a class="btn" href="/">"Back to the overview"</a></p>
        </section>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <ErrorPage
            status=404
            title="Page not found"
            message="There is nothing at this address. It may have moved, or the link may be mistyped."
        />
    }
}
