//! Change forms as plain HTML forms. Every change form posts to `/forms/<server function>`
//! (without JavaScript; and, on pages rendered only on the server, from the desk's script, which
//! shows the answer in place: `components::enhance`); this turns the form's fields into the server
//! function's JSON arguments (one spec per function, checked against its argument type by a test),
//! runs that same server function — session, policy, validation and all — and answers as a page: a
//! result that must be seen once (a new bot's secret, a rotated one, a test token) on the page the
//! form came from, rendered for that answer alone; anything else (an invitation's link included)
//! as a notice on that page. The form carries the
//! session's token as well as passing the same-origin check every change passes.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{json, Map, Value};
use tower_sessions::Session;

use crate::components::post::{ENHANCED, GO};
use crate::html::escape;
use crate::model::bots::{NewSecret, SecretShown, TokenCheck, TokenShown};
use crate::model::desk::{Flash, FlashLink};
use crate::server::auth::current_user;
use crate::server::auth::step_up::{self, Held};
use crate::server::state::AppState;

/// How a form field becomes a JSON argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// One value (a missing field is an empty string).
    Text,
    /// Every value given under the name, in order (checkboxes).
    List,
    /// Checkboxes grouped by another field's choice (scopes per API): the values under
    /// `<name>:<that field's value>`, so what was ticked under a choice not taken is not sent.
    ListFor(&'static str),
    /// Present (a ticked checkbox, or "true") or not.
    Bool,
    /// A whole number (an unreadable one is 0, which the server function refuses plainly).
    Int,
}

/// What the person sees afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    /// Back to the page the form was on, with this notice.
    Back(&'static str),
    /// Back to a page of the organization (`/orgs/<org_id>/<path>`), with this notice.
    To(&'static str, &'static str),
    /// A page of its own: what the answer holds must be seen now (and is not kept anywhere).
    Shown,
    /// Back to the page the form was on, the service status report as its notice.
    Status,
    /// Back to the page the form was on, saying who was invited until when, with the link to pass
    /// on (the list shows it to the organization's admins anyway: it is not a secret).
    Invited,
    /// To the front page, with this notice: the session ended (the person left, or the organization
    /// is gone).
    Home(&'static str),
    /// Back to the page the form was on with this notice — or, when the change waits for another
    /// admin's approval, a notice that says so.
    Access(&'static str),
    /// Back to the page the form was on, marked `?decided=1`: the page itself says what was decided,
    /// once, and offers no other choice (an app's install page).
    Decided,
}

pub struct FormSpec {
    pub endpoint: &'static str,
    pub fields: &'static [(&'static str, Field)],
    pub done: Done,
}

use Field::{Bool, Int, List, ListFor, Text};

