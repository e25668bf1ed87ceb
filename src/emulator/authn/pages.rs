//! The local tenant's own pages: login (with invitation sign-up), organization picker, errors, logout.
//! Plain server-rendered HTML; every value is escaped.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

pub use crate::html::escape;

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f5f6f8;color:#1a1d23;margin:0}\
main{max-width:24rem;margin:4rem auto;background:#fff;border:1px solid #c9ced6;border-radius:8px;padding:2rem}\
h1{font-size:1.4rem;margin:0 0 1rem}label{display:block;font-weight:600;margin:.75rem 0 .25rem}\
input{width:100%;box-sizing:border-box;padding:.55rem;border:1px solid #767f8c;border-radius:5px;font:inherit}\
button{margin-top:1.25rem;width:100%;padding:.65rem;border:0;border-radius:5px;background:#1f4fd1;color:#fff;font:inherit;font-weight:600;cursor:pointer}\
.org{display:block;width:100%;text-align:left;background:#fff;color:#1a1d23;border:1px solid #767f8c;margin-top:.5rem}\
.error{color:#b42318;background:#fdecea;padding:.6rem;border-radius:5px}.muted{color:#4f5763;font-size:.9rem}\
:focus-visible{outline:3px solid #1f4fd1;outline-offset:2px}";

pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} · Travel0 (local tenant)</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        title = escape(title)
    );
    (
        status,
        [("cache-control", "no-store"), ("x-frame-options", "DENY")],
        Html(html),
    )
        .into_response()
}

pub fn error(status: StatusCode, message: &str) -> Response {
    page(
        status,
        "Something went wrong",
        &format!(
            "<h1>Something went wrong</h1><p class=\"error\" role=\"alert\">{}</p>",
            escape(message)
        ),
    )
}

pub struct Login<'a> {
    pub tx: &'a str,
    pub email: &'a str,
    pub organization: Option<&'a str>,
    pub error: Option<&'a str>,
    /// Accepting an invitation for an email that has no account yet: choose a password.
    pub sign_up: bool,
    /// `screen_hint=signup`: a new account for anyone (Universal Login's sign-up screen).
    pub new_account: bool,
}

pub fn login(l: &Login<'_>) -> Response {
    let title = if l.new_account {
        "Sign up"
    } else if l.sign_up {
        "Accept your invitation"
    } else {
        "Log in"
    };
    let org = l
        .organization
        .map(|o| {
            format!(
                "<p class=\"muted\">to continue to <strong>{}</strong></p>",
                escape(o)
            )
        })
        .unwrap_or_default();
    let error = l
        .error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    let button = if l.sign_up || l.new_account {
        "Create account and continue"
    } else {
        "Continue"
    };
    let autocomplete = if l.sign_up || l.new_account {
        "new-password"
    } else {
        "current-password"
    };
    let body = format!(
        "<h1>{title}</h1>{org}{error}<form method=\"post\" action=\"/u/login\">\
<input type=\"hidden\" name=\"tx\" value=\"{tx}\">\
<label for=\"email\">Email address</label><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required value=\"{email}\">\
<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"{autocomplete}\" required>\
<button type=\"submit\">{button}</button></form>",
        tx = escape(l.tx),
        email = escape(l.email),
    );
    page(
        if l.error.is_some() {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::OK
        },
        title,
        &body,
    )
}

pub fn organization_picker(tx: &str, orgs: &[(String, String)]) -> Response {
    let buttons: String = orgs
        .iter()
        .map(|(id, name)| {
            format!(
                "<button class=\"org\" type=\"submit\" name=\"organization\" value=\"{}\">{}</button>",
                escape(id),
                escape(name)
            )
        })
        .collect();
    let body = format!(
        "<h1>Choose an organization</h1><p class=\"muted\">You belong to several organizations. Which one do you want to use?</p>\
<form method=\"post\" action=\"/u/organization\"><input type=\"hidden\" name=\"tx\" value=\"{}\">{buttons}</form>",
        escape(tx)
    );
    page(StatusCode::OK, "Choose an organization", &body)
}

/// Auth0 answers redirects with 302 Found.
pub fn found(location: &str) -> Response {
    (
        StatusCode::FOUND,
        [(axum::http::header::LOCATION, location.to_string())],
    )
        .into_response()
}
