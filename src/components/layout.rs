//! The frame around every page: skip link, header with navigation, main area, footer.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::status_check::StatusCheck;
use crate::api::desk::whoami;
use crate::model::desk::Me;

#[component]
fn AccountMenu(me: Option<Me>) -> impl IntoView {
    match me {
        Some(me) => {
            let org = me.org_name.clone().unwrap_or_else(|| me.org_id.clone());
            // A disclosure that works without JavaScript: who you are, where you are, sign out.
            view! {
                <details class="account">
                    <summary class="btn btn--quiet" data-testid="account-menu">
                        <span class="account__org">{org.clone()}</span>
                    </summary>
                    <div class="account__panel">
                        <p class="small" data-testid="signed-in-as">{me.email.clone()} <br/> <span class="muted">{org}</span></p>
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
        // /login is a server route. It comes back to the page the visitor is on.
        None => {
            let href = super::island::sign_in_href();
            view! { <a class="btn btn--primary" href=href rel="external">"Sign in"</a> }.into_any()
        }
    }
}

/// Who is signed in, read once per page load and shared with the pages (titles, the header).
pub type Account = Resource<Result<Option<Me>, crate::model::AppError>>;

/// A page's title with the organization it is about: "Members · Acme Travel". The plain title is set
/// at once; the organization's name joins it once the account is read.
#[component]
pub fn PageTitle(#[prop(into)] page: String) -> impl IntoView {
    let account = use_context::<Account>();
    let plain = page.clone();
    view! {
        <Title text=plain/>
        <Suspense fallback=|| ()>
            {move || {
                let page = page.clone();
                Suspend::new(async move {
                    let org = match account {
                        Some(a) => a.await.ok().flatten().and_then(|m| m.org_name),
                        None => None,
                    };
                    let text = match org {
                        Some(org) => format!("{page} · {org}"),
                        None => page,
                    };
                    view! { <Title text/> }
                })
            }}
        </Suspense>
    }
}

/// What a change form's answer says on the page it returns to: the result, or what went wrong (an
/// alert). `data-outcome` is where the desk's script puts the keyboard after an in-place post.
#[component]
fn FormNotice(flash: crate::model::desk::Flash) -> impl IntoView {
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

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let account: Account = Resource::new(|| (), |_| whoami());
    provide_context(account);
    // Blocking: it may clear its cookie, which must go out with the page's headers.
    let notice = Resource::new_blocking(|| (), |_| crate::api::desk::flash());
    // Ready: everything the page offers works — at once on a page that goes out without the bundle,
    // and once its islands are hydrated on one with it (`ReadyMark` says so). Browser tests and
    // scripts/perf wait for this.
    let bundle = crate::app::PageBundle::loaded();
    view! {
        <a class="skip-link" href="#main" rel="external">"Skip to content"</a>
        <header class="site-header">
            <div class="container site-header__inner">
                <a class="brand" href="/">
                    <span class="brand__mark" aria-hidden="true">"◧"</span>
                    "orgdesk"
                </a>
                <Transition fallback=|| view! { <nav aria-label="Main" class="site-nav"><ul class="nav"></ul></nav> }>
                    {move || Suspend::new(async move {
                        let me = account.await.ok().flatten();
                        let desk = me.as_ref().filter(|m| m.role == "admin").map(|m| format!("/orgs/{}", m.org_id));
                        let support = me.as_ref().is_some_and(|m| m.role == "support");
                        view! {
                            <nav aria-label="Main" class="site-nav">
                                // On a phone the links fold into this menu; on a wide screen it is always open.
                                <details class="nav-menu" open>
                                    <summary class="btn btn--quiet nav-menu__toggle">"Menu"</summary>
                                    <ul class="nav">
                                        {match desk {
                                            Some(home) => view! {
                                                <li><A href=home.clone() exact=true>"Overview"</A></li>
                                                <li><A href=format!("{home}/bots")>"Bots"</A></li>
                                                <li><A href=format!("{home}/members")>"Members"</A></li>
                                                <li><A href=format!("{home}/invitations")>"Invitations"</A></li>
                                                <li><A href=format!("{home}/apps")>"Apps"</A></li>
                                                <li><A href=format!("{home}/audit")>"Audit log"</A></li>
                                            }.into_any(),
                                            None if support => view! { <li><A href="/support">"Support console"</A></li> }.into_any(),
                                            None => view! { <li><A href="/" exact=true>"Overview"</A></li> }.into_any(),
                                        }}
                                        <li><A href="/rules">"Access rules"</A></li>
                                    </ul>
                                </details>
                            </nav>
                            <AccountMenu me/>
                        }
                    })}
                </Transition>
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
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    notice.await.ok().flatten().map(|f| view! { <FormNotice flash=f/> })
                })}
            </Suspense>
            {children()}
        </main>
        // After `<main>`, which the desk's script swaps: what it brings in must hold no island.
        {bundle.then(|| view! { <super::island::ReadyMark/> })}
        <footer class="site-footer">
            <div class="container site-footer__inner">
                <p class="muted">"orgdesk " {env!("CARGO_PKG_VERSION")}</p>
                <StatusCheck/>
            </div>
        </footer>
    }
}
