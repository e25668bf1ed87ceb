//! Webhooks: an organization's audit events, sent to the endpoints its admins registered. Each
//! delivery is signed the Standard Webhooks way (HMAC-SHA256 of `id.timestamp.body` with the
//! endpoint's secret, shown once), retried with backoff, and kept with its outcome. An endpoint that
//! fails too often in a row is paused, and the organization's audit log says so. Targets are checked
//! at registration and again at every delivery (public https only, the connection pinned to the
//! address checked).

use std::time::Duration;

use base64::Engine;
use rand::RngCore;

use super::{audit_for, invalid, Ctx, ServiceError};
use crate::server::audit::{self, Audit};
use crate::server::outbound::{self, Reach};
use crate::server::policy::{Permit, Proof};
use crate::server::store::webhooks::{self as store, Attempt, Delivery, Endpoint};

/// Endpoints one organization may have.
pub const MAX_ENDPOINTS: usize = 10;
const MAX_URL: usize = 1024;
/// Attempts per delivery before it is given up.
pub const MAX_ATTEMPTS: i64 = 8;
/// Failed attempts in a row (any delivery) that pause an endpoint: fewer than a delivery's
/// attempts, so an endpoint that stays down is paused (its deliveries wait) before any is given up.
pub const PAUSE_AFTER: i64 = 5;
const FIRST_RETRY_MS: i64 = 30_000;
const LONGEST_RETRY_MS: i64 = 6 * 3600 * 1000;
const TIMEOUT: Duration = Duration::from_secs(10);
/// How many of an endpoint's deliveries the page lists.
pub const SHOWN: i64 = 20;

/// The wait before attempt `attempts + 1`: 30 s, then four times longer each time, at most 6 h.
pub fn backoff_ms(attempts: i64) -> i64 {
    let factor = 4_i64.saturating_pow(u32::try_from(attempts.max(1) - 1).unwrap_or(u32::MAX));
    FIRST_RETRY_MS.saturating_mul(factor).min(LONGEST_RETRY_MS)
}

/// The `webhook-signature` value: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`, keyed
/// with the secret's bytes (`whsec_` and base64).
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> String {
    let raw = secret.strip_prefix("whsec_").unwrap_or(secret);
    let key_bytes = base64::engine::general_purpose::STANDARD
        .decode(raw)
        .unwrap_or_else(|_| raw.as_bytes().to_vec());
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key_bytes);
    let tag = ring::hmac::sign(&key, format!("{id}.{timestamp}.{body}").as_bytes());
    format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(tag.as_ref())
    )
}

fn random(prefix: &str, bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut b);
    match prefix {
        "whsec_" => format!(
            "{prefix}{}",
            base64::engine::general_purpose::STANDARD.encode(b)
        ),
        _ => format!(
            "{prefix}{}",
            b.iter().map(|x| format!("{x:02x}")).collect::<String>()
        ),
    }
}

/// A new endpoint and its secret (shown to the admin this once).
pub struct Registered {
    pub endpoint: Endpoint,
    pub secret: String,
}

pub async fn register(
    ctx: &Ctx<'_>,
    permit: &Permit,
    url: &str,
    description: &str,
    reach: Reach,
) -> Result<Registered, ServiceError> {
    let url = url.trim();
    if url.len() > MAX_URL {
        return Err(invalid("url", "That address is too long."));
    }
    let description = super::bots::validate_description(description)?.unwrap_or_default();
    let log = audit_for(ctx, permit);
    let target = match outbound::target(url, reach, "The endpoint").await {
        Ok(t) => t,
        Err(why) => {
            let e = invalid("url", why);
            return Err(e
                .recorded(
                    &log,
                    audit::Action::WebhookCreate,
                    Some(url),
                    audit::Result::Denied,
                )
                .await);
        }
    };
    let existing = store::of_org(ctx.db, permit.org_id()).await?;
    super::within_cap(
        existing.len() as i64,
        MAX_ENDPOINTS as u64,
        "webhook endpoints",
        "Delete one you no longer use first.",
    )?;
    let secret = random("whsec_", 24);
    let endpoint = Endpoint {
        id: random("whe_", 12),
        org_id: permit.org_id().to_string(),
        url: target.url.to_string(),
        secret: secret.clone(),
        description,
        created_at: ctx.clock.now_ms(),
        created_by: permit.actor_name().to_string(),
        // Events from now on; the log before it is the audit log's to read.
        cursor: store::last_event(ctx.db, permit.org_id()).await?,
        failures: 0,
        paused_at: None,
    };
    store::insert(ctx.db, &endpoint).await?;
    log.record(
        audit::Action::WebhookCreate,
        Some(&endpoint.id),
        audit::Result::Ok,
        &endpoint.url,
    )
    .await;
    Ok(Registered { endpoint, secret })
}

