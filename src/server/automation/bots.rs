//! Bots and their API access. Each handler: caller (authenticate) → permit or view for the path's
//! organization and the operation's scope (authorize) → the desk's own service (validate and act).

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;

use super::caller::ApiCall;
use super::extract::{Json, Path, Query};
use super::problem::Problem;
use super::scopes::{BOTS_READ, BOTS_WRITE};
use super::wire;
use crate::server::policy::Action::ManageBots;
use crate::server::service::approvals::Outcome;
use crate::server::service::bot_keys;
use crate::server::service::bots::{self, BotRow, GrantRow, NewBot};

fn bot((row, grants): (BotRow, Vec<GrantRow>)) -> wire::Bot {
    wire::Bot {
        client_id: row.client_id,
        name: row.name,
        description: row.description,
        created_at: row.created_at,
        access: grants
            .into_iter()
            .map(|g| wire::Access {
                audience: g.audience,
                scopes: g.scopes.split_whitespace().map(String::from).collect(),
            })
            .collect(),
    }
}

fn outcome(o: Outcome) -> wire::AccessOutcome {
    match o {
        Outcome::Done => wire::AccessOutcome {
            state: "done".into(),
            sensitive: Vec::new(),
            request_id: None,
        },
        Outcome::DoneAlone(sensitive) => wire::AccessOutcome {
            state: "done".into(),
            sensitive,
            request_id: None,
        },
        Outcome::Pending(id, sensitive) => wire::AccessOutcome {
            state: "pending".into(),
            sensitive,
            request_id: Some(id),
        },
    }
}

/// orgdesk's own API is granted by a person, in the desk: a bot holding `bots:write` must not hand
/// itself (or another bot) the automation API's scopes.
fn not_own_api(call: &ApiCall, audience: &str) -> Result<(), Problem> {
    if call.state.config.identity.api_audience.as_deref() == Some(audience) {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "own-api",
            "Access to orgdesk's own API is granted by an admin in the desk, not through the API.",
        )
        .with_request_id(call.rid()));
    }
    Ok(())
}

/// Lists the organization's bots.
#[utoipa::path(get, path = "/organizations/{org_id}/bots", tag = "Bots",
    params(("org_id" = String, Path, description = "The organization (the token's `org_id`)")),
    responses((status = 200, body = wire::BotList), super::Errors),
    security(("bearer" = ["bots:read"])))]
pub async fn list(
    call: ApiCall,
    Path(org_id): Path<String>,
) -> Result<axum::Json<wire::BotList>, Problem> {
    let view = call.view(&org_id, BOTS_READ).await?;
    let ctx = call.ctx();
    let rows = bots::list(&ctx, &view).await.map_err(|e| call.fail(e))?;
    Ok(axum::Json(wire::BotList {
        bots: rows.into_iter().map(bot).collect(),
    }))
}

/// Reads one bot.
#[utoipa::path(get, path = "/organizations/{org_id}/bots/{client_id}", tag = "Bots",
    params(("org_id" = String, Path), ("client_id" = String, Path)),
    responses((status = 200, body = wire::Bot), super::Errors),
    security(("bearer" = ["bots:read"])))]
pub async fn get(
    call: ApiCall,
    Path((org_id, client_id)): Path<(String, String)>,
) -> Result<axum::Json<wire::Bot>, Problem> {
    let view = call.view(&org_id, BOTS_READ).await?;
    let ctx = call.ctx();
    let found = bots::detail(&ctx, &view, &client_id)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(axum::Json(bot(found)))
}

/// Registers a bot with its first API access; the answer holds its secret, once.
#[utoipa::path(post, path = "/organizations/{org_id}/bots", tag = "Bots",
    params(("org_id" = String, Path), ("Idempotency-Key" = String, Header, description = "Unique per create (a UUID); a repeat replays the first answer")),
    request_body = wire::NewBot,
    responses((status = 201, body = wire::Registered), super::Errors),
    security(("bearer" = ["bots:write"])))]
