//! Test-only fault injection, behind `/__emulator/*` (off unless the config enables it): latency, failing
//! the next N calls to a route with a status, a timeout or a dropped connection (before or after the
//! call took effect), and key rotation.

use std::sync::Mutex;
use std::time::Duration;

use rand::Rng;
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer with `status` and an Auth0-style error body.
    Status,
    /// Hold the request until the client gives up (up to `hold_ms`, default 30 s).
    Timeout,
    /// Send the status line, then drop the connection mid-body.
    Reset,
    /// Do the call, then drop the connection mid-answer: the change happened, the caller never learns.
    ResetAfter,
    /// Do the call, then hold the answer for `hold_ms` (to kill the caller while its change is done).
    HoldAfter,
}

impl FaultKind {
    /// Whether the call itself runs before the fault strikes.
    pub fn after(self) -> bool {
        matches!(self, FaultKind::ResetAfter | FaultKind::HoldAfter)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct FaultRule {
    /// `METHOD /path`, where `*` matches one path segment: `POST /api/v2/organizations/*/client-grants`.
    pub route: String,
    /// How many matching calls fail; then the rule is spent.
    #[serde(default = "one")]
    pub count: u32,
    pub kind: FaultKind,
    #[serde(default = "internal")]
    pub status: u16,
    #[serde(default)]
    pub hold_ms: Option<u64>,
    /// For `status`: the error body's `message` and `errorCode` (Auth0's own wording of a real
    /// refusal, e.g. `insufficient_scope`); the status's reason otherwise.
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub error_code: Option<String>,
}

fn one() -> u32 {
    1
}

fn internal() -> u16 {
    500
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
pub struct Latency {
    #[serde(default)]
    pub min_ms: u64,
    #[serde(default)]
    pub max_ms: u64,
}

impl Latency {
    pub fn pick(&self) -> Option<Duration> {
        if self.max_ms == 0 && self.min_ms == 0 {
            return None;
        }
        let ms = if self.max_ms > self.min_ms {
            rand::thread_rng().gen_range(self.min_ms..=self.max_ms)
        } else {
            self.min_ms
        };
        Some(Duration::from_millis(ms))
    }
}

#[derive(Default)]
pub struct Faults {
    rules: Mutex<Vec<FaultRule>>,
    latency: Mutex<Latency>,
}

pub fn route_matches(pattern: &str, method: &str, path: &str) -> bool {
    let Some((want_method, want_path)) = pattern.split_once(' ') else {
        return false;
    };
    if !want_method.eq_ignore_ascii_case(method) {
        return false;
    }
    let want: Vec<&str> = want_path.trim_end_matches('/').split('/').collect();
    let got: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    want.len() == got.len() && want.iter().zip(&got).all(|(w, g)| *w == "*" || w == g)
}

impl Faults {
    pub fn add(&self, rule: FaultRule) {
        if let Ok(mut rules) = self.rules.lock() {
            rules.push(rule);
        }
    }

    pub fn clear(&self) {
        if let Ok(mut rules) = self.rules.lock() {
            rules.clear();
        }
        self.set_latency(Latency::default());
    }

    pub fn set_latency(&self, latency: Latency) {
        if let Ok(mut l) = self.latency.lock() {
            *l = latency;
        }
    }

    pub fn latency(&self) -> Latency {
        self.latency.lock().map(|l| *l).unwrap_or_default()
    }

    /// The fault to inject for this call, if any (spending one use of the first matching rule).
    pub fn take(&self, method: &str, path: &str) -> Option<FaultRule> {
        let mut rules = self.rules.lock().ok()?;
        let index = rules
            .iter()
            .position(|r| route_matches(&r.route, method, path))?;
        let rule = rules[index].clone();
        rules[index].count -= 1;
        if rules[index].count == 0 {
            rules.remove(index);
        }
        Some(rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_by_method_and_segments_and_run_out() {
        let faults = Faults::default();
        faults.add(FaultRule {
            route: "POST /api/v2/organizations/*/client-grants".into(),
            count: 2,
            kind: FaultKind::Status,
            status: 503,
            hold_ms: None,
            message: None,
            error_code: None,
        });
        assert!(faults
            .take("GET", "/api/v2/organizations/org_1/client-grants")
            .is_none());
        assert!(faults
            .take("POST", "/api/v2/organizations/org_1/members")
            .is_none());
        assert_eq!(
            faults
                .take("POST", "/api/v2/organizations/org_1/client-grants")
                .unwrap()
                .status,
            503
        );
        assert!(faults
            .take("post", "/api/v2/organizations/org_2/client-grants")
            .is_some());
        assert!(faults
            .take("POST", "/api/v2/organizations/org_1/client-grants")
            .is_none());
    }
}
