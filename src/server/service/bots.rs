//! Bots: the organization's machine-to-machine clients. Registering is create client → create client
//! grant (`organization_usage=require`, `allow_any_organization=false`) → associate with the
//! organization, journaled so a failure leaves nothing behind. A bot belongs to an organization only if
//! orgdesk's store says so and the client's metadata agrees; ids from the browser are never trusted.

use secrecy::{ExposeSecret, SecretString};

use super::approvals::{self, Outcome};
use super::journal::{self, Begun, Kind, Plan, Rest};
use super::{audit_for, invalid, Ctx, ServiceError};
use crate::server::audit;
use crate::server::auth0::clients::{Client, ClientUpdate, NewClient};
use crate::server::policy::{Permit, Proof};

/// The client metadata key naming the owner organization (and the operation that made the client).
pub const OWNER_KEY: &str = "orgdesk_org";
pub const OPERATION_KEY: &str = "orgdesk_op";

use crate::server::store::bots as store;
pub use crate::server::store::bots::{BotRow, GrantRow};

pub struct NewBot {
    pub name: String,
    pub description: String,
    pub audience: String,
    pub scopes: Vec<String>,
}

/// A secret as Auth0 returned it, handed to the browser once and dropped.
pub struct Secret {
    pub client_id: String,
    pub secret: SecretString,
}

/// A bot's name, as every organization that installs its app and the vendor's support staff will read
/// it: normalised (`crate::server::text::clean_name`), 1–100 characters, no `<` `>`.
pub fn validate_name(name: &str) -> Result<String, ServiceError> {
    let name = crate::server::text::clean_name(name).map_err(|m| invalid("name", m))?;
    let len = name.chars().count();
    if len == 0 {
        return Err(invalid("name", "Give the bot a name."));
    }
    if len > 100 {
        return Err(invalid("name", "Use at most 100 characters."));
    }
    if name.chars().any(|c| c == '<' || c == '>') {
        return Err(invalid("name", "Names cannot contain < or >."));
    }
    Ok(name)
}

pub fn validate_description(description: &str) -> Result<Option<String>, ServiceError> {
    let d = crate::server::text::clean_text(description, false)
        .map_err(|m| invalid("description", m))?;
    if d.chars().count() > 140 {
        return Err(invalid("description", "Use at most 140 characters."));
    }
    Ok((!d.is_empty()).then_some(d))
}

/// Refuses a name that looks like another bot's in the organization (the same name, or one that only
/// differs by look-alike letters): two bots nobody can tell apart in a list or a CSV.
async fn distinct_name(
    ctx: &Ctx<'_>,
    permit: &Permit,
    name: &str,
    except: Option<&str>,
) -> Result<(), ServiceError> {
    let others = store::names(ctx.db, permit.org_id()).await?;
    let names = others
        .iter()
        .filter(|(id, _)| Some(id.as_str()) != except)
        .map(|(_, n)| n.as_str());
    match crate::server::text::look_alike(name, names) {
        Some(same) if same == name => Err(invalid(
            "name",
            format!("Your organization already has a bot named “{same}”. Choose another name."),
        )),
        Some(similar) => Err(invalid(
            "name",
            format!("“{name}” looks like your bot “{similar}”. Choose a name that is clearly different."),
        )),
        None => Ok(()),
    }
}

/// The API must be one the vendor offers, the scopes a non-empty subset of its allowlist.
pub fn validate_access(
    ctx: &Ctx<'_>,
    audience: &str,
    scopes: &[String],
) -> Result<Vec<String>, ServiceError> {
    check_access(&ctx.identity.apis, audience, scopes)
}

