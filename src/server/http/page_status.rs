//! A page's HTTP status, decided before it streams: a page streams as it renders, so by the time a view
//! learns that a bot is missing the status line has long been sent. This layer answers the questions
//! a status depends on from the session and orgdesk's own store (no Auth0 call): not signed in (a
//! redirect to sign in, back to this page), the wrong organization or a missing object (404), the
//! wrong kind of account (403). The page itself still renders and explains. It also reads who is
//! signed in, once, for every page it lets render (`PageUser`).

use axum::extract::State;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use crate::server::auth::{current_user, Role, SessionUser};
use crate::server::ids;
use crate::server::state::AppState;
use crate::server::store;

/// The signed-in admin's organization branding, read before the page renders (None: not known yet).
#[derive(Clone, Debug)]
pub struct PageBranding(pub Option<store::org_branding::Branding>);

enum Verdict {
    /// Render as usual.
    Page,
    /// Render, with this status.
    Status(StatusCode),
    /// Not signed in: sign in first, then come back.
    SignIn { organization: Option<String> },
}

pub async fn guard(
    State(state): State<AppState>,
    mut request: Request<axum::body::Body>,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let is_desk_page = matches!(segments.as_slice(), ["orgs" | "support", ..] | ["apps", _])
        && !path.ends_with(".csv");
    if is_desk_page && request.method() == Method::POST {
        // A change form posted by the browser itself: the page never became interactive (JavaScript
        // off or blocked). Nothing is done, and the page says so instead of a bare 405.
        return super::refusal::refuse(
            &path,
            StatusCode::BAD_REQUEST,
            crate::model::ErrorKind::Invalid,
            "This change needs the page to finish loading, with JavaScript on. Nothing was changed. Go back: what you entered is still in the form.",
        );
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD) || !renders_a_page(&path) {
        return next.run(request).await;
    }
    let user = match request.extensions().get::<Session>() {
        Some(session) => current_user(session, &state.config).await,
        None => None,
    };
    request.extensions_mut().insert(PageUser(user.clone()));
    if let Some(admin) = user.as_ref().filter(|u| u.role == Role::Admin) {
        // The organization's name and branding for the header, as orgdesk last saw them at Auth0.
        let kept = store::org_branding::get(&state.db, &admin.org_id).await;
        request
            .extensions_mut()
            .insert(PageBranding(kept.ok().flatten()));
    }
    if path == crate::server::onboarding::routes::PAGE {
        // Taken here, before the page streams: a session change made while it renders is never saved.
        let outcome = match request.extensions().get::<Session>() {
            Some(session) => crate::server::onboarding::newcomer::take_outcome(session).await,
            None => None,
        };
        request
            .extensions_mut()
            .insert(crate::server::onboarding::newcomer::Shown(outcome));
    }
    if !is_desk_page {
        return next.run(request).await;
    }
    let verdict = verdict(&state, &segments, user.as_ref()).await;
    match verdict {
        Verdict::Page => next.run(request).await,
        Verdict::Status(status) => {
            // This layer knows what the page is about before it renders; the page's own error (which may
            // or may not reach the status line in time) says the same in words.
            let mut response = next.run(request).await;
            *response.status_mut() = status;
            response
        }
        Verdict::SignIn { organization } => {
            let here = request
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or(path);
            let mut query = vec![("return_to", here)];
            if let Some(org) = organization {
                query.insert(0, ("organization", org));
            }
            let location = format!(
                "/login?{}",
                serde_urlencoded::to_string(query).unwrap_or_default()
            );
            match HeaderValue::try_from(location) {
                Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
                Err(_) => StatusCode::BAD_REQUEST.into_response(),
            }
        }
    }
}

/// Who is signed in, read once before a page renders: its header, title and forms take it from
/// the request at once instead of each reading the session again under a Suspense of its own.
#[derive(Clone)]
pub struct PageUser(pub Option<SessionUser>);

/// Reads the signed-in user of the page being rendered in place (None when signed out, or outside a
/// page render): every form of a page asks for its token.
pub fn with_page_user<T>(read: impl FnOnce(&SessionUser) -> T) -> Option<T> {
    leptos::prelude::with_context::<axum::http::request::Parts, _>(|parts| {
        parts
            .extensions
            .get::<PageUser>()
            .and_then(|user| user.0.as_ref())
            .map(read)
    })
    .flatten()
}

/// Whether a GET of this path is answered by a rendered page (the app's routes and its 404), not by
/// a file, a download, a server function or one of the plain routes.
fn renders_a_page(path: &str) -> bool {
    const NOT_PAGES: [&str; 6] = [
        "/pkg/",
        "/api/",
        "/forms/",
        "/auth/",
        "/support/reports/",
        "/developers/",
    ];
    let last = path.rsplit('/').next().unwrap_or_default();
    !NOT_PAGES.iter().any(|prefix| path.starts_with(prefix))
        && !matches!(
            path,
            "/healthz" | "/readyz" | "/metrics" | "/login" | "/logout"
        )
        && !last.contains('.')
}

async fn verdict(state: &AppState, segments: &[&str], user: Option<&SessionUser>) -> Verdict {
    match segments {
        // The install page explains the app to anyone, signed in or not; a missing one is a 404.
        ["apps", app_id] => {
            if !ids::app(app_id) {
                return Verdict::Status(StatusCode::NOT_FOUND);
            }
            let published = store::apps::publication(&state.db, app_id)
                .await
                .ok()
                .flatten();
            match published {
                None => Verdict::Status(StatusCode::NOT_FOUND),
                Some((1, _)) => Verdict::Page,
                Some((_, publisher)) => match user {
                    Some(u)
                        if u.org_id == publisher || installed(state, app_id, &u.org_id).await =>
                    {
                        Verdict::Page
                    }
                    _ => Verdict::Status(StatusCode::NOT_FOUND),
                },
            }
        }
        ["orgs", org, rest @ ..] => {
            let Some(user) = user else {
                return Verdict::SignIn {
                    organization: ids::org(org).then(|| org.to_string()),
                };
            };
            if user.role != Role::Admin {
                return Verdict::Status(StatusCode::FORBIDDEN);
            }
            if user.org_id != *org {
                return Verdict::Status(StatusCode::NOT_FOUND);
            }
            match rest {
                [] => Verdict::Page,
                [section] if crate::app::DESK_SECTIONS.contains(section) => Verdict::Page,
                ["bots", client_id] if bot_of(state, client_id, org).await => Verdict::Page,
                _ => Verdict::Status(StatusCode::NOT_FOUND),
            }
        }
        ["support", rest @ ..] => {
            let Some(user) = user else {
                return Verdict::SignIn { organization: None };
            };
            if user.role != Role::Support {
                return Verdict::Status(StatusCode::FORBIDDEN);
            }
            match rest {
                [] => Verdict::Page,
                ["orgs", org] if ids::org(org) => Verdict::Page,
                _ => Verdict::Status(StatusCode::NOT_FOUND),
            }
        }
        _ => Verdict::Page,
    }
}

async fn bot_of(state: &AppState, client_id: &str, org: &str) -> bool {
    ids::client(client_id)
        && store::bots::owned_by(&state.db, client_id, org)
            .await
            .is_ok_and(|bot| bot.is_some())
}

async fn installed(state: &AppState, app_id: &str, org: &str) -> bool {
    store::apps::install_of(&state.db, app_id, org)
        .await
        .is_ok_and(|install| install.is_some())
}
