//! Third-party apps. A publisher organization offers one of its bots to other organizations; each
//! installs it for itself. The bot's client grant never changes shape (`organization_usage=require`,
//! `allow_any_organization=false`): installing associates that grant with the installing organization
//! only, uninstalling removes only that association. Unpublishing stops new installs and leaves
//! existing ones to their owners (each organization consented for itself and can uninstall any time).

use std::collections::HashMap;

use super::bots::{self, GrantRow};
use super::journal::{self, Plan};
use super::{audit_for, audit_in, invalid, outcome, Ctx, ServiceError};
use crate::server::audit;
use crate::server::policy::Permit;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AppRow {
    pub app_id: String,
    pub client_id: String,
    pub publisher_org: String,
    pub publisher_name: String,
    pub description: String,
    pub audience: String,
    pub grant_id: String,
    pub scopes: String,
    /// 1 while new installs are allowed (an integer: both stores answer one).
    pub published: i64,
    pub created_at: String,
    pub name: String,
}

impl AppRow {
    pub fn is_published(&self) -> bool {
        self.published != 0
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InstallRow {
    pub app_id: String,
    pub org_id: String,
    pub org_name: String,
    pub installed_at: String,
    /// The client grant this organization was associated with (the app's, when it installed).
    pub grant_id: Option<String>,
}

/// The columns of an `InstallRow`.
const INSTALL_COLUMNS: &str = "app_id, org_id, org_name, installed_at, grant_id";

/// Apps with their bot's current name.
const APP_SELECT: &str =
    "SELECT a.app_id, a.client_id, a.publisher_org, a.publisher_name, a.description, a.audience,
    a.grant_id, a.scopes, a.published, a.created_at, COALESCE(b.name, a.client_id) AS name
    FROM apps a LEFT JOIN bots b ON b.client_id = a.client_id";

fn new_app_id() -> String {
    format!("app_{}", uuid::Uuid::new_v4().simple())
}

/// An installer's step, in its own log and in the publisher's ("app.install" / "app.installed").
async fn record_both(
    ctx: &Ctx<'_>,
    permit: &Permit,
    app: &AppRow,
    (here, there): (&str, &str),
    result: audit::Result,
    org_name: &str,
) {
    audit_for(ctx, permit)
        .record(here, Some(&app.app_id), result, &app.client_id)
        .await;
    audit_in(ctx, permit, &app.publisher_org)
        .record(there, Some(&app.app_id), result, &format!("by {org_name}"))
        .await;
}

pub fn validate_description(text: &str) -> Result<String, ServiceError> {
    let text =
        crate::server::text::clean_text(text, true).map_err(|m| invalid("description", m))?;
    let len = text.chars().count();
    if len < 10 {
        return Err(invalid(
            "description",
            "Describe what the app does in at least 10 characters.",
        ));
    }
    if len > 500 {
        return Err(invalid("description", "Use at most 500 characters."));
    }
    Ok(text)
}

pub async fn by_id(ctx: &Ctx<'_>, app_id: &str) -> Result<AppRow, ServiceError> {
    if !crate::server::ids::app(app_id) {
        return Err(ServiceError::Missing("That app"));
    }
    sqlx::query_as(&format!("{APP_SELECT} WHERE a.app_id = $1"))
        .bind(app_id)
        .fetch_optional(ctx.db)
        .await?
        .ok_or(ServiceError::Missing("That app"))
}

/// A published app, for a visitor who is not signed in (None when it is not offered).
pub async fn public(
    db: &crate::server::db::Db,
    app_id: &str,
) -> Result<Option<AppRow>, sqlx::Error> {
    if !crate::server::ids::app(app_id) {
        return Ok(None);
    }
    let app: Option<AppRow> = sqlx::query_as(&format!("{APP_SELECT} WHERE a.app_id = $1"))
        .bind(app_id)
        .fetch_optional(db)
        .await?;
    Ok(app.filter(AppRow::is_published))
}

pub async fn by_client(
    db: &crate::server::db::Db,
    client_id: &str,
) -> Result<Option<AppRow>, sqlx::Error> {
    sqlx::query_as(&format!("{APP_SELECT} WHERE a.client_id = $1"))
        .bind(client_id)
        .fetch_optional(db)
        .await
}

/// The app a bot is published as, with who installed it.
pub async fn as_app(
    db: &crate::server::db::Db,
    client_id: &str,
) -> Result<Option<(AppRow, Vec<InstallRow>)>, sqlx::Error> {
    let Some(app) = by_client(db, client_id).await? else {
        return Ok(None);
    };
    let list = installs(db, &app.app_id).await?;
    Ok(Some((app, list)))
}

pub async fn installs(
    db: &crate::server::db::Db,
    app_id: &str,
) -> Result<Vec<InstallRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {INSTALL_COLUMNS} FROM app_installs WHERE app_id = $1 ORDER BY org_name"
    ))
    .bind(app_id)
    .fetch_all(db)
    .await
}

