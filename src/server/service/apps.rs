//! Third-party apps. A publisher organization offers one of its bots to other organizations; each
//! installs it for itself. The bot's client grant never changes shape (`organization_usage=require`,
//! `allow_any_organization=false`): installing associates that grant with the installing organization
//! only, uninstalling removes only that association. Unpublishing stops new installs and leaves
//! existing ones to their owners (each organization consented for itself and can uninstall any time).

use super::bots::{self, GrantRow};
use super::journal::{self, Kind, Plan, Rest};
use super::{audit_for, audit_in, invalid, outcome, Ctx, ServiceError};
use crate::server::audit;

const DENIED: audit::Result = audit::Result::Denied;
use crate::server::policy::{Permit, Proof};

use crate::server::store::apps as store;
pub use crate::server::store::apps::{AppRow, InstallRow};

fn new_app_id() -> String {
    format!("app_{}", uuid::Uuid::new_v4().simple())
}

/// An installer's step, in its own log and in the publisher's ("app.install" / "app.installed").
async fn record_both(
    ctx: &Ctx<'_>,
    permit: &Permit,
    app: &AppRow,
    (here, there): (audit::Action, audit::Action),
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
    store::by_id(ctx.db, app_id)
        .await?
        .ok_or(ServiceError::Missing("That app"))
}

/// A published app, for a visitor who is not signed in (None when it is not offered).
pub async fn public(
    db: &crate::server::store::Db,
    app_id: &str,
) -> Result<Option<AppRow>, sqlx::Error> {
    if !crate::server::ids::app(app_id) {
        return Ok(None);
    }
    Ok(store::by_id(db, app_id).await?.filter(AppRow::is_published))
}

/// The app a bot is published as, with who installed it.
pub async fn as_app(
    db: &crate::server::store::Db,
    client_id: &str,
) -> Result<Option<(AppRow, Vec<InstallRow>)>, sqlx::Error> {
    let Some(app) = store::by_client(db, client_id).await? else {
        return Ok(None);
    };
    let list = store::installs(db, &app.app_id).await?;
    Ok(Some((app, list)))
}

/// The publisher's apps with their installs.
pub async fn published_by(
    ctx: &Ctx<'_>,
    who: &impl Proof,
) -> Result<Vec<(AppRow, Vec<InstallRow>)>, ServiceError> {
    Ok(store::with_installs(ctx.db, Some(who.org_id())).await?)
}

/// The apps this organization installed, newest install first: two queries in all.
pub async fn installed_in(
    ctx: &Ctx<'_>,
    who: &impl Proof,
) -> Result<Vec<(AppRow, InstallRow)>, ServiceError> {
    Ok(store::installed_in(ctx.db, who.org_id()).await?)
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
    let log = audit_for(ctx, permit);
    let scopes = match bots::validate_access(ctx, audience, offer.scopes) {
        Ok(s) => s,
        Err(e) => {
            let target = Some(client_id);
            return Err(e
                .recorded(&log, audit::Action::AppPublish, target, DENIED)
                .await);
        }
    };
    // An installer's association would let the publisher's bot call orgdesk's own API for the
    // installing organization: orgdesk's API is never offered across organizations.
    if ctx.identity.api_audience.as_deref() == Some(audience) {
        let e = super::invalid(
            "api",
            "orgdesk's own API cannot be offered to other organizations.",
        );
        return Err(e
            .recorded(&log, audit::Action::AppPublish, Some(client_id), DENIED)
            .await);
    }
    let (bot, _) = bots::owned(ctx, permit, client_id).await?;
    let existing = store::by_client(ctx.db, client_id).await?;
    let installed = match &existing {
        Some(existing) => republishable(ctx, &log, existing, audience, &scopes).await?,
        None => Vec::new(),
    };
    let (grant, have) = publishable_grant(ctx, client_id, audience).await?;
    if have != scopes {
        if !offer.change_access {
            return Err(ServiceError::Conflict(access_change(
                &bot.name, &have, &scopes,
            )));
        }
        bots::set_scopes(ctx, permit, &grant.grant_id, &scopes).await?;
        log.record(
            audit::Action::BotChangeScopes,
            Some(client_id),
            audit::Result::Ok,
            &format!("{audience} {} (to publish it as an app)", scopes.join(" ")),
        )
        .await;
    }
    let app_id = new_app_id();
    store::publish(
        ctx.db,
        store::Published {
            app_id: &app_id,
            client_id,
            publisher_org: permit.org_id(),
            publisher_name: offer.publisher_name,
            description: &description,
            audience,
            grant_id: &grant.grant_id,
            scopes: &scopes.join(" "),
            created_by: permit.user_id(),
            now: &ctx.clock.rfc3339(),
        },
    )
    .await?;
    let app = store::by_client(ctx.db, client_id)
        .await?
        .ok_or(ServiceError::Missing("That app"))?;
    log.record(
        audit::Action::AppPublish,
        Some(&app.app_id),
        audit::Result::Ok,
        &format!("{} {audience} {}", bot.name, scopes.join(" ")),
    )
    .await;
    if let Some(before) = existing.filter(|_| !installed.is_empty()) {
        tell_narrowed(
            ctx,
            permit,
            &app,
            &before,
            &installed,
            &scopes,
            offer.publisher_name,
        )
        .await;
    }
    Ok(app)
}