pub const FORMS: &[FormSpec] = &[
    FormSpec {
        endpoint: "service_status",
        fields: &[],
        done: Done::Status,
    },
    FormSpec {
        endpoint: "bots/register",
        fields: &[
            ("org_id", Text),
            ("name", Text),
            ("description", Text),
            ("audience", Text),
            ("scopes", ListFor("audience")),
            ("idempotency_key", Text),
        ],
        done: Done::Shown,
    },
    FormSpec {
        endpoint: "bots/rotate",
        fields: &[("org_id", Text), ("client_id", Text)],
        done: Done::Shown,
    },
    FormSpec {
        endpoint: "bots/rename",
        fields: &[("org_id", Text), ("client_id", Text), ("name", Text)],
        done: Done::Back("Renamed."),
    },
    FormSpec {
        endpoint: "bots/delete",
        fields: &[("org_id", Text), ("client_id", Text)],
        done: Done::To("bots", "The bot was deleted."),
    },
    FormSpec {
        endpoint: "bots/grant",
        fields: &[
            ("org_id", Text),
            ("client_id", Text),
            ("audience", Text),
            ("scopes", ListFor("audience")),
        ],
        done: Done::Access("Access granted."),
    },
    FormSpec {
        endpoint: "bots/scopes",
        fields: &[
            ("org_id", Text),
            ("client_id", Text),
            ("audience", Text),
            ("scopes", List),
        ],
        done: Done::Access("Scopes saved."),
    },
    FormSpec {
        endpoint: "bots/revoke",
        fields: &[("org_id", Text), ("client_id", Text), ("audience", Text)],
        done: Done::Back("Access revoked."),
    },
    FormSpec {
        endpoint: "bots/test-token",
        fields: &[
            ("org_id", Text),
            ("client_id", Text),
            ("audience", Text),
            ("secret", Text),
        ],
        done: Done::Shown,
    },
    FormSpec {
        endpoint: "bots/test-key",
        fields: &[
            ("org_id", Text),
            ("client_id", Text),
            ("audience", Text),
            ("assertion", Text),
        ],
        done: Done::Shown,
    },
    FormSpec {
        endpoint: "bots/key-add",
        fields: &[
            ("org_id", Text),
            ("client_id", Text),
            ("name", Text),
            ("pem", Text),
            ("expires_on", Text),
        ],
        done: Done::Back(
            "Key added and in use. Point the bot at it, then check a token signed with it below.",
        ),
    },
    FormSpec {
        endpoint: "bots/key-remove",
        fields: &[
            ("org_id", Text),
            ("client_id", Text),
            ("credential_id", Text),
        ],
        done: Done::Back("Key removed. The bot can no longer sign with it."),
    },
    FormSpec {
        endpoint: "approvals/decide",
        fields: &[
            ("org_id", Text),
            ("id", Text),
            ("approve", Bool),
            ("reason", Text),
        ],
        done: Done::Back("Decided. The requester sees it on the bot's page."),
    },
    FormSpec {
        endpoint: "bots/owner",
        fields: &[("org_id", Text), ("client_id", Text), ("email", Text)],
        done: Done::Back("The bot has a new owner."),
    },
    FormSpec {
        endpoint: "organization/policy",
        fields: &[
            ("org_id", Text),
            ("max_age_days", Int),
            ("warn_days", Int),
            ("review_every_days", Int),
            ("revoke_at_expiry", Bool),
        ],
        done: Done::Back("Credential policy saved."),
    },
    FormSpec {
        endpoint: "bots/restore",
        fields: &[("org_id", Text), ("client_id", Text)],
        done: Done::Back("Access restored."),
    },
    FormSpec {
        endpoint: "webhooks/create",
        fields: &[("org_id", Text), ("url", Text), ("description", Text)],
        done: Done::Shown,
    },
    FormSpec {
        endpoint: "webhooks/delete",
        fields: &[("org_id", Text), ("endpoint_id", Text)],
        done: Done::Back("The endpoint was deleted; nothing more is sent to it."),
    },
    FormSpec {
        endpoint: "webhooks/resume",
        fields: &[("org_id", Text), ("endpoint_id", Text)],
        done: Done::Back("Resumed. What waited is sent within seconds."),
    },
    FormSpec {
        endpoint: "reviews/start",
        fields: &[("org_id", Text), ("days", Int)],
        done: Done::To(
            "reviews",
            "Review started. Keep or remove each bot and admin below.",
        ),
    },
    FormSpec {
        endpoint: "reviews/decide",
        fields: &[
            ("org_id", Text),
            ("review_id", Text),
            ("kind", Text),
            ("subject_id", Text),
            ("keep", Bool),
            ("note", Text),
        ],
        done: Done::Back("Recorded."),
    },
    FormSpec {
        endpoint: "members/role",
        fields: &[
            ("org_id", Text),
            ("user_id", Text),
            ("role_id", Text),
            ("on", Bool),
        ],
        done: Done::Back("Role changed."),
    },
    FormSpec {
        endpoint: "members/remove",
        fields: &[("org_id", Text), ("user_id", Text)],
        done: Done::Back("The member was removed."),
    },
    FormSpec {
        endpoint: "invitations/create",
        fields: &[
            ("org_id", Text),
            ("email", Text),
            ("roles", List),
            ("days", Int),
        ],
        done: Done::Invited,
    },
    FormSpec {
        endpoint: "invitations/revoke",
        fields: &[("org_id", Text), ("id", Text)],
        done: Done::Back("Invitation withdrawn."),
    },
    FormSpec {
        endpoint: "invitations/resend",
        fields: &[("org_id", Text), ("id", Text)],
        done: Done::Invited,
    },
    FormSpec {
        endpoint: "apps/publish",
        fields: &[
            ("org_id", Text),
            ("client_id", Text),
            ("description", Text),
            ("audience", Text),
            ("scopes", ListFor("audience")),
            ("change_access", Bool),
        ],
        done: Done::Back("Published. Its install link is in the list below."),
    },
    FormSpec {
        endpoint: "apps/unpublish",
        fields: &[("org_id", Text), ("app_id", Text)],
        done: Done::Back("No longer offered for new installs."),
    },
    FormSpec {
        endpoint: "apps/install",
        fields: &[("org_id", Text), ("app_id", Text)],
        done: Done::Decided,
    },
    FormSpec {
        endpoint: "apps/decline",
        fields: &[("org_id", Text), ("app_id", Text)],
        done: Done::Decided,
    },
    FormSpec {
        endpoint: "apps/uninstall",
        fields: &[("org_id", Text), ("app_id", Text)],
        done: Done::Back("Uninstalled."),
    },
    FormSpec {
        endpoint: "organization/update",
        fields: &[
            ("org_id", Text),
            ("display_name", Text),
            ("logo_url", Text),
            ("primary", Text),
            ("page_background", Text),
            ("metadata_keys", List),
            ("metadata_values", List),
        ],
        done: Done::Back("Settings saved."),
    },
    FormSpec {
        endpoint: "organization/leave",
        fields: &[("org_id", Text)],
        done: Done::Home("You left the organization and were signed out."),
    },
    FormSpec {
        endpoint: "organization/delete",
        fields: &[("org_id", Text), ("confirm", Text)],
        done: Done::Home("The organization was deleted and you were signed out."),
    },
];

