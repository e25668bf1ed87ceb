//! The `token_usage*` tables and `log_cursors`: each bot's token exchanges as read from the tenant's
//! logs, and how far they were read.

use super::Db;

/// One exchange from the logs, for a bot orgdesk knows.
pub struct Exchange<'a> {
    pub client_id: &'a str,
    pub day: &'a str,
    pub at_ms: i64,
    pub ok: bool,
    pub ip: &'a str,
    pub agent: &'a str,
    pub org: &'a str,
    pub reason: &'a str,
}

#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct Last {
    pub last_ok_at: i64,
    pub last_ok_ip: String,
    pub last_ok_agent: String,
    pub last_ok_org: String,
    pub last_fail_at: i64,
    pub last_fail_reason: String,
    pub last_fail_ip: String,
}

pub async fn cursor(db: &Db, tenant: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT log_id FROM log_cursors WHERE tenant = $1")
        .bind(tenant)
        .fetch_optional(db)
        .await
}

/// Records a batch of exchanges and the cursor after them in one transaction: a pass that stops
/// half-way reads the same events again, never counts one twice. The cursor moves only from where
/// this batch was read (`read_from`; None: there was none) — a compare-and-set, done first — so a
/// pass that another replica overtook (its lease ran out) counts nothing and answers false.
pub async fn record(
    db: &Db,
    tenant: &str,
    (read_from, cursor): (Option<&str>, &str),
    exchanges: &[Exchange<'_>],
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let moved = match read_from {
        Some(from) => sqlx::query(
            "UPDATE log_cursors SET log_id = $2, updated_at = $3 WHERE tenant = $1 AND log_id = $4",
        )
        .bind(tenant)
        .bind(cursor)
        .bind(now_ms)
        .bind(from),
        None => sqlx::query(
            "INSERT INTO log_cursors (tenant, log_id, updated_at) VALUES ($1, $2, $3) ON CONFLICT (tenant) DO NOTHING",
        )
        .bind(tenant)
        .bind(cursor)
        .bind(now_ms),
    }
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !moved {
        tx.rollback().await?;
        return Ok(false);
    }
    for e in exchanges {
        let (issued, failed) = if e.ok { (1_i64, 0_i64) } else { (0, 1) };
        sqlx::query(
            "INSERT INTO token_usage_days (client_id, day, issued, failed) VALUES ($1, $2, $3, $4)
             ON CONFLICT (client_id, day) DO UPDATE SET issued = token_usage_days.issued + $3,
               failed = token_usage_days.failed + $4",
        )
        .bind(e.client_id)
        .bind(e.day)
        .bind(issued)
        .bind(failed)
        .execute(&mut *tx)
        .await?;
        let query = if e.ok {
            "INSERT INTO token_usage (client_id, last_ok_at, last_ok_ip, last_ok_agent, last_ok_org, last_fail_at, last_fail_reason, last_fail_ip)
             VALUES ($1, $2, $3, $4, $5, 0, '', '')
             ON CONFLICT (client_id) DO UPDATE SET last_ok_at = $2, last_ok_ip = $3, last_ok_agent = $4, last_ok_org = $5
             WHERE token_usage.last_ok_at <= $2"
        } else {
            "INSERT INTO token_usage (client_id, last_ok_at, last_ok_ip, last_ok_agent, last_ok_org, last_fail_at, last_fail_reason, last_fail_ip)
             VALUES ($1, 0, '', '', '', $2, $6, $3)
             ON CONFLICT (client_id) DO UPDATE SET last_fail_at = $2, last_fail_reason = $6, last_fail_ip = $3
             WHERE token_usage.last_fail_at <= $2"
        };
        sqlx::query(query)
            .bind(e.client_id)
            .bind(e.at_ms)
            .bind(e.ip)
            .bind(e.agent)
            .bind(e.org)
            .bind(e.reason)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

pub async fn last(db: &Db, client_id: &str) -> Result<Option<Last>, sqlx::Error> {
    sqlx::query_as(
        "SELECT last_ok_at, last_ok_ip, last_ok_agent, last_ok_org, last_fail_at, last_fail_reason, last_fail_ip
         FROM token_usage WHERE client_id = $1",
    )
    .bind(client_id)
    .fetch_optional(db)
    .await
}

/// Tokens issued on `day` to all of the organization's bots.
pub async fn org_issued_on(db: &Db, org_id: &str, day: &str) -> Result<i64, sqlx::Error> {
    let total: Option<i64> = sqlx::query_scalar(
        "SELECT SUM(d.issued) FROM token_usage_days d JOIN bots b ON b.client_id = d.client_id
         WHERE b.org_id = $1 AND d.day = $2",
    )
    .bind(org_id)
    .bind(day)
    .fetch_one(db)
    .await?;
    Ok(total.unwrap_or(0))
}

/// The bot's days from `since` (YYYY-MM-DD) on: (day, issued, failed).
pub async fn days(
    db: &Db,
    client_id: &str,
    since: &str,
) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT day, issued, failed FROM token_usage_days WHERE client_id = $1 AND day >= $2 ORDER BY day",
    )
    .bind(client_id)
    .bind(since)
    .fetch_all(db)
    .await
}
