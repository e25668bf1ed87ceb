//! The `access_reviews` and `access_review_items` tables: a review's snapshot of the organization's
//! bots and admins, and each item's decision.

use super::Db;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Review {
    pub id: String,
    pub org_id: String,
    pub started_by: String,
    pub starter_email: String,
    pub started_at: i64,
    pub due_at: i64,
    pub closed_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Item {
    pub review_id: String,
    pub org_id: String,
    /// `bot` or `admin`.
    pub kind: String,
    pub subject_id: String,
    pub label: String,
    pub owner: String,
    pub access: String,
    pub last_used: i64,
    /// `keep`, `remove`, or None while undecided.
    pub decision: Option<String>,
    pub decided_by: Option<String>,
    pub decider_email: Option<String>,
    pub decided_at: Option<i64>,
    pub note: Option<String>,
}

const REVIEW: &str = "id, org_id, started_by, starter_email, started_at, due_at, closed_at";
const ITEM: &str =
    "review_id, org_id, kind, subject_id, label, owner, access, last_used, decision, \
    decided_by, decider_email, decided_at, note";

/// A review and its items, written together.
pub async fn insert(db: &Db, r: &Review, items: &[Item]) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query(&format!(
        "INSERT INTO access_reviews ({REVIEW}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    ))
    .bind(&r.id)
    .bind(&r.org_id)
    .bind(&r.started_by)
    .bind(&r.starter_email)
    .bind(r.started_at)
    .bind(r.due_at)
    .bind(r.closed_at)
    .execute(&mut *tx)
    .await?;
    for i in items {
        sqlx::query(
            "INSERT INTO access_review_items (review_id, org_id, kind, subject_id, label, owner, access, last_used)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&r.id)
        .bind(&r.org_id)
        .bind(&i.kind)
        .bind(&i.subject_id)
        .bind(&i.label)
        .bind(&i.owner)
        .bind(&i.access)
        .bind(i.last_used)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// The organization's reviews, newest first; `org_id` None: every organization's (the latest 1000).
pub async fn list(db: &Db, org_id: Option<&str>) -> Result<Vec<Review>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {REVIEW} FROM access_reviews WHERE $1 IS NULL OR org_id = $1
         ORDER BY started_at DESC, id LIMIT 1000"
    ))
    .bind(org_id)
    .fetch_all(db)
    .await
}

/// One review of this organization (None for another organization's id).
pub async fn get(db: &Db, org_id: &str, id: &str) -> Result<Option<Review>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {REVIEW} FROM access_reviews WHERE org_id = $1 AND id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The organization's latest review (open or closed).
pub async fn latest(db: &Db, org_id: &str) -> Result<Option<Review>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {REVIEW} FROM access_reviews WHERE org_id = $1 ORDER BY started_at DESC, id LIMIT 1"
    ))
    .bind(org_id)
    .fetch_optional(db)
    .await
}

/// A review's items: bots first, then admins, each by name.
pub async fn items(db: &Db, review_id: &str) -> Result<Vec<Item>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {ITEM} FROM access_review_items WHERE review_id = $1 ORDER BY kind DESC, label, subject_id"
    ))
    .bind(review_id)
    .fetch_all(db)
    .await
}

/// Every review's items (the support console's export): by organization, newest review first.
pub async fn all_items(db: &Db) -> Result<Vec<Item>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.review_id, i.org_id, i.kind, i.subject_id, i.label, i.owner, i.access, i.last_used, i.decision,
                i.decided_by, i.decider_email, i.decided_at, i.note
         FROM access_review_items i JOIN access_reviews r ON r.id = i.review_id
         ORDER BY i.org_id, r.started_at DESC, i.review_id, i.kind DESC, i.label, i.subject_id LIMIT 100000",
    )
    .fetch_all(db)
    .await
}

/// Records a decision on an undecided item: true when this call decided it (a compare-and-set, so
/// two reviewers decide an item once).
pub async fn decide(
    db: &Db,
    item: (&str, &str, &str),
    decision: &str,
    by: (&str, &str),
    at: i64,
    note: &str,
) -> Result<bool, sqlx::Error> {
    let (review_id, kind, subject_id) = item;
    let done = sqlx::query(
        "UPDATE access_review_items SET decision = $1, decided_by = $2, decider_email = $3, decided_at = $4, note = $5
         WHERE review_id = $6 AND kind = $7 AND subject_id = $8 AND decision IS NULL",
    )
    .bind(decision)
    .bind(by.0)
    .bind(by.1)
    .bind(at)
    .bind(note)
    .bind(review_id)
    .bind(kind)
    .bind(subject_id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Closes the review when no item waits: true when this call closed it.
pub async fn close_if_done(db: &Db, review_id: &str, at: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE access_reviews SET closed_at = $1 WHERE id = $2 AND closed_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM access_review_items WHERE review_id = $2 AND decision IS NULL)",
    )
    .bind(at)
    .bind(review_id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The organizations whose policy starts a review every so many days, with that number.
pub async fn periodic(db: &Db) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT org_id, review_every_days FROM credential_policies WHERE review_every_days > 0 ORDER BY org_id",
    )
    .fetch_all(db)
    .await
}

/// Each review's items, undecided items and removals (of one organization, or of all).
pub async fn tallies(
    db: &Db,
    org_id: Option<&str>,
) -> Result<Vec<(String, i64, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT review_id, COUNT(*),
                SUM(CASE WHEN decision IS NULL THEN 1 ELSE 0 END),
                SUM(CASE WHEN decision = 'remove' THEN 1 ELSE 0 END)
         FROM access_review_items WHERE $1 IS NULL OR org_id = $1 GROUP BY review_id",
    )
    .bind(org_id)
    .fetch_all(db)
    .await
}
