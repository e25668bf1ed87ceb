//! Glue for server functions: the signed-in user and request id, the service context, and the mapping
//! of every server-side failure to an `AppError` that is safe to show (the cause is logged, not sent).

use leptos::prelude::use_context;
use tower_sessions::Session;

use crate::model::{AppError, ErrorKind};
use crate::server::auth::{current_user, SessionUser};
use crate::server::auth0::ApiError;
use crate::server::policy::{self, Action, Denied, Permit, SupportPermit, View};
use crate::server::service::{Ctx, ServiceError};
use crate::server::state::AppState;
use crate::server::text::escaped;

/// How long a view trusts the viewer's roles as last read.
pub const VIEWER_ROLES_FOR: std::time::Duration = std::time::Duration::from_secs(30);

pub fn viewer_roles_key(user_id: &str) -> String {
    format!("viewer-roles\u{0}{user_id}")
}

/// One request's view, once policy granted it: a page's resources (several server functions
/// rendered in one request) check the role once, not each.
#[derive(Clone, Default)]
pub struct ConfirmedViewer(std::sync::Arc<std::sync::Mutex<Option<View>>>);

impl ConfirmedViewer {
    fn of(&self, org_id: &str) -> Option<View> {
        self.0
            .lock()
            .ok()
            .and_then(|v| v.clone())
            .filter(|v| v.org_id() == org_id)
    }

    fn set(&self, view: &View) {
        if let Ok(mut v) = self.0.lock() {
            *v = Some(view.clone());
        }
    }
}

pub struct Call {
    pub state: AppState,
    pub user: SessionUser,
    pub request_id: Option<String>,
}