/// The publisher's apps with their installs.
pub async fn published_by(
    ctx: &Ctx<'_>,
    permit: &Permit,
) -> Result<Vec<(AppRow, Vec<InstallRow>)>, ServiceError> {
    list_apps(ctx.db, Some(permit.org_id())).await
}

/// Every app (support console), or one publisher's, with their installs: two queries in all.
pub async fn list_apps(
    db: &crate::server::db::Db,
    publisher: Option<&str>,
) -> Result<Vec<(AppRow, Vec<InstallRow>)>, ServiceError> {
    let apps: Vec<AppRow> = sqlx::query_as(&format!(
        "{APP_SELECT} WHERE $1 IS NULL OR a.publisher_org = $1 ORDER BY a.created_at DESC"
    ))
    .bind(publisher)
    .fetch_all(db)
    .await?;
    let rows: Vec<InstallRow> = sqlx::query_as(
        "SELECT i.app_id, i.org_id, i.org_name, i.installed_at, i.grant_id FROM app_installs i
         JOIN apps a ON a.app_id = i.app_id WHERE $1 IS NULL OR a.publisher_org = $1 ORDER BY i.org_name",
    )
    .bind(publisher)
    .fetch_all(db)
    .await?;
    let mut installs: HashMap<String, Vec<InstallRow>> = HashMap::new();
    for row in rows {
        installs.entry(row.app_id.clone()).or_default().push(row);
    }
    Ok(apps
        .into_iter()
        .map(|app| {
            let list = installs.remove(&app.app_id).unwrap_or_default();
            (app, list)
        })
        .collect())
}

/// The apps this organization installed, newest install first: two queries in all.
pub async fn installed_in(
    ctx: &Ctx<'_>,
    permit: &Permit,
) -> Result<Vec<(AppRow, InstallRow)>, ServiceError> {
    let rows: Vec<InstallRow> = sqlx::query_as(&format!(
        "SELECT {INSTALL_COLUMNS} FROM app_installs WHERE org_id = $1 ORDER BY installed_at DESC"
    ))
    .bind(permit.org_id())
    .fetch_all(ctx.db)
    .await?;
    let apps: Vec<AppRow> = sqlx::query_as(&format!(
        "{APP_SELECT} WHERE a.app_id IN (SELECT app_id FROM app_installs WHERE org_id = $1)"
    ))
    .bind(permit.org_id())
    .fetch_all(ctx.db)
    .await?;
    let mut by_id: HashMap<String, AppRow> =
        apps.into_iter().map(|a| (a.app_id.clone(), a)).collect();
    Ok(rows
        .into_iter()
        .filter_map(|install| by_id.remove(&install.app_id).map(|app| (app, install)))
        .collect())
}

/// What the publisher asks for when publishing.
pub struct Offer<'a> {
    pub publisher_name: &'a str,
    pub client_id: &'a str,
    pub description: &'a str,
    pub audience: &'a str,
    pub scopes: &'a [String],
    /// The publisher saw and accepted that publishing changes the bot's own access (its one client
    /// grant for the API is what installers get too).
    pub change_access: bool,
}

