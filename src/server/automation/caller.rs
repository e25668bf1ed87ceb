//! Who calls the automation API, and what they may do: the bearer token is verified first
//! (authenticate), then the path's organization must be the token's `org_id` and the token must carry
//! the operation's scope (authorize); a change also finds the caller's grant for orgdesk's API still
//! standing at Auth0, live, so access revoked in the desk stops a bot at once. Only then does a
//! handler validate its input and call the service, with the permit this makes.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, Method};

use super::problem::Problem;
use super::token::Rejected;
use crate::server::audit::{self, Audit};
use crate::server::policy::{self, Action, Denied, Machine, Permit, View};
use crate::server::service::Ctx;
use crate::server::state::AppState;

pub struct ApiCall {
    pub state: AppState,
    pub machine: Machine,
    pub scopes: Vec<String>,
    pub request_id: Option<String>,
}

impl FromRequestParts<AppState> for ApiCall {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let request_id = crate::server::http::web::request_id_of(&parts.headers);
        let rid = request_id.as_deref();
        let Some(verifier) = state.automation.as_ref() else {
            return Err(Problem::not_found("The automation API").with_request_id(rid));
        };
        let token = bearer(&parts.headers).ok_or_else(|| {
            Problem::unauthenticated(
                "Send an access token for orgdesk's API: `Authorization: Bearer <token>`.",
                false,
            )
            .with_request_id(rid)
        })?;
        let now = state.config.clock.now_secs();
        let claims = verifier.verify(token, now).await.map_err(|why| {
            if why == Rejected::Keys {
                return Problem::new(
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    "upstream-unavailable",
                    "orgdesk cannot read the tenant's signing keys right now; try again in a moment.",
                )
                .with_request_id(rid);
            }
            Problem::unauthenticated(&why.to_string(), true).with_request_id(rid)
        })?;
        let Some(org_id) = claims.org_id.clone() else {
            return Err(Problem::unauthenticated(
                "The token names no organization: ask for it with `organization=<org_id>`.",
                true,
            )
            .with_request_id(rid));
        };
        let write = !matches!(parts.method, Method::GET | Method::HEAD);
        let limits = &state.config.limits;
        let caller_key = format!("{org_id}\u{0}{}", claims.client_id);
        if let Err(wait_ms) = state.limiter.check_caller(limits, &caller_key, write) {
            tracing::warn!(client_id = %claims.client_id, wait_ms, "automation API rate limit reached");
            return Err(Problem::rate_limited(wait_ms).with_request_id(rid));
        }
        let window = state.config.step_up.window.as_secs() as i64;
        let name = crate::server::store::bots::owned_by(&state.db, &claims.client_id, &org_id)
            .await
            .ok()
            .flatten()
            .map_or_else(
                || format!("client {}", claims.client_id),
                |b| format!("bot {}", b.name),
            );
        Ok(ApiCall {
            state: state.clone(),
            machine: Machine {
                client_id: claims.client_id,
                org_id,
                org_name: claims.org_name,
                name,
                recent: now - claims.issued_at <= window,
            },
            scopes: claims.scopes,
            request_id,
        })
    }
}

fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

impl ApiCall {
    pub fn ctx(&self) -> Ctx<'_> {
        self.state.ctx(self.request_id.clone())
    }

    pub fn rid(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// A read of `org_id` that needs `scope`.
    pub async fn view(&self, org_id: &str, scope: &str) -> Result<View, Problem> {
        let view = policy::machine_view(&self.machine, org_id);
        let view = match view {
            Ok(v) => v,
            Err(denied) => return Err(self.denied(org_id, denied).await),
        };
        self.scoped(org_id, scope).await?;
        Ok(view)
    }

    /// A change to `org_id` that needs `scope`; the caller's grant is read live first.
    pub async fn change(
        &self,
        org_id: &str,
        scope: &str,
        action: Action,
    ) -> Result<Permit, Problem> {
        let admin_role = &self.state.config.identity.admin_role;
        let permit = match policy::machine_permit(&self.machine, org_id, action, admin_role) {
            Ok(p) => p,
            Err(denied) => return Err(self.denied(org_id, denied).await),
        };
        self.scoped(org_id, scope).await?;
        let audience = self
            .state
            .automation
            .as_ref()
            .map(|v| v.audience().to_string());
        let grants = self
            .state
            .mgmt
            .grants_of(&self.machine.client_id)
            .await
            .map_err(|e| Problem::denied(Denied::Unchecked(e)).with_request_id(self.rid()))?;
        let standing = grants
            .iter()
            .any(|g| Some(&g.audience) == audience.as_ref() && g.scope.iter().any(|s| s == scope));
        if !standing {
            self.record_denied(org_id, &format!("its grant of `{scope}` was revoked"))
                .await;
            return Err(Problem::insufficient_scope(scope).with_request_id(self.rid()));
        }
        Ok(permit)
    }

    /// `change`, then the body parsed: a stranger's body is never judged.
    pub async fn change_with<T: serde::de::DeserializeOwned>(
        &self,
        org_id: &str,
        scope: &str,
        action: Action,
        body: super::extract::Json<T>,
    ) -> Result<(Permit, T), Problem> {
        let permit = self.change(org_id, scope, action).await?;
        Ok((permit, body.parse(self.rid())?))
    }

    async fn scoped(&self, org_id: &str, scope: &str) -> Result<(), Problem> {
        if self.scopes.iter().any(|s| s == scope) {
            return Ok(());
        }
        self.record_denied(org_id, &format!("the token lacks `{scope}`"))
            .await;
        Err(Problem::insufficient_scope(scope).with_request_id(self.rid()))
    }

    async fn denied(&self, org_id: &str, denied: Denied) -> Problem {
        self.record_denied(org_id, &denied.audit_text()).await;
        Problem::denied(denied).with_request_id(self.rid())
    }

    /// Refusals are audited in the caller's own organization (never in the one it asked for).
    async fn record_denied(&self, asked: &str, why: &str) {
        let config = &self.state.config;
        Audit::new(
            &self.state.db,
            config.clock.as_ref(),
            &self.machine.org_id,
            &self.machine.client_id,
            Some(&self.machine.name),
        )
        .with_request_id(self.request_id.clone())
        .record(
            audit::Action::Access,
            Some(asked),
            audit::Result::Denied,
            why,
        )
        .await;
    }

    pub fn fail(&self, err: crate::server::service::ServiceError) -> Problem {
        Problem::service(err, self.rid())
    }
}
