//! `GET /authorize`, `POST /u/login`, `POST /u/organization` (SPEC §2.3): authorization code with PKCE,
//! `state`, `nonce`, `organization` (id or name), `invitation`, `prompt=login|none`, `max_age`; errors are
//! redirected to the callback as Auth0 does once the client and callback are known.
//!
//! Decided where Auth0's exact `error_description` is UNCONFIRMED (SPEC §2.3): the texts in `Refused`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::super::ids;
use super::super::model::{Client, Invitation, LogEvent, Membership, User};
use super::super::store::{
    hash_password, AuthCode, AuthorizeParams, LoginSession, TenantState, Transaction, DATABASE,
};
use super::super::Emulator;
use super::pages;
use crate::model::m2m::OrganizationUsage;

pub const SESSION_COOKIE: &str = "auth0_session";
/// Login sessions last a week here; codes five minutes; pending logins an hour.
pub(super) const SESSION_SECS: i64 = 7 * 24 * 3600;
const CODE_SECS: i64 = 300;
const TRANSACTION_MS: i64 = 3600 * 1000;

/// An error sent back to the application's callback.
struct Refused {
    error: &'static str,
    description: String,
}

fn refused(error: &'static str, description: impl Into<String>) -> Refused {
    Refused {
        error,
        description: description.into(),
    }
}

fn redirect_error(params: &AuthorizeParams, r: Refused) -> Response {
    let mut query = vec![
        ("error", r.error.to_string()),
        ("error_description", r.description),
    ];
    if let Some(state) = &params.state {
        query.push(("state", state.clone()));
    }
    redirect_with(params.redirect_uri.as_deref().unwrap_or("/"), &query)
}

fn redirect_with(base: &str, query: &[(&str, String)]) -> Response {
    let encoded = serde_urlencoded::to_string(query).unwrap_or_default();
    let sep = if base.contains('?') { '&' } else { '?' };
    pages::found(&format!("{base}{sep}{encoded}"))
}

pub fn session_id_from(headers: &HeaderMap) -> Option<String> {
    crate::cookies::first(headers, SESSION_COOKIE).map(String::from)
}

/// The client and callback must be known before anything can be redirected (else: an error page).
fn client_and_callback(t: &TenantState, p: &AuthorizeParams) -> Result<Client, &'static str> {
    let client = p
        .client_id
        .as_deref()
        .and_then(|id| t.clients.get(id))
        .ok_or("Unknown client: the application is not registered.")?;
    let redirect = p.redirect_uri.as_deref().unwrap_or_default();
    if !client.callbacks.iter().any(|c| c == redirect) {
        return Err("Callback URL mismatch. The provided redirect_uri is not in the list of allowed callback URLs.");
    }
    Ok(client.clone())
}

/// Checks that need no user: response type, PKCE method, audience, organization, invitation.
fn check_request(
    t: &TenantState,
    client: &Client,
    p: &AuthorizeParams,
    now_ms: i64,
) -> Result<Option<String>, Refused> {
    if p.response_type.as_deref() != Some("code") {
        return Err(refused(
            "unsupported_response_type",
            format!(
                "Unsupported response type: {}",
                p.response_type.as_deref().unwrap_or("")
            ),
        ));
    }
    if p.code_challenge.is_some()
        && !matches!(
            p.code_challenge_method.as_deref(),
            None | Some("S256" | "plain")
        )
    {
        return Err(refused(
            "invalid_request",
            "Unsupported code_challenge_method",
        ));
    }
    if let Some(aud) = p.audience.as_deref().filter(|a| !a.is_empty()) {
        if t.resource_server_by_audience(aud).is_none() {
            return Err(refused(
                "access_denied",
                format!("Service not found: {aud}"),
            ));
        }
    }
    let usage = client.organization_usage.unwrap_or(OrganizationUsage::Deny);
    let org_id = match p.organization.as_deref().filter(|o| !o.is_empty()) {
        None => None,
        Some(_) if usage == OrganizationUsage::Deny => {
            return Err(refused(
                "invalid_request",
                "the client is not configured to use organizations",
            ));
        }
        Some(value) => {
            let by_name_allowed = value.starts_with("org_") || t.org_names_in_tokens;
            let org = by_name_allowed
                .then(|| t.organization_by_id_or_name(value))
                .flatten()
                .ok_or_else(|| {
                    refused(
                        "invalid_request",
                        format!("the organization {value} does not exist"),
                    )
                })?;
            Some(org.id.clone())
        }
    };
    if let Some(ticket) = p.invitation.as_deref().filter(|i| !i.is_empty()) {
        let Some(org) = &org_id else {
            return Err(refused(
                "invalid_request",
                "parameter organization is required when using invitation",
            ));
        };
        let valid = t
            .invitations
            .values()
            .any(|i| i.ticket_id == ticket && &i.organization_id == org && i.expires_at > now_ms);
        if !valid {
            return Err(refused(
                "invalid_request",
                "the invitation is invalid or has expired",
            ));
        }
    }
    let prompts_for_org = matches!(
        client.organization_require_behavior.as_deref(),
        Some("pre_login_prompt" | "post_login_prompt")
    );
    if usage == OrganizationUsage::Require && org_id.is_none() && !prompts_for_org {
        return Err(refused(
            "invalid_request",
            "parameter organization is required for this client",
        ));
    }
    Ok(org_id)
}

