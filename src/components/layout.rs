//! The frame around every page: skip link, header with navigation, main area, footer.

use leptos::prelude::*;
use leptos_router::components::A;

use super::status_check::StatusCheck;
use crate::api::desk::whoami;
use crate::model::desk::Me;

#[component]
fn Account(me: Option<Me>) -> impl IntoView {
    match me {
        Some(me) => {
            let org = me.org_name.clone().unwrap_or_else(|| me.org_id.clone());
            view! {
                <div class="account">
                    <span class="small" data-testid="signed-in-as">{me.email.clone()} " · " {org}</span>
                    <a class="small" href="/login" rel="external">"Switch organization"</a>
                    <form method="post" action="/logout">
                        <input type="hidden" name="csrf" value=me.csrf.clone()/>
                        <button type="submit" class="btn btn--quiet">"Sign out"</button>
                    </form>
                </div>
            }
            .into_any()
        }
        // /login is a server route: rel="external" keeps the client-side router out of it.
        None => view! { <a class="btn btn--primary" href="/login" rel="external">"Sign in"</a> }
            .into_any(),
    }
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    // Effects run only in the browser: the marker says the wasm bundle has taken over the page.
    let hydrated = RwSignal::new(false);
    super::queue::provide_busy();
    let account = Resource::new(|| (), |_| whoami());
    Effect::new(move |_| hydrated.set(true));
    view! {
        // rel="external": the browser, not the router, follows it, so focus really moves to <main>.
        <a class="skip-link" href="#main" rel="external">"Skip to content"</a>
        <header class="site-header">
            <div class="container site-header__inner">
                <a class="brand" href="/">
                    <span class="brand__mark" aria-hidden="true">"◧"</span>
                    "orgdesk"
                </a>
                <nav aria-label="Main">
                    <Transition fallback=|| view! { <ul class="nav"></ul> }>
                        {move || Suspend::new(async move {
                            let me = account.await.ok().flatten();
                            let desk = me.as_ref().filter(|m| m.role == "admin").map(|m| format!("/orgs/{}", m.org_id));
                            let support = me.as_ref().is_some_and(|m| m.role == "support");
                            view! {
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
                                <Account me/>
                            }
                        })}
                    </Transition>
                </nav>
            </div>
        </header>
        <main
            id="main"
            class="container main"
            tabindex="-1"
            data-hydrated=move || hydrated.get().then_some("true")
        >
            <super::queue::QueueNotice/>
            {children()}
        </main>
        <footer class="site-footer">
            <div class="container site-footer__inner">
                <p class="muted">"orgdesk " {env!("CARGO_PKG_VERSION")}</p>
                <StatusCheck/>
            </div>
        </footer>
    }
}
