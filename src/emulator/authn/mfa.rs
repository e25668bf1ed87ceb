//! A second factor when the application asks for one (`acr_values` naming the multi-factor policy, as
//! Auth0's step-up guide has it): a one-time password from an authenticator app (RFC 6238, 6 digits,
//! 30 s), enrolled on first use. The ID token of that sign-in carries `amr: ["mfa"]` and the `acr`
//! asked for; a sign-in that did not pass the challenge carries neither (Auth0's documented rule).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Form, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use totp_rs::{Algorithm, Secret, TOTP};

use super::super::store::{LoginSession, TenantState};
use super::super::Emulator;
use super::authorize;
use super::pages::{self, escape};

/// The `acr_values` entry that asks for multi-factor authentication.
pub const MULTI_FACTOR: &str = "http://schemas.openid.net/pape/policies/2007/06/multi-factor";
/// Wrong codes one transaction takes before it ends.
const MAX_TRIES: u32 = 5;

/// A second factor under way in a login transaction.
#[derive(Debug, Clone)]
pub struct Step {
    pub user_id: String,
    /// The single sign-on session being stepped up (None: the password was just typed).
    pub session: Option<String>,
    /// A new authenticator's secret (base32), kept until its first code proves it was set up.
    pub enrolling: Option<String>,
    pub failures: u32,
}

pub fn wanted(params: &super::super::store::AuthorizeParams) -> bool {
    params
        .acr_values
        .as_deref()
        .is_some_and(|v| v.split_whitespace().any(|a| a == MULTI_FACTOR))
}

fn totp(secret_b32: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_b32.to_string()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes).ok()
}

/// The code an authenticator with this secret shows at `unix_secs` (the tests' authenticator).
pub fn code_at(secret_b32: &str, unix_secs: u64) -> Option<String> {
    Some(totp(secret_b32)?.generate(unix_secs))
}

/// Asks for the second factor: the code of the user's authenticator, or enrolment of one.
pub fn ask(t: &mut TenantState, tx_id: &str, user_id: &str, session: Option<String>) -> Response {
    let enrolled = t.users.get(user_id).and_then(|u| u.totp_secret.clone());
    let enrolling = match enrolled {
        Some(_) => None,
        None => Some(Secret::Raw(new_secret()).to_encoded().to_string()),
    };
    let Some(tx) = t.transactions.get_mut(tx_id) else {
        return pages::error(StatusCode::BAD_REQUEST, "This login has expired.");
    };
    tx.mfa = Some(Step {
        user_id: user_id.to_string(),
        session,
        enrolling,
        failures: 0,
    });
    page(t, tx_id, None)
}

/// 160 random bits, the length RFC 4226 recommends.
fn new_secret() -> Vec<u8> {
    use rand::Rng;
    rand::thread_rng().gen::<[u8; 20]>().to_vec()
}

fn page(t: &TenantState, tx_id: &str, error: Option<&str>) -> Response {
    let Some(step) = t.transactions.get(tx_id).and_then(|tx| tx.mfa.clone()) else {
        return pages::error(StatusCode::BAD_REQUEST, "This login has expired.");
    };
    let email = t
        .users
        .get(&step.user_id)
        .map(|u| u.email.clone())
        .unwrap_or_default();
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    let (title, intro) = match &step.enrolling {
        Some(secret) => {
            let uri = format!(
                "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits=6&period=30",
                issuer = "Travel0",
                account = url::form_urlencoded::byte_serialize(email.as_bytes()).collect::<String>(),
            );
            (
                "Secure your account",
                format!(
                    "<p>Add this key to your authenticator app (Google Authenticator, 1Password, …), then type the code it shows.</p>\
<p><label for=\"secret\">Setup key</label><input id=\"secret\" readonly value=\"{}\" data-secret></p>\
<p class=\"muted\"><a href=\"{}\">Open in an authenticator on this device</a></p>",
                    escape(secret),
                    escape(&uri)
                ),
            )
        }
        None => (
            "Verify your identity",
            "<p>Type the code your authenticator app shows.</p>".to_string(),
        ),
    };
    let body = format!(
        "<h1>{title}</h1>{intro}{error}<form method=\"post\" action=\"/u/mfa\">\
<input type=\"hidden\" name=\"tx\" value=\"{tx}\">\
<label for=\"code\">One-time code</label><input id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9]{{6}}\" maxlength=\"6\" required autofocus>\
<button type=\"submit\">Continue</button></form>",
        tx = escape(tx_id),
    );
    pages::page(
        if error.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNAUTHORIZED
        },
        title,
        &body,
    )
}

#[derive(Deserialize)]
pub struct CodeForm {
    tx: String,
    code: String,
}

/// `POST /u/mfa`: the code checked; a right one finishes the login with the factor on record.
pub async fn verify(
    State(e): State<Arc<Emulator>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<CodeForm>,
) -> Response {
    let now = e.now_secs();
    let mut t = e.write();
    let Some(tx) = t.transactions.get(&form.tx).cloned() else {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "This login page has expired. Go back to the application and try again.",
        );
    };
    let Some(step) = tx.mfa.clone() else {
        return pages::error(StatusCode::BAD_REQUEST, "This login has expired.");
    };
    let user = t.users.get(&step.user_id).cloned();
    let secret = step
        .enrolling
        .clone()
        .or_else(|| user.as_ref().and_then(|u| u.totp_secret.clone()));
    let right = secret
        .as_deref()
        .and_then(totp)
        .is_some_and(|otp| otp.check(form.code.trim(), u64::try_from(now).unwrap_or(0)));
    if !right {
        authorize::log_login(
            &mut t,
            &e,
            "gd_auth_failed",
            "Wrong one-time code",
            user.as_ref(),
            &tx.params,
            None,
            &peer,
        );
        let failures = step.failures + 1;
        if failures >= MAX_TRIES {
            t.transactions.remove(&form.tx);
            return pages::error(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many wrong codes. Go back to the application and sign in again.",
            );
        }
        if let Some(Some(s)) = t.transactions.get_mut(&form.tx).map(|tx| tx.mfa.as_mut()) {
            s.failures = failures;
        }
        return page(
            &t,
            &form.tx,
            Some("That code is not right. Try the current one."),
        );
    }
    if let (Some(secret), Some(u)) = (&step.enrolling, t.users.get_mut(&step.user_id)) {
        u.totp_secret = Some(secret.clone());
        u.extra
            .insert("multifactor".into(), serde_json::json!(["guardian"]));
    }
    authorize::log_login(
        &mut t,
        &e,
        "gd_auth_succeed",
        "OTP authentication success",
        user.as_ref(),
        &tx.params,
        None,
        &peer,
    );
    // Passing the second factor is an authentication: the session's `auth_time` moves on.
    let (sid, new_session) = match step.session {
        Some(sid) if t.sessions.contains_key(&sid) => (sid, false),
        _ => (super::super::ids::opaque(), true),
    };
    t.sessions.insert(
        sid.clone(),
        LoginSession {
            user_id: step.user_id.clone(),
            auth_time: now,
            expires_at: now + authorize::SESSION_SECS,
        },
    );
    if let Some(tx) = t.transactions.get_mut(&form.tx) {
        tx.mfa = None;
        tx.mfa_done = true;
    }
    let mut response = authorize::complete(&e, &mut t, &form.tx, &step.user_id, &sid, false);
    if new_session {
        authorize::set_session_cookie(&mut response, &sid);
    }
    response
}