pub async fn register(
    call: ApiCall,
    Path(org_id): Path<String>,
    headers: HeaderMap,
    body: Json<wire::NewBot>,
) -> Response {
    let (permit, new) = match call
        .change_with(&org_id, BOTS_WRITE, ManageBots, body)
        .await
    {
        Ok(both) => both,
        Err(p) => return p.into_response(),
    };
    if let Err(p) = not_own_api(&call, &new.audience) {
        return p.into_response();
    }
    let path = format!("/organizations/{org_id}/bots");
    let (call, new, permit) = (&call, &new, &permit);
    super::idempotency::once(call, &headers, &path, new, |key| async move {
        let ctx = call.ctx();
        let journal = super::idempotency::journal_key(call, &key);
        let made = NewBot {
            name: new.name.clone(),
            description: new.description.clone(),
            audience: new.audience.clone(),
            scopes: new.scopes.clone(),
        };
        let secret = bots::register(&ctx, permit, made, &journal)
            .await
            .map_err(|e| call.fail(e))?;
        // From orgdesk's store: the bot exists now, and a failed upstream read must not lose the
        // secret of a registration that succeeded.
        let row = bots::recorded(&ctx, permit, &secret.client_id)
            .await
            .map_err(|e| call.fail(e))?;
        let registered = bot(row);
        let replay = serde_json::json!({ "bot": &registered });
        let body = serde_json::json!({
            "bot": registered,
            "client_secret": secret.secret.expose_secret(),
        });
        Ok(super::idempotency::Created {
            status: StatusCode::CREATED,
            body,
            replay,
        })
    })
    .await
}

/// Renames a bot.
#[utoipa::path(patch, path = "/organizations/{org_id}/bots/{client_id}", tag = "Bots",
    params(("org_id" = String, Path), ("client_id" = String, Path)),
    request_body = wire::Rename,
    responses((status = 200, body = wire::Bot), super::Errors),
    security(("bearer" = ["bots:write"])))]
pub async fn rename(
    call: ApiCall,
    Path((org_id, client_id)): Path<(String, String)>,
    body: Json<wire::Rename>,
) -> Result<axum::Json<wire::Bot>, Problem> {
    let (permit, body) = call
        .change_with(&org_id, BOTS_WRITE, ManageBots, body)
        .await?;
    let ctx = call.ctx();
    bots::rename(&ctx, &permit, &client_id, &body.name)
        .await
        .map_err(|e| call.fail(e))?;
    let row = bots::recorded(&ctx, &permit, &client_id)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(axum::Json(bot(row)))
}

/// Deletes a bot, its API access first.
#[utoipa::path(delete, path = "/organizations/{org_id}/bots/{client_id}", tag = "Bots",
    params(("org_id" = String, Path), ("client_id" = String, Path)),
    responses((status = 204, description = "Deleted"), super::Errors),
    security(("bearer" = ["bots:write"])))]
pub async fn delete(
    call: ApiCall,
    Path((org_id, client_id)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    let permit = call.change(&org_id, BOTS_WRITE, ManageBots).await?;
    bots::delete(&call.ctx(), &permit, &client_id)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Rotates a bot's client secret: the old one stops working; the new one is in this answer only.
#[utoipa::path(post, path = "/organizations/{org_id}/bots/{client_id}/rotate-secret", tag = "Bots",
    params(("org_id" = String, Path), ("client_id" = String, Path)),
    responses((status = 200, body = wire::Credentials), super::Errors),
    security(("bearer" = ["bots:write"])))]
pub async fn rotate(
    call: ApiCall,
    Path((org_id, client_id)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let permit = call.change(&org_id, BOTS_WRITE, ManageBots).await?;
    let secret = bots::rotate_secret(&call.ctx(), &permit, &client_id)
        .await
        .map_err(|e| call.fail(e))?;
    let body = wire::Credentials {
        client_id: secret.client_id,
        client_secret: secret.secret.expose_secret().to_string(),
    };
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        axum::Json(body),
    )
        .into_response())
}

/// Sets the scopes of a bot's access to an API, granting it when the bot has none. A sensitive
/// scope added waits for another admin (`state: pending`).
#[utoipa::path(put, path = "/organizations/{org_id}/bots/{client_id}/access", tag = "Bots",
    params(("org_id" = String, Path), ("client_id" = String, Path)),
    request_body = wire::SetAccess,
    responses((status = 200, body = wire::AccessOutcome), super::Errors),
    security(("bearer" = ["bots:write"])))]
pub async fn set_access(
    call: ApiCall,
    Path((org_id, client_id)): Path<(String, String)>,
    body: Json<wire::SetAccess>,
) -> Result<axum::Json<wire::AccessOutcome>, Problem> {
    let (permit, body) = call
        .change_with(&org_id, BOTS_WRITE, ManageBots, body)
        .await?;
    not_own_api(&call, &body.audience)?;
    let ctx = call.ctx();
    // The service reads the bot live; which of the two it is, the store says.
    let (_, grants) = bots::recorded(&ctx, &permit, &client_id)
        .await
        .map_err(|e| call.fail(e))?;
    let done = if grants.iter().any(|g| g.audience == body.audience) {
        bots::change_scopes(&ctx, &permit, &client_id, &body.audience, &body.scopes).await
    } else {
        bots::grant_access(&ctx, &permit, &client_id, &body.audience, &body.scopes).await
    };
    Ok(axum::Json(outcome(done.map_err(|e| call.fail(e))?)))
}

