//! The frame around every page: skip link, header with navigation, main area, footer.

use leptos::prelude::*;
use leptos_meta::Title;

use super::status_check::StatusCheck;
use crate::model::desk::{Flash, Me};
use crate::model::organization::HeaderBranding;

#[component]
fn AccountMenu(me: Option<Me>) -> impl IntoView {
    // /login is a server route. It comes back to the page the visitor is on.
    let Some(me) = me else {
        let href = super::island::sign_in_href();
        return view! { <a class="btn btn--primary" href=href rel="external">"Sign in"</a> }
            .into_any();
    };
    let org = me.org_name.clone().unwrap_or_else(|| me.org_id.clone());
    // A disclosure that works without JavaScript: who you are, where you are, sign out.
    view! {
        <details class="account">
            <summary class="btn btn--quiet" data-testid="account-menu">
                <span class="account__org">{org.clone()}</span>
            </summary>
            <div class="account__panel">
                <p class="small" data-testid="signed-in-as">{me.email.clone()} <br/> <span class="muted">{org}</span></p>
                {(me.role == "admin").then(|| view! {
                    <p><a class="small" href=format!("/orgs/{}/settings", me.org_id)>"Organization settings"</a></p>
                    <p><a class="small" href=format!("/orgs/{}/webhooks", me.org_id)>"Webhooks"</a></p>
                })}
                {me.several_orgs.then(|| view! {
                    <p><a class="small" href="/login" rel="external">"Switch organization"</a></p>
                })}
                <form method="post" action="/logout" data-native="">
                    <input type="hidden" name="csrf" value=me.csrf.clone()/>
                    <button type="submit" class="btn btn--quiet">"Sign out"</button>
                </form>
            </div>
        </details>
    }
    .into_any()
}

/// Who is signed in, as `page_status` read it before the page rendered. Pages render on the server
/// only (islands mode), so the header, the title and the forms have it at once: no Suspense, no
/// second read of the session.
#[derive(Clone)]
pub struct Account(pub Option<Me>);

/// A page's title with the organization it is about: "Members · Acme Travel".
#[component]
pub fn PageTitle(#[prop(into)] page: String) -> impl IntoView {
    let org = use_context::<Account>()
        .and_then(|a| a.0)
        .and_then(|m| m.org_name);
    let text = match org {
        Some(org) => format!("{page} · {org}"),
        None => page,
    };
    view! { <Title text/> }
}

/// What the server knows about the page being rendered: who is signed in, the path (for the header's
/// `aria-current`), and the notice a change form left, which is read once and then cleared.
fn this_page() -> (Option<Me>, String, Option<Flash>, Option<HeaderBranding>) {
    #[cfg(feature = "ssr")]
    {
        let mut me = crate::server::http::page_status::with_page_user(crate::api::desk::glue::me);
        let branding = with_context::<axum::http::request::Parts, _>(|parts| {
            let kept = parts
                .extensions
                .get::<crate::server::http::page_status::PageBranding>()?
                .0
                .clone()?;
            Some(HeaderBranding {
                name: kept.display_name,
                logo_url: kept.logo_url,
                primary: kept.primary_color,
            })
        })
        .flatten();
        // A name changed since this person signed in: the one Auth0 has now.
        if let (Some(me), Some(b)) = (me.as_mut(), &branding) {
            me.org_name = Some(b.name.clone());
        }
        let (path, flash) = with_context::<axum::http::request::Parts, _>(|parts| {
            (
                parts.uri.path().to_string(),
                crate::server::http::forms::flash_from(&parts.headers),
            )
        })
        .unwrap_or_default();
        if flash.is_some() {
            if let (Some(response), Some(state)) = (
                use_context::<leptos_axum::ResponseOptions>(),
                use_context::<crate::server::state::AppState>(),
            ) {
                response.append_header(
                    axum::http::header::SET_COOKIE,
                    crate::server::http::forms::flash_clear(state.config.is_https()),
                );
            }
        }
        (me, path, flash, branding)
    }
    #[cfg(not(feature = "ssr"))]
    {
        (None, String::new(), None, None)
    }
}

/// A link of the header's navigation, marked as the page being shown when it is (`exact`: only this
/// path; else this path and the pages under it).
fn nav_link(here: &str, href: String, exact: bool, label: &'static str) -> impl IntoView {
    let current = here == href
        || (!exact && here.starts_with(href.as_str()) && here[href.len()..].starts_with('/'));
    view! { <li><a href=href aria-current=current.then_some("page")>{label}</a></li> }
}

/// What a change form's answer says on the page it returns to: the result, or what went wrong (an
/// alert). `data-outcome` is where the desk's script puts the keyboard after an in-place post.
#[component]
fn FormNotice(flash: Flash) -> impl IntoView {
    let (class, role, outcome) = if flash.ok {
        ("note note--ok", "status", "ok")
    } else {
        ("note note--error", "alert", "error")
    };
    view! {
        <div class=class role=role tabindex="-1" data-testid="form-notice" data-outcome=outcome>
            <p>{flash.text}</p>
            {flash.link.map(|link| view! {
                <div class="field">
                    <label for="notice-link">{link.label.clone()}</label>
                    <div class="secret-row">
                        <input id="notice-link" readonly value=link.url.clone()/>
                        <super::copy::CopyButton value=link.url what="link"/>
                    </div>
                </div>
            })}
        </div>
    }
}