/// `validate_access` against a given allowlist; answers the scopes sorted, without repeats.
pub fn check_access(
    apis: &[crate::server::identity::ApiPolicy],
    audience: &str,
    scopes: &[String],
) -> Result<Vec<String>, ServiceError> {
    let api = apis
        .iter()
        .find(|a| a.audience == audience)
        .ok_or_else(|| invalid("api", "Choose one of the APIs offered."))?;
    if scopes.is_empty() {
        return Err(invalid("scopes", "Choose at least one scope."));
    }
    if let Some(s) = scopes.iter().find(|s| !api.scopes.contains(s)) {
        return Err(invalid(
            "scopes",
            format!("`{s}` is not a scope you can grant for this API."),
        ));
    }
    let mut out = scopes.to_vec();
    out.sort();
    out.dedup();
    Ok(out)
}

pub async fn list(
    ctx: &Ctx<'_>,
    who: &impl Proof,
) -> Result<Vec<(BotRow, Vec<GrantRow>)>, ServiceError> {
    Ok(store::with_grants(ctx.db, Some(who.org_id())).await?)
}

/// The bot's row, if orgdesk recorded it as this organization's; a stranger's id is audited.
async fn row_of(ctx: &Ctx<'_>, who: &impl Proof, client_id: &str) -> Result<BotRow, ServiceError> {
    match store::owned_by(ctx.db, client_id, who.org_id()).await? {
        Some(row) => Ok(row),
        None => {
            audit_for(ctx, who)
                .record(
                    audit::Action::BotAccess,
                    Some(client_id),
                    audit::Result::Denied,
                    "not this organization's bot",
                )
                .await;
            Err(ServiceError::NotFound)
        }
    }
}

/// The bot and its grants as orgdesk recorded them, if this organization owns it: the store only,
/// for answering a change whose service already read the bot upstream.
pub async fn recorded(
    ctx: &Ctx<'_>,
    who: &impl Proof,
    client_id: &str,
) -> Result<(BotRow, Vec<GrantRow>), ServiceError> {
    let row = row_of(ctx, who, client_id).await?;
    Ok((row, store::grants_of(ctx.db, client_id).await?))
}

/// The bot, if this organization owns it: orgdesk's store first (no upstream call for a stranger's
/// id), then the upstream client's metadata must agree.
pub async fn owned(
    ctx: &Ctx<'_>,
    who: &impl Proof,
    client_id: &str,
) -> Result<(BotRow, Client), ServiceError> {
    let row = row_of(ctx, who, client_id).await?;
    // A view may show what was read moments ago; a change decides on a live read.
    let read = async { ctx.mgmt.get_client(client_id).await };
    let read = if !who.is_change() {
        let key = format!("client\u{0}{client_id}");
        ctx.cache
            .get_or_load(ctx.db, "client", who.org_id(), &key, super::READS_FOR, read)
            .await
    } else {
        read.await
    };
    let client = match read {
        Ok(c) => c,
        Err(crate::server::auth0::ApiError::NotFound) => return Err(ServiceError::NotFound),
        Err(e) => return Err(e.into()),
    };
    if client.client_metadata.get(OWNER_KEY).map(String::as_str) != Some(who.org_id()) {
        tracing::warn!(
            client_id,
            org_id = who.org_id(),
            "bot ownership drifted upstream; refusing"
        );
        return Err(ServiceError::NotFound);
    }
    Ok((row, client))
}

pub async fn detail(
    ctx: &Ctx<'_>,
    who: &impl Proof,
    client_id: &str,
) -> Result<(BotRow, Vec<GrantRow>), ServiceError> {
    let (row, _) = owned(ctx, who, client_id).await?;
    let grants = store::grants_of(ctx.db, client_id).await?;
    Ok((row, grants))
}

