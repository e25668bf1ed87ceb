//! Bots: list, read, register, rotate, rename, delete, and their API access. Each: session → policy →
//! validation (in the service) → service → wire type. Changes take JSON bodies: a cross-site form
//! cannot send that content type.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::bots::{AccessChange, AccessRequest, Bot, NewSecret, TokenCheck};
use crate::model::AppError;
#[cfg(feature = "ssr")]
use crate::server::http::web::change;

#[cfg(feature = "ssr")]
pub(crate) mod glue {
    use super::*;
    use crate::model::bots::Access;
    use crate::server::service::bots::{BotRow, GrantRow, Secret};
    use secrecy::ExposeSecret;

    pub fn bot((row, grants): (BotRow, Vec<GrantRow>)) -> Bot {
        Bot {
            client_id: row.client_id,
            name: row.name,
            description: row.description,
            created_at: row.created_at,
            access: grants
                .into_iter()
                .map(|g| Access {
                    audience: g.audience,
                    scopes: g.scopes.split_whitespace().map(String::from).collect(),
                })
                .collect(),
            app: None,
            keys: Vec::new(),
            requests: Vec::new(),
            health: Default::default(),
            usage: None,
            taken: Vec::new(),
            taken_at: None,
        }
    }

    pub fn request(
        r: crate::server::store::approvals::Request,
        viewer: &str,
    ) -> crate::model::bots::AccessRequest {
        let words = |s: &str| s.split_whitespace().map(String::from).collect();
        crate::model::bots::AccessRequest {
            mine: r.requested_by == viewer,
            scopes: words(&r.scopes),
            sensitive: words(&r.sensitive),
            requested_at: crate::clock::iso(r.requested_at),
            until: crate::clock::iso(r.expires_at),
            id: r.id,
            org_id: r.org_id,
            client_id: r.client_id,
            audience: r.audience,
            requester: r.requester_email,
            state: r.state,
            decider: r.decider_email,
            reason: r.reason,
        }
    }

    pub fn access_change(
        o: crate::server::service::approvals::Outcome,
        days: u32,
        now_ms: i64,
    ) -> AccessChange {
        use crate::server::service::approvals::Outcome;
        match o {
            Outcome::Done => AccessChange::Done,
            Outcome::DoneAlone(sensitive) => AccessChange::DoneAlone { sensitive },
            Outcome::Pending(_, sensitive) => AccessChange::Pending {
                sensitive,
                until: crate::clock::iso(now_ms + i64::from(days) * 86_400_000),
            },
        }
    }

    /// A key as the bot page shows it; `today` (`YYYY-MM-DD`, UTC) decides whether it expired.
    pub fn key(
        row: crate::server::service::bot_keys::KeyRow,
        today: &str,
    ) -> crate::model::bots::BotKey {
        let c = row.credential;
        let day = |s: Option<String>| s.map(|s| s.chars().take(10).collect::<String>());
        let expires = day(c.expires_at);
        crate::model::bots::BotKey {
            expired: expires.as_deref().is_some_and(|e| e < today),
            name: c
                .name
                .clone()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "Key".into()),
            kid: c.kid.unwrap_or_default(),
            added: day(c.created_at).unwrap_or_default(),
            expires,
            in_use: row.in_use,
            id: c.id,
        }
    }

    /// A test token asked for with the secret or a key; the key that signed is named by the bot's
    /// own key list.
    pub async fn test_token(
        org_id: String,
        client_id: String,
        audience: String,
        credential: crate::server::service::bots::Credential,
    ) -> Result<TokenCheck, AppError> {
        use crate::server::policy::Action::ManageBots;
        use crate::server::service::{bot_keys, bots};
        let by_key = matches!(credential, bots::Credential::Assertion(_));
        let done = change(&org_id, ManageBots, async |ctx, permit| {
            let (claims, kid) =
                bots::test_token(ctx, permit, &client_id, &audience, credential).await?;
            // The header's kid names the key; without one, a bot with a single key in use signed
            // with that key.
            let key = match (by_key, kid) {
                (false, _) => None,
                (true, kid) => {
                    let in_use: Vec<_> = bot_keys::keys(ctx, permit, &client_id)
                        .await?
                        .into_iter()
                        .filter(|k| k.in_use)
                        .collect();
                    let one = in_use.len() == 1;
                    in_use
                        .into_iter()
                        .find(|k| match &kid {
                            Some(kid) => k.credential.kid.as_deref() == Some(kid),
                            None => one,
                        })
                        .map(|k| key(k, "").name)
                }
            };
            Ok((claims, key))
        });
        let (claims, key) = done.await?;
        Ok(TokenCheck {
            org_id: claims.org_id,
            scope: claims.scope.unwrap_or_default(),
            expires_at: claims.exp.unwrap_or(0),
            key,
        })
    }

    /// Bots with their standing against the organization's credential policy and their owners: one
    /// read of the policy and of the member directory for all of them.
    pub async fn with_health(
        ctx: &crate::server::service::Ctx<'_>,
        org_id: &str,
        list: Vec<(BotRow, Vec<GrantRow>)>,
    ) -> Result<Vec<Bot>, crate::server::service::ServiceError> {
        use crate::server::service::credential_policy as policy;
        let rules = policy::get(ctx, org_id).await?;
        let members = policy::known_members(ctx, org_id).await;
        let now = ctx.clock.now_ms();
        Ok(list
            .into_iter()
            .map(|(row, grants)| {
                let health = policy::health(&row, rules, members.as_ref(), now);
                let mut b = bot((row, grants));
                b.health = health;
                b
            })
            .collect())
    }

    pub fn secret(s: Secret) -> NewSecret {
        crate::server::http::web::no_store();
        NewSecret {
            client_id: s.client_id,
            client_secret: s.secret.expose_secret().to_string(),
        }
    }
}

