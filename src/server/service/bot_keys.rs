//! A bot's keys (`private_key_jwt`): public keys the admin pastes — orgdesk never sees a private
//! key. Auth0 keeps at most two per client, so a rotation without downtime is: add the new key (both
//! work), see a token issued with it, remove the old one. Adding is journaled: the key is stored,
//! then put into use; a failure or a killed process leaves no stored key that is not in use.

use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;

use super::bots::owned;
use super::journal::{self, Kind, Plan, Rest};
use super::{audit_for, Ctx, ServiceError};
use crate::server::audit;
use crate::server::auth0::credentials::{KeyCredential, MAX_KEYS};
use crate::server::auth0::{ApiError, ManagementClient};
use crate::server::policy::{Permit, Proof};

/// The smallest RSA key Auth0 takes for `private_key_jwt` (RS256).
const MIN_BITS: usize = 2048;
const MAX_PEM: usize = 16 * 1024;
const MAX_NAME: usize = 100;

/// One key of a bot, and whether the bot authenticates with it now.
#[derive(Debug, Clone)]
pub struct KeyRow {
    pub credential: KeyCredential,
    pub in_use: bool,
}

/// A key as the admin gives it: a public key in PEM, a name, and an optional last day.
pub struct NewKey {
    pub name: String,
    pub pem: String,
    /// `YYYY-MM-DD`, or empty for no expiry.
    pub expires_on: String,
}

fn invalid(field: &'static str, message: impl Into<String>) -> ServiceError {
    ServiceError::Invalid {
        field,
        message: message.into(),
    }
}

/// The public key, checked: RSA of 2048 bits or more, in the `BEGIN PUBLIC KEY` form. A private
/// key pasted by mistake is refused without being kept or echoed anywhere.
pub fn validate_pem(pem: &str) -> Result<String, ServiceError> {
    let pem = pem.trim();
    if pem.contains("PRIVATE KEY") {
        return Err(invalid(
            "pem",
            "That is a private key: it must stay on the machine that runs the bot. Paste the public key (the bot.pub file) instead — and since it was pasted here, consider making a new pair.",
        ));
    }
    if pem.is_empty() || pem.len() > MAX_PEM {
        return Err(invalid(
            "pem",
            "Paste the bot's public key, from -----BEGIN PUBLIC KEY----- to -----END PUBLIC KEY-----.",
        ));
    }
    if pem.contains("BEGIN RSA PUBLIC KEY") {
        return Err(invalid(
            "pem",
            "That key is in the older PKCS#1 form. Convert it with: openssl rsa -RSAPublicKey_in -in bot.pub -pubout",
        ));
    }
    let key = rsa::RsaPublicKey::from_public_key_pem(pem).map_err(|_| {
        invalid(
            "pem",
            "That is not an RSA public key in PEM form (-----BEGIN PUBLIC KEY-----).",
        )
    })?;
    let bits = key.n().bits();
    if bits < MIN_BITS {
        return Err(invalid(
            "pem",
            format!("That key has {bits} bits; Auth0 wants {MIN_BITS} or more."),
        ));
    }
    Ok(pem.to_string())
}

/// The last day as Auth0's `expires_at` (the end of that day, UTC), or None; it must be ahead.
pub fn validate_expiry(
    text: &str,
    now: time::OffsetDateTime,
) -> Result<Option<String>, ServiceError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(text, &format)
        .map_err(|_| invalid("expires_on", "Give the last day as a date (YYYY-MM-DD)."))?;
    if day <= now.date() {
        return Err(invalid("expires_on", "The last day must be after today."));
    }
    if day > now.date().saturating_add(time::Duration::days(5 * 366)) {
        return Err(invalid(
            "expires_on",
            "Choose a last day within five years.",
        ));
    }
    Ok(Some(format!("{day}T23:59:59.000Z")))
}

fn validate_name(name: &str) -> Result<String, ServiceError> {
    let name = name.trim();
    if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(invalid(
            "name",
            format!("A key's name is at most {MAX_NAME} characters."),
        ));
    }
    Ok(name.to_string())
}

/// Every key the bot has, and which it authenticates with (a view may be read moments ago).
pub async fn keys(
    ctx: &Ctx<'_>,
    who: &impl Proof,
    client_id: &str,
) -> Result<Vec<KeyRow>, ServiceError> {
    owned(ctx, who, client_id).await?;
    let read = async {
        let (all, in_use) = tokio::try_join!(
            ctx.mgmt.key_credentials(client_id),
            ctx.mgmt.keys_in_use(client_id)
        )?;
        Ok::<_, ApiError>(
            all.into_iter()
                .map(|credential| KeyRow {
                    in_use: in_use.contains(&credential.id),
                    credential,
                })
                .collect::<Vec<_>>(),
        )
    };
    let rows = if who.is_change() {
        read.await
    } else {
        let key = format!("keys\u{0}{client_id}");
        ctx.cache
            .get_or_load(ctx.db, "keys", who.org_id(), &key, super::READS_FOR, read)
            .await
    };
    Ok(rows?)
}