/// Revokes a bot's access to an API.
#[utoipa::path(delete, path = "/organizations/{org_id}/bots/{client_id}/access", tag = "Bots",
    params(("org_id" = String, Path), ("client_id" = String, Path), wire::AudienceQuery),
    responses((status = 204, description = "Revoked"), super::Errors),
    security(("bearer" = ["bots:write"])))]
pub async fn revoke(
    call: ApiCall,
    Path((org_id, client_id)): Path<(String, String)>,
    query: Query<wire::AudienceQuery>,
) -> Result<StatusCode, Problem> {
    let permit = call.change(&org_id, BOTS_WRITE, ManageBots).await?;
    let q = query.parse(call.rid())?;
    bots::revoke(&call.ctx(), &permit, &client_id, &q.audience)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// A bot's public keys (for `private_key_jwt` instead of a secret).
#[utoipa::path(get, path = "/organizations/{org_id}/bots/{client_id}/keys", tag = "Bots",
    params(("org_id" = String, Path), ("client_id" = String, Path)),
    responses((status = 200, body = wire::KeyList), super::Errors),
    security(("bearer" = ["bots:read"])))]
pub async fn keys(
    call: ApiCall,
    Path((org_id, client_id)): Path<(String, String)>,
) -> Result<axum::Json<wire::KeyList>, Problem> {
    let view = call.view(&org_id, BOTS_READ).await?;
    let rows = bot_keys::keys(&call.ctx(), &view, &client_id)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(axum::Json(wire::KeyList {
        keys: rows.into_iter().map(key).collect(),
    }))
}

fn key(row: bot_keys::KeyRow) -> wire::Key {
    let c = row.credential;
    wire::Key {
        id: c.id,
        name: c.name,
        kid: c.kid,
        created_at: c.created_at,
        expires_at: c.expires_at,
        in_use: row.in_use,
    }
}

/// Adds a public key to a bot (at most two; the bot then signs its token requests with it).
#[utoipa::path(post, path = "/organizations/{org_id}/bots/{client_id}/keys", tag = "Bots",
    params(("org_id" = String, Path), ("client_id" = String, Path), ("Idempotency-Key" = String, Header, description = "Unique per create (a UUID); a repeat replays the first answer")),
    request_body = wire::NewKey,
    responses((status = 201, body = wire::Key), super::Errors),
    security(("bearer" = ["bots:write"])))]
pub async fn add_key(
    call: ApiCall,
    Path((org_id, client_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Json<wire::NewKey>,
) -> Response {
    let (permit, new) = match call
        .change_with(&org_id, BOTS_WRITE, ManageBots, body)
        .await
    {
        Ok(both) => both,
        Err(p) => return p.into_response(),
    };
    let path = format!("/organizations/{org_id}/bots/{client_id}/keys");
    let (call, new, permit, client_id) = (&call, &new, &permit, &client_id);
    super::idempotency::once(call, &headers, &path, new, |_| async move {
        let made = bot_keys::NewKey {
            name: new.name.clone(),
            pem: new.pem.clone(),
            expires_on: new.expires_on.clone().unwrap_or_default(),
        };
        let c = bot_keys::add(&call.ctx(), permit, client_id, made)
            .await
            .map_err(|e| call.fail(e))?;
        let added = key(bot_keys::KeyRow {
            credential: c,
            in_use: false,
        });
        Ok(super::idempotency::Created::same(&added))
    })
    .await
}

/// Removes a public key from a bot.
#[utoipa::path(delete, path = "/organizations/{org_id}/bots/{client_id}/keys/{key_id}", tag = "Bots",
    params(("org_id" = String, Path), ("client_id" = String, Path), ("key_id" = String, Path)),
    responses((status = 204, description = "Removed"), super::Errors),
    security(("bearer" = ["bots:write"])))]
pub async fn remove_key(
    call: ApiCall,
    Path((org_id, client_id, key_id)): Path<(String, String, String)>,
) -> Result<StatusCode, Problem> {
    let permit = call.change(&org_id, BOTS_WRITE, ManageBots).await?;
    bot_keys::remove(&call.ctx(), &permit, &client_id, &key_id)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(StatusCode::NO_CONTENT)
}