#[server(endpoint = "bots/list", input = Json, output = crate::model::wire::TextJson)]
pub async fn list_bots(org_id: String) -> Result<Vec<Bot>, AppError> {
    use crate::server::service::bots;
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.view(&org_id).await?;
    let ctx = call.ctx();
    let list = bots::list(&ctx, &permit).await.map_err(|e| call.fail(e))?;
    glue::with_health(&ctx, &org_id, list)
        .await
        .map_err(|e| call.fail(e))
}

#[server(endpoint = "bots/get", input = Json, output = crate::model::wire::TextJson)]
pub async fn get_bot(org_id: String, client_id: String) -> Result<Bot, AppError> {
    use crate::server::service::bots;
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.view(&org_id).await?;
    let ctx = call.ctx();
    let found = bots::detail(&ctx, &permit, &client_id)
        .await
        .map_err(|e| call.fail(e))?;
    let mut bot = glue::with_health(&ctx, &org_id, vec![found])
        .await
        .map_err(|e| call.fail(e))?
        .pop()
        .ok_or_else(|| call.fail(crate::server::service::ServiceError::NotFound))?;
    let as_app = crate::server::service::apps::as_app(ctx.db, &bot.client_id)
        .await
        .map_err(|e| call.fail(e.into()))?;
    bot.app = as_app.map(|(app, installs)| crate::model::bots::BotApp {
        published: app.is_published(),
        app_id: app.app_id,
        installers: installs.into_iter().map(|i| i.org_name).collect(),
    });
    let viewer = permit.user_id().to_string();
    bot.requests = crate::server::service::approvals::list(&ctx, &permit)
        .await
        .map_err(|e| call.fail(e))?
        .into_iter()
        .filter(|r| r.client_id == bot.client_id)
        .take(5)
        .map(|r| glue::request(r, &viewer))
        .collect();
    bot.usage = Some(
        crate::server::service::usage::of_bot(&ctx, &permit, &bot.client_id)
            .await
            .map_err(|e| call.fail(e))?,
    );
    let taken = crate::server::service::credential_expiry::taken(&ctx, &permit, &bot.client_id)
        .await
        .map_err(|e| call.fail(e))?;
    // What was granted again since (by hand) is not offered back.
    let taken: Vec<_> = taken
        .into_iter()
        .filter(|(t, _)| !bot.access.iter().any(|a| a.audience == t.audience))
        .collect();
    bot.taken_at = taken.first().map(|(_, at)| at.clone());
    bot.taken = taken.into_iter().map(|(a, _)| a).collect();
    let today = ctx.clock.now().date().to_string();
    bot.keys = crate::server::service::bot_keys::keys(&ctx, &permit, &bot.client_id)
        .await
        .map_err(|e| call.fail(e))?
        .into_iter()
        .map(|k| glue::key(k, &today))
        .collect();
    Ok(bot)
}

#[server(endpoint = "bots/register", input = Json, output = crate::model::wire::TextJson)]
pub async fn register_bot(
    org_id: String,
    name: String,
    description: String,
    audience: String,
    scopes: Vec<String>,
    idempotency_key: String,
) -> Result<NewSecret, AppError> {
    use crate::server::policy::Action::ManageBots;
    use crate::server::service::bots::{self, NewBot};
    let new = NewBot {
        name,
        description,
        audience,
        scopes,
    };
    let done = change(&org_id, ManageBots, async |ctx, permit| {
        bots::register(ctx, permit, new, &idempotency_key).await
    });
    done.await.map(glue::secret)
}