fn listed(scopes: &[String]) -> String {
    scopes
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Refuses an offer that would give installers more than they approved: while any organization has
/// the app installed, it stays on the same API and its scopes may only narrow (Auth0 keeps one scope
/// set per client grant, shared by every organization associated with it).
fn within_consent(
    existing: &AppRow,
    installs: usize,
    audience: &str,
    scopes: &[String],
) -> Result<(), ServiceError> {
    if installs == 0 {
        return Ok(());
    }
    let orgs = if installs == 1 {
        "1 organization has".to_string()
    } else {
        format!("{installs} organizations have")
    };
    if existing.audience != audience {
        return Err(ServiceError::Conflict(format!(
            "{orgs} this app installed for {}. It can be published again only for that API; to offer another API, publish another bot as a new app.",
            existing.audience
        )));
    }
    let approved: Vec<String> = existing
        .scopes
        .split_whitespace()
        .map(String::from)
        .collect();
    let wider: Vec<String> = scopes
        .iter()
        .filter(|s| !approved.contains(s))
        .cloned()
        .collect();
    if !wider.is_empty() {
        return Err(ServiceError::Conflict(format!(
            "{orgs} this app installed and approved only {}. Publishing it with {} would give it more than they agreed to. Publish it with those scopes or fewer, or publish another bot as a new app.",
            listed(&approved),
            listed(&wider)
        )));
    }
    Ok(())
}

/// Publishes a bot of the caller's organization for `audience` with exactly `scopes`. The app and the
/// bot share the bot's client grant: scopes that differ from the grant's change what the bot itself
/// can do, so they need `change_access`.
pub async fn publish(
    ctx: &Ctx<'_>,
    permit: &Permit,
    offer: Offer<'_>,
) -> Result<AppRow, ServiceError> {
    let client_id = offer.client_id;
    let audience = offer.audience;
    let description = validate_description(offer.description)?;
    let scopes = match bots::validate_access(ctx, audience, offer.scopes) {
        Ok(s) => s,
        Err(e) => {
            audit_for(ctx, permit)
                .record(
                    "app.publish",
                    Some(client_id),
                    audit::Result::Denied,
                    &e.audit_text(),
                )
                .await;
            return Err(e);
        }
    };
    let (bot, _) = bots::owned(ctx, permit, client_id).await?;
    let existing = by_client(ctx.db, client_id).await?;
    let mut installed = Vec::new();
    if let Some(existing) = &existing {
        if existing.is_published() {
            return Err(ServiceError::Conflict(
                "This bot is already published as an app.".into(),
            ));
        }
        installed = installs(ctx.db, &existing.app_id).await?;
        if let Err(refused) = within_consent(existing, installed.len(), audience, &scopes) {
            audit_for(ctx, permit)
                .record(
                    "app.publish",
                    Some(&existing.app_id),
                    audit::Result::Denied,
                    &refused.audit_text(),
                )
                .await;
            return Err(refused);
        }
    }
    let grant: GrantRow = bots::stored(ctx.db, Some(permit.org_id()))
        .await?
        .into_iter()
        .find(|(b, _)| b.client_id == bot.client_id)
        .and_then(|(_, grants)| grants.into_iter().find(|g| g.audience == audience))
        .ok_or_else(|| {
            invalid(
                "api",
                "Give the bot access to this API first; the app uses that access.",
            )
        })?;
    // The grant must still be what orgdesk made: for one organization at a time, never any.
    let live = ctx.mgmt.grants_of(client_id).await?;
    let Some(upstream) = live.iter().find(|g| g.id == grant.grant_id) else {
        return Err(ServiceError::Conflict(
            "The bot's access was changed outside orgdesk; grant it again first.".into(),
        ));
    };
    if upstream.organization_usage.as_deref() != Some("require")
        || upstream.allow_any_organization == Some(true)
    {
        return Err(ServiceError::Conflict(
            "The bot's grant was opened up outside orgdesk; an app's grant must require an organization.".into(),
        ));
    }
    let mut have: Vec<String> = upstream.scope.clone();
    have.sort();
    if have != scopes {
        if !offer.change_access {
            let added: Vec<String> = scopes
                .iter()
                .filter(|s| !have.contains(s))
                .cloned()
                .collect();
            let removed: Vec<String> = have
                .iter()
                .filter(|s| !scopes.contains(s))
                .cloned()
                .collect();
            let mut what = Vec::new();
            if !added.is_empty() {
                what.push(format!("gives it {}", listed(&added)));
            }
            if !removed.is_empty() {
                what.push(format!("takes away {}", listed(&removed)));
            }
            return Err(ServiceError::Conflict(format!(
                "The app uses the bot's own access, so publishing with these scopes also changes what {} can do in your organization: it {}. Confirm the change to publish.",
                bot.name,
                what.join(" and ")
            )));
        }
        bots::set_scopes(ctx, permit, &grant.grant_id, &scopes).await?;
        audit_for(ctx, permit)
            .record(
                "bot.change_scopes",
                Some(client_id),
                audit::Result::Ok,
                &format!("{audience} {} (to publish it as an app)", scopes.join(" ")),
            )
            .await;
    }
    let app_id = new_app_id();
    sqlx::query(
        "INSERT INTO apps (app_id, client_id, publisher_org, publisher_name, description, audience, grant_id, scopes, published, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10)
         ON CONFLICT (client_id) DO UPDATE SET description = excluded.description, audience = excluded.audience,
           grant_id = excluded.grant_id, scopes = excluded.scopes, published = 1, publisher_name = excluded.publisher_name",
    )
    .bind(&app_id)
    .bind(client_id)
    .bind(permit.org_id())
    .bind(offer.publisher_name)
    .bind(&description)
    .bind(audience)
    .bind(&grant.grant_id)
    .bind(scopes.join(" "))
    .bind(permit.user_id())
    .bind(ctx.clock.rfc3339())
    .execute(ctx.db)
    .await?;
    let app = by_client(ctx.db, client_id)
        .await?
        .ok_or(ServiceError::Missing("That app"))?;
    audit_for(ctx, permit)
        .record(
            "app.publish",
            Some(&app.app_id),
            audit::Result::Ok,
            &format!("{} {audience} {}", bot.name, scopes.join(" ")),
        )
        .await;
    // Installers whose approval now covers less are told in their own log.
    if let Some(before) = existing.filter(|_| !installed.is_empty()) {
        let dropped: Vec<&str> = before
            .scopes
            .split_whitespace()
            .filter(|s| !scopes.iter().any(|k| k == s))
            .collect();
        if !dropped.is_empty() {
            for install in &installed {
                audit_in(ctx, permit, &install.org_id)
                    .record(
                        "app.narrowed",
                        Some(&app.app_id),
                        audit::Result::Ok,
                        &format!(
                            "the publisher {} no longer asks for {}",
                            offer.publisher_name,
                            dropped.join(" ")
                        ),
                    )
                    .await;
            }
        }
    }
    Ok(app)
}

async fn own_app(ctx: &Ctx<'_>, permit: &Permit, app_id: &str) -> Result<AppRow, ServiceError> {
    let app = by_id(ctx, app_id).await?;
    if app.publisher_org != permit.org_id() {
        return Err(ServiceError::Missing("That app"));
    }
    Ok(app)
}

/// Stops new installs; existing installs stay with their organizations.
pub async fn unpublish(ctx: &Ctx<'_>, permit: &Permit, app_id: &str) -> Result<(), ServiceError> {
    let app = own_app(ctx, permit, app_id).await?;
    sqlx::query("UPDATE apps SET published = 0 WHERE app_id = $1")
        .bind(&app.app_id)
        .execute(ctx.db)
        .await?;
    audit_for(ctx, permit)
        .record("app.unpublish", Some(&app.app_id), audit::Result::Ok, "")
        .await;
    Ok(())
}

/// The caller's organization's install of the app, if any.
async fn install_of(
    ctx: &Ctx<'_>,
    app_id: &str,
    org_id: &str,
) -> Result<Option<InstallRow>, ServiceError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {INSTALL_COLUMNS} FROM app_installs WHERE app_id = $1 AND org_id = $2"
    ))
    .bind(app_id)
    .bind(org_id)
    .fetch_optional(ctx.db)
    .await?)
}

