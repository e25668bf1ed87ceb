//! A search or filter form that puts its fields in the URL: a plain GET form, so the browser loads the
//! answer as a page, with or without JavaScript. (leptos_router's `<Form>` lower-cases its action,
//! which breaks paths with organization ids in them.)

use leptos::prelude::*;

#[component]
pub fn GetForm(
    /// The path the query is sent to (no query string).
    #[prop(into)]
    action: Signal<String>,
    #[prop(into, optional)] class: String,
    children: Children,
) -> impl IntoView {
    view! {
        <form method="get" action=move || action.get() class=class>
            {children()}
        </form>
    }
}