#[server(endpoint = "bots/rotate", input = Json, output = crate::model::wire::TextJson)]
pub async fn rotate_bot_secret(org_id: String, client_id: String) -> Result<NewSecret, AppError> {
    use crate::server::policy::Action::ManageBots;
    use crate::server::service::bots;
    let done = change(&org_id, ManageBots, async |ctx, permit| {
        bots::rotate_secret(ctx, permit, &client_id).await
    });
    done.await.map(glue::secret)
}

#[server(endpoint = "bots/rename", input = Json, output = crate::model::wire::TextJson)]
pub async fn rename_bot(org_id: String, client_id: String, name: String) -> Result<(), AppError> {
    use crate::server::policy::Action::ManageBots;
    use crate::server::service::bots;
    let done = change(&org_id, ManageBots, async |ctx, permit| {
        bots::rename(ctx, permit, &client_id, &name).await
    });
    done.await
}

#[server(endpoint = "bots/delete", input = Json, output = crate::model::wire::TextJson)]
pub async fn delete_bot(org_id: String, client_id: String) -> Result<(), AppError> {
    use crate::server::policy::Action::ManageBots;
    use crate::server::service::bots;
    let done = change(&org_id, ManageBots, async |ctx, permit| {
        bots::delete(ctx, permit, &client_id).await
    });
    done.await
}

#[server(endpoint = "bots/grant", input = Json, output = crate::model::wire::TextJson)]
pub async fn grant_bot_access(
    org_id: String,
    client_id: String,
    audience: String,
    scopes: Vec<String>,
) -> Result<AccessChange, AppError> {
    use crate::server::policy::Action::ManageBots;
    use crate::server::service::bots;
    let done = change(&org_id, ManageBots, async |ctx, permit| {
        let outcome = bots::grant_access(ctx, permit, &client_id, &audience, &scopes).await?;
        Ok(glue::access_change(
            outcome,
            ctx.identity.approvals.days,
            ctx.clock.now_ms(),
        ))
    });
    done.await
}

#[server(endpoint = "bots/scopes", input = Json, output = crate::model::wire::TextJson)]
pub async fn change_bot_scopes(
    org_id: String,
    client_id: String,
    audience: String,
    scopes: Vec<String>,
) -> Result<AccessChange, AppError> {
    use crate::server::policy::Action::ManageBots;
    use crate::server::service::bots;
    let done = change(&org_id, ManageBots, async |ctx, permit| {
        let outcome = bots::change_scopes(ctx, permit, &client_id, &audience, &scopes).await?;
        Ok(glue::access_change(
            outcome,
            ctx.identity.approvals.days,
            ctx.clock.now_ms(),
        ))
    });
    done.await
}

#[server(endpoint = "bots/revoke", input = Json, output = crate::model::wire::TextJson)]
pub async fn revoke_bot_access(
    org_id: String,
    client_id: String,
    audience: String,
) -> Result<(), AppError> {
    use crate::server::policy::Action::ManageBots;
    use crate::server::service::bots;
    let done = change(&org_id, ManageBots, async |ctx, permit| {
        bots::revoke(ctx, permit, &client_id, &audience).await
    });
    done.await
}

/// Uses the pasted secret for one token request, then forgets it; only decoded claims come back.
#[server(endpoint = "bots/test-token", input = Json, output = crate::model::wire::TextJson)]
pub async fn test_bot_token(
    org_id: String,
    client_id: String,
    audience: String,
    secret: String,
) -> Result<TokenCheck, AppError> {
    use crate::server::service::bots::Credential;
    let secret = Credential::Secret(secrecy::SecretString::from(secret));
    glue::test_token(org_id, client_id, audience, secret).await
}

/// As `bots/test-token`, with an assertion signed by one of the bot's keys (`private_key_jwt`):
/// says which key signed it.
#[server(endpoint = "bots/test-key", input = Json, output = crate::model::wire::TextJson)]
pub async fn test_bot_key(
    org_id: String,
    client_id: String,
    audience: String,
    assertion: String,
) -> Result<TokenCheck, AppError> {
    use crate::server::service::bots::Credential;
    let assertion = Credential::Assertion(secrecy::SecretString::from(assertion));
    glue::test_token(org_id, client_id, audience, assertion).await
}

/// Adds a public key to the bot and puts it into use beside the one in use (a rotation's first step;
/// for a bot on its secret, the move to keys).
#[server(endpoint = "bots/key-add", input = Json, output = crate::model::wire::TextJson)]
pub async fn add_bot_key(
    org_id: String,
    client_id: String,
    name: String,
    pem: String,
    expires_on: String,
) -> Result<(), AppError> {
    use crate::server::policy::Action::ManageBots;
    use crate::server::service::bot_keys::{self, NewKey};
    let new = NewKey {
        name,
        pem,
        expires_on,
    };
    let done = change(&org_id, ManageBots, async |ctx, permit| {
        bot_keys::add(ctx, permit, &client_id, new).await
    });
    done.await.map(|_| ())
}