/// Registers a bot with its first API access. A repeated idempotency key registers nothing new.
pub async fn register(
    ctx: &Ctx<'_>,
    permit: &Permit,
    bot: NewBot,
    idempotency_key: &str,
) -> Result<Secret, ServiceError> {
    let name = validate_name(&bot.name)?;
    let description = validate_description(&bot.description)?;
    let scopes = validate_access(ctx, &bot.audience, &bot.scopes)?;
    let sensitive = approvals::added_sensitive(&ctx.identity.approvals, &scopes, &[]);
    if !sensitive.is_empty() {
        return Err(invalid(
            "scopes",
            format!(
                "{} needs another admin's approval: register the bot without it, then ask for it on the bot's page.",
                sensitive.join(", ")
            ),
        ));
    }
    if idempotency_key.len() < 16 || idempotency_key.len() > 64 {
        return Err(invalid("form", "The form is out of date; reload the page."));
    }
    distinct_name(ctx, permit, &name, None).await?;
    let bots = store::count(ctx.db, permit.org_id()).await?;
    super::within_cap(
        bots,
        ctx.limits.max_bots,
        "bots",
        "Delete a bot you no longer use first.",
    )?;
    super::step_up(permit)?;
    let op_id = match journal::begin(ctx.db, ctx.clock.as_ref(), idempotency_key, permit.org_id(), Kind::BotRegister).await? {
        Begun::New(id) => id,
        Begun::Seen { state, .. } if state == "done" => {
            return Err(ServiceError::Conflict(
                "This bot was already registered (the form was sent twice). Its secret was shown then; rotate it for a new one."
                    .into(),
            ))
        }
        Begun::Seen { .. } => return Err(ServiceError::Conflict("This registration is already under way.".into())),
    };
    let log = audit_for(ctx, permit);
    match register_steps(
        ctx,
        permit,
        &op_id,
        &name,
        description.as_deref(),
        &bot.audience,
        &scopes,
    )
    .await
    {
        Ok(secret) => {
            log.record(
                audit::Action::BotRegister,
                Some(&secret.client_id),
                audit::Result::Ok,
                &format!("{name}; {} {}", bot.audience, scopes.join(" ")),
            )
            .await;
            Ok(secret)
        }
        Err(err) => {
            super::settle_now(ctx, permit, &op_id).await;
            let failed = audit::Result::Failed;
            Err(err
                .recorded(&log, audit::Action::BotRegister, None, failed)
                .await)
        }
    }
}

async fn register_steps(
    ctx: &Ctx<'_>,
    permit: &Permit,
    op_id: &str,
    name: &str,
    description: Option<&str>,
    audience: &str,
    scopes: &[String],
) -> Result<Secret, ServiceError> {
    let metadata =
        std::collections::BTreeMap::from([(OWNER_KEY, permit.org_id()), (OPERATION_KEY, op_id)]);
    let body = NewClient::bot(name, description, permit.org_id(), metadata);
    let created = ctx.mgmt.create_client(&body).await?;
    let client_id = created.client.client_id.clone();
    journal::step(
        ctx.db,
        ctx.clock.as_ref(),
        op_id,
        "client_created",
        Some(&client_id),
        None,
    )
    .await?;
    let grant = ctx.mgmt.create_grant(&client_id, audience, scopes).await?;
    journal::step(
        ctx.db,
        ctx.clock.as_ref(),
        op_id,
        "grant_created",
        None,
        Some(&grant.id),
    )
    .await?;
    ctx.mgmt.associate(permit.org_id(), &grant.id).await?;

    store::insert_registered(
        ctx.db,
        store::Registered {
            client_id: &client_id,
            org_id: permit.org_id(),
            name,
            description,
            created_by: permit.user_id(),
            created_by_email: permit.actor_name(),
            now_ms: ctx.clock.now_ms(),
            grant_id: &grant.id,
            audience,
            scopes: &scopes.join(" "),
            now: &ctx.clock.rfc3339(),
        },
        op_id,
    )
    .await?;
    Ok(Secret {
        client_id,
        secret: created.secret,
    })
}