pub async fn authorize(
    State(e): State<Arc<Emulator>>,
    headers: HeaderMap,
    Query(p): Query<AuthorizeParams>,
) -> Response {
    let now_ms = e.now_ms();
    let mut t = e.write();
    t.transactions
        .retain(|_, tx| now_ms - tx.created_at < TRANSACTION_MS);
    let client = match client_and_callback(&t, &p) {
        Ok(c) => c,
        Err(message) => return pages::error(StatusCode::BAD_REQUEST, message),
    };
    let org_id = match check_request(&t, &client, &p, now_ms) {
        Ok(org) => org,
        Err(r) => return redirect_error(&p, r),
    };
    let max_age: Option<i64> = p.max_age.as_deref().and_then(|m| m.parse().ok());
    let session = session_id_from(&headers).and_then(|sid| {
        let s = t.sessions.get(&sid)?;
        let fresh = max_age.is_none_or(|m| e.now_secs() - s.auth_time <= m);
        (s.expires_at > e.now_secs() && fresh).then(|| (sid.clone(), s.user_id.clone()))
    });
    let prompt = p.prompt.as_deref().unwrap_or("");
    let tx_id = ids::opaque();
    let invited_email = invitation_email(&t, &p);
    t.transactions.insert(
        tx_id.clone(),
        Transaction {
            params: p.clone(),
            organization_id: org_id.clone(),
            user_id: None,
            created_at: now_ms,
            mfa: None,
            mfa_done: false,
        },
    );
    let reuse_session = prompt != "login" && p.invitation.is_none();
    match session {
        Some(_) if reuse_session && prompt == "none" && super::mfa::wanted(&p) => {
            t.transactions.remove(&tx_id);
            redirect_error(
                &p,
                refused(
                    "interaction_required",
                    "Multifactor authentication required",
                ),
            )
        }
        // Single sign-on, stepped up: only the missing factor is asked for.
        Some((sid, user_id)) if reuse_session && super::mfa::wanted(&p) => {
            super::mfa::ask(&mut t, &tx_id, &user_id, Some(sid))
        }
        Some((sid, user_id)) if reuse_session => {
            complete(&e, &mut t, &tx_id, &user_id, &sid, prompt == "none")
        }
        _ if prompt == "none" => {
            t.transactions.remove(&tx_id);
            redirect_error(&p, refused("login_required", "The user is not logged in"))
        }
        _ => {
            let org_name = org_id
                .as_ref()
                .and_then(|id| t.organizations.get(id))
                .map(display_name);
            let sign_up = invited_email
                .as_ref()
                .is_some_and(|email| t.user_by_email(email).is_none());
            let email = invited_email.or(p.login_hint.clone()).unwrap_or_default();
            pages::login(&pages::Login {
                tx: &tx_id,
                email: &email,
                organization: org_name.as_deref(),
                error: None,
                sign_up,
                new_account: p.signing_up(),
            })
        }
    }
}

fn display_name(o: &super::super::model::Organization) -> String {
    o.display_name.clone().unwrap_or_else(|| o.name.clone())
}