/// The organization's endpoints, each with its latest deliveries.
pub async fn list(
    ctx: &Ctx<'_>,
    who: &impl Proof,
) -> Result<Vec<(Endpoint, Vec<Delivery>)>, ServiceError> {
    let mut out = Vec::new();
    for e in store::of_org(ctx.db, who.org_id()).await? {
        let d = store::deliveries(ctx.db, &e.id, SHOWN).await?;
        out.push((e, d));
    }
    Ok(out)
}

async fn own(ctx: &Ctx<'_>, permit: &Permit, id: &str) -> Result<Endpoint, ServiceError> {
    match store::get(ctx.db, id).await? {
        Some(e) if e.org_id == permit.org_id() => Ok(e),
        _ => Err(ServiceError::Missing("That webhook endpoint")),
    }
}

pub async fn delete(ctx: &Ctx<'_>, permit: &Permit, id: &str) -> Result<(), ServiceError> {
    let e = own(ctx, permit, id).await?;
    store::delete(ctx.db, &e.id).await?;
    audit_for(ctx, permit)
        .record(
            audit::Action::WebhookDelete,
            Some(&e.id),
            audit::Result::Ok,
            &e.url,
        )
        .await;
    Ok(())
}

/// Resumes a paused endpoint: what waited goes out at the next pass.
pub async fn resume(ctx: &Ctx<'_>, permit: &Permit, id: &str) -> Result<(), ServiceError> {
    let e = own(ctx, permit, id).await?;
    if !store::resume(ctx.db, &e.id, ctx.clock.now_ms()).await? {
        return Err(ServiceError::Conflict(
            "That endpoint is not paused.".into(),
        ));
    }
    audit_for(ctx, permit)
        .record(
            audit::Action::WebhookResume,
            Some(&e.id),
            audit::Result::Ok,
            &e.url,
        )
        .await;
    Ok(())
}

/// Queues every active endpoint's new audit events; answers how many were queued.
pub async fn queue_new(ctx: &Ctx<'_>) -> Result<usize, ServiceError> {
    let mut queued = 0;
    let now = ctx.clock.now_ms();
    for e in store::active(ctx.db).await? {
        for event in store::events_after(ctx.db, &e.org_id, e.cursor, 200).await? {
            let payload = serde_json::json!({
                "type": event.action,
                "timestamp": event.occurred_at,
                "data": {
                    "id": event.id,
                    "organization": event.org_id,
                    "actor_id": event.actor_id,
                    "actor": event.actor_name,
                    "action": event.action,
                    "target": event.target,
                    "result": event.result,
                    "detail": event.detail,
                    "request_id": event.request_id,
                },
            });
            store::queue(
                ctx.db,
                &Delivery {
                    id: random("msg_", 12),
                    endpoint_id: e.id.clone(),
                    org_id: e.org_id.clone(),
                    event_id: event.id,
                    action: event.action,
                    payload: payload.to_string(),
                    state: "pending".into(),
                    attempts: 0,
                    next_at: now,
                    last_status: None,
                    last_error: None,
                    created_at: now,
                },
            )
            .await?;
            queued += 1;
        }
    }
    Ok(queued)
}

