//! The organization's settings: its display name and branding (logo and the login page's colours,
//! with their contrast said as they are typed). The name people type at sign-in is shown, not
//! changed. One Management API read.

use leptos::prelude::*;

use super::org_param;
use crate::api::organization::load_org_settings;
use crate::components::feedback::{ErrorNote, Loading};
use crate::components::layout::PageTitle;
use crate::components::post::{ConfirmPost, PostForm};
use crate::model::organization::{contrast_note, MetadataKind, MetadataValue, OrgSettings};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let org = org_param().get_untracked();
    let settings = Resource::new(move || org.clone(), load_org_settings);
    view! {
        <PageTitle page="Settings"/>
        <h1>"Settings"</h1>
        <Suspense fallback=|| view! { <Loading what="the organization's settings"/> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(s) => view! { <SettingsForm s=s.clone()/> <PolicyForm org=s.org_id.clone()/> <DangerZone s/> }.into_any(),
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SettingsForm(s: OrgSettings) -> impl IntoView {
    let note = contrast_note(&s.primary, &s.page_background);
    let logo = (!s.logo_url.is_empty()).then(|| {
        view! { <p><img class="logo-preview" src=s.logo_url.clone() alt="Your current logo" height="48"/></p> }
    });
    view! {
        <PostForm class="form" labelledby="settings-title" endpoint="organization/update" hidden=vec![("org_id", s.org_id.clone())] pending="Saving…">
            <h2 id="settings-title" class="visually-hidden">"Organization settings"</h2>
            <div class="field">
                <label for="settings-display_name">"Organization name"</label>
                <input id="settings-display_name" name="display_name" required maxlength="255" value=s.display_name/>
            </div>
            <p class="small muted" data-testid="sign-in-name">
                "Sign-in name: " <code>{s.name}</code> " (people type it to sign in to your organization; it does not change)."
            </p>
            <fieldset>
                <legend>"Branding"</legend>
                <p class="small muted">"Shown in this desk's header and on your organization's login page."</p>
                {logo}
                <div class="field">
                    <label for="settings-logo_url">"Logo address"</label>
                    <input id="settings-logo_url" name="logo_url" type="url" inputmode="url" maxlength="1024"
                        placeholder="https://" value=s.logo_url aria-describedby="settings-logo-hint"/>
                    <p id="settings-logo-hint" class="small muted">
                        "The https address of a PNG, SVG, JPEG, GIF, WebP or AVIF image; orgdesk fetches it once to check. Leave empty for none."
                    </p>
                </div>
                <div class="field">
                    <label for="settings-primary">"Primary colour"</label>
                    <input id="settings-primary" name="primary" maxlength="7" placeholder="#635dff"
                        pattern="#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}" value=s.primary aria-describedby="settings-contrast"/>
                </div>
                <div class="field">
                    <label for="settings-page_background">"Page background"</label>
                    <input id="settings-page_background" name="page_background" maxlength="7" placeholder="#ffffff"
                        pattern="#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}" value=s.page_background aria-describedby="settings-contrast"/>
                </div>
                <output id="settings-contrast" data-contrast="settings-primary settings-page_background"
                    aria-live="polite" data-testid="contrast">{note}</output>
            </fieldset>
            {(!s.metadata.is_empty()).then(|| view! { <Details values=s.metadata.clone()/> })}
            <button type="submit" class="btn btn--primary">"Save settings"</button>
        </PostForm>
    }
}

/// The metadata keys the vendor lets customers edit: each posts its key, then its value (the
/// server pairs them in order).
#[component]
fn Details(values: Vec<MetadataValue>) -> impl IntoView {
    view! {
        <fieldset>
            <legend>"Details"</legend>
            {values.into_iter().map(|MetadataValue { field, value }| {
                let id = format!("settings-meta-{}", field.key);
                let hint = format!("{id}-hint");
                let what = match field.kind {
                    MetadataKind::Text => format!("Up to {} characters.", field.max),
                    MetadataKind::Email => "An email address.".to_string(),
                    MetadataKind::Number => "A whole number.".to_string(),
                    MetadataKind::Url => "An https address.".to_string(),
                };
                view! {
                    <div class="field">
                        <input type="hidden" name="metadata_keys" value=field.key.clone()/>
                        <label for=id.clone()>{field.label.clone()}</label>
                        <input id=id name="metadata_values" type=field.kind.input_type()
                            inputmode=(field.kind == MetadataKind::Number).then_some("numeric")
                            maxlength=field.max.to_string() value=value aria-describedby=hint.clone()/>
                        <p id=hint class="small muted">{what}</p>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// The organization's credential policy: the oldest a bot's secret or key may be, and the warning.
#[component]
fn PolicyForm(org: String) -> impl IntoView {
    let hidden = vec![("org_id", org.clone())];
    let policy = Resource::new(move || org.clone(), crate::api::bots::credential_policy);
    view! {
        <section class="panel" aria-labelledby="policy-title">
            <h2 id="policy-title">"Credential policy"</h2>
            <p class="small muted">"Bots whose secret or key is older than this show under Needs attention and in the bot list, with a warning before; they can also lose their access at expiry. An access review asks your admins to keep or remove every bot and admin."</p>
            <Suspense fallback=|| ()>
                {move || {
                    let hidden = hidden.clone();
                    Suspend::new(async move {
                        let p = policy.await.unwrap_or(crate::model::bots::CredentialPolicy {
                            warn_days: 14,
                            ..Default::default()
                        });
                        view! {
                            <PostForm class="form" labelledby="policy-title" endpoint="organization/policy" hidden pending="Saving…">
                                <div class="field">
                                    <label for="policy-max">"Maximum credential age (days; 0 for none)"</label>
                                    <input id="policy-max" name="max_age_days" type="number" min="0" max="730" required value=p.max_age_days.to_string()/>
                                </div>
                                <div class="field">
                                    <label for="policy-warn">"Warn this many days before"</label>
                                    <input id="policy-warn" name="warn_days" type="number" min="0" max="729" required value=p.warn_days.to_string()/>
                                </div>
                                <div class="field">
                                    <label for="policy-review">"Start an access review every (days; 0 for only when an admin starts one)"</label>
                                    <input id="policy-review" name="review_every_days" type="number" min="0" max="730" required value=p.review_every_days.to_string()/>
                                </div>
                                <div class="field">
                                    <label class="check" for="policy-revoke">
                                        <input id="policy-revoke" name="revoke_at_expiry" type="checkbox" checked=p.revoke_at_expiry aria-describedby="policy-revoke-hint"/>
                                        " Take away a bot's API access when its credential passes the maximum age"
                                    </label>
                                    <p id="policy-revoke-hint" class="small muted">"Recorded in the audit log. After rotating the bot's secret or adding a key, restore its access from the bot's page."</p>
                                </div>
                                <button type="submit" class="btn">"Save policy"</button>
                            </PostForm>
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

/// Leaving (not as the last admin) and deleting the organization, which asks for its sign-in name.
#[component]
fn DangerZone(s: OrgSettings) -> impl IntoView {
    let org = s.org_id.clone();
    let confirm_label = format!("Type {} to confirm", s.name);
    view! {
        <section class="panel danger-zone" aria-labelledby="danger-title">
            <h2 id="danger-title">"Leave or delete"</h2>
            <p>"Leave the organization: you lose access to it and to this desk. Its last admin cannot leave."</p>
            <ConfirmPost endpoint="organization/leave" hidden=vec![("org_id", org.clone())]
                label="Leave organization"
                question=format!("Leave {}? Only another admin can invite you back.", s.display_name)
                confirm="Leave"/>
            <PostForm class="form" labelledby="delete-title" endpoint="organization/delete" hidden=vec![("org_id", org)] pending="Deleting…">
                <h3 id="delete-title">"Delete the organization"</h3>
                <p>
                    "Deletes its bots (with their API access), the apps it installed, its invitations and memberships, then the organization itself. "
                    "It cannot be undone. The audit log is kept for the vendor's support staff."
                </p>
                <div class="field">
                    <label for="delete-confirm">{confirm_label}</label>
                    <input id="delete-confirm" name="confirm" required autocomplete="off" autocapitalize="none" spellcheck="false"/>
                </div>
                <button type="submit" class="btn btn--danger">"Delete organization"</button>
            </PostForm>
        </section>
    }
}
