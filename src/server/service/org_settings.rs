//! An organization's settings, changed by its admins: display name and branding (logo, colours).
//! The name people type at sign-in is not changed here. Each change is audited, kept for the desk's
//! header (`store::org_branding`) and ends the organization's cached reads.

use super::{audit_for, invalid, Ctx, ServiceError};
use std::collections::BTreeMap;

use crate::model::organization::{
    contrast, normal_hex, parse_hex, MetadataField, MetadataValue, OrgSettings, MIN_CONTRAST,
};
use crate::server::audit;
use crate::server::auth0::organizations::{Branding, Colors, Organization, OrganizationUpdate};
use crate::server::logo;
use crate::server::policy::{Permit, Proof};
use crate::server::store::org_branding;
use crate::server::text;

/// What the settings form sends.
pub struct Changes<'a> {
    pub display_name: &'a str,
    pub logo_url: &'a str,
    pub primary: &'a str,
    pub page_background: &'a str,
    /// Editable metadata keys with their typed values (an empty value removes the key).
    pub metadata: &'a [(String, String)],
}

/// The organization's settings as Auth0 has them now (also kept for the header), with the metadata
/// keys customers may edit.
pub async fn read(
    ctx: &Ctx<'_>,
    who: &impl Proof,
    fields: &[MetadataField],
) -> Result<OrgSettings, ServiceError> {
    let org = ctx.mgmt.organization(who.org_id()).await?;
    remember(ctx, &org).await;
    let mut settings = settings_of(&org);
    settings.metadata = fields
        .iter()
        .map(|field| MetadataValue {
            field: field.clone(),
            value: org.metadata.get(&field.key).cloned().unwrap_or_default(),
        })
        .collect();
    Ok(settings)
}

fn settings_of(org: &Organization) -> OrgSettings {
    let branding = org.branding.clone().unwrap_or_default();
    let colors = branding.colors.unwrap_or_default();
    OrgSettings {
        org_id: org.id.clone(),
        name: org.name.clone(),
        display_name: org.label().to_string(),
        logo_url: branding.logo_url.unwrap_or_default(),
        primary: colors.primary,
        page_background: colors.page_background,
        metadata: Vec::new(),
    }
}

/// Keeps what Auth0 says of the organization for the header; a failure only leaves the header stale.
pub async fn remember(ctx: &Ctx<'_>, org: &Organization) {
    let s = settings_of(org);
    let kept = org_branding::Branding {
        display_name: s.display_name,
        logo_url: s.logo_url,
        primary_color: normal_hex(&s.primary).unwrap_or_default(),
        page_background: normal_hex(&s.page_background).unwrap_or_default(),
    };
    if let Err(err) = org_branding::put(ctx.db, &org.id, &kept, ctx.clock.now_ms()).await {
        tracing::warn!(error = %err, "cannot keep the organization's branding");
    }
}

/// The changes, checked: a display name, an image at a public https address (or none), and two
/// colours with enough contrast (or neither).
async fn checked(
    changes: &Changes<'_>,
    reach: logo::Reach,
) -> Result<(String, Branding), ServiceError> {
    let display_name =
        text::clean_name(changes.display_name).map_err(|m| invalid("display_name", m))?;
    if display_name.is_empty() || display_name.chars().count() > 255 {
        return Err(invalid(
            "display_name",
            "Give the organization a name of 1 to 255 characters.",
        ));
    }
    let colors = match (changes.primary.trim(), changes.page_background.trim()) {
        ("", "") => None,
        (primary, background) => {
            let p = parse_hex(primary)
                .ok_or_else(|| invalid("primary", "Give the primary colour as #rrggbb."))?;
            let b = parse_hex(background).ok_or_else(|| {
                invalid("page_background", "Give the page background as #rrggbb.")
            })?;
            let ratio = contrast(p, b);
            if ratio < MIN_CONTRAST {
                return Err(invalid(
                    "primary",
                    format!("The primary colour on the page background has a contrast of {ratio:.1}:1; choose colours with at least {MIN_CONTRAST:.0}:1 so buttons stay readable."),
                ));
            }
            Some(Colors {
                primary: normal_hex(primary).unwrap_or_default(),
                page_background: normal_hex(background).unwrap_or_default(),
            })
        }
    };
    let logo_url = match changes.logo_url.trim() {
        "" => None,
        url => {
            if let Some(problem) = logo::problem(url, reach).await {
                return Err(invalid("logo_url", problem));
            }
            Some(url.to_string())
        }
    };
    Ok((display_name, Branding { logo_url, colors }))
}