/// Adds a key and puts it into use beside any key in use (a bot on its secret moves to keys: the
/// secret stops working). Refused when two keys are in use already.
pub async fn add(
    ctx: &Ctx<'_>,
    permit: &Permit,
    client_id: &str,
    new: NewKey,
) -> Result<KeyCredential, ServiceError> {
    let pem = validate_pem(&new.pem)?;
    let expires_at = validate_expiry(&new.expires_on, ctx.clock.now())?;
    let mut name = validate_name(&new.name)?;
    if name.is_empty() {
        name = format!("Key added {}", ctx.clock.now().date());
    }
    let held = keys(ctx, permit, client_id).await?;
    let in_use: Vec<String> = held
        .iter()
        .filter(|k| k.in_use)
        .map(|k| k.credential.id.clone())
        .collect();
    if in_use.len() >= MAX_KEYS {
        return Err(ServiceError::Conflict(
            "This bot has two keys in use, Auth0's limit. Remove the one it no longer signs with first.".into(),
        ));
    }
    super::step_up(permit)?;
    // A key stored and never put into use (a failure before this orgdesk's time) makes room.
    for idle in held.iter().filter(|k| !k.in_use) {
        ctx.mgmt
            .delete_key_credential(client_id, &idle.credential.id)
            .await?;
    }
    let plan = Plan::new(Kind::BotKeyAdd, permit.org_id()).client(client_id);
    let op_id = journal::open(ctx.db, ctx.clock.as_ref(), plan).await?;
    let steps = async {
        let made = ctx
            .mgmt
            .add_key_credential(client_id, &name, &pem, expires_at.as_deref())
            .await?;
        journal::created(ctx.db, ctx.clock.as_ref(), &op_id, &made.id).await?;
        let mut ids = in_use.clone();
        ids.push(made.id.clone());
        ctx.mgmt.use_keys(client_id, &ids).await?;
        journal::close(ctx.db, ctx.clock.as_ref(), &op_id, Rest::Done).await?;
        Ok::<_, ServiceError>(made)
    };
    let log = audit_for(ctx, permit);
    let done = match steps.await {
        Ok(made) => Ok(made),
        Err(err) => {
            super::settle_now(ctx, permit, &op_id).await;
            // The answer was lost after the key went into use: the addition is done after all.
            match journal::get(ctx.db, &op_id).await {
                Ok(Some(op)) if op.state == Rest::Done.as_str() => {
                    let made = op.created_ref.unwrap_or_default();
                    ctx.mgmt
                        .key_credentials(client_id)
                        .await
                        .ok()
                        .and_then(|all| all.into_iter().find(|k| k.id == made))
                        .ok_or(err)
                }
                _ => Err(err),
            }
        }
    };
    match done {
        Ok(made) => {
            // A bot's first key replaces its secret; beside another key, the older one still counts.
            if in_use.is_empty() {
                credential_made(ctx, client_id, ctx.clock.now_ms()).await;
            }
            let detail = format!(
                "{name}; kid {}{}",
                made.kid.as_deref().unwrap_or("?"),
                expires_at
                    .as_deref()
                    .map(|e| format!("; expires {}", &e[..10]))
                    .unwrap_or_default()
            );
            log.record(
                audit::Action::BotKeyAdd,
                Some(client_id),
                audit::Result::Ok,
                &detail,
            )
            .await;
            Ok(made)
        }
        Err(err) => {
            let failed = audit::Result::Failed;
            Err(err
                .recorded(&log, audit::Action::BotKeyAdd, Some(client_id), failed)
                .await)
        }
    }
}

