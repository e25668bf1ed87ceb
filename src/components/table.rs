//! A data table as every page shows one: in a named region that scrolls on its own on a narrow
//! screen and can be reached and scrolled from the keyboard, with a header row of its columns.

use leptos::prelude::*;

#[component]
pub fn Table(
    /// What the region is called for a screen reader ("Your bots").
    label: &'static str,
    testid: &'static str,
    columns: &'static [&'static str],
    /// Rows become labelled blocks on a narrow screen (each cell carries `data-label`).
    #[prop(optional)]
    stack: bool,
    /// The rows.
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=label>
            <table class="table" class:table--stack=stack data-testid=testid>
                <thead>
                    <tr>{columns.iter().map(|c| view! { <th scope="col">{*c}</th> }).collect_view()}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}
