//! A copy button for ids, secrets, links and snippets, announced to screen readers when it worked.
//! The desk's script runs it (`enhance`), from `data-copy` and `data-copied`.

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
    let label = format!("Copy {what}");
    let done = format!("{} copied", capitalised(&what));
    view! {
        <button type="button" class="btn btn--quiet btn--copy" aria-label=label data-copy=value data-copied=done>
            "Copy"
        </button>
        <span class="visually-hidden" role="status"></span>
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