/// Takes a key out of use and deletes it. The bot must keep a key in use: its replacement is added
/// first.
pub async fn remove(
    ctx: &Ctx<'_>,
    permit: &Permit,
    client_id: &str,
    credential_id: &str,
) -> Result<(), ServiceError> {
    let held = keys(ctx, permit, client_id).await?;
    let Some(gone) = held.iter().find(|k| k.credential.id == credential_id) else {
        return Err(ServiceError::Missing("That key"));
    };
    if gone.in_use && held.iter().filter(|k| k.in_use).count() < 2 {
        return Err(ServiceError::Conflict(
            "This is the bot's only key: it could not get tokens without it. Add its replacement first."
                .into(),
        ));
    }
    let plan = Plan::new(Kind::BotKeyRemove, permit.org_id())
        .client(client_id)
        .target(credential_id);
    let log = audit_for(ctx, permit);
    let done = journal::run(ctx.db, ctx.clock.as_ref(), ctx.mgmt, plan, &log).await;
    if done.is_ok() {
        let oldest = held
            .iter()
            .filter(|k| k.in_use && k.credential.id != credential_id)
            .filter_map(|k| {
                k.credential
                    .created_at
                    .as_deref()
                    .and_then(crate::clock::parse_iso)
            })
            .min();
        if let Some(at) = oldest {
            credential_made(ctx, client_id, at).await;
        }
    }
    let name = gone.credential.name.clone().unwrap_or_default();
    log.record(
        audit::Action::BotKeyRemove,
        Some(client_id),
        super::outcome(&done),
        &format!(
            "{name}; kid {}",
            gone.credential.kid.as_deref().unwrap_or("?")
        ),
    )
    .await;
    done.map(|_| ())
}

/// Records when the bot's credential in force was made (its age is judged by the policy).
async fn credential_made(ctx: &Ctx<'_>, client_id: &str, at_ms: i64) {
    if let Err(err) = crate::server::store::bots::set_credential_at(ctx.db, client_id, at_ms).await
    {
        tracing::warn!(error = %err, "cannot record when the bot's credential was made");
    }
}

/// Brings an unfinished key addition to rest: the key in use stays (done); a key stored but not in
/// use is deleted (compensated).
pub(super) async fn settle_add(
    mgmt: &ManagementClient,
    client_id: &str,
    created: Option<&str>,
) -> Result<Rest, ApiError> {
    let in_use = mgmt.keys_in_use(client_id).await?;
    let idle: Vec<KeyCredential> = mgmt
        .key_credentials(client_id)
        .await?
        .into_iter()
        .filter(|k| !in_use.contains(&k.id))
        .collect();
    if created.is_some_and(|id| in_use.iter().any(|u| u == id)) {
        return Ok(Rest::Done);
    }
    for k in idle {
        mgmt.delete_key_credential(client_id, &k.id).await?;
    }
    Ok(Rest::Compensated)
}

/// A key removal's steps (they are its recovery too): out of use, then deleted.
pub(super) async fn finish_remove(
    mgmt: &ManagementClient,
    client_id: &str,
    credential_id: &str,
) -> Result<(), ApiError> {
    let in_use = mgmt.keys_in_use(client_id).await?;
    if in_use.iter().any(|id| id == credential_id) {
        let rest: Vec<String> = in_use
            .into_iter()
            .filter(|id| id != credential_id)
            .collect();
        if rest.is_empty() {
            // Never leave a bot without a way to authenticate.
            return Ok(());
        }
        mgmt.use_keys(client_id, &rest).await?;
    }
    mgmt.delete_key_credential(client_id, credential_id).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};

    fn pem_of(bits: usize) -> (String, String) {
        let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), bits).unwrap();
        (
            key.to_public_key()
                .to_public_key_pem(LineEnding::LF)
                .unwrap(),
            key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
        )
    }

    #[test]
    fn only_public_rsa_keys_of_2048_bits_or_more_are_taken() {
        let (public, private) = pem_of(2048);
        assert!(validate_pem(&format!("\n{public}\n")).is_ok());
        let refused = validate_pem(&private).unwrap_err().to_string();
        assert!(refused.contains("private key"), "{refused}");
        assert!(!refused.contains("MII"), "the key is not echoed");
        let (small, _) = pem_of(1024);
        assert!(validate_pem(&small)
            .unwrap_err()
            .to_string()
            .contains("1024 bits"));
        assert!(validate_pem("hello").is_err());
        assert!(
            validate_pem("-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----")
                .unwrap_err()
                .to_string()
                .contains("PKCS#1")
        );
    }

    #[test]
    fn an_expiry_is_a_day_ahead_within_five_years() {
        let now = time::macros::datetime!(2026-12-06 12:00 UTC);
        assert_eq!(validate_expiry("", now).unwrap(), None);
        assert_eq!(
            validate_expiry("2027-03-01", now).unwrap().as_deref(),
            Some("2027-03-01T23:59:59.000Z")
        );
        assert!(validate_expiry("2026-12-06", now).is_err());
        assert!(validate_expiry("2040-01-01", now).is_err());
        assert!(validate_expiry("next week", now).is_err());
    }
}