/// Takes a key out of use and deletes it (a rotation's last step).
#[server(endpoint = "bots/key-remove", input = Json, output = crate::model::wire::TextJson)]
pub async fn remove_bot_key(
    org_id: String,
    client_id: String,
    credential_id: String,
) -> Result<(), AppError> {
    use crate::server::policy::Action::ManageBots;
    use crate::server::service::bot_keys;
    let done = change(&org_id, ManageBots, async |ctx, permit| {
        bot_keys::remove(ctx, permit, &client_id, &credential_id).await
    });
    done.await
}

/// The organization's access requests that need another admin, newest first (pending ones read
/// as expired past their deadline).
#[server(endpoint = "approvals/list", input = Json, output = crate::model::wire::TextJson)]
pub async fn list_access_requests(org_id: String) -> Result<Vec<AccessRequest>, AppError> {
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.view(&org_id).await?;
    let viewer = call.user.user_id.clone();
    let all = crate::server::service::approvals::list(&call.ctx(), &permit)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(all.into_iter().map(|r| glue::request(r, &viewer)).collect())
}

/// Another admin approves (the access is granted with their permit) or rejects (with a reason) a
/// pending request.
#[server(endpoint = "approvals/decide", input = Json, output = crate::model::wire::TextJson)]
pub async fn decide_access_request(
    org_id: String,
    id: String,
    approve: bool,
    reason: String,
) -> Result<(), AppError> {
    use crate::server::policy::Action::ManageBots;
    use crate::server::service::approvals;
    let done = change(&org_id, ManageBots, async |ctx, permit| {
        approvals::decide(ctx, permit, &id, approve, &reason).await
    });
    done.await
}

/// Gives back the API access the credential policy took at expiry, once the credential is renewed.
#[server(endpoint = "bots/restore", input = Json, output = crate::model::wire::TextJson)]
pub async fn restore_bot_access(org_id: String, client_id: String) -> Result<(), AppError> {
    use crate::server::policy::Action::ManageBots;
    use crate::server::service::credential_expiry;
    let done = change(&org_id, ManageBots, async |ctx, permit| {
        credential_expiry::restore(ctx, permit, &client_id).await
    });
    done.await
}

/// Gives the bot a new owner: a member of the organization, by email.
#[server(endpoint = "bots/owner", input = Json, output = crate::model::wire::TextJson)]
pub async fn assign_bot_owner(
    org_id: String,
    client_id: String,
    email: String,
) -> Result<(), AppError> {
    use crate::server::policy::Action::ManageBots;
    use crate::server::service::credential_policy;
    let done = change(&org_id, ManageBots, async |ctx, permit| {
        credential_policy::assign_owner(ctx, permit, &client_id, &email).await
    });
    done.await
}

/// The organization's credential policy: the oldest a credential may be (0: no maximum), how many
/// days before that its admins are warned, whether access is revoked at expiry (with the way back on
/// the bot's page), and how often it starts an access review (0: never).
#[server(endpoint = "organization/policy", input = Json, output = crate::model::wire::TextJson)]
pub async fn set_credential_policy(
    org_id: String,
    max_age_days: u32,
    warn_days: u32,
    review_every_days: u32,
    revoke_at_expiry: bool,
) -> Result<(), AppError> {
    use crate::server::policy::Action::ManageOrganization;
    use crate::server::service::credential_policy::{self, Policy};
    let done = change(&org_id, ManageOrganization, async |ctx, permit| {
        credential_policy::set(
            ctx,
            permit,
            Policy {
                max_age_days,
                warn_days,
                review_every_days,
                revoke_at_expiry,
            },
        )
        .await
    });
    done.await
}

/// The organization's credential policy as it stands.
#[server(endpoint = "organization/policy-get", input = Json, output = crate::model::wire::TextJson)]
pub async fn credential_policy(
    org_id: String,
) -> Result<crate::model::bots::CredentialPolicy, AppError> {
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.view(&org_id).await?;
    let p = crate::server::service::credential_policy::get(&call.ctx(), permit.org_id())
        .await
        .map_err(|e| call.fail(e))?;
    Ok(crate::model::bots::CredentialPolicy {
        max_age_days: p.max_age_days,
        warn_days: p.warn_days,
        review_every_days: p.review_every_days,
        revoke_at_expiry: p.revoke_at_expiry,
    })
}