pub async fn rotate_secret(
    ctx: &Ctx<'_>,
    permit: &Permit,
    client_id: &str,
) -> Result<Secret, ServiceError> {
    owned(ctx, permit, client_id).await?;
    super::step_up(permit)?;
    let rotated = ctx.mgmt.rotate_secret(client_id).await;
    let result = if rotated.is_ok() {
        audit::Result::Ok
    } else {
        audit::Result::Failed
    };
    audit_for(ctx, permit)
        .record(audit::Action::BotRotateSecret, Some(client_id), result, "")
        .await;
    let rotated = rotated?;
    if let Err(err) = store::set_credential_at(ctx.db, client_id, ctx.clock.now_ms()).await {
        tracing::warn!(error = %err, "cannot record when the secret was rotated");
    }
    Ok(Secret {
        client_id: client_id.to_string(),
        secret: rotated.secret,
    })
}

pub async fn rename(
    ctx: &Ctx<'_>,
    permit: &Permit,
    client_id: &str,
    name: &str,
) -> Result<(), ServiceError> {
    let name = validate_name(name)?;
    owned(ctx, permit, client_id).await?;
    distinct_name(ctx, permit, &name, Some(client_id)).await?;
    ctx.mgmt
        .update_client(client_id, &ClientUpdate { name: &name })
        .await?;
    store::rename(ctx.db, client_id, &name).await?;
    audit_for(ctx, permit)
        .record(
            audit::Action::BotRename,
            Some(client_id),
            audit::Result::Ok,
            &name,
        )
        .await;
    Ok(())
}

/// Deletes a bot: its grants (and their associations) first, then the client, then orgdesk's record,
/// telling every organization that installed its app. The request runs the journal's own steps for
/// a deletion, so a deletion interrupted part-way is finished by the recovery pass the same way.
pub async fn delete(ctx: &Ctx<'_>, permit: &Permit, client_id: &str) -> Result<(), ServiceError> {
    owned(ctx, permit, client_id).await?;
    let log = audit_for(ctx, permit);
    let plan = Plan::new(Kind::BotDelete, permit.org_id()).client(client_id);
    let done = journal::run(ctx.db, ctx.clock.as_ref(), ctx.mgmt, plan, &log).await;
    let detail = done.as_ref().err().map(ServiceError::audit_text);
    log.record(
        audit::Action::BotDelete,
        Some(client_id),
        super::outcome(&done),
        detail.as_deref().unwrap_or_default(),
    )
    .await;
    done.map(|_| ())
}

/// Grants one more API: a client grant (require, not any organization) associated with this org only.
/// Grants the bot an API for this organization, or — when it adds a sensitive scope — files the
/// request another admin decides (`approvals`).
pub async fn grant_access(
    ctx: &Ctx<'_>,
    permit: &Permit,
    client_id: &str,
    audience: &str,
    scopes: &[String],
) -> Result<Outcome, ServiceError> {
    let scopes = validate_access(ctx, audience, scopes)?;
    owned(ctx, permit, client_id).await?;
    if store::grants_of(ctx.db, client_id)
        .await?
        .iter()
        .any(|g| g.audience == audience)
    {
        return Err(ServiceError::Conflict(
            "The bot already has access to this API; change its scopes instead.".into(),
        ));
    }
    match approvals::gate(ctx, permit, client_id, audience, &scopes, &[]).await? {
        Some(Outcome::Pending(id, sensitive)) => return Ok(Outcome::Pending(id, sensitive)),
        Some(alone) => {
            super::step_up(permit)?;
            create_grant(ctx, permit, client_id, audience, &scopes).await?;
            return Ok(alone);
        }
        None => {}
    }
    super::step_up(permit)?;
    create_grant(ctx, permit, client_id, audience, &scopes).await?;
    Ok(Outcome::Done)
}

