//! The searchable mirror of an organization's members (`member_directory`, `member_terms`,
//! `member_syncs`; see migrations/0003): rows, an index of word prefixes, and the state of the
//! background pass that fills it (`service::member_search`). Results are for finding people; every
//! decision reads Auth0 live.

use super::{sql, Db};
use crate::server::auth0::members::Member;
use crate::server::auth0::roles::Role;

/// A pass that has not finished by then is presumed dead (its process was killed).
const PASS_TIMEOUT_MS: i64 = 30 * 60 * 1000;
const MAX_WORDS: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone, Default)]
pub struct Status {
    pub indexed: i64,
    pub completed_at: Option<i64>,
    pub running: bool,
}

/// Lower-case word prefixes a member is found by: name words, the email, its local part and words,
/// its domain.
pub fn terms(email: &str, name: &str) -> Vec<String> {
    let email = email.trim().to_lowercase();
    let mut out: Vec<String> = name
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect();
    if !email.is_empty() {
        out.push(email.clone());
        if let Some((local, domain)) = email.split_once('@') {
            out.push(domain.to_string());
            out.extend(
                local
                    .split(['.', '_', '-', '+'])
                    .filter(|w| !w.is_empty())
                    .map(String::from),
            );
        }
    }
    out.retain(|t| t.len() <= 128);
    out.sort();
    out.dedup();
    out
}

/// Writes a batch of members (one page) in three statements, whatever the batch size.
async fn upsert_in(
    tx: &mut sqlx::AnyConnection,
    org_id: &str,
    members: &[Member],
    now: i64,
) -> Result<(), sqlx::Error> {
    // SQLite allows 32,766 bound values per statement, PostgreSQL 65,535; a page of 100 stays far below.
    for chunk in members.chunks(200) {
        let sql = format!(
            "INSERT INTO member_directory (org_id, user_id, email, name, roles, synced_at) VALUES {} \
             ON CONFLICT (org_id, user_id) DO UPDATE SET email = excluded.email, name = excluded.name, \
             roles = excluded.roles, synced_at = excluded.synced_at",
            sql::value_rows(chunk.len(), 6)
        );
        let mut rows = sqlx::query(&sql);
        for m in chunk {
            rows = rows
                .bind(org_id)
                .bind(&m.user_id)
                .bind(&m.email)
                .bind(&m.name)
                .bind(serde_json::to_string(&m.roles).unwrap_or_else(|_| "[]".into()))
                .bind(now);
        }
        rows.execute(&mut *tx).await?;
        let sql = format!(
            "DELETE FROM member_terms WHERE org_id = $1 AND user_id IN ({})",
            sql::params(2, chunk.len())
        );
        let mut gone = sqlx::query(&sql).bind(org_id);
        for m in chunk {
            gone = gone.bind(&m.user_id);
        }
        gone.execute(&mut *tx).await?;
        let pairs: Vec<(String, &str)> = chunk
            .iter()
            .flat_map(|m| {
                terms(&m.email, &m.name)
                    .into_iter()
                    .map(move |t| (t, m.user_id.as_str()))
            })
            .collect();
        for part in pairs.chunks(5000) {
            let sql = format!(
                "INSERT INTO member_terms (org_id, term, user_id) VALUES {} ON CONFLICT DO NOTHING",
                sql::value_rows(part.len(), 3)
            );
            let mut add = sqlx::query(&sql);
            for (term, user) in part {
                add = add.bind(org_id).bind(term.clone()).bind(*user);
            }
            add.execute(&mut *tx).await?;
        }
    }
    Ok(())
}

/// Records members as just read from Auth0 (a page view, a change orgdesk made).
pub async fn upsert(
    db: &Db,
    org_id: &str,
    members: &[Member],
    now: i64,
) -> Result<(), sqlx::Error> {
    if members.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    upsert_in(&mut tx, org_id, members, now).await?;
    tx.commit().await
}