/// The typed metadata checked against the vendor's declarations: each key with its new value, or
/// None to remove it. Empty when none are declared.
fn checked_metadata(
    typed: &[(String, String)],
    fields: &[MetadataField],
) -> Result<Vec<(String, Option<String>)>, ServiceError> {
    let mut checked = Vec::new();
    for (key, value) in typed {
        let Some(field) = fields.iter().find(|f| f.key == *key) else {
            return Err(invalid(
                "metadata",
                format!("`{}` cannot be edited here.", text::escaped(key)),
            ));
        };
        let value = value.trim();
        if value.chars().count() > field.max {
            return Err(invalid(
                "metadata",
                format!("{}: at most {} characters.", field.label, field.max),
            ));
        }
        if value.chars().any(|c| c.is_control() || text::invisible(c)) {
            return Err(invalid(
                "metadata",
                format!("{}: remove the invisible characters.", field.label),
            ));
        }
        if let Some(problem) = (!value.is_empty())
            .then(|| field.kind.problem(value))
            .flatten()
        {
            return Err(invalid("metadata", format!("{}: {problem}", field.label)));
        }
        checked.push((
            key.clone(),
            Some(value.to_string()).filter(|v| !v.is_empty()),
        ));
    }
    Ok(checked)
}

/// The organization's metadata with the checked values set over it (its other keys, orgdesk's own
/// among them, kept); None when the vendor declared no editable keys (metadata is then not sent).
fn merged(
    current: &BTreeMap<String, String>,
    checked: Vec<(String, Option<String>)>,
    fields: &[MetadataField],
) -> Option<BTreeMap<String, String>> {
    if fields.is_empty() {
        return None;
    }
    let mut merged = current.clone();
    for (key, value) in checked {
        match value {
            Some(value) => merged.insert(key, value),
            None => merged.remove(&key),
        };
    }
    Some(merged)
}

pub async fn update(
    ctx: &Ctx<'_>,
    permit: &Permit,
    changes: &Changes<'_>,
    reach: logo::Reach,
    fields: &[MetadataField],
) -> Result<(), ServiceError> {
    let log = audit_for(ctx, permit);
    // Everything typed is checked before Auth0 is asked anything.
    let checked_all = async {
        let (name, branding) = checked(changes, reach).await?;
        let metadata = checked_metadata(changes.metadata, fields)?;
        Ok::<_, ServiceError>((name, branding, metadata))
    };
    let (display_name, branding, metadata) = match checked_all.await {
        Ok(all) => all,
        Err(e) => {
            return Err(e
                .recorded(
                    &log,
                    audit::Action::OrganizationUpdate,
                    None,
                    audit::Result::Denied,
                )
                .await)
        }
    };
    let before = ctx.mgmt.organization(permit.org_id()).await?;
    let metadata = merged(&before.metadata, metadata, fields);
    let update = OrganizationUpdate {
        display_name: &display_name,
        branding: &branding,
        metadata: metadata.as_ref(),
    };
    if let Err(e) = ctx.mgmt.update_organization(permit.org_id(), &update).await {
        let e = ServiceError::from(e);
        return Err(e
            .recorded(
                &log,
                audit::Action::OrganizationUpdate,
                None,
                audit::Result::Failed,
            )
            .await);
    }
    let metadata_changed = metadata.as_ref().is_some_and(|m| *m != before.metadata);
    let after = Organization {
        display_name: Some(display_name),
        branding: Some(branding),
        metadata: metadata.unwrap_or_else(|| before.metadata.clone()),
        ..before.clone()
    };
    remember(ctx, &after).await;
    log.record(
        audit::Action::OrganizationUpdate,
        Some(permit.org_id()),
        audit::Result::Ok,
        &what_changed(
            &settings_of(&before),
            &settings_of(&after),
            metadata_changed,
        ),
    )
    .await;
    Ok(())
}