/// Makes the bot's access to `audience` exactly `scopes` (a grant made, or its scopes set): an
/// approved request's change, made with the approver's permit.
pub(super) async fn apply_access(
    ctx: &Ctx<'_>,
    permit: &Permit,
    client_id: &str,
    audience: &str,
    scopes: &[String],
) -> Result<(), ServiceError> {
    let scopes = validate_access(ctx, audience, scopes)?;
    owned(ctx, permit, client_id).await?;
    match grant_row(ctx, client_id, audience).await {
        Ok(grant) => {
            scopes_changed(ctx, permit, client_id, (audience, &grant.grant_id), &scopes).await
        }
        Err(ServiceError::NotFound) => {
            create_grant(ctx, permit, client_id, audience, &scopes).await
        }
        Err(e) => Err(e),
    }
}

/// The grant and its association with this organization, journaled (a failure leaves no grant the
/// organization cannot see).
async fn create_grant(
    ctx: &Ctx<'_>,
    permit: &Permit,
    client_id: &str,
    audience: &str,
    scopes: &[String],
) -> Result<(), ServiceError> {
    let plan = Plan::new(Kind::BotGrant, permit.org_id())
        .client(client_id)
        .target(audience);
    let op_id = journal::open(ctx.db, ctx.clock.as_ref(), plan).await?;
    let steps = async {
        let grant = ctx.mgmt.create_grant(client_id, audience, scopes).await?;
        journal::step(
            ctx.db,
            ctx.clock.as_ref(),
            &op_id,
            "grant_created",
            None,
            Some(&grant.id),
        )
        .await?;
        ctx.mgmt.associate(permit.org_id(), &grant.id).await?;
        store::insert_grant(ctx.db, &grant.id, client_id, audience, &scopes.join(" ")).await?;
        journal::close(ctx.db, ctx.clock.as_ref(), &op_id, Rest::Done).await?;
        Ok::<(), ServiceError>(())
    };
    let (log, action) = (audit_for(ctx, permit), audit::Action::BotGrantAccess);
    if let Err(err) = steps.await {
        // Leave no grant behind that the organization cannot see.
        super::settle_now(ctx, permit, &op_id).await;
        let failed = audit::Result::Failed;
        return Err(err.recorded(&log, action, Some(client_id), failed).await);
    }
    let granted = format!("{audience} {}", scopes.join(" "));
    log.record(action, Some(client_id), audit::Result::Ok, &granted)
        .await;
    Ok(())
}

async fn grant_row(
    ctx: &Ctx<'_>,
    client_id: &str,
    audience: &str,
) -> Result<GrantRow, ServiceError> {
    store::grants_of(ctx.db, client_id)
        .await?
        .into_iter()
        .find(|g| g.audience == audience)
        .ok_or(ServiceError::NotFound)
}

/// Sets the scopes of the bot's grant for an API (`(audience, grant id)`) and audits it.
async fn scopes_changed(
    ctx: &Ctx<'_>,
    permit: &Permit,
    client_id: &str,
    (audience, grant_id): (&str, &str),
    scopes: &[String],
) -> Result<(), ServiceError> {
    set_scopes(ctx, permit, grant_id, scopes).await?;
    let now = format!("{audience} {}", scopes.join(" "));
    audit_for(ctx, permit)
        .record(
            audit::Action::BotChangeScopes,
            Some(client_id),
            audit::Result::Ok,
            &now,
        )
        .await;
    Ok(())
}

/// Sets a grant's scopes upstream, then in orgdesk's record. The caller checked that the grant is one
/// of the permit's organization's bots'.
pub(super) async fn set_scopes(
    ctx: &Ctx<'_>,
    _permit: &Permit,
    grant_id: &str,
    scopes: &[String],
) -> Result<(), ServiceError> {
    ctx.mgmt.update_grant_scopes(grant_id, scopes).await?;
    store::set_scopes(ctx.db, grant_id, &scopes.join(" ")).await?;
    Ok(())
}