/// An app as the caller's organization may see it: offered to everyone while published; after that
/// only to its publisher and the organizations that have it installed.
pub async fn visible(
    ctx: &Ctx<'_>,
    permit: &Permit,
    app_id: &str,
) -> Result<(AppRow, Option<InstallRow>), ServiceError> {
    let app = by_id(ctx, app_id).await?;
    let install = install_of(ctx, &app.app_id, permit.org_id()).await?;
    if app.is_published() || app.publisher_org == permit.org_id() || install.is_some() {
        Ok((app, install))
    } else {
        Err(ServiceError::Missing("That app"))
    }
}

/// When the caller's organization declined the app (RFC 3339), if it did.
pub async fn declined_at(
    ctx: &Ctx<'_>,
    app_id: &str,
    org_id: &str,
) -> Result<Option<String>, ServiceError> {
    Ok(
        sqlx::query_scalar(
            "SELECT declined_at FROM app_declines WHERE app_id = $1 AND org_id = $2",
        )
        .bind(app_id)
        .bind(org_id)
        .fetch_optional(ctx.db)
        .await?,
    )
}

/// Installs a published app for the caller's organization: its own association, nobody else's.
pub async fn install(
    ctx: &Ctx<'_>,
    permit: &Permit,
    org_name: &str,
    app_id: &str,
) -> Result<(), ServiceError> {
    let (app, install) = visible(ctx, permit, app_id).await?;
    let refused = if install.is_some() {
        Some("Your organization already has this app installed.")
    } else if !app.is_published() {
        Some("This app is no longer offered for new installs.")
    } else if app.publisher_org == permit.org_id() {
        Some("This is your own organization's app; it already works for you.")
    } else {
        None
    };
    if let Some(reason) = refused {
        audit_for(ctx, permit)
            .record(
                "app.install",
                Some(&app.app_id),
                audit::Result::Denied,
                reason,
            )
            .await;
        return Err(ServiceError::Conflict(reason.into()));
    }
    let installed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM app_installs WHERE org_id = $1")
        .bind(permit.org_id())
        .fetch_one(ctx.db)
        .await?;
    super::within_cap(
        installed,
        ctx.limits.max_installs,
        "apps installed",
        "Uninstall an app you no longer use first.",
    )?;
    let op_id = journal::open(
        ctx.db,
        ctx.clock.as_ref(),
        Plan {
            kind: "app.install",
            org_id: permit.org_id(),
            grant_id: Some(&app.grant_id),
            target: Some(&app.app_id),
            ..Plan::default()
        },
    )
    .await?;
    let steps = async {
        ctx.mgmt.associate(permit.org_id(), &app.grant_id).await?;
        let mut tx = ctx.db.begin().await?;
        sqlx::query(
            "INSERT INTO app_installs (app_id, org_id, org_name, installed_by, installed_at, grant_id) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (app_id, org_id) DO NOTHING",
        )
        .bind(&app.app_id)
        .bind(permit.org_id())
        .bind(org_name)
        .bind(permit.user_id())
        .bind(ctx.clock.rfc3339())
        .bind(&app.grant_id)
        .execute(&mut *tx)
        .await?;
        // Installing after declining is a change of mind: the decline no longer stands.
        sqlx::query("DELETE FROM app_declines WHERE app_id = $1 AND org_id = $2")
            .bind(&app.app_id)
            .bind(permit.org_id())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        journal::close(ctx.db, ctx.clock.as_ref(), &op_id, "done").await?;
        Ok::<(), ServiceError>(())
    };
    let done = steps.await;
    if done.is_err() {
        // An association whose answer was lost would otherwise grant access nobody sees.
        super::settle_now(ctx, &op_id).await;
    }
    let result = outcome(&done);
    record_both(
        ctx,
        permit,
        &app,
        ("app.install", "app.installed"),
        result,
        org_name,
    )
    .await;
    done
}