fn invitation_email(t: &TenantState, p: &AuthorizeParams) -> Option<String> {
    let ticket = p.invitation.as_deref()?;
    t.invitations
        .values()
        .find(|i| i.ticket_id == ticket)
        .map(|i| i.invitee_email.clone())
}

#[derive(Deserialize)]
pub struct LoginForm {
    tx: String,
    email: String,
    password: String,
}

pub async fn login(
    State(e): State<Arc<Emulator>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<LoginForm>,
) -> Response {
    let now_ms = e.now_ms();
    let mut t = e.write();
    let Some(tx) = t.transactions.get(&form.tx).cloned() else {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "This login page has expired. Go back to the application and try again.",
        );
    };
    let p = tx.params.clone();
    let email = form.email.trim().to_ascii_lowercase();
    let invitation = p.invitation.as_deref().and_then(|ticket| {
        t.invitations
            .values()
            .find(|i| i.ticket_id == ticket)
            .cloned()
    });
    let org_name = tx
        .organization_id
        .as_ref()
        .and_then(|id| t.organizations.get(id))
        .map(display_name);
    let again = |t: &TenantState, message: &str| {
        let sign_up = invitation
            .as_ref()
            .is_some_and(|i| t.user_by_email(&i.invitee_email).is_none());
        pages::login(&pages::Login {
            tx: &form.tx,
            email: &email,
            organization: org_name.as_deref(),
            error: Some(message),
            sign_up,
            new_account: p.signing_up(),
        })
    };

    let who = Attempt {
        email: &email,
        password: &form.password,
        invitation: invitation.as_ref(),
        params: &p,
        peer: &peer,
    };
    let user = match who.authenticate(&mut t, &e) {
        Ok(user) => user,
        Err(message) => return again(&t, message),
    };
    if let Some(inv) = &invitation {
        if inv.invitee_email != user.email {
            t.transactions.remove(&form.tx);
            return redirect_error(
                &p,
                refused(
                    "access_denied",
                    "the invitation was issued for another email address",
                ),
            );
        }
        accept(&mut t, inv, &user.user_id, now_ms);
    }
    if super::mfa::wanted(&p) {
        // The session starts once the second factor is given too.
        return super::mfa::ask(&mut t, &form.tx, &user.user_id, None);
    }

    let sid = ids::opaque();
    let now = e.now_secs();
    t.sessions.insert(
        sid.clone(),
        LoginSession {
            user_id: user.user_id.clone(),
            auth_time: now,
            expires_at: now + SESSION_SECS,
        },
    );
    let mut response = complete(&e, &mut t, &form.tx, &user.user_id, &sid, false);
    set_session_cookie(&mut response, &sid);
    response
}

/// A login form's email and password, and the invitation it may be answering.
struct Attempt<'a> {
    email: &'a str,
    password: &'a str,
    invitation: Option<&'a Invitation>,
    params: &'a AuthorizeParams,
    peer: &'a SocketAddr,
}

impl Attempt<'_> {
    /// The user these credentials name; an invitee without an account signs up here. Every
    /// outcome is in the tenant's logs; a refusal is the sentence the login page shows.
    fn authenticate(&self, t: &mut TenantState, e: &Emulator) -> Result<User, &'static str> {
        const WRONG: &str = "Wrong email or password.";
        match (t.user_by_email(self.email).cloned(), self.invitation) {
            (Some(user), None) if self.params.signing_up() => {
                const EXISTS: &str = "The user already exists.";
                self.log(t, e, "fs", EXISTS, Some(&user));
                Err(EXISTS)
            }
            (None, None) if self.params.signing_up() => {
                if !signups_allowed(t) {
                    self.log(t, e, "fs", "Signups are not allowed.", None);
                    return Err("Sign-ups are not allowed here.");
                }
                self.new_account(t, e)
            }
            (Some(user), _) => {
                if user.password_hash != hash_password(&user.user_id, self.password) {
                    self.log(t, e, "f", WRONG, Some(&user));
                    return Err(WRONG);
                }
                Ok(user)
            }
            (None, Some(inv)) if inv.invitee_email == self.email => self.new_account(t, e),
            (None, _) => {
                self.log(t, e, "f", WRONG, None);
                Err(WRONG)
            }
        }
    }

    /// A new database user with this password, logged as a sign-up.
    fn new_account(&self, t: &mut TenantState, e: &Emulator) -> Result<User, &'static str> {
        if self.password.chars().count() < 8 {
            return Err("Choose a password of at least 8 characters.");
        }
        let user = self.sign_up(e.now_ms());
        t.users.insert(user.user_id.clone(), user.clone());
        self.log(t, e, "ss", "Successful signup", Some(&user));
        Ok(user)
    }

    fn sign_up(&self, now_ms: i64) -> User {
        let user_id = ids::user();
        User {
            password_hash: hash_password(&user_id, self.password),
            user_id,
            email: self.email.to_string(),
            // As on Auth0: unverified until the verification email's link is followed (an invitee's
            // is verified by accepting, in `accept`).
            email_verified: false,
            name: self.email.to_string(),
            nickname: self.email.split('@').next().map(String::from),
            picture: None,
            created_at: now_ms,
            updated_at: now_ms,
            roles: Vec::new(),
            connection: DATABASE.to_string(),
            totp_secret: None,
            extra: Default::default(),
        }
    }

    fn log(&self, t: &mut TenantState, e: &Emulator, kind: &str, what: &str, user: Option<&User>) {
        log_login(t, e, kind, what, user, self.params, None, self.peer);
    }
}