/// Changes that cannot be taken back: without JavaScript they are asked about on a page first.
const ASKED_FIRST: &[&str] = &[
    "organization/leave",
    "bots/rotate",
    "bots/delete",
    "bots/revoke",
    "bots/key-remove",
    "members/remove",
    "invitations/revoke",
    "apps/unpublish",
    "apps/uninstall",
];

pub fn spec(endpoint: &str) -> Option<&'static FormSpec> {
    FORMS.iter().find(|f| f.endpoint == endpoint)
}

/// The server function's JSON arguments from the form's fields.
pub fn arguments(spec: &FormSpec, pairs: &[(String, String)]) -> Value {
    let mut out = Map::new();
    for (name, kind) in spec.fields {
        let all = || {
            pairs
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let value = match kind {
            Field::Text => json!(all().next().unwrap_or_default()),
            Field::List => json!(all().filter(|v| !v.is_empty()).collect::<Vec<_>>()),
            Field::ListFor(choice) => {
                let chosen = pairs
                    .iter()
                    .find(|(k, _)| k == choice)
                    .map(|(_, v)| format!("{name}:{v}"))
                    .unwrap_or_default();
                json!(pairs
                    .iter()
                    .filter(|(k, v)| *k == chosen && !v.is_empty())
                    .map(|(_, v)| v.clone())
                    .collect::<Vec<_>>())
            }
            Field::Bool => json!(all().any(|v| v == "on" || v == "true")),
            Field::Int => json!(all()
                .next()
                .and_then(|v| v.trim().parse::<u32>().ok())
                .unwrap_or(0)),
        };
        out.insert(name.to_string(), value);
    }
    Value::Object(out)
}

/// The notice a page shows once after a form answered without JavaScript.
pub const FLASH_COOKIE: &str = "orgdesk_flash";

fn flash_cookie(flash: &Flash, https: bool) -> Option<HeaderValue> {
    let value = serde_json::to_string(flash).ok()?;
    let value: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
    HeaderValue::from_str(&format!(
        "{FLASH_COOKIE}={value}; Path=/; Max-Age=120; HttpOnly; SameSite=Lax{}",
        if https { "; Secure" } else { "" }
    ))
    .ok()
}

fn notice(ok: bool, text: &str) -> Flash {
    Flash {
        ok,
        text: text.to_string(),
        link: None,
    }
}

/// Reads the notice from a request's cookies (`None` when there is none). It came back from the
/// browser, so it is read as untrusted: cut to size, and a link only if it is a web address.
pub fn flash_from(headers: &axum::http::HeaderMap) -> Option<Flash> {
    let decoded = crate::cookies::form_decoded(crate::cookies::first(headers, FLASH_COOKIE)?)?;
    let mut flash: Flash = serde_json::from_str(&decoded).ok()?;
    flash.text = flash.text.chars().take(500).collect();
    flash.link = flash.link.filter(|link| {
        link.url.len() <= 2000
            && link.label.len() <= 200
            && (link.url.starts_with("https://") || link.url.starts_with("http://"))
    });
    Some(flash)
}

/// The `Set-Cookie` that ends the notice once shown.
pub fn flash_clear(https: bool) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{FLASH_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}",
        if https { "; Secure" } else { "" }
    ))
    .unwrap_or(HeaderValue::from_static("orgdesk_flash=; Max-Age=0"))
}

/// The page the form was on, if it was one of orgdesk's (else the landing page).
fn back_to(headers: &axum::http::HeaderMap, public_url: &str) -> String {
    headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.strip_prefix(public_url))
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .map(String::from)
        .unwrap_or_else(|| "/".to_string())
}

/// `POST /forms/{*endpoint}`.
pub async fn submit(
    State(state): State<AppState>,
    session: Session,
    Path(endpoint): Path<String>,
    request: Request<Body>,
) -> Response {
    let Some(spec) = spec(&endpoint) else {
        return page(
            StatusCode::NOT_FOUND,
            "Not found",
            "<p>There is no such form.</p>",
            "/",
        );
    };
    let (parts, body) = request.into_parts();
    let back = back_to(&parts.headers, &state.config.public_url);
    let go = Go(parts.headers.contains_key(ENHANCED));
    let Ok(bytes) = axum::body::to_bytes(body, super::MAX_BODY).await else {
        return page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Too large",
            "<p>That form was too large.</p>",
            &back,
        );
    };
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&bytes).into_owned().collect();
    // A form confirmed on the question's own page goes back where it was first sent from, not to
    // that page (a POST-only address).
    let back = pairs
        .iter()
        .find(|(k, _)| k == "_back")
        .map(|(_, v)| v.as_str())
        .filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.contains('\\'))
        .map_or(back, String::from);
    let user = current_user(&session, &state.config).await;
    if let Some(refusal) = foreign(&endpoint, user.as_ref(), &pairs, &back) {
        return refusal;
    }
    // Some changes are always asked about; any other form can ask for it too (giving the admin role).
    let asks = ASKED_FIRST.contains(&spec.endpoint) || pairs.iter().any(|(k, _)| k == "_question");
    if asks && !pairs.iter().any(|(k, v)| k == "_confirmed" && v == "1") {
        return ask_first(spec.endpoint, &pairs, &back);
    }
    let held = Held {
        endpoint: spec.endpoint.to_string(),
        fields: pairs.into_iter().filter(|(k, _)| k != "csrf").collect(),
        back,
        at: state.config.clock.now_secs(),
    };
    let answer = run(&state, parts, spec, &held, go, user).await;
    match answer {
        Ran::Answered(response) => response,
        // Asked again after the step-up, the form goes on as it was sent.
        Ran::StepUp => match step_up::hold(&session, &held).await {
            Ok(()) => go.to("/auth/step-up", None),
            Err(err) => {
                tracing::error!(error = %err, "cannot hold a change for the step-up");
                page(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Try again",
                    "<p>orgdesk could not keep that change while you sign in again. Nothing was changed; try again.</p>",
                    &held.back,
                )
            }
        },
    }
}