/// Records that the caller's organization said no (nothing changes upstream). Only an organization
/// that could install the app can decline it, once: a repeated decline writes nothing more.
pub async fn decline(
    ctx: &Ctx<'_>,
    permit: &Permit,
    org_name: &str,
    app_id: &str,
) -> Result<(), ServiceError> {
    let (app, install) = visible(ctx, permit, app_id).await?;
    let refused = if install.is_some() {
        Some("Your organization has this app installed. To stop it, uninstall it from your Apps page.")
    } else if app.publisher_org == permit.org_id() {
        Some("This is your own organization's app.")
    } else if !app.is_published() {
        Some("This app is no longer offered, so there is nothing to decline.")
    } else {
        None
    };
    if let Some(reason) = refused {
        return Err(ServiceError::Conflict(reason.into()));
    }
    let first = sqlx::query(
        "INSERT INTO app_declines (app_id, org_id, declined_by, declined_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (app_id, org_id) DO NOTHING",
    )
    .bind(&app.app_id)
    .bind(permit.org_id())
    .bind(permit.user_id())
    .bind(ctx.clock.rfc3339())
    .execute(ctx.db)
    .await?
    .rows_affected()
        == 1;
    if first {
        record_both(
            ctx,
            permit,
            &app,
            ("app.decline", "app.declined"),
            audit::Result::Ok,
            org_name,
        )
        .await;
    }
    Ok(())
}

