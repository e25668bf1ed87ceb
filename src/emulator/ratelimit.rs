//! Auth0-style rate limits (SPEC §4): token buckets per endpoint class, with plan presets, and the
//! `x-ratelimit-limit/-remaining/-reset` headers on every response.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::http::Method;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Plan {
    /// Large buckets: never the bottleneck of a test or benchmark (the default).
    Generous,
    Free,
    Professional,
    Enterprise,
}

impl Plan {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "generous" => Some(Plan::Generous),
            "free" => Some(Plan::Free),
            "professional" => Some(Plan::Professional),
            "enterprise" => Some(Plan::Enterprise),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Limit {
    burst: f64,
    per_sec: f64,
}

const fn per_min(burst: u32, per_minute: u32) -> Limit {
    Limit {
        burst: burst as f64,
        per_sec: per_minute as f64 / 60.0,
    }
}

const fn per_sec(burst: u32, per_second: u32) -> Limit {
    Limit {
        burst: burst as f64,
        per_sec: per_second as f64,
    }
}

/// Which bucket a request draws from.
pub fn class(method: &Method, path: &str) -> &'static str {
    let Some(rest) = path.strip_prefix("/api/v2/") else {
        return match path {
            "/oauth/token" => "auth_token",
            "/userinfo" => "auth_userinfo",
            "/.well-known/jwks.json" => "auth_jwks",
            _ => "auth_other",
        };
    };
    let segments: Vec<&str> = rest.split('/').collect();
    let read = method == Method::GET;
    match (segments.as_slice(), read) {
        (["organizations"], true) => "read_organizations",
        (["organizations", "name", _], true) => "read_organization_by_name",
        (["organizations", _], true) => "read_organization_by_id",
        (["organizations"] | ["organizations", _], false) => "write_organizations",
        (["organizations", _, "members"], true) => "read_org_members",
        (["organizations", _, "members"], false) => "write_org_members",
        (["organizations", _, "members", _, "roles"], _) => "org_member_roles",
        (["organizations", _, "client-grants", ..], true) => "read_org_client_grants",
        (["organizations", _, "client-grants", ..], false) => "write_org_client_grants",
        (["organizations", _, "invitations", ..], _) => "org_invitations",
        (["clients", ..], true) => "read_clients",
        (["users", ..] | ["users-by-email"], true) => "read_users",
        (["logs", ..], true) => "read_logs",
        _ => "other",
    }
}