/// The change held for a step-up, run now that its author signed in again: answered as the form
/// would have been, as a page (the browser arrives from the identity provider, not from a script).
pub async fn resume(state: &AppState, parts: axum::http::request::Parts, held: Held) -> Response {
    let Some(spec) = spec(&held.endpoint) else {
        return page(
            StatusCode::NOT_FOUND,
            "Not found",
            "<p>There is no such form.</p>",
            "/",
        );
    };
    let user = match parts.extensions.get::<Session>() {
        Some(session) => current_user(session, &state.config).await,
        None => None,
    };
    match run(state, parts, spec, &held, Go(false), user).await {
        Ran::Answered(response) => response,
        Ran::StepUp => Go(false).to(
            &held.back,
            flash_cookie(
                &notice(
                    false,
                    "The sign-in was not recent enough. Nothing was changed; try again.",
                ),
                state.config.is_https(),
            ),
        ),
    }
}

/// What running a form's server function came to.
enum Ran {
    Answered(Response),
    /// The change wants a recent sign-in first (nothing was changed).
    StepUp,
}

/// Runs the form's server function and answers as the form wants.
async fn run(
    state: &AppState,
    parts: axum::http::request::Parts,
    spec: &'static FormSpec,
    held: &Held,
    go: Go,
    user: Option<crate::server::auth::SessionUser>,
) -> Ran {
    let arguments = arguments(spec, &held.fields);
    // What must be seen now is answered as the page itself, rendered for this request only.
    // Rendered outside `page_status`, so it is given the user that layer would have read: the header,
    // the title and the answer page's own forms (their token) take it from the request.
    let page_parts = (spec.done == Done::Shown).then(|| {
        let mut page = parts.clone();
        page.extensions.insert(super::page_status::PageUser(user));
        page
    });
    let (status, value) = match call_server_fn(state, parts, spec.endpoint, &arguments).await {
        Ok(answer) => answer,
        Err(refusal) => return Ran::Answered(refusal),
    };
    if value.get("kind").and_then(Value::as_str) == Some("Reauthenticate") {
        return Ran::StepUp;
    }
    let outcome = Outcome {
        state,
        go,
        back: held.back.clone(),
        arguments,
        value,
    };
    Ran::Answered(if status.is_success() {
        outcome.done(spec, page_parts).await
    } else {
        outcome.failed(status)
    })
}

/// A refusal when a signed-in session's form lacks the session's token, as sign-out carries it:
/// a page elsewhere cannot know it.
fn foreign(
    endpoint: &str,
    user: Option<&crate::server::auth::SessionUser>,
    pairs: &[(String, String)],
    back: &str,
) -> Option<Response> {
    let token = pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    if super::csrf::token_matches(&user?.csrf, token) {
        return None;
    }
    tracing::warn!(endpoint = %crate::server::text::escaped(endpoint), "refused a form without the session's token");
    Some(page(
        StatusCode::FORBIDDEN,
        "Not accepted",
        "<p>That form did not come from orgdesk's own page. Nothing was changed. Go back, reload the page and try again.</p>",
        back,
    ))
}

/// The same server function the page calls: a request of its own, with this request's session.
async fn call_server_fn(
    state: &AppState,
    parts: axum::http::request::Parts,
    endpoint: &str,
    arguments: &Value,
) -> Result<(StatusCode, Value), Response> {
    let mut call = Request::from_parts(parts, Body::from(arguments.to_string()));
    *call.method_mut() = Method::POST;
    *call.uri_mut() = format!("/api/{endpoint}")
        .parse()
        .map_err(|_| StatusCode::BAD_REQUEST.into_response())?;
    let headers = call.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    headers.remove(header::CONTENT_LENGTH);
    let context_state = state.clone();
    let answer = leptos_axum::handle_server_fns_with_context(
        move || {
            leptos::prelude::provide_context(context_state.clone());
            leptos::prelude::provide_context(super::web::ConfirmedViewer::default());
        },
        call,
    )
    .await
    .into_response();
    let status = answer.status();
    let bytes = axum::body::to_bytes(answer.into_body(), 1024 * 1024)
        .await
        .unwrap_or_default();
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    ))
}