/// Sets the scopes of the bot's access to an API. Narrowing goes on at once; a scope added is
/// access granted (a recent sign-in), and a sensitive one added waits for another admin.
pub async fn change_scopes(
    ctx: &Ctx<'_>,
    permit: &Permit,
    client_id: &str,
    audience: &str,
    scopes: &[String],
) -> Result<Outcome, ServiceError> {
    let scopes = validate_access(ctx, audience, scopes)?;
    owned(ctx, permit, client_id).await?;
    super::apps::guard_grant(ctx, client_id, audience).await?;
    let grant = grant_row(ctx, client_id, audience).await?;
    let had: Vec<String> = grant.scopes.split_whitespace().map(String::from).collect();
    let gated = approvals::gate(ctx, permit, client_id, audience, &scopes, &had).await?;
    if let Some(Outcome::Pending(id, sensitive)) = gated {
        return Ok(Outcome::Pending(id, sensitive));
    }
    if scopes.iter().any(|s| !had.contains(s)) {
        super::step_up(permit)?;
    }
    scopes_changed(ctx, permit, client_id, (audience, &grant.grant_id), &scopes).await?;
    Ok(gated.unwrap_or(Outcome::Done))
}

pub async fn revoke(
    ctx: &Ctx<'_>,
    permit: &Permit,
    client_id: &str,
    audience: &str,
) -> Result<(), ServiceError> {
    owned(ctx, permit, client_id).await?;
    super::apps::guard_grant(ctx, client_id, audience).await?;
    let grant = grant_row(ctx, client_id, audience).await?;
    let log = audit_for(ctx, permit);
    if let Err(err) = revoke_grant(ctx, permit.org_id(), client_id, &grant, &log).await {
        let (action, failed) = (audit::Action::BotRevokeAccess, audit::Result::Failed);
        return Err(err.recorded(&log, action, Some(client_id), failed).await);
    }
    audit_for(ctx, permit)
        .record(
            audit::Action::BotRevokeAccess,
            Some(client_id),
            audit::Result::Ok,
            audience,
        )
        .await;
    Ok(())
}

/// Revokes one of the bot's grants by the journal's own steps for a revocation: left open on
/// failure, a retry or the recovery pass finishes it. `voice` speaks for whoever revokes (an admin,
/// the credential policy).
pub(super) async fn revoke_grant(
    ctx: &Ctx<'_>,
    org_id: &str,
    client_id: &str,
    grant: &GrantRow,
    voice: &audit::Audit<'_>,
) -> Result<Rest, ServiceError> {
    let plan = Plan::new(Kind::BotRevoke, org_id)
        .client(client_id)
        .grant(&grant.grant_id)
        .target(&grant.audience);
    journal::run(ctx.db, ctx.clock.as_ref(), ctx.mgmt, plan, voice).await
}

/// Claims of a test token, decoded for display. The secret is used for one request and dropped.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct TestClaims {
    pub org_id: Option<String>,
    pub scope: Option<String>,
    pub exp: Option<i64>,
    pub aud: Option<serde_json::Value>,
}

/// What a test token is asked for with: the bot's secret, or an assertion signed with one of its
/// keys (`private_key_jwt`). Either is used for one request and dropped.
pub enum Credential {
    Secret(SecretString),
    Assertion(SecretString),
}

/// The claims an assertion makes, read unverified (Auth0 verifies it): it must be this bot's.
fn assertion_for(assertion: &str, client_id: &str) -> Result<Option<String>, ServiceError> {
    let part = |i: usize| -> Option<serde_json::Value> {
        let segment = assertion.trim().split('.').nth(i)?;
        let raw =
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, segment)
                .ok()?;
        serde_json::from_slice(&raw).ok()
    };
    let (Some(header), Some(claims)) = (part(0), part(1)) else {
        return Err(invalid(
            "assertion",
            "Paste a signed assertion: a JWT (three parts separated by dots) the bot signed with its private key.",
        ));
    };
    let names = |k: &str| claims.get(k).and_then(|v| v.as_str()) == Some(client_id);
    if !names("iss") || !names("sub") {
        return Err(invalid(
            "assertion",
            "That assertion was made for another client: its iss and sub must both be this bot's client id.",
        ));
    }
    Ok(header.get("kid").and_then(|k| k.as_str()).map(String::from))
}