impl Call {
    pub fn ctx(&self) -> Ctx<'_> {
        self.state.ctx(self.request_id.clone())
    }

    pub fn error(&self, kind: ErrorKind, message: &str) -> AppError {
        reply(quoting(AppError::new(kind, message), &self.request_id))
    }

    /// The policy check for a change; a denial is audited and answered without detail.
    pub async fn authorize(&self, org_id: &str, action: Action) -> Result<Permit, AppError> {
        let admin_role = &self.state.config.identity.admin_role;
        let config = &self.state.config;
        let recent = config.step_up.recent(&self.user, config.clock.now_secs());
        match policy::authorize(
            &self.state.mgmt,
            admin_role,
            &self.user,
            org_id,
            action,
            recent,
        )
        .await
        {
            Ok(permit) => Ok(permit),
            Err(denied) => Err(self.denied(org_id, denied).await),
        }
    }

    /// The policy check for a read. Views re-read the viewer's roles too, but at most every half
    /// minute per replica (and at once after orgdesk changed the organization): an admin removed in
    /// Auth0 stops seeing the desk within 30 s. Changes never use this — `authorize` reads their
    /// roles live every time.
    pub async fn view(&self, org_id: &str) -> Result<View, AppError> {
        let confirmed = use_context::<ConfirmedViewer>();
        if let Some(view) = confirmed.as_ref().and_then(|c| c.of(org_id)) {
            return Ok(view);
        }
        match self.read_view(org_id).await {
            Ok(view) => {
                if let Some(c) = confirmed {
                    c.set(&view);
                }
                Ok(view)
            }
            Err(denied) => Err(self.denied(org_id, denied).await),
        }
    }

    async fn read_view(&self, org_id: &str) -> Result<View, Denied> {
        policy::view_claim(&self.user, org_id)?;
        let roles = self.viewer_roles(org_id).await?;
        let admin_role = &self.state.config.identity.admin_role;
        policy::view(&self.user, org_id, &roles, admin_role)
    }

    /// The viewer's roles in `org_id`, as read at most `VIEWER_ROLES_FOR` ago on this replica.
    async fn viewer_roles(
        &self,
        org_id: &str,
    ) -> Result<Vec<crate::server::auth0::roles::Role>, Denied> {
        let state = &self.state;
        state
            .cache
            .get_or_load(
                &state.db,
                "viewer_roles",
                &crate::server::cache::roles_scope(org_id),
                &viewer_roles_key(&self.user.user_id),
                VIEWER_ROLES_FOR,
                state.mgmt.member_roles(org_id, &self.user.user_id),
            )
            .await
            .map_err(Denied::Unchecked)
    }

    /// Vendor support staff: the support role is read from Auth0 at most every half minute per
    /// replica (the console only reads); anyone else is refused (and the attempt audited).
    pub async fn support(&self) -> Result<SupportPermit, AppError> {
        let ids = &self.state.config.identity;
        let support = ids.support_org.as_deref().zip(ids.support_role.as_deref());
        let checked = match policy::support_claim(support, &self.user) {
            Err(denied) => Err(denied),
            Ok((org, _)) => self
                .viewer_roles(org)
                .await
                .and_then(|roles| policy::support_permit(support, &self.user, &roles)),
        };
        match checked {
            Ok(permit) => Ok(permit),
            Err(denied) => Err(self.denied("support", denied).await),
        }
    }

    async fn denied(&self, org_id: &str, denied: Denied) -> AppError {
        let audit = crate::server::audit::Audit::new(
            &self.state.db,
            self.state.config.clock.as_ref(),
            &self.user.org_id,
            &self.user.user_id,
            Some(&self.user.email),
        )
        .with_request_id(self.request_id.clone());
        audit
            .record(
                crate::server::audit::Action::Access,
                Some(org_id),
                crate::server::audit::Result::Denied,
                &denied.audit_text(),
            )
            .await;
        match denied {
            Denied::OtherOrganization => self.error(ErrorKind::NotFound, "There is no such organization here."),
            Denied::NotAdmin => self.error(ErrorKind::Forbidden, "Only your organization's admins can do this. Your admin role may have been removed."),
            Denied::NotSupport => self.error(ErrorKind::Forbidden, "This is for the vendor's support staff."),
            Denied::Unchecked(err @ ApiError::RateLimited { .. }) => self.fail(ServiceError::Upstream(err)),
            Denied::Unchecked(_) => self.error(ErrorKind::Unavailable, "orgdesk could not confirm your role with Auth0. Try again in a moment."),
        }
    }

    pub fn fail(&self, err: ServiceError) -> AppError {
        let (kind, message): (ErrorKind, String) = match &err {
            ServiceError::Invalid { message, .. } => (ErrorKind::Invalid, message.clone()),
            ServiceError::NotFound => (ErrorKind::NotFound, "That bot does not exist here.".into()),
            ServiceError::Missing(what) => (ErrorKind::NotFound, format!("{what} does not exist here.")),
            ServiceError::Busy => (
                ErrorKind::Conflict,
                "Another change to this organization's admins is in progress. Try again in a moment.".into(),
            ),
            ServiceError::Conflict(m) => (ErrorKind::Conflict, m.clone()),
            ServiceError::StepUp => (
                ErrorKind::Reauthenticate,
                "This change needs you to confirm it is you: sign in again, and it goes on. Nothing was changed yet.".into(),
            ),
            ServiceError::Upstream(ApiError::RateLimited { retry_after }) => {
                (ErrorKind::RateLimited, rate_limited(*retry_after))
            }
            ServiceError::Upstream(
                ApiError::Upstream { .. } | ApiError::Timeout | ApiError::Transport(_),
            ) => (
                ErrorKind::Unavailable,
                "Auth0 did not complete the change. Nothing was left half-done; try again.".into(),
            ),
            ServiceError::Upstream(ApiError::NotFound) => (
                ErrorKind::NotFound,
                "That no longer exists at Auth0.".into(),
            ),
            ServiceError::Upstream(ApiError::InvalidId) => {
                (ErrorKind::Invalid, "That id is not valid.".into())
            }
            // A 400 from Auth0 is about what was sent, and what was sent came from the user.
            ServiceError::Upstream(ApiError::Refused { status: 400, .. }) => (
                ErrorKind::Invalid,
                "Auth0 did not accept that. Check what you entered and try again.".into(),
            ),
            ServiceError::Upstream(ApiError::Conflict { .. }) => (
                ErrorKind::Conflict,
                "Auth0 says that already exists or collides with something there.".into(),
            ),
            ServiceError::Upstream(
                ApiError::Refused { .. } | ApiError::Credentials(_) | ApiError::Decode(_),
            )
            | ServiceError::Store(_) => (
                ErrorKind::Internal,
                "Something went wrong on our side.".into(),
            ),
        };
        let request_id = self.request_id.as_deref().unwrap_or("-");
        match kind {
            ErrorKind::Internal | ErrorKind::Unavailable => {
                tracing::error!(error = %escaped(&err.to_string()), request_id, "request failed");
            }
            ErrorKind::Invalid | ErrorKind::Conflict
                if matches!(err, ServiceError::Upstream(_)) =>
            {
                tracing::warn!(error = %escaped(&err.to_string()), request_id, "Auth0 refused what the user sent");
            }
            _ => {}
        }
        self.error(kind, &message)
    }
}

/// Auth0's rate limit refused the call (orgdesk's budget foresaw too long a wait, or Auth0 kept
/// answering 429): says when trying again makes sense, if known.
fn rate_limited(retry_after: Option<std::time::Duration>) -> String {
    let when = match retry_after {
        Some(d) if d.as_secs() < 60 => format!("in about {} s", d.as_secs().max(1)),
        _ => "in a minute".to_string(),
    };
    format!(
        "Auth0's rate limit is taken up right now. Nothing was left half-done; try again {when}."
    )
}