/// A server function's answer to a form, and where the browser goes from it.
struct Outcome<'a> {
    state: &'a AppState,
    go: Go,
    back: String,
    arguments: Value,
    value: Value,
}

impl Outcome<'_> {
    fn notice(&self, ok: bool, text: &str) -> Option<HeaderValue> {
        flash_cookie(&notice(ok, text), self.state.config.is_https())
    }

    /// Back with the refusal's words; a lapsed session signs in first and comes back.
    fn failed(self, status: StatusCode) -> Response {
        let message = self
            .value
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("That did not work. Nothing was changed.");
        let target = if status == StatusCode::UNAUTHORIZED {
            format!(
                "/login?return_to={}",
                url::form_urlencoded::byte_serialize(self.back.as_bytes()).collect::<String>()
            )
        } else {
            self.back.clone()
        };
        self.go.to(&target, self.notice(false, message))
    }

    async fn done(
        self,
        spec: &FormSpec,
        page_parts: Option<axum::http::request::Parts>,
    ) -> Response {
        let (go, back) = (self.go, &self.back);
        match spec.done {
            Done::Back(text) => go.to(back, self.notice(true, text)),
            Done::Access(text) => go.to(back, self.notice(true, &access_notice(text, &self.value))),
            Done::Home(text) => go.to("/", self.notice(true, text)),
            Done::To(path, text) => {
                let org = self
                    .arguments
                    .get("org_id")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let to = if crate::server::ids::org(org) {
                    format!("/orgs/{org}/{path}")
                } else {
                    back.clone()
                };
                go.to(&to, self.notice(true, text))
            }
            Done::Shown => {
                let (state, arguments, value) = (self.state, &self.arguments, &self.value);
                match (page_parts, answered(spec.endpoint, arguments, value, state)) {
                    (Some(parts), Some((path, now))) => answer_page(state, parts, &path, now).await,
                    _ => shown(spec.endpoint, arguments, value, back, state),
                }
            }
            Done::Status => {
                let words = serde_json::from_value::<crate::model::status::StatusReport>(
                    self.value.clone(),
                )
                .map(|report| report.summary())
                .unwrap_or_else(|_| "Status unavailable.".to_string());
                go.to(back, self.notice(true, &words))
            }
            Done::Invited => go.to(
                back,
                flash_cookie(&invited(&self.value), self.state.config.is_https()),
            ),
            Done::Decided => {
                let path = back.split(['?', '#']).next().unwrap_or("/");
                go.to(&format!("{path}?decided=1"), None)
            }
        }
    }
}

/// How the answer moves the browser on: a redirect for a plain form; for the desk's script, the
/// address in a header, so that it fetches the page itself (a redirect to sign-in must become a
/// real page load, and fetch would follow it out of sight).
#[derive(Clone, Copy)]
struct Go(bool);

