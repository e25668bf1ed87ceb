//! Choosing an API and its scopes: the scope checkboxes and the per-API choice that the bot,
//! grant and publish forms share, and how an API is named when the tenant gives it no name.

use leptos::prelude::*;

use crate::model::bots::Access;
use crate::model::desk::ApiOption;

/// An API's audience without its scheme and trailing slash (`https://api.travel0.example/` →
/// `api.travel0.example`).
pub fn api_label(audience: &str) -> String {
    audience
        .trim_start_matches("https://")
        .trim_end_matches('/')
        .to_string()
}

/// Checkboxes for an API's scopes, plain checkboxes of a form rendered on the server.
#[component]
pub fn ScopePicker(
    scopes: Vec<String>,
    #[prop(into)] id: String,
    /// What each scope allows (same order as `scopes`), as the tenant describes it.
    #[prop(optional)]
    descriptions: Vec<Option<String>>,
    /// The checkboxes' name (`scopes` unless told).
    #[prop(into, optional)]
    name: Option<String>,
    /// What the desk's script says, before sending, when none is ticked.
    #[prop(optional)]
    need_one: Option<&'static str>,
    /// Ticked as served.
    #[prop(optional)]
    ticked: Vec<String>,
) -> impl IntoView {
    let name = name.unwrap_or_else(|| "scopes".to_string());
    view! {
        <fieldset class="scopes" data-need-one=need_one>
            <legend>"Scopes"</legend>
            {scopes
                .into_iter()
                .enumerate()
                .map(|(i, scope)| {
                    let description = descriptions.get(i).cloned().flatten();
                    let input_id = format!("{id}-{}", scope.replace(':', "-"));
                    let for_id = input_id.clone();
                    let about = format!("{input_id}-about");
                    let described_by = description.as_ref().map(|_| about.clone());
                    let checked = ticked.contains(&scope);
                    view! {
                        <div class="check-row">
                            <label class="check" for=for_id>
                                <input id=input_id type="checkbox" name=name.clone() value=scope.clone()
                                    aria-describedby=described_by checked=checked/>
                                <code>{scope}</code>
                            </label>
                            {description.map(|d| view! { <span id=about class="muted small">{d}</span> })}
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// The API a grant is for, and its scopes: a radio per API, each followed by its scopes. The
/// stylesheet shows only the chosen API's; the form sends only the chosen API's
/// (`forms::Field::ListFor`), so nothing ticked under another choice goes with it.
#[component]
pub fn ApiScopes(
    apis: Vec<ApiOption>,
    #[prop(into)] id: String,
    /// Scopes ticked as served, per API (a bot's present access).
    #[prop(optional)]
    ticked: Vec<Access>,
) -> impl IntoView {
    view! {
        <fieldset class="api-choice">
            <legend>"API"</legend>
            {apis.into_iter().enumerate().map(|(i, api)| {
                let radio = format!("{id}-api-{i}");
                let label_for = radio.clone();
                let name = format!("scopes:{}", api.audience);
                let label = api_label(&api.audience);
                let ticked = ticked
                    .iter()
                    .find(|a| a.audience == api.audience)
                    .map(|a| a.scopes.clone())
                    .unwrap_or_default();
                view! {
                    <div class="api-option">
                        <label class="check" for=label_for>
                            <input id=radio type="radio" name="audience" value=api.audience.clone() checked=i == 0/>
                            {api.name}
                            <span class="muted small">{label}</span>
                        </label>
                        <ScopePicker scopes=api.scopes descriptions=api.descriptions name id=format!("{id}-scope-{i}")
                            need_one="Choose at least one scope." ticked/>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}