/// Changes the recorded roles of one member, if recorded.
pub async fn set_roles(
    db: &Db,
    org_id: &str,
    user_id: &str,
    roles: &[Role],
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE member_directory SET roles = $1 WHERE org_id = $2 AND user_id = $3")
        .bind(serde_json::to_string(roles).unwrap_or_else(|_| "[]".into()))
        .bind(org_id)
        .bind(user_id)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn remove(db: &Db, org_id: &str, user_id: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    for table in ["member_directory", "member_terms"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE org_id = $1 AND user_id = $2"
        ))
        .bind(org_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

#[derive(sqlx::FromRow)]
struct HitRow {
    user_id: String,
    email: String,
    name: String,
    roles: String,
}

impl From<HitRow> for Hit {
    fn from(r: HitRow) -> Self {
        Hit {
            user_id: r.user_id,
            email: r.email,
            name: r.name,
            roles: serde_json::from_str(&r.roles).unwrap_or_default(),
        }
    }
}

/// Members whose name or email has a word starting with every word of `query`, at most `limit`,
/// by email. The longest word drives the index range scan (a longer prefix matches fewer terms); the
/// others are checked per candidate through the (member, term) index, so a search costs about as
/// much as the driving word's matches up to `limit`, whatever the organization's size.
pub async fn search(
    db: &Db,
    org_id: &str,
    query: &str,
    limit: u32,
) -> Result<Vec<Hit>, sqlx::Error> {
    let mut words: Vec<String> = query
        .to_lowercase()
        .split_whitespace()
        .take(MAX_WORDS)
        .map(String::from)
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    words.dedup();
    let Some((driver, others)) = words.split_first() else {
        return Ok(Vec::new());
    };
    // Every term starting with `w` sorts between `w` and `w` + the highest code point.
    let upper = |w: &str| format!("{w}\u{10FFFF}");
    let mut sql = String::from(
        "SELECT DISTINCT d.user_id, d.email, d.name, d.roles FROM member_terms t
         JOIN member_directory d ON d.org_id = t.org_id AND d.user_id = t.user_id
         WHERE t.org_id = $1 AND t.term >= $2 AND t.term < $3",
    );
    let mut n = 3;
    for _ in others {
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM member_terms u WHERE u.org_id = t.org_id AND u.user_id = t.user_id AND u.term >= ${} AND u.term < ${})",
            n + 1,
            n + 2
        ));
        n += 2;
    }
    sql.push_str(&format!(" LIMIT ${}", n + 1));
    let mut q = sqlx::query_as::<_, HitRow>(&sql)
        .bind(org_id)
        .bind(driver.clone())
        .bind(upper(driver));
    for w in others {
        q = q.bind(w.clone()).bind(upper(w));
    }
    let mut hits: Vec<Hit> = q
        .bind(limit as i64)
        .fetch_all(db)
        .await?
        .into_iter()
        .map(Hit::from)
        .collect();
    hits.sort_by(|a, b| a.email.cmp(&b.email));
    Ok(hits)
}

/// Recorded members holding `role_id`, except `except` (candidates; confirm live before relying on them).
pub async fn holders(
    db: &Db,
    org_id: &str,
    role_id: &str,
    except: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT user_id FROM member_directory WHERE org_id = $1 AND user_id <> $2 AND roles LIKE $3 ESCAPE '!' LIMIT 20",
    )
    .bind(org_id)
    .bind(except)
    .bind(sql::contains_pattern(&format!("\"{role_id}\"")))
    .fetch_all(db)
    .await
}

/// The mirror's state at `now` (ms): a pass that started longer ago than a pass may take is over.
pub async fn status(db: &Db, org_id: &str, now: i64) -> Result<Status, sqlx::Error> {
    let indexed: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM member_directory WHERE org_id = $1")
            .bind(org_id)
            .fetch_one(db)
            .await?;
    let row: Option<(i64, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT started_at, finished_at, completed_at FROM member_syncs WHERE org_id = $1",
    )
    .bind(org_id)
    .fetch_optional(db)
    .await?;
    Ok(match row {
        None => Status {
            indexed,
            ..Default::default()
        },
        Some((started, finished, completed)) => Status {
            indexed,
            completed_at: completed,
            running: finished.is_none() && now - started < PASS_TIMEOUT_MS,
        },
    })
}

/// Claims the organization's next pass at `now` (ms); false when another request or replica is
/// running one.
pub async fn claim_pass(db: &Db, org_id: &str, now: i64) -> Result<bool, sqlx::Error> {
    let claimed = sqlx::query(
        "INSERT INTO member_syncs (org_id, started_at) VALUES ($1, $2)
         ON CONFLICT (org_id) DO UPDATE SET started_at = excluded.started_at, finished_at = NULL
         WHERE member_syncs.finished_at IS NOT NULL OR member_syncs.started_at < $3",
    )
    .bind(org_id)
    .bind(now)
    .bind(now - PASS_TIMEOUT_MS)
    .execute(db)
    .await?
    .rows_affected();
    Ok(claimed == 1)
}

/// Ends a pass that read every member: members it did not see (not written since `started`) are
/// dropped, and the mirror is complete as of `finished`.
pub async fn complete_pass(
    db: &Db,
    org_id: &str,
    started: i64,
    finished: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "DELETE FROM member_terms WHERE org_id = $1 AND user_id IN
           (SELECT user_id FROM member_directory WHERE org_id = $1 AND synced_at < $2)",
    )
    .bind(org_id)
    .bind(started)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM member_directory WHERE org_id = $1 AND synced_at < $2")
        .bind(org_id)
        .bind(started)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE member_syncs SET finished_at = $1, completed_at = $2 WHERE org_id = $3")
        .bind(finished)
        .bind(finished)
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Ends a pass that failed: the mirror keeps what it had, and the next search starts a new pass.
pub async fn abandon_pass(db: &Db, org_id: &str, finished: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE member_syncs SET finished_at = $1 WHERE org_id = $2")
        .bind(finished)
        .bind(org_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Recorded members' ids, names and emails (the audit log's names for targets).
pub async fn names(db: &Db, org_id: &str) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT user_id, name, email FROM member_directory WHERE org_id = $1")
        .bind(org_id)
        .fetch_all(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_cover_name_words_email_parts_and_domain() {
        let t = terms("Carol.Smith+x@Consult.Example", "Carol  Smith-Jones");
        for want in [
            "carol",
            "smith",
            "jones",
            "carol.smith+x@consult.example",
            "consult.example",
            "x",
        ] {
            assert!(t.contains(&want.to_string()), "{want} missing from {t:?}");
        }
        assert_eq!(t.iter().filter(|x| *x == "carol").count(), 1);
    }
}