/// An app this bot was published as before may be offered again only within what its installers
/// approved. Their installs, to tell them if it narrowed.
async fn republishable(
    ctx: &Ctx<'_>,
    log: &audit::Audit<'_>,
    existing: &AppRow,
    audience: &str,
    scopes: &[String],
) -> Result<Vec<InstallRow>, ServiceError> {
    if existing.is_published() {
        return Err(ServiceError::Conflict(
            "This bot is already published as an app.".into(),
        ));
    }
    let installed = store::installs(ctx.db, &existing.app_id).await?;
    if let Err(refused) = within_consent(existing, installed.len(), audience, scopes) {
        let target = Some(existing.app_id.as_str());
        return Err(refused
            .recorded(log, audit::Action::AppPublish, target, DENIED)
            .await);
    }
    Ok(installed)
}

/// The bot's grant for `audience`, still what orgdesk made (for one organization at a time, never
/// any), with its live scopes sorted.
async fn publishable_grant(
    ctx: &Ctx<'_>,
    client_id: &str,
    audience: &str,
) -> Result<(GrantRow, Vec<String>), ServiceError> {
    let grant: GrantRow = crate::server::store::bots::grants_of(ctx.db, client_id)
        .await?
        .into_iter()
        .find(|g| g.audience == audience)
        .ok_or_else(|| {
            invalid(
                "api",
                "Give the bot access to this API first; the app uses that access.",
            )
        })?;
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
    let mut have = upstream.scope.clone();
    have.sort();
    Ok((grant, have))
}

/// Why publishing with `scopes` needs the publisher's confirmation: it changes what the bot itself
/// can do (the app shares the bot's grant).
fn access_change(bot_name: &str, have: &[String], scopes: &[String]) -> String {
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
    format!(
        "The app uses the bot's own access, so publishing with these scopes also changes what {bot_name} can do in your organization: it {}. Confirm the change to publish.",
        what.join(" and ")
    )
}

/// Installers whose approval now covers less are told in their own log.
async fn tell_narrowed(
    ctx: &Ctx<'_>,
    permit: &Permit,
    app: &AppRow,
    before: &AppRow,
    installed: &[InstallRow],
    scopes: &[String],
    publisher_name: &str,
) {
    let dropped: Vec<&str> = before
        .scopes
        .split_whitespace()
        .filter(|s| !scopes.iter().any(|k| k == s))
        .collect();
    if dropped.is_empty() {
        return;
    }
    for install in installed {
        audit_in(ctx, permit, &install.org_id)
            .record(
                audit::Action::AppNarrowed,
                Some(&app.app_id),
                audit::Result::Ok,
                &format!(
                    "the publisher {publisher_name} no longer asks for {}",
                    dropped.join(" ")
                ),
            )
            .await;
    }
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
    store::unpublish(ctx.db, &app.app_id).await?;
    audit_for(ctx, permit)
        .record(
            audit::Action::AppUnpublish,
            Some(&app.app_id),
            audit::Result::Ok,
            "",
        )
        .await;
    Ok(())
}