/// Whether the database connection takes new accounts (its `disable_signup` option is off).
fn signups_allowed(t: &TenantState) -> bool {
    t.connections
        .values()
        .find(|c| c.name == DATABASE)
        .is_some_and(|c| c.options.get("disable_signup") != Some(&serde_json::Value::Bool(true)))
}

/// Accepting an invitation: membership with its roles, the invitation used up, the email verified.
fn accept(t: &mut TenantState, inv: &Invitation, user_id: &str, now_ms: i64) {
    let members = t.members.entry(inv.organization_id.clone()).or_default();
    let membership = members.entry(user_id.to_string()).or_insert(Membership {
        user_id: user_id.to_string(),
        created_at: now_ms,
        roles: Vec::new(),
    });
    for role in &inv.roles {
        if !membership.roles.contains(role) {
            membership.roles.push(role.clone());
        }
    }
    t.invitations.shift_remove(&inv.id);
    if let Some(u) = t.users.get_mut(user_id) {
        u.email_verified = true;
    }
}

pub(super) fn set_session_cookie(response: &mut Response, sid: &str) {
    let cookie =
        format!("{SESSION_COOKIE}={sid}; Path=/; HttpOnly; SameSite=Lax; Max-Age={SESSION_SECS}");
    if let Ok(value) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn log_login(
    t: &mut TenantState,
    e: &Emulator,
    kind: &str,
    description: &str,
    user: Option<&User>,
    p: &AuthorizeParams,
    org: Option<&str>,
    peer: &SocketAddr,
) {
    let client = p
        .client_id
        .as_deref()
        .and_then(|id| t.clients.get(id))
        .map(|c| (c.client_id.clone(), c.name.clone()));
    let (organization_id, organization_name) = t.named_org(org);
    let event = LogEvent {
        log_id: String::new(),
        date: e.now_ms(),
        kind: kind.into(),
        description: description.into(),
        client_id: client.as_ref().map(|c| c.0.clone()),
        client_name: client.map(|c| c.1),
        ip: peer.ip().to_string(),
        user_id: user.map(|u| u.user_id.clone()),
        user_name: user.map(|u| u.email.clone()),
        organization_id,
        organization_name,
        audience: p.audience.clone(),
        scope: p.scope.clone(),
        details: None,
        connection: user.and_then(|u| t.log_connection(&u.connection)),
    };
    t.push_log(event);
}

/// The user is known: settle the organization, then issue the code.
pub(super) fn complete(
    e: &Emulator,
    t: &mut TenantState,
    tx_id: &str,
    user_id: &str,
    sid: &str,
    silent: bool,
) -> Response {
    let Some(tx) = t.transactions.get(tx_id).cloned() else {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "This login has expired. Go back to the application and try again.",
        );
    };
    let p = &tx.params;
    let client = match p.client_id.as_deref().and_then(|id| t.clients.get(id)) {
        Some(c) => c.clone(),
        None => return pages::error(StatusCode::BAD_REQUEST, "Unknown client."),
    };
    let org_id = match &tx.organization_id {
        Some(org) => {
            if t.membership(org, user_id).is_none() {
                t.transactions.remove(tx_id);
                return redirect_error(
                    p,
                    refused(
                        "access_denied",
                        "the user is not a member of the organization",
                    ),
                );
            }
            Some(org.clone())
        }
        None if client.organization_usage == Some(OrganizationUsage::Require) => {
            let orgs: Vec<(String, String)> = t
                .organizations_of(user_id)
                .into_iter()
                .map(|o| (o.id.clone(), display_name(o)))
                .collect();
            match orgs.len() {
                0 => {
                    t.transactions.remove(tx_id);
                    return redirect_error(
                        p,
                        refused(
                            "access_denied",
                            "the user does not belong to any organization",
                        ),
                    );
                }
                1 => Some(orgs[0].0.clone()),
                _ if silent => {
                    t.transactions.remove(tx_id);
                    return redirect_error(
                        p,
                        refused(
                            "interaction_required",
                            "the user must choose an organization",
                        ),
                    );
                }
                _ => {
                    if let Some(tx) = t.transactions.get_mut(tx_id) {
                        tx.user_id = Some(user_id.to_string());
                    }
                    return pages::organization_picker(tx_id, &orgs);
                }
            }
        }
        None => None,
    };
    issue_code(e, t, tx_id, user_id, sid, org_id)
}

