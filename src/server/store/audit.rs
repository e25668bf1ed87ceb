//! The `audit_events` table: appended by `server::audit`, read newest first in keyset pages.

use super::{sql, Db};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Event {
    pub id: i64,
    pub occurred_at: String,
    pub org_id: Option<String>,
    pub actor_id: String,
    pub actor_name: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub result: String,
    pub request_id: Option<String>,
    pub detail: Option<String>,
}

/// A record to append (already escaped and bounded by the writer).
pub struct NewEvent<'a> {
    pub occurred_at: &'a str,
    pub org_id: Option<&'a str>,
    pub actor_id: &'a str,
    pub actor_name: Option<&'a str>,
    pub action: &'a str,
    pub target: Option<&'a str>,
    pub result: &'a str,
    pub request_id: Option<&'a str>,
    pub detail: Option<&'a str>,
}

pub async fn append(db: &Db, event: NewEvent<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_events (occurred_at, org_id, actor_id, actor_name, action, target, result, request_id, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(event.occurred_at)
    .bind(event.org_id)
    .bind(event.actor_id)
    .bind(event.actor_name)
    .bind(event.action)
    .bind(event.target)
    .bind(event.result)
    .bind(event.request_id)
    .bind(event.detail)
    .execute(db)
    .await?;
    Ok(())
}

/// Which events to read (values already checked and normalised by the caller).
#[derive(Debug, Default)]
pub struct Selection<'a> {
    /// None: tenant-wide support events.
    pub org_id: Option<&'a str>,
    /// An exact action, or a family ("member" matches "member.*").
    pub action: Option<&'a str>,
    /// Part of the actor's name (any case), or the actor's exact id.
    pub actor: Option<&'a str>,
    /// RFC 3339 in UTC, inclusive.
    pub since: Option<&'a str>,
    pub until: Option<&'a str>,
    /// Only events older than this id (the previous page's last).
    pub before: Option<i64>,
    pub limit: i64,
}

/// Events newest first.
pub async fn events(db: &Db, s: &Selection<'_>) -> Result<Vec<Event>, sqlx::Error> {
    let mut query = String::from(
        "SELECT id, occurred_at, org_id, actor_id, actor_name, action, target, result, request_id, detail
         FROM audit_events WHERE 1 = 1",
    );
    // Text values in order; `$n` numbers them (the id bound and the limit are numbers, bound last).
    let mut binds: Vec<String> = Vec::new();
    let next = |binds: &mut Vec<String>, value: String| {
        binds.push(value);
        format!("${}", binds.len())
    };
    match s.org_id {
        Some(org) => {
            let p = next(&mut binds, org.into());
            query.push_str(&format!(" AND org_id = {p}"));
        }
        None => query.push_str(" AND org_id IS NULL"),
    }
    if let Some(a) = s.action {
        let exact = next(&mut binds, a.into());
        let family = next(&mut binds, format!("{a}."));
        query.push_str(&format!(
            " AND (action = {exact} OR substr(action, 1, length({family})) = {family})"
        ));
    }
    if let Some(a) = s.actor {
        let name = next(&mut binds, sql::contains_pattern(&a.to_lowercase()));
        let id = next(&mut binds, a.into());
        query.push_str(&format!(
            " AND (lower(COALESCE(actor_name, '')) LIKE {name} ESCAPE '!' OR actor_id = {id})"
        ));
    }
    if let Some(since) = s.since {
        let p = next(&mut binds, since.into());
        query.push_str(&format!(" AND occurred_at >= {p}"));
    }
    if let Some(until) = s.until {
        let p = next(&mut binds, until.into());
        query.push_str(&format!(" AND occurred_at <= {p}"));
    }
    let n = binds.len();
    if s.before.is_some() {
        query.push_str(&format!(" AND id < ${}", n + 1));
    }
    query.push_str(&format!(
        " ORDER BY id DESC LIMIT ${}",
        n + 1 + usize::from(s.before.is_some())
    ));
    let mut q = sqlx::query_as::<_, Event>(&query);
    for b in binds {
        q = q.bind(b);
    }
    if let Some(b) = s.before {
        q = q.bind(b);
    }
    q.bind(s.limit).fetch_all(db).await
}

/// When a deleted organization was deleted and what its log says of it, if it was.
pub async fn deletion_of(db: &Db, org_id: &str) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT occurred_at, COALESCE(detail, '') FROM audit_events
         WHERE org_id = $1 AND action = 'organization.delete' AND result = 'ok'
         ORDER BY id DESC LIMIT 1",
    )
    .bind(org_id)
    .fetch_optional(db)
    .await
}

/// Deletes the logs of organizations deleted before `before` (RFC 3339); answers how many entries.
pub async fn purge_deleted(db: &Db, before: &str) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "DELETE FROM audit_events WHERE org_id IN (SELECT org_id FROM audit_events
           WHERE action = 'organization.delete' AND result = 'ok' AND occurred_at < $1)",
    )
    .bind(before)
    .execute(db)
    .await?
    .rows_affected())
}