/// Auth0's refusal of a test token, in words for the field that was pasted.
fn token_refused(
    field: &'static str,
    status: reqwest::StatusCode,
    body: &serde_json::Value,
) -> ServiceError {
    let error = body.get("error").and_then(|d| d.as_str()).unwrap_or("");
    // A wrong secret is the common case (a typo, or the one before a rotation): say so plainly.
    if status == reqwest::StatusCode::UNAUTHORIZED
        || matches!(error, "access_denied" | "invalid_client")
    {
        return invalid(
            field,
            if field == "secret" {
                "That is not this bot's current secret. If it was rotated, paste the newest one — or rotate it again for a new one."
            } else {
                "Auth0 did not accept that assertion: it must be signed with one of the bot's keys in use, unexpired, not used before, and addressed to the tenant."
            },
        );
    }
    let description = body
        .get("error_description")
        .and_then(|d| d.as_str())
        .unwrap_or("the token request was refused");
    invalid(
        field,
        format!(
            "Auth0 refused the token: {}",
            crate::server::text::escaped(description)
        ),
    )
}

pub async fn test_token(
    ctx: &Ctx<'_>,
    permit: &Permit,
    client_id: &str,
    audience: &str,
    credential: Credential,
) -> Result<(TestClaims, Option<String>), ServiceError> {
    owned(ctx, permit, client_id).await?;
    if !ctx.identity.apis.iter().any(|a| a.audience == audience) {
        return Err(invalid("api", "Choose one of the APIs offered."));
    }
    let field = match &credential {
        Credential::Secret(_) => "secret",
        Credential::Assertion(_) => "assertion",
    };
    let kid = match &credential {
        Credential::Assertion(a) if a.expose_secret().len() <= 8192 => {
            assertion_for(a.expose_secret(), client_id)?
        }
        Credential::Assertion(_) => {
            return Err(invalid("assertion", "That assertion is too long."))
        }
        Credential::Secret(_) => None,
    };
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| crate::server::auth0::ApiError::Transport(e.to_string()))?;
    let mut form = vec![
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("audience", audience),
        ("organization", permit.org_id()),
    ];
    match &credential {
        Credential::Secret(s) => form.push(("client_secret", s.expose_secret())),
        Credential::Assertion(a) => {
            form.push((
                "client_assertion_type",
                crate::server::auth0::credentials::JWT_BEARER,
            ));
            form.push(("client_assertion", a.expose_secret().trim()));
        }
    }
    let response = http
        .post(format!("{}oauth/token", ctx.issuer))
        .form(&form)
        .send()
        .await
        .map_err(|e| crate::server::auth0::ApiError::Transport(e.without_url().to_string()))?;
    drop(form);
    drop(credential);
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap_or(serde_json::Value::Null);
    audit_for(ctx, permit)
        .record(
            audit::Action::BotTestToken,
            Some(client_id),
            if status.is_success() {
                audit::Result::Ok
            } else {
                audit::Result::Failed
            },
            audience,
        )
        .await;
    if !status.is_success() {
        return Err(token_refused(field, status, &body));
    }
    let token = body
        .get("access_token")
        .and_then(|t| t.as_str())
        .unwrap_or_default();
    let payload = token.split('.').nth(1).unwrap_or_default();
    let claims = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
        .ok()
        .and_then(|raw| serde_json::from_slice(&raw).ok())
        .ok_or_else(|| {
            ServiceError::from(crate::server::auth0::ApiError::Decode(
                "the token is not a JWT".into(),
            ))
        })?;
    Ok((claims, kid))
}
