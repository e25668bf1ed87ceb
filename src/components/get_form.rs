//! A search or filter form that puts its fields in the URL. Without JavaScript it is a plain GET form;
//! once hydrated it navigates client-side. (leptos_router's `<Form>` lower-cases its action, which
//! breaks paths with organization ids in them.)

use leptos::prelude::*;

#[component]
pub fn GetForm(
    /// The path the query is sent to (no query string).
    #[prop(into)]
    action: Signal<String>,
    #[prop(into, optional)] class: String,
    children: Children,
) -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            let Ok(data) = web_sys::FormData::new_with_form(&form) else {
                return;
            };
            let Ok(params) = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data) else {
                return;
            };
            ev.prevent_default();
            let query: String = params.to_string().into();
            navigate(
                &format!("{}?{query}", action.get_untracked()),
                Default::default(),
            );
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&ev, &navigate);
    };
    view! {
        <form method="get" action=move || action.get() class=class on:submit=on_submit>
            {children()}
        </form>
    }
}