fn issue_code(
    e: &Emulator,
    t: &mut TenantState,
    tx_id: &str,
    user_id: &str,
    sid: &str,
    org_id: Option<String>,
) -> Response {
    let Some(tx) = t.transactions.remove(tx_id) else {
        return pages::error(StatusCode::BAD_REQUEST, "This login has expired.");
    };
    let p = tx.params;
    let auth_time = t
        .sessions
        .get(sid)
        .map(|s| s.auth_time)
        .unwrap_or_else(|| e.now_secs());
    let code = ids::opaque();
    t.codes.insert(
        code.clone(),
        AuthCode {
            client_id: p.client_id.clone().unwrap_or_default(),
            redirect_uri: p.redirect_uri.clone().unwrap_or_default(),
            user_id: user_id.to_string(),
            organization_id: org_id,
            nonce: p.nonce.clone(),
            scope: p.scope.clone().unwrap_or_else(|| "openid".into()),
            audience: p.audience.clone().filter(|a| !a.is_empty()),
            code_challenge: p.code_challenge.clone(),
            code_challenge_method: p.code_challenge_method.clone(),
            auth_time,
            session_id: sid.to_string(),
            expires_at: e.now_secs() + CODE_SECS,
            mfa: tx.mfa_done,
        },
    );
    let mut query = vec![("code", code)];
    if let Some(state) = &p.state {
        query.push(("state", state.clone()));
    }
    redirect_with(p.redirect_uri.as_deref().unwrap_or("/"), &query)
}

#[derive(Deserialize)]
pub struct OrganizationForm {
    tx: String,
    organization: String,
}

pub async fn choose_organization(
    State(e): State<Arc<Emulator>>,
    headers: HeaderMap,
    Form(form): Form<OrganizationForm>,
) -> Response {
    let mut t = e.write();
    let Some(tx) = t.transactions.get(&form.tx).cloned() else {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "This login has expired. Go back to the application and try again.",
        );
    };
    // Only the browser that signed in may finish: its session must be the one that started the choice.
    let session = session_id_from(&headers).and_then(|sid| {
        t.sessions
            .get(&sid)
            .map(|s| (sid.clone(), s.user_id.clone()))
    });
    let (sid, user_id) = match (session, tx.user_id) {
        (Some((sid, session_user)), Some(tx_user)) if session_user == tx_user => (sid, tx_user),
        _ => {
            return pages::error(
                StatusCode::FORBIDDEN,
                "Sign in again to choose an organization.",
            )
        }
    };
    if t.membership(&form.organization, &user_id).is_none() {
        return pages::error(
            StatusCode::FORBIDDEN,
            "You are not a member of that organization.",
        );
    }
    issue_code(
        &e,
        &mut t,
        &form.tx,
        &user_id,
        &sid,
        Some(form.organization),
    )
}
