//! A copy button for ids, secrets, links and snippets, announced to screen readers when it worked.
//! Inside an island the island runs it; elsewhere the desk's script does (`enhance`), from
//! `data-copy` and `data-copied`.

use leptos::prelude::*;

#[component]
pub fn CopyButton(
    /// What is copied.
    #[prop(into)]
    value: String,
    /// What it is, for the button's accessible name ("Copy client id") and the announcement.
    #[prop(into)]
    what: String,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let label = format!("Copy {what}");
    let done = format!("{} copied", capitalised(&what));
    let outside = !super::island::in_island();
    view! {
        <button
            type="button"
            class="btn btn--quiet btn--copy"
            aria-label=label
            data-copy=outside.then(|| value.clone())
            data-copied=outside.then(|| done.clone())
            on:click=move |_| {
                #[cfg(feature = "hydrate")]
                if let Some(window) = leptos::web_sys::window() {
                    let _ = window.navigator().clipboard().write_text(&value);
                }
                #[cfg(not(feature = "hydrate"))]
                let _ = &value;
                copied.set(true);
            }
        >
            {move || if copied.get() { "Copied" } else { "Copy" }}
        </button>
        <span class="visually-hidden" role="status">{move || copied.get().then(|| done.clone())}</span>
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