impl Go {
    fn to(self, to: &str, cookie: Option<HeaderValue>) -> Response {
        let Ok(location) = HeaderValue::from_str(to) else {
            return StatusCode::BAD_REQUEST.into_response();
        };
        let (status, name) = if self.0 {
            (StatusCode::OK, header::HeaderName::from_static(GO))
        } else {
            (StatusCode::SEE_OTHER, header::LOCATION)
        };
        let mut response = status.into_response();
        let headers = response.headers_mut();
        headers.insert(name, location);
        if self.0 {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        if let Some(cookie) = cookie {
            headers.append(header::SET_COOKIE, cookie);
        }
        response
    }
}

/// What a grant or a change of scopes came to, in words: done, done by the only admin, or waiting
/// for another admin.
fn access_notice(done: &str, value: &Value) -> String {
    let words = |v: &Value| {
        v.get("sensitive")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    if let Some(p) = value.get("Pending") {
        let until = p
            .get("until")
            .and_then(Value::as_str)
            .unwrap_or("")
            .get(..10)
            .unwrap_or("");
        return format!(
            "Sent for approval: {} needs another admin of your organization to approve it (by {until}). Nothing changes until then.",
            words(p)
        );
    }
    if let Some(a) = value.get("DoneAlone") {
        return format!(
            "{done} {} was granted without a second admin, as your organization has only one; the audit log says so.",
            words(a)
        );
    }
    done.to_string()
}

/// An invitation went out (new or again): to whom, until when, and its link.
fn invited(value: &Value) -> Flash {
    let text = |k: &str| value.get(k).and_then(Value::as_str).unwrap_or("");
    let until = text("expires_at").get(..10).unwrap_or("");
    Flash {
        ok: true,
        text: format!("Invitation sent to {}, valid until {until}.", text("email")),
        link: Some(text("url"))
            .filter(|url| !url.is_empty())
            .map(|url| FlashLink {
                label: "Invitation link (if the email does not arrive)".to_string(),
                url: url.to_string(),
            }),
    }
}

/// What an answer page shows once.
#[derive(Clone)]
enum ShownNow {
    Secret(SecretShown),
    Token(TokenShown),
    Webhook(crate::model::webhooks::NewWebhook),
}

/// The page that answers a change whose result must be seen now, and that result: a new bot's
/// secret on the bots page; a rotated secret or a test token on the bot's page.
fn answered(
    endpoint: &str,
    arguments: &Value,
    value: &Value,
    state: &AppState,
) -> Option<(String, ShownNow)> {
    let text = |k: &str| arguments.get(k).and_then(Value::as_str).unwrap_or("");
    let (org, client_id) = (text("org_id"), text("client_id"));
    if !crate::server::ids::org(org) {
        return None;
    }
    let secret = || {
        Some(SecretShown {
            secret: serde_json::from_value::<NewSecret>(value.clone()).ok()?,
            audience: text("audience").to_string(),
            org_id: org.to_string(),
            token_url: format!("{}oauth/token", state.issuer),
        })
    };
    let bot = format!("/orgs/{org}/bots/{client_id}");
    let bot_path_ok = crate::server::ids::client(client_id);
    match endpoint {
        "bots/register" => Some((format!("/orgs/{org}/bots"), ShownNow::Secret(secret()?))),
        "bots/rotate" if bot_path_ok => Some((bot, ShownNow::Secret(secret()?))),
        "webhooks/create" => {
            let made = serde_json::from_value(value.clone()).ok()?;
            Some((format!("/orgs/{org}/webhooks"), ShownNow::Webhook(made)))
        }
        "bots/test-token" | "bots/test-key" if bot_path_ok => {
            let check = serde_json::from_value::<TokenCheck>(value.clone()).ok()?;
            Some((bot, ShownNow::Token(TokenShown(check))))
        }
        _ => None,
    }
}

/// `path` rendered for this answer alone with what must be seen now on it: the page the form came
/// from, as a plain post's answer and as the desk script's (which shows its `<main>` in place).
/// Rendered whole before it is sent (its title names what it shows). Never stored.
async fn answer_page(
    state: &AppState,
    mut parts: axum::http::request::Parts,
    path: &str,
    now: ShownNow,
) -> Response {
    let Ok(uri) = path.parse() else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    parts.method = Method::GET;
    parts.uri = uri;
    for name in [header::CONTENT_TYPE, header::CONTENT_LENGTH] {
        parts.headers.remove(name);
    }
    let context = {
        let state = state.clone();
        move || {
            super::page_context(&state);
            match now.clone() {
                ShownNow::Secret(secret) => leptos::prelude::provide_context(secret),
                ShownNow::Token(token) => leptos::prelude::provide_context(token),
                ShownNow::Webhook(made) => leptos::prelude::provide_context(made),
            }
        }
    };
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_async_with_context(context, move || {
        crate::app::shell(options.clone())
    });
    let mut response = render(Request::from_parts(parts, Body::empty())).await;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The answers that must be read now: a secret (once), a test token's claims.
fn shown(
    endpoint: &str,
    arguments: &Value,
    value: &Value,
    back: &str,
    state: &AppState,
) -> Response {
    let text = |v: &Value, k: &str| escape(v.get(k).and_then(Value::as_str).unwrap_or(""));
    let body = match endpoint {
        "bots/register" | "bots/rotate" => {
            let audience = arguments
                .get("audience")
                .and_then(Value::as_str)
                .map(String::from)
                .or_else(|| state.config.identity.apis.first().map(|a| a.audience.clone()))
                .unwrap_or_default();
            let request = crate::model::bots::token_request(
                &format!("{}oauth/token", state.issuer),
                value.get("client_id").and_then(Value::as_str).unwrap_or(""),
                value.get("client_secret").and_then(Value::as_str).unwrap_or(""),
                &audience,
                arguments.get("org_id").and_then(Value::as_str).unwrap_or(""),
            );
            format!(
                "<section class=\"panel panel--secret\" data-testid=\"secret-panel\"><h2>Copy the client secret now</h2>\
                 <p>This is the only time orgdesk shows it. It is not stored anywhere; if it is lost, rotate it.</p>\
                 <dl class=\"facts\"><dt>Client id</dt><dd><code data-testid=\"client-id\">{}</code></dd>\
                 <dt>Client secret</dt><dd><code data-testid=\"client-secret\">{}</code></dd></dl>\
                 <p class=\"small\">Get a token for your organization:</p><pre tabindex=\"0\" data-testid=\"token-request\"><code>{}</code></pre></section>",
                text(value, "client_id"),
                text(value, "client_secret"),
                escape(&request)
            )
        }
        "webhooks/create" => format!(
            "<section class=\"panel panel--secret\" data-testid=\"webhook-secret-panel\"><h2>Copy the signing secret now</h2>\
             <p>This is the only time orgdesk shows it. Your receiver checks each delivery's <code>webhook-signature</code> with it.</p>\
             <dl class=\"facts\"><dt>Signing secret</dt><dd><code data-testid=\"webhook-secret\">{}</code></dd></dl></section>",
            text(value, "secret")
        ),
        _ => format!(
            "<div class=\"note note--ok\" data-testid=\"token-result\"><p>Auth0 issued a token for your organization.</p>\
             <dl class=\"facts\" data-testid=\"token-claims\"><dt>org_id</dt><dd><code>{}</code></dd><dt>scope</dt><dd><code>{}</code></dd>\
             <dt>expires</dt><dd>{} (Unix time)</dd></dl></div>",
            text(value, "org_id"),
            text(value, "scope"),
            value.get("expires_at").and_then(Value::as_i64).unwrap_or(0)
        ),
    };
    page(StatusCode::OK, "Done", &body, back)
}

/// The question the inline confirmation asks, on a page: the same form again, confirmed.
fn ask_first(endpoint: &str, pairs: &[(String, String)], back: &str) -> Response {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let question = get("_question").unwrap_or("Do this? It cannot be undone.");
    let yes = get("_confirm").unwrap_or("Yes, go ahead");
    let fields: String = pairs
        .iter()
        .filter(|(k, _)| !k.starts_with('_'))
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                escape(k),
                escape(v)
            )
        })
        .collect();
    let body = format!(
        "<form method=\"post\" action=\"/forms/{endpoint}\" class=\"confirm\">{fields}\
         <input type=\"hidden\" name=\"_confirmed\" value=\"1\">\
         <input type=\"hidden\" name=\"_back\" value=\"{}\"><p class=\"confirm__question\">{}</p>\
         <button type=\"submit\" class=\"btn btn--danger\">{}</button></form>",
        escape(back),
        escape(question),
        escape(yes)
    );
    page(StatusCode::OK, "Are you sure?", &body, back)
}

