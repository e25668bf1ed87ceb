//! Prometheus metrics: requests by route and status with latency histograms, Management API calls
//! by endpoint and status, rate-limit waits, and cache hits. Process-wide counters; labels are route
//! templates (`/orgs/{org}/bots`), never ids. `http::metrics` counts requests and serves them.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

/// Latency buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                self.counts[i] += 1;
            }
        }
        self.count += 1;
        self.sum += seconds;
    }
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
    upstream: BTreeMap<(String, String, u16), u64>,
    rate_limit_waits: u64,
    rate_limit_wait_seconds: f64,
    cache: BTreeMap<(&'static str, &'static str), u64>,
}

#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

pub static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::default);

/// The Management API's resource words orgdesk calls; every other segment is an id.
const RESOURCE_WORDS: &[&str] = &[
    "clients",
    "client-grants",
    "rotate-secret",
    "organizations",
    "members",
    "roles",
    "invitations",
    "users",
    "users-by-email",
    "resource-servers",
    "logs",
    "name",
    "enabled_connections",
    "connections",
    "credentials",
];

/// A Management API path as a template: known resource words stay, anything else becomes `{id}`,
/// so a label can only take a bounded set of values whatever ids requests carry.
pub fn endpoint_template(path: &str) -> String {
    path.split('?')
        .next()
        .unwrap_or_default()
        .split('/')
        .map(|seg| {
            if RESOURCE_WORDS.contains(&seg) {
                seg
            } else {
                "{id}"
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// An HTTP method as a label: the standard ones, everything else `other` (a client can send any token).
fn method_label(method: &str) -> &'static str {
    const KNOWN: &[&str] = &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
    KNOWN
        .iter()
        .find(|m| **m == method)
        .copied()
        .unwrap_or("other")
}

impl Metrics {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn request(&self, route: &str, method: &str, status: u16, took: Duration) {
        let mut m = self.lock();
        *m.requests
            .entry((route.to_string(), method_label(method).to_string(), status))
            .or_default() += 1;
        m.latency
            .entry(route.to_string())
            .or_default()
            .observe(took.as_secs_f64());
    }

    /// One attempt of a Management API call; status 0 for a timeout or a broken connection.
    pub fn upstream(&self, method: &str, path: &str, status: u16) {
        *self
            .lock()
            .upstream
            .entry((
                method_label(method).to_string(),
                endpoint_template(path),
                status,
            ))
            .or_default() += 1;
    }

    pub fn rate_limit_wait(&self, wait: Duration) {
        let mut m = self.lock();
        m.rate_limit_waits += 1;
        m.rate_limit_wait_seconds += wait.as_secs_f64();
    }

    pub fn cache(&self, cache: &'static str, hit: bool) {
        *self
            .lock()
            .cache
            .entry((cache, if hit { "hit" } else { "miss" }))
            .or_default() += 1;
    }

    /// The Prometheus text exposition format.
    pub fn render(&self) -> String {
        let m = self.lock();
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP orgdesk_requests_total HTTP requests by route template, method and status."
        );
        let _ = writeln!(out, "# TYPE orgdesk_requests_total counter");
        for ((route, method, status), n) in &m.requests {
            let _ = writeln!(out, "orgdesk_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {n}");
        }
        let _ = writeln!(
            out,
            "# HELP orgdesk_request_duration_seconds Time to answer, by route template."
        );
        let _ = writeln!(out, "# TYPE orgdesk_request_duration_seconds histogram");
        for (route, h) in &m.latency {
            for (bound, n) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(out, "orgdesk_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}");
            }
            let _ = writeln!(
                out,
                "orgdesk_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "orgdesk_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "orgdesk_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        let _ = writeln!(out, "# HELP orgdesk_upstream_calls_total Management API call attempts by endpoint template and status (0: no answer).");
        let _ = writeln!(out, "# TYPE orgdesk_upstream_calls_total counter");
        for ((method, endpoint, status), n) in &m.upstream {
            let _ = writeln!(out, "orgdesk_upstream_calls_total{{method=\"{method}\",endpoint=\"{endpoint}\",status=\"{status}\"}} {n}");
        }
        let _ = writeln!(
            out,
            "# HELP orgdesk_rate_limit_waits_total Waits for Auth0's rate limit to reset."
        );
        let _ = writeln!(out, "# TYPE orgdesk_rate_limit_waits_total counter");
        let _ = writeln!(out, "orgdesk_rate_limit_waits_total {}", m.rate_limit_waits);
        let _ = writeln!(out, "# HELP orgdesk_rate_limit_wait_seconds_total Time spent waiting for Auth0's rate limit.");
        let _ = writeln!(out, "# TYPE orgdesk_rate_limit_wait_seconds_total counter");
        let _ = writeln!(
            out,
            "orgdesk_rate_limit_wait_seconds_total {}",
            m.rate_limit_wait_seconds
        );
        let _ = writeln!(
            out,
            "# HELP orgdesk_cache_requests_total Cache lookups by cache and result."
        );
        let _ = writeln!(out, "# TYPE orgdesk_cache_requests_total counter");
        for ((cache, result), n) in &m.cache {
            let _ = writeln!(
                out,
                "orgdesk_cache_requests_total{{cache=\"{cache}\",result=\"{result}\"}} {n}"
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_lose_their_ids() {
        assert_eq!(
            endpoint_template("organizations/org_acme0001/members"),
            "organizations/{id}/members"
        );
        assert_eq!(
            endpoint_template("clients/AbC123xyz/rotate-secret"),
            "clients/{id}/rotate-secret"
        );
        assert_eq!(
            endpoint_template("users/auth0%7Cabc/organizations"),
            "users/{id}/organizations"
        );
        assert_eq!(
            endpoint_template("client-grants?client_id=x"),
            "client-grants"
        );
        // An id made of lowercase letters and dashes is still an id.
        assert_eq!(
            endpoint_template("users/metrics-label-injection/organizations"),
            "users/{id}/organizations"
        );
        assert_eq!(method_label("PATCH"), "PATCH");
        assert_eq!(method_label("BREW"), "other");
    }

    #[test]
    fn histograms_are_cumulative() {
        let m = Metrics::default();
        m.request("/x", "GET", 200, Duration::from_millis(3));
        m.request("/x", "GET", 200, Duration::from_millis(30));
        let text = m.render();
        assert!(
            text.contains("orgdesk_request_duration_seconds_bucket{route=\"/x\",le=\"0.005\"} 1")
        );
        assert!(
            text.contains("orgdesk_request_duration_seconds_bucket{route=\"/x\",le=\"0.05\"} 2")
        );
        assert!(text.contains("orgdesk_request_duration_seconds_count{route=\"/x\"} 2"));
        assert!(
            text.contains("orgdesk_requests_total{route=\"/x\",method=\"GET\",status=\"200\"} 2")
        );
    }
}