/// The organization's primary colour as the header's accent: a stylesheet element under the page's
/// nonce (the policy allows no inline style attributes); only a colour that parsed as one gets in.
/// After a change posted in place, the desk's script sets it from `data-accent` instead.
#[component]
fn AccentStyle(primary: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let nonce = leptos::nonce::use_nonce().map(|n| n.to_string());
    #[cfg(not(feature = "ssr"))]
    let nonce: Option<String> = None;
    crate::model::organization::normal_hex(&primary)
        .map(|hex| view! { <style nonce=nonce>{format!(":root{{--org-accent:{hex}}}")}</style> })
}

/// The organization's logo and name beside orgdesk's.
#[component]
fn OrgBrand(b: HeaderBranding) -> impl IntoView {
    let accent = crate::model::organization::normal_hex(&b.primary).unwrap_or_default();
    let logo = (!b.logo_url.is_empty())
        .then(|| view! { <img class="org-brand__logo" src=b.logo_url alt="" height="28"/> });
    view! {
        <span class="org-brand" data-testid="org-brand" data-accent=accent>{logo}<span class="org-brand__name">{b.name}</span></span>
    }
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let (me, here, notice, branding) = this_page();
    provide_context(Account(me.clone()));
    // Ready: everything the page offers works — at once on a page that goes out without the bundle,
    // and once its islands are hydrated on one with it (`ReadyMark` says so). Browser tests and
    // scripts/perf wait for this.
    let bundle = crate::app::PageBundle::loaded();
    let desk = me
        .as_ref()
        .filter(|m| m.role == "admin")
        .map(|m| format!("/orgs/{}", m.org_id));
    let support = me.as_ref().is_some_and(|m| m.role == "support");
    // The desk's menu is full on a laptop: there the rules explainer is linked from the footer.
    let rules_in_nav = desk.is_none();
    let links = match desk {
        Some(home) => view! {
            {nav_link(&here, home.clone(), true, "Overview")}
            {nav_link(&here, format!("{home}/bots"), false, "Bots")}
            {nav_link(&here, format!("{home}/members"), false, "Members")}
            {nav_link(&here, format!("{home}/invitations"), false, "Invitations")}
            {nav_link(&here, format!("{home}/apps"), false, "Apps")}
            {nav_link(&here, format!("{home}/reviews"), false, "Reviews")}
            {nav_link(&here, format!("{home}/audit"), false, "Audit log")}
        }
        .into_any(),
        None if support => nav_link(&here, "/support".into(), false, "Support console").into_any(),
        None => nav_link(&here, "/".into(), true, "Overview").into_any(),
    };
    view! {
        {branding.as_ref().map(|b| view! { <AccentStyle primary=b.primary.clone()/> })}
        <a class="skip-link" href="#main" rel="external">"Skip to content"</a>
        <header class="site-header">
            <div class="container site-header__inner">
                <a class="brand" href="/">
                    <span class="brand__mark" aria-hidden="true">"◧"</span>
                    "orgdesk"
                </a>
                {branding.map(|b| view! { <OrgBrand b/> })}
                <nav aria-label="Main" class="site-nav">
                    // On a phone the links fold into this menu; on a wide screen it is always open.
                    <details class="nav-menu" open>
                        <summary class="btn btn--quiet nav-menu__toggle">"Menu"</summary>
                        <ul class="nav">
                            {links}
                            {rules_in_nav.then(|| nav_link(&here, "/rules".into(), false, "Access rules"))}
                        </ul>
                    </details>
                </nav>
                <AccountMenu me/>
            </div>
        </header>
        {bundle.then(|| view! { <super::enhance::Enhancer/> })}
        <main
            id="main"
            class="container main"
            tabindex="-1"
            data-ready=(!bundle).then_some("true")
        >
            // Shown (and the desk's controls hidden) when a change is refused because the person's
            // admin role is gone: see `feedback::ErrorNote`.
            <div class="note note--error" role="alert" data-testid="lost-role" hidden>
                <p>"You are no longer an admin of this organization, so the desk's changes are not offered any more. Ask an admin of your organization if this is a mistake."</p>
                <p><a href="/login" rel="external">"Sign in again"</a></p>
            </div>
            {notice.map(|flash| view! { <FormNotice flash/> })}
            {children()}
        </main>
        // After `<main>`, which the desk's script swaps: what it brings in must hold no island.
        {bundle.then(|| view! { <super::island::ReadyMark/> })}
        <footer class="site-footer">
            <div class="container site-footer__inner">
                <p class="muted">"orgdesk " {env!("CARGO_PKG_VERSION")}</p>
                {(!rules_in_nav).then(|| view! { <a class="btn btn--quiet" href="/rules">"Access rules"</a> })}
                // The automation API's reference: a server page, not one of the app's routes.
                {(!rules_in_nav).then(|| view! { <a class="btn btn--quiet" href="/developers/api" rel="external">"Automation API"</a> })}
                <StatusCheck/>
            </div>
        </footer>
    }
}
