//! Fine-grained M2M token quotas: `token_quota` on a client or an organization, the tenant's
//! `default_token_quota` for those without one. Hourly and daily buckets reset at the start of each
//! UTC hour and day; client-credentials answers carry `Auth0-Client-Quota-Limit` and
//! `Auth0-Organization-Quota-Limit` (`b=per_hour;q=10;r=7;t=3540,b=per_day;...`), and an enforced
//! quota that is used up refuses the exchange with a 429.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::Value;

use super::errors::MgmtError;
use super::mgmt::body::invalid_on;
use super::mgmt::validation::kind;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// One `client_credentials` quota as configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub enforce: bool,
    pub per_hour: Option<u64>,
    pub per_day: Option<u64>,
}

impl Limits {
    /// `{"client_credentials": {...}}` as stored; `None` when absent or null.
    pub fn of(quota: Option<&Value>) -> Option<Limits> {
        let cc = quota?.get("client_credentials")?;
        let limits = Limits {
            enforce: cc.get("enforce").and_then(Value::as_bool).unwrap_or(false),
            per_hour: cc.get("per_hour").and_then(Value::as_u64),
            per_day: cc.get("per_day").and_then(Value::as_u64),
        };
        (limits.per_hour.is_some() || limits.per_day.is_some()).then_some(limits)
    }
}

/// Auth0's `TokenQuota` schema: `client_credentials` required, nothing else; inside it at least
/// one of `enforce`, `per_day`, `per_hour`, the counts 1..=2147483647. `null` unsets.
pub fn validate(value: &Value, property: &str) -> Result<(), MgmtError> {
    if value.is_null() {
        return Ok(());
    }
    let Value::Object(quota) = value else {
        return Err(invalid_on(
            format!("Expected type object but found type {}", kind(value)),
            property,
        ));
    };
    if let Some(extra) = quota.keys().find(|k| *k != "client_credentials") {
        return Err(invalid_on(
            format!("Additional properties not allowed: {extra}"),
            property,
        ));
    }
    let Some(cc) = quota.get("client_credentials") else {
        return Err(invalid_on(
            "Missing required property: client_credentials",
            property,
        ));
    };
    let at = format!("{property}.client_credentials");
    let Value::Object(cc) = cc else {
        return Err(invalid_on(
            format!("Expected type object but found type {}", kind(cc)),
            &at,
        ));
    };
    if cc.is_empty() {
        return Err(invalid_on("Too few properties defined (0), minimum 1", &at));
    }
    for (k, v) in cc {
        let ok = match k.as_str() {
            "enforce" => v.is_boolean(),
            "per_day" | "per_hour" => v.as_u64().is_some_and(|n| (1..=2_147_483_647).contains(&n)),
            _ => {
                return Err(invalid_on(
                    format!("Additional properties not allowed: {k}"),
                    &at,
                ))
            }
        };
        if !ok {
            let want = if k == "enforce" {
                "boolean"
            } else {
                "integer between 1 and 2147483647"
            };
            return Err(invalid_on(format!("Expected {want}"), &format!("{at}.{k}")));
        }
    }
    Ok(())
}

/// The tenant's `default_token_quota` (`DefaultTokenQuota`): `clients` and/or `organizations`,
/// each a quota as above; `null` unsets.
pub fn validate_defaults(value: &Value) -> Result<(), MgmtError> {
    const PROPERTY: &str = "default_token_quota";
    match value {
        Value::Null => Ok(()),
        Value::Object(m) if m.is_empty() => Err(invalid_on(
            "Too few properties defined (0), minimum 1",
            PROPERTY,
        )),
        Value::Object(m) => m.iter().try_for_each(|(k, v)| match k.as_str() {
            "clients" | "organizations" if !v.is_null() => validate(v, &format!("{PROPERTY}.{k}")),
            _ => Err(invalid_on(
                format!("Additional properties not allowed: {k}"),
                PROPERTY,
            )),
        }),
        other => Err(invalid_on(
            format!("Expected type object but found type {}", kind(other)),
            PROPERTY,
        )),
    }
}

/// Whose tokens a count is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Holder {
    Client(String),
    Organization(String),
}

impl Holder {
    pub fn header(&self) -> &'static str {
        match self {
            Holder::Client(_) => "auth0-client-quota-limit",
            Holder::Organization(_) => "auth0-organization-quota-limit",
        }
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    hour: i64,
    in_hour: u64,
    day: i64,
    in_day: u64,
}

/// Tokens issued per holder in the current UTC hour and day.
#[derive(Default)]
pub struct Usage {
    counts: Mutex<HashMap<Holder, Counts>>,
}

/// One holder's state after a request: the header value, and whether an enforced bucket was
/// already used up (then the request is refused and not counted).
pub struct Verdict {
    pub header: String,
    pub exceeded: bool,
}