/// A page of the site for a form's answer (no JavaScript needed, nothing cached).
fn page(status: StatusCode, title: &str, body: &str, back: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} · orgdesk</title><link rel=\"stylesheet\" href=\"/pkg/orgdesk.css\"></head><body><main class=\"container main\" id=\"main\">\
<h1>{title}</h1>{body}<p><a class=\"btn\" href=\"{}\">Back</a></p></main></body></html>",
        escape(back)
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(spec: &FormSpec) -> Vec<(String, String)> {
        spec.fields
            .iter()
            .flat_map(|(name, kind)| match kind {
                Field::List => vec![
                    (name.to_string(), "a".to_string()),
                    (name.to_string(), "b".to_string()),
                ],
                Field::ListFor(_) => vec![(format!("{name}:x"), "a".to_string())],
                Field::Bool => vec![(name.to_string(), "on".to_string())],
                Field::Int => vec![(name.to_string(), "7".to_string())],
                Field::Text => vec![(name.to_string(), "x".to_string())],
            })
            .collect()
    }

    /// Each spec makes exactly the arguments its server function takes.
    #[test]
    fn every_form_makes_its_server_functions_arguments() {
        use crate::api::{
            apps, bots, invitations, members, organization, reviews, status, webhooks,
        };
        let check = |endpoint: &str| -> Result<(), String> {
            let spec = spec(endpoint).ok_or("no spec")?;
            let v = arguments(spec, &sample(spec));
            let r = match endpoint {
                "bots/register" => serde_json::from_value::<bots::RegisterBot>(v).map(drop),
                "bots/rotate" => serde_json::from_value::<bots::RotateBotSecret>(v).map(drop),
                "bots/rename" => serde_json::from_value::<bots::RenameBot>(v).map(drop),
                "bots/delete" => serde_json::from_value::<bots::DeleteBot>(v).map(drop),
                "bots/grant" => serde_json::from_value::<bots::GrantBotAccess>(v).map(drop),
                "bots/scopes" => serde_json::from_value::<bots::ChangeBotScopes>(v).map(drop),
                "bots/owner" => serde_json::from_value::<bots::AssignBotOwner>(v).map(drop),
                "organization/policy" => {
                    serde_json::from_value::<bots::SetCredentialPolicy>(v).map(drop)
                }
                "reviews/start" => serde_json::from_value::<reviews::StartReview>(v).map(drop),
                "webhooks/create" => serde_json::from_value::<webhooks::CreateWebhook>(v).map(drop),
                "webhooks/delete" => serde_json::from_value::<webhooks::DeleteWebhook>(v).map(drop),
                "webhooks/resume" => serde_json::from_value::<webhooks::ResumeWebhook>(v).map(drop),
                "bots/restore" => serde_json::from_value::<bots::RestoreBotAccess>(v).map(drop),
                "reviews/decide" => {
                    serde_json::from_value::<reviews::DecideReviewItem>(v).map(drop)
                }
                "approvals/decide" => {
                    serde_json::from_value::<bots::DecideAccessRequest>(v).map(drop)
                }
                "bots/revoke" => serde_json::from_value::<bots::RevokeBotAccess>(v).map(drop),
                "bots/test-token" => serde_json::from_value::<bots::TestBotToken>(v).map(drop),
                "bots/test-key" => serde_json::from_value::<bots::TestBotKey>(v).map(drop),
                "bots/key-add" => serde_json::from_value::<bots::AddBotKey>(v).map(drop),
                "bots/key-remove" => serde_json::from_value::<bots::RemoveBotKey>(v).map(drop),
                "members/role" => serde_json::from_value::<members::SetMemberRole>(v).map(drop),
                "members/remove" => serde_json::from_value::<members::RemoveMember>(v).map(drop),
                "invitations/create" => {
                    serde_json::from_value::<invitations::InviteMember>(v).map(drop)
                }
                "invitations/revoke" => {
                    serde_json::from_value::<invitations::RevokeInvitation>(v).map(drop)
                }
                "invitations/resend" => {
                    serde_json::from_value::<invitations::ResendInvitation>(v).map(drop)
                }
                "apps/publish" => serde_json::from_value::<apps::PublishApp>(v).map(drop),
                "apps/unpublish" => serde_json::from_value::<apps::UnpublishApp>(v).map(drop),
                "apps/install" => serde_json::from_value::<apps::InstallApp>(v).map(drop),
                "apps/decline" => serde_json::from_value::<apps::DeclineApp>(v).map(drop),
                "apps/uninstall" => serde_json::from_value::<apps::UninstallApp>(v).map(drop),
                "service_status" => serde_json::from_value::<status::ServiceStatus>(v).map(drop),
                "organization/update" => {
                    serde_json::from_value::<organization::UpdateOrgSettings>(v).map(drop)
                }
                "organization/leave" => {
                    serde_json::from_value::<organization::LeaveOrg>(v).map(drop)
                }
                "organization/delete" => {
                    serde_json::from_value::<organization::DeleteOrg>(v).map(drop)
                }
                other => return Err(format!("{other}: not checked here")),
            };
            r.map_err(|e| e.to_string())
        };
        for endpoint in crate::api::CHANGES {
            assert_eq!(check(endpoint), Ok(()), "{endpoint}");
        }
        // Every change has its form; the one form beyond them is the status check (it changes nothing).
        for form in FORMS {
            assert_eq!(check(form.endpoint), Ok(()), "{}", form.endpoint);
            assert!(
                crate::api::CHANGES.contains(&form.endpoint) || form.endpoint == "service_status",
                "{}",
                form.endpoint
            );
        }
    }

    #[test]
    fn fields_become_typed_arguments() {
        let invite = spec("invitations/create").unwrap();
        let pairs = vec![
            ("org_id".into(), "org_x".into()),
            ("email".into(), "a@b.example".into()),
            ("roles".into(), "rol_a".into()),
            ("roles".into(), "rol_b".into()),
            ("days".into(), "not a number".into()),
            ("csrf".into(), "ignored".into()),
        ];
        assert_eq!(
            arguments(invite, &pairs),
            json!({"org_id": "org_x", "email": "a@b.example", "roles": ["rol_a", "rol_b"], "days": 0})
        );
        let publish = spec("apps/publish").unwrap();
        assert_eq!(arguments(publish, &[])["change_access"], json!(false));
        // Scopes ticked under an API and then another API chosen: only the chosen API's are sent.
        let register = spec("bots/register").unwrap();
        let pairs = vec![
            ("audience".into(), "https://b.example/".into()),
            ("scopes:https://a.example/".into(), "read:a".into()),
            ("scopes:https://b.example/".into(), "read:b".into()),
            ("scopes".into(), "read:bare".into()),
        ];
        assert_eq!(arguments(register, &pairs)["scopes"], json!(["read:b"]));
        assert_eq!(
            arguments(publish, &[("change_access".into(), "on".into())])["change_access"],
            json!(true)
        );
    }

    #[test]
    fn notices_round_trip_through_their_cookie() {
        let read = |flash: &Flash| {
            let cookie = flash_cookie(flash, false).unwrap();
            let value = cookie
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_string();
            let mut headers = axum::http::HeaderMap::new();
            headers.insert(header::COOKIE, HeaderValue::from_str(&value).unwrap());
            flash_from(&headers)
        };
        let plain = notice(false, "Choose at least one scope; \"quotes\" too");
        assert_eq!(read(&plain), Some(plain));
        let sent = invited(&json!({
            "email": "a@b.example",
            "expires_at": "2026-12-12T10:00:00.000Z",
            "url": "https://travel0.example/login?invitation=x&organization=org_a"
        }));
        assert_eq!(
            sent.text,
            "Invitation sent to a@b.example, valid until 2026-12-12."
        );
        assert_eq!(read(&sent), Some(sent.clone()));
        // A link the browser made up is not shown as one.
        let mut forged = sent;
        forged.link.as_mut().unwrap().url = "javascript:alert(1)".into();
        assert_eq!(read(&forged).unwrap().link, None);
    }
}