/// Sends what is due; answers how many were delivered.
pub async fn deliver_due(ctx: &Ctx<'_>, reach: Reach) -> Result<usize, ServiceError> {
    let now = ctx.clock.now_ms();
    let mut delivered = 0;
    for d in store::due(ctx.db, now, 50).await? {
        let Some(e) = store::get(ctx.db, &d.endpoint_id).await? else {
            continue;
        };
        let answer = send(&e, &d, reach, ctx.clock.now_secs()).await;
        match answer {
            Ok(()) => {
                let done = Attempt {
                    state: "delivered",
                    next_at: now,
                    status: Some(200),
                    error: None,
                };
                store::attempted(ctx.db, &d.id, &done).await?;
                store::succeeded(ctx.db, &e.id).await?;
                delivered += 1;
            }
            Err((status, why)) => failed(ctx, &e, &d, (status, &why), now).await?,
        }
    }
    Ok(delivered)
}

/// A failed attempt: retried later or given up, and the endpoint paused after too many in a row.
async fn failed(
    ctx: &Ctx<'_>,
    e: &Endpoint,
    d: &Delivery,
    (status, why): (Option<i64>, &str),
    now: i64,
) -> Result<(), ServiceError> {
    let attempts = d.attempts + 1;
    let state = if attempts >= MAX_ATTEMPTS {
        "failed"
    } else {
        "pending"
    };
    let attempt = Attempt {
        state,
        next_at: now + backoff_ms(attempts),
        status: status.map(|s| s.min(999)),
        error: Some(why),
    };
    store::attempted(ctx.db, &d.id, &attempt).await?;
    let in_a_row = store::failed(ctx.db, &e.id).await?;
    if in_a_row >= PAUSE_AFTER && store::pause(ctx.db, &e.id, now).await? {
        Audit::new(ctx.db, ctx.clock.as_ref(), &e.org_id, "orgdesk", Some("orgdesk (webhooks)"))
            .record(
                audit::Action::WebhookPause,
                Some(&e.id),
                audit::Result::Failed,
                &format!(
                    "{} paused after {in_a_row} failed deliveries in a row (last: {why}); an admin resumes it on the Webhooks page",
                    e.url
                ),
            )
            .await;
        tracing::warn!(endpoint = %e.id, org_id = %e.org_id, "webhook endpoint paused");
    }
    Ok(())
}

/// One attempt: the target checked again (DNS may have changed), then a signed POST pinned to the
/// address checked. Err holds the endpoint's status, if it answered, and what went wrong.
async fn send(
    e: &Endpoint,
    d: &Delivery,
    reach: Reach,
    now_secs: i64,
) -> Result<(), (Option<i64>, String)> {
    let target = outbound::target(&e.url, reach, "The endpoint")
        .await
        .map_err(|why| (None, why))?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .resolve(&target.host, target.addr)
        .build()
        .map_err(|err| (None, format!("cannot send: {err}")))?;
    let answer = client
        .post(target.url.as_str())
        .header("content-type", "application/json")
        .header("user-agent", "orgdesk-webhooks")
        .header("webhook-id", &d.id)
        .header("webhook-timestamp", now_secs.to_string())
        .header(
            "webhook-signature",
            signature(&e.secret, &d.id, now_secs, &d.payload),
        )
        .body(d.payload.clone())
        .send()
        .await
        .map_err(|err| {
            let why = if err.is_timeout() {
                "no answer within 10 s"
            } else {
                "could not connect"
            };
            (None, why.to_string())
        })?;
    let status = answer.status();
    if status.is_success() {
        Ok(())
    } else {
        Err((
            Some(i64::from(status.as_u16())),
            format!("HTTP {}", status.as_u16()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_four_times_longer_up_to_six_hours() {
        assert_eq!(backoff_ms(1), 30_000);
        assert_eq!(backoff_ms(2), 120_000);
        assert_eq!(backoff_ms(3), 480_000);
        assert_eq!(backoff_ms(7), LONGEST_RETRY_MS);
        assert_eq!(backoff_ms(60), LONGEST_RETRY_MS);
    }

    #[test]
    fn the_signature_is_the_standard_webhooks_one() {
        // Standard Webhooks' published test vector.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            signature(secret, id, 1_614_265_330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }
}