impl Usage {
    /// Counts one token for each holder unless an enforced bucket of any is used up; the header
    /// values show what is left after this request.
    pub fn take(&self, holders: &[(Holder, Limits)], now_ms: i64) -> Vec<(Holder, Verdict)> {
        let (hour, day) = (now_ms.div_euclid(HOUR_MS), now_ms.div_euclid(DAY_MS));
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        let current: Vec<Counts> = holders
            .iter()
            .map(|(h, _)| {
                let mut c = counts.get(h).copied().unwrap_or_default();
                if c.hour != hour {
                    (c.hour, c.in_hour) = (hour, 0);
                }
                if c.day != day {
                    (c.day, c.in_day) = (day, 0);
                }
                c
            })
            .collect();
        let used_up = |c: &Counts, l: &Limits| {
            l.per_hour.is_some_and(|q| c.in_hour >= q) || l.per_day.is_some_and(|q| c.in_day >= q)
        };
        let refused = holders
            .iter()
            .zip(&current)
            .any(|((_, l), c)| l.enforce && used_up(c, l));
        holders
            .iter()
            .zip(current)
            .map(|((holder, limits), mut c)| {
                let exceeded = limits.enforce && used_up(&c, limits);
                if !refused {
                    c.in_hour += 1;
                    c.in_day += 1;
                }
                counts.insert(holder.clone(), c);
                let hour_left = (hour + 1) * HOUR_MS - now_ms;
                let day_left = (day + 1) * DAY_MS - now_ms;
                let mut buckets = Vec::new();
                if let Some(q) = limits.per_hour {
                    buckets.push(bucket("per_hour", q, c.in_hour, hour_left));
                }
                if let Some(q) = limits.per_day {
                    buckets.push(bucket("per_day", q, c.in_day, day_left));
                }
                let header = buckets.join(",");
                (holder.clone(), Verdict { header, exceeded })
            })
            .collect()
    }
}

fn bucket(name: &str, quota: u64, used: u64, left_ms: i64) -> String {
    let remaining = quota.saturating_sub(used);
    let seconds = (left_ms + 999) / 1000;
    format!("b={name};q={quota};r={remaining};t={seconds}")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn limits(enforce: bool, per_hour: u64) -> Limits {
        Limits {
            enforce,
            per_hour: Some(per_hour),
            per_day: Some(100),
        }
    }

    #[test]
    fn an_enforced_hourly_quota_refuses_until_the_next_utc_hour() {
        let usage = Usage::default();
        let client = Holder::Client("c".into());
        let at = 10 * HOUR_MS + 60_000;
        for left in [1, 0] {
            let v = usage.take(&[(client.clone(), limits(true, 2))], at);
            assert!(!v[0].1.exceeded);
            assert_eq!(
                v[0].1.header,
                format!(
                    "b=per_hour;q=2;r={left};t=3540,b=per_day;q=100;r={};t=50340",
                    98 + left
                )
            );
        }
        let refused = usage.take(&[(client.clone(), limits(true, 2))], at);
        assert!(
            refused[0].1.exceeded,
            "the third token in the hour is refused"
        );
        assert!(refused[0].1.header.starts_with("b=per_hour;q=2;r=0;"));
        let next_hour = usage.take(&[(client, limits(true, 2))], 11 * HOUR_MS);
        assert!(!next_hour[0].1.exceeded);
        assert!(next_hour[0]
            .1
            .header
            .starts_with("b=per_hour;q=2;r=1;t=3600"));
    }

    #[test]
    fn an_unenforced_quota_only_reports_and_an_enforced_one_stops_both_counts() {
        let usage = Usage::default();
        let client = (Holder::Client("c".into()), limits(false, 1));
        let org = (Holder::Organization("o".into()), limits(true, 1));
        let first = usage.take(&[client.clone(), org.clone()], 0);
        assert!(first.iter().all(|(_, v)| !v.exceeded));
        let second = usage.take(&[client.clone(), org.clone()], 1);
        assert!(
            !second[0].1.exceeded,
            "the client's own quota is not enforced"
        );
        assert!(second[1].1.exceeded);
        // The refused request counted for neither.
        let client_only = usage.take(&[client], 2);
        assert!(client_only[0].1.header.contains("b=per_day;q=100;r=98;"));
    }

    #[test]
    fn the_schema_is_auth0s() {
        let ok = json!({"client_credentials": {"enforce": true, "per_hour": 10}});
        assert!(validate(&ok, "token_quota").is_ok());
        assert!(validate(&Value::Null, "token_quota").is_ok());
        for (bad, words) in [
            (json!({}), "Missing required property: client_credentials"),
            (json!({"client_credentials": {}}), "minimum 1"),
            (json!({"client_credentials": {"per_hour": 0}}), "per_hour"),
            (json!({"client_credentials": {"per_day": "5"}}), "per_day"),
            (
                json!({"client_credentials": {"burst": 5}}),
                "Additional properties not allowed: burst",
            ),
            (
                json!({"x": 1, "client_credentials": {"enforce": true}}),
                "Additional properties not allowed: x",
            ),
        ] {
            let err = validate(&bad, "token_quota").unwrap_err();
            assert!(err.message.contains(words), "{bad}: {}", err.message);
        }
        assert!(validate_defaults(&json!({"clients": ok})).is_ok());
        assert!(validate_defaults(&json!({})).is_err());
        assert!(validate_defaults(&json!({"users": ok})).is_err());
        assert!(validate_defaults(&json!({"organizations": {}})).is_err());
        assert_eq!(
            Limits::of(Some(&json!({"client_credentials": {"enforce": true}}))),
            None
        );
        assert_eq!(
            Limits::of(Some(&ok)),
            Some(Limits {
                enforce: true,
                per_hour: Some(10),
                per_day: None
            })
        );
    }
}