/// An app as the caller's organization may see it: offered to everyone while published; after that
/// only to its publisher and the organizations that have it installed.
pub async fn visible(
    ctx: &Ctx<'_>,
    who: &impl Proof,
    app_id: &str,
) -> Result<(AppRow, Option<InstallRow>), ServiceError> {
    let app = by_id(ctx, app_id).await?;
    let install = store::install_of(ctx.db, &app.app_id, who.org_id()).await?;
    if app.is_published() || app.publisher_org == who.org_id() || install.is_some() {
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
    Ok(store::declined_at(ctx.db, app_id, org_id).await?)
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
                audit::Action::AppInstall,
                Some(&app.app_id),
                audit::Result::Denied,
                reason,
            )
            .await;
        return Err(ServiceError::Conflict(reason.into()));
    }
    let installed = store::install_count(ctx.db, permit.org_id()).await?;
    super::within_cap(
        installed,
        ctx.limits.max_installs,
        "apps installed",
        "Uninstall an app you no longer use first.",
    )?;
    // Installing grants another organization's app access to this one's data.
    super::step_up(permit)?;
    let plan = Plan::new(Kind::AppInstall, permit.org_id())
        .grant(&app.grant_id)
        .target(&app.app_id);
    let op_id = journal::open(ctx.db, ctx.clock.as_ref(), plan).await?;
    let steps = async {
        ctx.mgmt.associate(permit.org_id(), &app.grant_id).await?;
        store::install(
            ctx.db,
            store::Installed {
                app_id: &app.app_id,
                org_id: permit.org_id(),
                org_name,
                installed_by: permit.user_id(),
                grant_id: &app.grant_id,
                now: &ctx.clock.rfc3339(),
            },
        )
        .await?;
        journal::close(ctx.db, ctx.clock.as_ref(), &op_id, Rest::Done).await?;
        Ok::<(), ServiceError>(())
    };
    let done = steps.await;
    if done.is_err() {
        // An association whose answer was lost would otherwise grant access nobody sees.
        super::settle_now(ctx, permit, &op_id).await;
    }
    let result = outcome(&done);
    record_both(
        ctx,
        permit,
        &app,
        (audit::Action::AppInstall, audit::Action::AppInstalled),
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
    let first = store::decline(
        ctx.db,
        &app.app_id,
        permit.org_id(),
        permit.user_id(),
        &ctx.clock.rfc3339(),
    )
    .await?;
    if first {
        record_both(
            ctx,
            permit,
            &app,
            (audit::Action::AppDecline, audit::Action::AppDeclined),
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
    let Some(install) = store::install_of(ctx.db, &app.app_id, permit.org_id()).await? else {
        return Err(ServiceError::Missing("That installed app"));
    };
    // The association this organization made, even if the app has moved to another grant since.
    let grant_id = install
        .grant_id
        .clone()
        .unwrap_or_else(|| app.grant_id.clone());
    let plan = Plan::new(Kind::AppUninstall, permit.org_id())
        .grant(&grant_id)
        .target(&app.app_id);
    // The journal's own steps for an uninstall: left open on failure, a retry or the recovery pass
    // finishes it.
    let log = audit_for(ctx, permit);
    let done = journal::run(ctx.db, ctx.clock.as_ref(), ctx.mgmt, plan, &log)
        .await
        .map(|_| ());
    let result = outcome(&done);
    record_both(
        ctx,
        permit,
        &app,
        (audit::Action::AppUninstall, audit::Action::AppUninstalled),
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
    match store::by_client(ctx.db, client_id).await? {
        Some(app) if app.audience == audience => Err(ServiceError::Conflict(
            "This access is published as an app: other organizations approved exactly these scopes. Unpublish it and have them uninstall it first, or delete the bot.".into(),
        )),
        _ => Ok(()),
    }
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