/// "display name, logo": the fields a change touched, for the audit log.
fn what_changed(before: &OrgSettings, after: &OrgSettings, metadata_changed: bool) -> String {
    let mut fields = Vec::new();
    if before.display_name != after.display_name {
        fields.push(format!("display name: {}", after.display_name));
    }
    if before.logo_url != after.logo_url {
        fields.push(if after.logo_url.is_empty() {
            "logo removed".to_string()
        } else {
            format!("logo: {}", after.logo_url)
        });
    }
    if before.primary != after.primary || before.page_background != after.page_background {
        fields.push(format!(
            "colours: {} on {}",
            after.primary, after.page_background
        ));
    }
    if metadata_changed {
        fields.push("details".to_string());
    }
    if fields.is_empty() {
        "no change".into()
    } else {
        fields.join("; ")
    }
}

/// Deletes the organization after its admin typed its sign-in name: its bots first (each deletion
/// journaled, grants and their associations with it, installers of its apps told), then the apps it
/// installed (their associations), then the organization — which ends its members, invitations and
/// remaining associations at Auth0. A failure part-way leaves the organization with what is left,
/// every removed bot wholly removed; deleting again finishes. The audit log stays for support staff.
pub async fn delete(ctx: &Ctx<'_>, permit: &Permit, typed_name: &str) -> Result<(), ServiceError> {
    let log = audit_for(ctx, permit);
    let org_id = permit.org_id();
    let org = ctx.mgmt.organization(org_id).await?;
    if typed_name.trim() != org.name {
        let refused = invalid(
            "confirm",
            format!(
                "Type the organization's sign-in name, {}, to delete it.",
                org.name
            ),
        );
        return Err(refused
            .recorded(
                &log,
                audit::Action::OrganizationDelete,
                None,
                audit::Result::Denied,
            )
            .await);
    }
    super::step_up(permit)?;
    let done = async {
        for (client_id, _) in crate::server::store::bots::names(ctx.db, org_id).await? {
            super::bots::delete(ctx, permit, &client_id).await?;
        }
        for (app, _) in crate::server::store::apps::installed_in(ctx.db, org_id).await? {
            super::apps::uninstall(ctx, permit, &app.app_id).await?;
        }
        ctx.mgmt.delete_organization(org_id).await?;
        Ok::<(), ServiceError>(())
    }
    .await;
    let detail = match &done {
        Ok(()) => format!("{} ({})", org.label(), org.name),
        Err(e) => e.audit_text(),
    };
    log.record(
        audit::Action::OrganizationDelete,
        Some(org_id),
        super::outcome(&done),
        &detail,
    )
    .await;
    done?;
    if let Err(err) = org_branding::forget(ctx.db, org_id).await {
        tracing::warn!(error = %err, "cannot forget the organization's branding");
    }
    // Its policy would start reviews of an organization that is gone; its reviews stay, as its log.
    if let Err(err) = crate::server::store::webhooks::forget_org(ctx.db, org_id).await {
        tracing::warn!(error = %err, "cannot forget a deleted organization's webhooks");
    }
    if let Err(err) = crate::server::store::credential_policies::forget(ctx.db, org_id).await {
        tracing::warn!(error = %err, "cannot forget the organization's credential policy");
    }
    Ok(())
}
