//! The organization admin's desk: overview, bots, one bot.

pub mod approvals;
pub mod apps;
pub mod audit;
pub mod bot;
pub mod bot_keys;
pub mod bot_usage;
pub mod bots;
pub mod invitations;
pub mod members;
pub mod overview;
pub mod reviews;
pub mod settings;
pub mod webhooks;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The `:org` route parameter (checked against the session on the server, never trusted).
pub fn org_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("org").unwrap_or_default())
}

/// `1 bot`, `2 bots`, `0 bots`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The date part of an RFC 3339 instant ("2026-12-07").
pub fn day(rfc3339: &str) -> String {
    rfc3339.chars().take(10).collect()
}

/// A page title with the organization (and object) it is about: "Bots · Acme Travel".
pub fn title(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ")
}