/// Gives the server-function response the error's real HTTP status (else every error is a 500).
pub fn reply(err: AppError) -> AppError {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = axum::http::StatusCode::from_u16(err.status_code()) {
            response.set_status(code);
        }
    }
    err
}

/// Authenticates a server-function call: the session must hold a signed-in user.
/// A change to an organization: the caller is signed in and authorized for `action` there (a
/// denial audited) before `change` runs with the permit; its failure comes back in the customer's
/// words.
pub async fn change<T>(
    org_id: &str,
    action: Action,
    change: impl AsyncFnOnce(&Ctx<'_>, &Permit) -> Result<T, ServiceError>,
) -> Result<T, AppError> {
    let call = signed_in().await?;
    let permit = call.authorize(org_id, action).await?;
    let ctx = call.ctx();
    change(&ctx, &permit).await.map_err(|e| call.fail(e))
}

pub async fn signed_in() -> Result<Call, AppError> {
    let state = use_context::<AppState>().ok_or_else(|| {
        reply(AppError::new(
            ErrorKind::Internal,
            "Server state is not available.",
        ))
    })?;
    // Called while a page renders: the user was read before the render began (`page_status`).
    let read_for_page = leptos::prelude::with_context::<axum::http::request::Parts, _>(|parts| {
        let user = parts.extensions.get::<super::page_status::PageUser>()?;
        Some((user.0.clone(), request_id_of(&parts.headers)))
    })
    .flatten();
    if let Some((user, request_id)) = read_for_page {
        return Call::of(state, user, request_id).map_err(reply);
    }
    let headers = use_context::<axum::http::request::Parts>()
        .map(|p| p.headers)
        .unwrap_or_default();
    let session: Session = leptos_axum::extract().await.map_err(|_| {
        reply(AppError::new(
            ErrorKind::Internal,
            "The session is not available.",
        ))
    })?;
    Call::from_request(state, &session, &headers)
        .await
        .map_err(reply)
}

/// For the few server functions anyone may call (the install page's public part): the state, and the
/// signed-in call if there is one. Not being signed in is not an error here.
pub async fn signed_in_or_not() -> Result<(AppState, Option<Call>), AppError> {
    match signed_in().await {
        Ok(call) => Ok((call.state.clone(), Some(call))),
        Err(e) if e.kind == ErrorKind::Unauthenticated => {
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(axum::http::StatusCode::OK);
            }
            let state = use_context::<AppState>().ok_or_else(|| {
                reply(AppError::new(
                    ErrorKind::Internal,
                    "Server state is not available.",
                ))
            })?;
            Ok((state, None))
        }
        Err(e) => Err(e),
    }
}

impl Call {
    /// The signed-in user of a request (server function or plain route) and its request id.
    pub async fn from_request(
        state: AppState,
        session: &Session,
        headers: &axum::http::HeaderMap,
    ) -> Result<Call, AppError> {
        let user = current_user(session, &state.config).await;
        Call::of(state, user, request_id_of(headers))
    }

    fn of(
        state: AppState,
        user: Option<SessionUser>,
        request_id: Option<String>,
    ) -> Result<Call, AppError> {
        // The refusal carries the request id too: it is what a person quotes when asking why.
        let user = user.ok_or_else(|| {
            let err = AppError::new(
                ErrorKind::Unauthenticated,
                "Your session has ended. Sign in again.",
            );
            quoting(err, &request_id)
        })?;
        Ok(Call {
            state,
            user,
            request_id,
        })
    }
}

pub(crate) fn request_id_of(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get(super::REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(String::from)
}

/// The error, naming the request it answers when the request has an id.
fn quoting(err: AppError, request_id: &Option<String>) -> AppError {
    match request_id {
        Some(id) => err.with_request_id(id.clone()),
        None => err,
    }
}

/// Answers with `Cache-Control: no-store` (pages and answers that carry a secret).
pub fn no_store() {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::rate_limited;
    use std::time::Duration;

    #[test]
    fn a_rate_limit_refusal_says_when_to_try_again() {
        assert!(rate_limited(Some(Duration::from_millis(2_400))).ends_with("in about 2 s."));
        assert!(rate_limited(Some(Duration::from_millis(10))).ends_with("in about 1 s."));
        // The budget refuses a change it expects to wait over 40 s; a wait that long is "a minute".
        assert!(rate_limited(Some(Duration::from_secs(75))).ends_with("in a minute."));
        assert!(rate_limited(None).ends_with("in a minute."));
    }
}
