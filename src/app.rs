//! The HTML shell and the route table: which page lives at which path.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use leptos_router::SsrMode;

use crate::components::layout::Layout;
use crate::pages::desk::{
    apps::AppsPage, audit::AuditLogPage, bot::BotPage, bots::BotsPage,
    invitations::InvitationsPage, members::MembersPage, overview::Overview, reviews::ReviewsPage,
    settings::SettingsPage, webhooks::WebhooksPage,
};
use crate::pages::support::{home::SupportHome, org::SupportOrg};
use crate::pages::{
    errors::NotFound, install::InstallPage, joined::JoinedPage, landing::Landing,
    onboarding::OnboardingPage, rules::Rules,
};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    page_policy();
    #[cfg(feature = "ssr")]
    let nonce = leptos::nonce::use_nonce().map(|n| n.to_string());
    #[cfg(not(feature = "ssr"))]
    let nonce: Option<String> = None;
    // The stylesheet under its content-hashed name (the shell is only ever rendered on the server).
    #[cfg(feature = "ssr")]
    let css = use_context::<crate::server::state::AppState>()
        .map(|s| s.assets.css_href())
        .unwrap_or_else(|| "/pkg/orgdesk.css".into());
    #[cfg(not(feature = "ssr"))]
    let css = String::new();
    #[cfg(feature = "ssr")]
    let bundle =
        with_context::<axum::http::request::Parts, _>(|parts| needs_bundle(parts.uri.path()))
            .unwrap_or(true);
    #[cfg(not(feature = "ssr"))]
    let bundle = true;
    provide_context(PageBundle(bundle));
    // Islands mode: only what an island renders is hydrated, so only its resources' data goes out
    // with the page (an island turns this on for its own part).
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" id="orgdesk-css" href=css/>
                // Before anything else can run: keeps what is typed or clicked until the page is ready.
                <script nonce=nonce inner_html=crate::components::ready::EARLY_SCRIPT></script>
                {bundle.then(|| view! { <HydrationScripts options islands=true/> })}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Whether this page loads the browser bundle (set by the shell; absent in the browser, where the
/// bundle is running).
#[derive(Clone, Copy)]
pub struct PageBundle(pub bool);

impl PageBundle {
    /// False only on a server-rendered page that goes out without the bundle.
    pub fn loaded() -> bool {
        use_context::<PageBundle>().is_none_or(|b| b.0)
    }
}

/// The desk's pages under `/orgs/:org/` (besides the overview and a bot's page): the routes below,
/// and what the page-status layer lets render rather than answer 404.
pub const DESK_SECTIONS: &[&str] = &[
    "bots",
    "members",
    "invitations",
    "apps",
    "audit",
    "settings",
    "reviews",
    "webhooks",
];

/// Pages where something acts within the page (a change with its answer in place, the rules
/// explainer) have islands and load the browser bundle. The rest — reading, links, GET filters, plain
/// forms such as the footer's status check — are whole as served and go out without it: a first
/// visit downloads the page and the stylesheet. Every link is a page load (the bundle, once fetched,
/// comes from the browser's cache).
pub fn needs_bundle(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    matches!(
        segments.as_slice(),
        ["rules"]
            | ["apps", _]
            | [
                "orgs",
                _,
                "bots" | "members" | "invitations" | "apps" | "settings" | "reviews" | "webhooks"
            ]
            | ["orgs", _, "bots", _]
    )
}

/// The page's Content-Security-Policy, naming this response's nonce (leptos puts it on its hydration
/// and resource scripts). Handed to the `headers::secure` layer through the request, which writes it
/// on the response: Leptos' response options once failed to carry it (a page under the strict policy,
/// its scripts refused).
#[cfg(feature = "ssr")]
fn page_policy() {
    use crate::server::http::headers;
    let (Some(nonce), Some(state)) = (
        leptos::nonce::use_nonce(),
        use_context::<crate::server::state::AppState>(),
    ) else {
        return;
    };
    let policy = headers::page_policy(&nonce.to_string(), &headers::origin_of(&state.issuer));
    if let Ok(value) = axum::http::HeaderValue::from_str(&policy) {
        with_context::<axum::http::request::Parts, _>(|parts| {
            if let Some(slot) = parts.extensions.get::<headers::PagePolicy>() {
                slot.set(value);
            }
        });
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|title: String| format!("{title} · orgdesk")/>
        // In-order streaming: each part arrives in its place, so a page is whole without JavaScript
        // (out-of-order streaming needs a script to move late parts where they belong). A page whose
        // title names what it reads is rendered whole before it is sent (`Async`): the head goes
        // out first, and a title set later would not be in it.
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Landing ssr=SsrMode::InOrder/>
                    <Route path=path!("/rules") view=Rules ssr=SsrMode::InOrder/>
                    <Route path=path!("/joined") view=JoinedPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/onboarding") view=OnboardingPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/orgs/:org") view=Overview ssr=SsrMode::InOrder/>
                    <Route path=path!("/orgs/:org/bots") view=BotsPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/orgs/:org/bots/:client_id") view=BotPage ssr=SsrMode::Async/>
                    <Route path=path!("/orgs/:org/members") view=MembersPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/orgs/:org/invitations") view=InvitationsPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/orgs/:org/audit") view=AuditLogPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/orgs/:org/apps") view=AppsPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/orgs/:org/settings") view=SettingsPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/orgs/:org/reviews") view=ReviewsPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/orgs/:org/webhooks") view=WebhooksPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/apps/:app_id") view=InstallPage ssr=SsrMode::Async/>
                    <Route path=path!("/support") view=SupportHome ssr=SsrMode::InOrder/>
                    <Route path=path!("/support/orgs/:org") view=SupportOrg ssr=SsrMode::InOrder/>
                </Routes>
            </Layout>
        </Router>
    }
}