/// Removes the caller's organization's association, and only that.
pub async fn uninstall(ctx: &Ctx<'_>, permit: &Permit, app_id: &str) -> Result<(), ServiceError> {
    let app = by_id(ctx, app_id).await?;
    let Some(install) = install_of(ctx, &app.app_id, permit.org_id()).await? else {
        return Err(ServiceError::Missing("That installed app"));
    };
    // The association this organization made, even if the app has moved to another grant since.
    let grant_id = install
        .grant_id
        .clone()
        .unwrap_or_else(|| app.grant_id.clone());
    let op_id = journal::open(
        ctx.db,
        ctx.clock.as_ref(),
        Plan {
            kind: "app.uninstall",
            org_id: permit.org_id(),
            grant_id: Some(&grant_id),
            target: Some(&app.app_id),
            ..Plan::default()
        },
    )
    .await?;
    // On failure the operation stays open: a retry or the recovery pass finishes the uninstall.
    let steps = async {
        ctx.mgmt.dissociate(permit.org_id(), &grant_id).await?;
        sqlx::query("DELETE FROM app_installs WHERE app_id = $1 AND org_id = $2")
            .bind(&app.app_id)
            .bind(permit.org_id())
            .execute(ctx.db)
            .await?;
        journal::close(ctx.db, ctx.clock.as_ref(), &op_id, "done").await?;
        Ok::<(), ServiceError>(())
    };
    let done = steps.await;
    let result = outcome(&done);
    record_both(
        ctx,
        permit,
        &app,
        ("app.uninstall", "app.uninstalled"),
        result,
        &install.org_name,
    )
    .await;
    done
}

/// Refuses a change to a published app's grant: installers approved exactly these scopes.
pub async fn guard_grant(
    ctx: &Ctx<'_>,
    client_id: &str,
    audience: &str,
) -> Result<(), ServiceError> {
    match by_client(ctx.db, client_id).await? {
        Some(app) if app.audience == audience => Err(ServiceError::Conflict(
            "This access is published as an app: other organizations approved exactly these scopes. Unpublish it and have them uninstall it first, or delete the bot.".into(),
        )),
        _ => Ok(()),
    }
}

/// After the bot itself is deleted: every installer is told in its own log, and the app goes.
pub async fn bot_deleted(
    ctx: &Ctx<'_>,
    permit: &Permit,
    client_id: &str,
) -> Result<(), ServiceError> {
    let Some(app) = by_client(ctx.db, client_id).await? else {
        return Ok(());
    };
    for install in installs(ctx.db, &app.app_id).await? {
        audit_in(ctx, permit, &install.org_id)
            .record(
                "app.removed",
                Some(&app.app_id),
                audit::Result::Ok,
                &format!("the publisher {} deleted it", app.publisher_name),
            )
            .await;
    }
    sqlx::query("DELETE FROM apps WHERE app_id = $1")
        .bind(&app.app_id)
        .execute(ctx.db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(audience: &str, scopes: &str) -> AppRow {
        AppRow {
            app_id: "app_0123456789abcdef0123456789abcdef".into(),
            client_id: "c".into(),
            publisher_org: "org_a".into(),
            publisher_name: "A".into(),
            description: "d".into(),
            audience: audience.into(),
            grant_id: "cgr_1".into(),
            scopes: scopes.into(),
            published: 0,
            created_at: String::new(),
            name: "n".into(),
        }
    }

    fn scopes(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn installed_apps_keep_their_api_and_may_only_narrow() {
        let before = app("https://api/", "read:a read:b");
        // Nobody installed it: anything goes.
        assert!(within_consent(&before, 0, "https://other/", &scopes(&["write:c"])).is_ok());
        // Installed: the same or fewer scopes, on the same API only.
        assert!(within_consent(&before, 2, "https://api/", &scopes(&["read:a", "read:b"])).is_ok());
        assert!(within_consent(&before, 2, "https://api/", &scopes(&["read:b"])).is_ok());
        let wider = within_consent(&before, 2, "https://api/", &scopes(&["read:a", "write:c"]));
        assert!(
            matches!(&wider, Err(ServiceError::Conflict(m)) if m.contains("2 organizations") && m.contains("`write:c`")),
            "{wider:?}"
        );
        let moved = within_consent(&before, 1, "https://other/", &scopes(&["read:a"]));
        assert!(
            matches!(&moved, Err(ServiceError::Conflict(m)) if m.contains("only for that API")),
            "{moved:?}"
        );
    }
}