/// The plan's limits for a class, and whether a tenant-wide Management bucket applies too.
fn limits(plan: Plan, class: &str) -> (Option<Limit>, Option<Limit>) {
    let auth = class.starts_with("auth_");
    match plan {
        Plan::Generous => (Some(per_sec(1_000_000, 1_000_000)), None),
        Plan::Free => {
            if auth {
                let limit = match class {
                    "auth_token" => per_sec(30, 30),
                    "auth_userinfo" => per_min(10, 5),
                    "auth_jwks" => per_sec(20, 20),
                    _ => per_min(300, 300),
                };
                (Some(limit), None)
            } else {
                (None, Some(per_sec(2, 2)))
            }
        }
        Plan::Professional => {
            let limit = match class {
                "read_organizations" => per_min(5, 50),
                "read_organization_by_id" => per_min(20, 200),
                "read_organization_by_name" => per_min(10, 100),
                "write_organizations" => per_min(5, 25),
                "read_org_members" => per_min(40, 500),
                "write_org_members" | "org_member_roles" | "org_invitations" => per_min(20, 200),
                "read_clients" => per_min(5, 100),
                "read_org_client_grants" => per_min(10, 100),
                "write_org_client_grants" => per_min(5, 150),
                "read_users" => per_min(40, 500),
                "read_logs" => per_min(10, 100),
                "auth_userinfo" => per_min(10, 5),
                c if c.starts_with("auth_") => per_sec(25, 25),
                _ => per_min(10, 150),
            };
            (Some(limit), None)
        }
        Plan::Enterprise => {
            if auth {
                (Some(per_sec(100, 100)), None)
            } else {
                let class_limit = match class {
                    "write_organizations" => Some(per_min(5, 150)),
                    "write_org_client_grants" => Some(per_min(5, 150)),
                    _ => None,
                };
                (class_limit, Some(per_sec(50, 16)))
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated_ms: i64,
}

/// What a request learns about its bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub allowed: bool,
    pub limit: u64,
    pub remaining: u64,
    /// Unix seconds when a request will be allowed again (or the bucket is full again).
    pub reset: i64,
}

pub struct RateLimiter {
    plan: Mutex<Plan>,
    buckets: Mutex<HashMap<&'static str, Bucket>>,
}

impl RateLimiter {
    pub fn new(plan: Plan) -> Self {
        Self {
            plan: Mutex::new(plan),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn set_plan(&self, plan: Plan) {
        if let Ok(mut p) = self.plan.lock() {
            *p = plan;
        }
        if let Ok(mut b) = self.buckets.lock() {
            b.clear();
        }
    }

    pub fn plan(&self) -> Plan {
        self.plan.lock().map(|p| *p).unwrap_or(Plan::Generous)
    }

    /// Takes one token from the class bucket (and the tenant-wide one, if the plan has it).
    pub fn check(&self, class: &'static str, now_ms: i64) -> Verdict {
        let (class_limit, global_limit) = limits(self.plan(), class);
        let Ok(mut buckets) = self.buckets.lock() else {
            return Verdict {
                allowed: true,
                limit: 0,
                remaining: 0,
                reset: now_ms / 1000,
            };
        };
        let mut checks: Vec<(&'static str, Limit)> = Vec::with_capacity(2);
        if let Some(l) = global_limit {
            checks.push(("mgmt_global", l));
        }
        if let Some(l) = class_limit {
            checks.push((class, l));
        }
        // Refill, then decide on all buckets before taking from any.
        let mut views = Vec::with_capacity(2);
        for (key, limit) in &checks {
            let bucket = buckets.entry(key).or_insert(Bucket {
                tokens: limit.burst,
                updated_ms: now_ms,
            });
            let elapsed = (now_ms - bucket.updated_ms).max(0) as f64 / 1000.0;
            bucket.tokens = (bucket.tokens + elapsed * limit.per_sec).min(limit.burst);
            bucket.updated_ms = now_ms;
            views.push((*key, *limit, bucket.tokens));
        }
        let allowed = views.iter().all(|(_, _, tokens)| *tokens >= 1.0);
        if allowed {
            for (key, _, _) in &views {
                if let Some(b) = buckets.get_mut(key) {
                    b.tokens -= 1.0;
                }
            }
        }
        // Report the tightest bucket.
        let (key, limit, _) = views
            .iter()
            .min_by(|a, b| a.2.partial_cmp(&b.2).unwrap_or(std::cmp::Ordering::Equal))
            .copied()
            .unwrap_or(("none", per_sec(1, 1), 1.0));
        let tokens = buckets.get(key).map(|b| b.tokens).unwrap_or(limit.burst);
        let missing = if allowed {
            limit.burst - tokens
        } else {
            1.0 - tokens
        };
        let wait_secs = if missing <= 0.0 {
            0.0
        } else {
            missing / limit.per_sec
        };
        Verdict {
            allowed,
            limit: limit.burst as u64,
            remaining: tokens.max(0.0).floor() as u64,
            reset: (now_ms as f64 / 1000.0 + wait_secs).ceil() as i64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_the_endpoint_table() {
        assert_eq!(
            class(&Method::GET, "/api/v2/organizations"),
            "read_organizations"
        );
        assert_eq!(
            class(&Method::GET, "/api/v2/organizations/org_x"),
            "read_organization_by_id"
        );
        assert_eq!(
            class(&Method::POST, "/api/v2/organizations/org_x/client-grants"),
            "write_org_client_grants"
        );
        assert_eq!(
            class(&Method::DELETE, "/api/v2/organizations/org_x/members"),
            "write_org_members"
        );
        assert_eq!(class(&Method::POST, "/oauth/token"), "auth_token");
        assert_eq!(class(&Method::PATCH, "/api/v2/clients/abc"), "other");
    }

    #[test]
    fn free_plan_allows_two_per_second_then_refills() {
        let limiter = RateLimiter::new(Plan::Free);
        let t = 1_000_000;
        assert!(limiter.check("read_users", t).allowed);
        let second = limiter.check("other", t);
        assert!(second.allowed);
        assert_eq!((second.limit, second.remaining), (2, 0));
        let third = limiter.check("read_users", t);
        assert!(!third.allowed);
        assert_eq!(third.reset, 1001);
        assert!(
            limiter.check("read_users", t + 500).allowed,
            "half a second refills one token"
        );
    }

    #[test]
    fn professional_org_client_grant_writes_are_five_burst() {
        let limiter = RateLimiter::new(Plan::Professional);
        let allowed = (0..10)
            .filter(|_| limiter.check("write_org_client_grants", 0).allowed)
            .count();
        assert_eq!(allowed, 5);
        assert!(
            limiter.check("read_users", 0).allowed,
            "other classes have their own buckets"
        );
    }
}
