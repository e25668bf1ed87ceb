//! The organization admin's desk: overview, bots, one bot.

pub mod apps;
pub mod audit;
pub mod bot;
pub mod bots;
pub mod invitations;
pub mod members;
pub mod overview;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The `:org` route parameter (checked against the session on the server, never trusted).
pub fn org_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("org").unwrap_or_default())
}

pub fn api_label(audience: &str) -> String {
    audience
        .trim_start_matches("https://")
        .trim_end_matches('/')
        .to_string()
}
