//! Reading the audit log: filters (action, actor, time), keyset pages (newest first), CSV export.

use crate::server::store::{self, Db};

use super::{invalid, ServiceError};

pub const PAGE_SIZE: i64 = 50;
/// A CSV export holds at most this many records (narrow the filters for more).
pub const EXPORT_LIMIT: i64 = 100_000;

#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// An exact action ("member.remove") or a family ("member" matches "member.*").
    pub action: Option<String>,
    /// Part of the actor's email or id.
    pub actor: Option<String>,
    /// RFC 3339 or a date (YYYY-MM-DD), inclusive.
    pub since: Option<String>,
    /// RFC 3339 or a date, inclusive (a date means the whole day).
    pub until: Option<String>,
}

pub use crate::server::store::audit::Event;

fn bound(
    value: Option<&str>,
    field: &'static str,
    end_of_day: bool,
) -> Result<Option<String>, ServiceError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let fmt = &time::format_description::well_known::Rfc3339;
    if let Ok(t) = time::OffsetDateTime::parse(v, fmt) {
        return Ok(t.to_offset(time::UtcOffset::UTC).format(fmt).ok());
    }
    let day = time::Date::parse(v, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| invalid(field, "Use a date like 2026-11-21."))?;
    let t = if end_of_day {
        day.with_hms(23, 59, 59).map(|d| d.assume_utc())
    } else {
        Ok(day.midnight().assume_utc())
    };
    Ok(t.ok().and_then(|t| t.format(fmt).ok()))
}

fn text(value: Option<&str>, field: &'static str) -> Result<Option<String>, ServiceError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) if v.chars().count() > 100 || v.chars().any(char::is_control) => {
            Err(invalid(field, "Use at most 100 plain characters."))
        }
        other => Ok(other.map(String::from)),
    }
}

impl Filter {
    /// Checked and normalised (dates become RFC 3339 bounds in UTC).
    pub fn checked(&self) -> Result<Filter, ServiceError> {
        let checked = Filter {
            action: text(self.action.as_deref(), "action")?,
            actor: text(self.actor.as_deref(), "actor")?,
            since: bound(self.since.as_deref(), "since", false)?,
            until: bound(self.until.as_deref(), "until", true)?,
        };
        // Both are RFC 3339 in UTC with the same precision: text order is time order.
        if let (Some(since), Some(until)) = (&checked.since, &checked.until) {
            if since > until {
                return Err(invalid(
                    "until",
                    "The \"To\" date is before the \"From\" date. Swap them to see that period.",
                ));
            }
        }
        Ok(checked)
    }
}

/// People-readable names for the targets of `events` (bots, apps, members), as orgdesk's store knows
/// them: id → name. Targets it does not know keep their id only.
pub async fn target_names(
    db: &Db,
    org_id: &str,
    events: &[Event],
) -> Result<std::collections::HashMap<String, String>, ServiceError> {
    let mut names = std::collections::HashMap::new();
    let targets: std::collections::BTreeSet<&str> =
        events.iter().filter_map(|e| e.target.as_deref()).collect();
    if targets.is_empty() {
        return Ok(names);
    }
    let bots = store::bots::names(db, org_id).await?;
    let apps = store::apps::names(db).await?;
    for (id, name) in bots.into_iter().chain(apps) {
        if targets.contains(id.as_str()) {
            names.insert(id, name);
        }
    }
    let people = store::member_mirror::names(db, org_id).await?;
    for (id, name, email) in people {
        if targets.contains(id.as_str()) {
            let shown = if name.trim().is_empty() || name == email {
                email
            } else {
                format!("{name} ({email})")
            };
            names.insert(id, shown);
        }
    }
    Ok(names)
}

/// Events of `org_id` (None: tenant-wide support events) newest first, older than `before`.
pub async fn query(
    db: &Db,
    org_id: Option<&str>,
    filter: &Filter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Event>, ServiceError> {
    let f = filter.checked()?;
    let selection = store::audit::Selection {
        org_id,
        action: f.action.as_deref(),
        actor: f.actor.as_deref(),
        since: f.since.as_deref(),
        until: f.until.as_deref(),
        before,
        limit,
    };
    Ok(store::audit::events(db, &selection).await?)
}

/// A cell a spreadsheet will not run: a leading `=` `+` `-` `@` (or their full-width twins, or a tab
/// or carriage return) would make it a formula, so it gets a leading `'`.
fn defused(value: &str) -> std::borrow::Cow<'_, str> {
    const FORMULA: &[char] = &['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];
    if value.starts_with(FORMULA) {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// CSV with a header row. Every cell is quoted, so no separator of any locale (`,` `;` tab `|`) or
/// line break inside a value can split it, and formulas are defused.
pub fn csv(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut writer = ::csv::WriterBuilder::new()
        .quote_style(::csv::QuoteStyle::Always)
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to memory cannot fail; a row that somehow does is left out rather than cut.
    let _ = writer.write_record(header);
    for row in rows {
        let _ = writer.write_record(row.iter().map(|c| defused(c).into_owned()));
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

pub fn events_csv(events: &[Event]) -> String {
    csv(
        &[
            "time",
            "organization",
            "actor",
            "actor_id",
            "action",
            "target",
            "result",
            "detail",
            "request_id",
        ],
        events.iter().map(|e| {
            vec![
                e.occurred_at.clone(),
                e.org_id.clone().unwrap_or_default(),
                e.actor_name.clone().unwrap_or_default(),
                e.actor_id.clone(),
                e.action.clone(),
                e.target.clone().unwrap_or_default(),
                e.result.clone(),
                e.detail.clone().unwrap_or_default(),
                e.request_id.clone().unwrap_or_default(),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let out = csv(
            &["a", "b"],
            [vec!["=1+1".to_string(), "x,\"y\"".to_string()]],
        );
        assert_eq!(out, "\"a\",\"b\"\r\n\"'=1+1\",\"x,\"\"y\"\"\"\r\n");
        // `;` is the list separator where `,` is the decimal sign: inside quotes it splits nothing.
        let out = csv(
            &["a"],
            [vec!["ok;=1+1".to_string()], vec!["＝1+1".to_string()]],
        );
        assert_eq!(out, "\"a\"\r\n\"ok;=1+1\"\r\n\"'＝1+1\"\r\n");
    }

    #[test]
    fn reversed_dates_are_refused_plainly() {
        let reversed = Filter {
            since: Some("2026-11-05".into()),
            until: Some("2026-11-01".into()),
            ..Default::default()
        }
        .checked();
        assert!(
            matches!(&reversed, Err(ServiceError::Invalid { field: "until", message }) if message.contains("before")),
            "{reversed:?}"
        );
        // The same day is one day, not a reversal.
        assert!(Filter {
            since: Some("2026-11-05".into()),
            until: Some("2026-11-05".into()),
            ..Default::default()
        }
        .checked()
        .is_ok());
    }

    #[test]
    fn dates_become_utc_bounds() {
        let f = Filter {
            since: Some("2026-11-01".into()),
            until: Some("2026-11-02".into()),
            ..Default::default()
        }
        .checked()
        .unwrap();
        assert_eq!(f.since.as_deref(), Some("2026-11-01T00:00:00Z"));
        assert_eq!(f.until.as_deref(), Some("2026-11-02T23:59:59Z"));
        assert!(Filter {
            since: Some("yesterday".into()),
            ..Default::default()
        }
        .checked()
        .is_err());
    }
}
