//! Abuse limits: request rates per client IP, per session and for changes per session (GCRA buckets
//! in memory, one set per replica), and per-organization caps on what an admin can create. The client
//! IP is the connection's peer, or — only when that peer is a configured trusted proxy — the nearest
//! untrusted address in `X-Forwarded-For`. The middleware that applies them is `http::rate_limit`.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use axum::http::HeaderMap;

use super::config_error::{invalid, ConfigError};

/// Per-minute rates and caps; 0 turns a rate limit off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub ip_per_min: u64,
    pub session_per_min: u64,
    pub writes_per_min: u64,
    pub trusted_proxies: Vec<Cidr>,
    pub max_bots: u64,
    pub max_installs: u64,
    pub max_pending_invitations: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            ip_per_min: 3000,
            session_per_min: 900,
            writes_per_min: 60,
            trusted_proxies: Vec::new(),
            max_bots: 50,
            max_installs: 50,
            max_pending_invitations: 100,
        }
    }
}

/// An address block: `10.0.0.0/8`, `::1/128`, or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    bits: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Option<Cidr> {
        let (addr, bits) = match text.split_once('/') {
            Some((a, b)) => (a.parse::<IpAddr>().ok()?, Some(b.parse::<u8>().ok()?)),
            None => (text.parse::<IpAddr>().ok()?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let bits = bits.unwrap_or(max);
        (bits <= max).then_some(Cidr { net: addr, bits })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        fn prefix(a: u128, b: u128, bits: u8, width: u8) -> bool {
            if bits == 0 {
                return true;
            }
            let shift = width - bits;
            (a >> shift) == (b >> shift)
        }
        match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(i)) => {
                prefix(u32::from(n) as u128, u32::from(i) as u128, self.bits, 32)
            }
            (IpAddr::V6(n), IpAddr::V6(i)) => prefix(u128::from(n), u128::from(i), self.bits, 128),
            _ => false,
        }
    }
}

pub fn parse_proxies(value: Option<&str>) -> Result<Vec<Cidr>, ConfigError> {
    parse_cidrs("ORGDESK_TRUSTED_PROXIES", value)
}

/// A comma-separated list of addresses or blocks from the variable `name`.
pub fn parse_cidrs(name: &str, value: Option<&str>) -> Result<Vec<Cidr>, ConfigError> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            Cidr::parse(s).ok_or_else(|| {
                invalid(
                    name,
                    format!("`{s}` is not an address or an address/prefix"),
                )
            })
        })
        .collect()
}

/// The client's address: the peer, unless the peer is a trusted proxy; then the right-most
/// `X-Forwarded-For` entry that is not itself a trusted proxy (entries left of it are client-supplied).
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[Cidr]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    hops.into_iter()
        .rev()
        .find(|ip| !is_trusted(*ip))
        .unwrap_or(peer)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Ip(IpAddr),
    Session(u64),
    Write(u64),
    /// An automation API caller (organization and client).
    Caller(u64),
    CallerWrite(u64),
}

/// Generic cell rate algorithm: each key keeps one instant (its "theoretical arrival time").
pub struct Limiter {
    started: Instant,
    cells: Mutex<HashMap<Key, f64>>,
    hasher: RandomState,
}

impl Default for Limiter {
    fn default() -> Self {
        Self {
            started: Instant::now(),
            cells: Mutex::new(HashMap::new()),
            hasher: RandomState::new(),
        }
    }
}

/// Up to a quarter of a minute's allowance may come at once.
fn burst(per_min: u64) -> f64 {
    (per_min as f64 / 4.0).max(1.0)
}

impl Limiter {
    fn now_ms(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * 1000.0
    }

    /// Ok, or how many milliseconds until the request would be allowed.
    fn take(&self, key: Key, per_min: u64, now: f64) -> Result<(), u64> {
        if per_min == 0 {
            return Ok(());
        }
        let interval = 60_000.0 / per_min as f64;
        let tolerance = interval * (burst(per_min) - 1.0);
        let mut cells = self.cells.lock().unwrap_or_else(|p| p.into_inner());
        if cells.len() > 100_000 {
            cells.retain(|_, tat| *tat > now);
        }
        let tat = cells.get(&key).copied().unwrap_or(now).max(now);
        if tat - now > tolerance {
            return Err((tat - now - tolerance).ceil() as u64);
        }
        cells.insert(key, tat + interval);
        Ok(())
    }

    /// Checks every limit that applies; a refused request uses up nothing further.
    pub fn check(
        &self,
        limits: &Limits,
        ip: IpAddr,
        session: Option<u64>,
        write: bool,
    ) -> Result<(), u64> {
        let now = self.now_ms();
        self.take(Key::Ip(ip), limits.ip_per_min, now)?;
        if let Some(s) = session {
            self.take(Key::Session(s), limits.session_per_min, now)?;
            if write {
                self.take(Key::Write(s), limits.writes_per_min, now)?;
            }
        }
        Ok(())
    }

    /// An automation API caller's limits: the session's rates, per caller (organization and client).
    pub fn check_caller(&self, limits: &Limits, caller: &str, write: bool) -> Result<(), u64> {
        let now = self.now_ms();
        let key = self.hasher.hash_one(caller);
        self.take(Key::Caller(key), limits.session_per_min, now)?;
        if write {
            self.take(Key::CallerWrite(key), limits.writes_per_min, now)?;
        }
        Ok(())
    }

    /// The session is known by a keyed hash of its cookie (the id itself is not kept here); the
    /// cookie is the one the session layer reads (the last of that name).
    pub fn session_key(&self, headers: &HeaderMap, cookie_name: &str) -> Option<u64> {
        crate::cookies::values(headers, cookie_name)
            .last()
            .map(|value| self.hasher.hash_one(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn cidrs_match_their_blocks_only() {
        let c = Cidr::parse("10.1.0.0/16").unwrap();
        assert!(c.contains(ip("10.1.200.3")));
        assert!(!c.contains(ip("10.2.0.1")));
        assert!(!c.contains(ip("::1")));
        assert!(Cidr::parse("::1").unwrap().contains(ip("::1")));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        for bad in ["10.0.0.0/33", "nope", "10.0.0.0/x", ""] {
            assert!(Cidr::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            "6.6.6.6, 203.0.113.9, 10.0.0.2".parse().unwrap(),
        );
        let trusted = parse_proxies(Some("10.0.0.0/8")).unwrap();
        assert_eq!(client_ip(ip("10.0.0.1"), &h, &trusted), ip("203.0.113.9"));
        assert_eq!(
            client_ip(ip("198.51.100.7"), &h, &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(client_ip(ip("10.0.0.1"), &h, &[]), ip("10.0.0.1"));
        assert_eq!(
            client_ip(ip("10.0.0.1"), &HeaderMap::new(), &trusted),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn a_bucket_allows_its_burst_then_refuses_until_refilled() {
        let limiter = Limiter::default();
        let key = Key::Ip(ip("192.0.2.1"));
        // 60 a minute: a burst of 15, then one a second.
        for i in 0..15 {
            assert!(limiter.take(key, 60, 0.0).is_ok(), "request {i}");
        }
        let wait = limiter.take(key, 60, 0.0).unwrap_err();
        assert!((999..=1000).contains(&wait), "{wait}");
        assert!(limiter.take(key, 60, 1000.0).is_ok());
        assert!(limiter.take(key, 60, 1000.0).is_err());
        // Another key is untouched; 0 means no limit.
        assert!(limiter.take(Key::Ip(ip("192.0.2.2")), 60, 0.0).is_ok());
        for _ in 0..1000 {
            assert!(limiter.take(key, 0, 0.0).is_ok());
        }
    }

    #[test]
    fn sessions_are_keyed_by_their_cookie() {
        let limiter = Limiter::default();
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "theme=dark; orgdesk=abc".parse().unwrap());
        let a = limiter.session_key(&h, "orgdesk").unwrap();
        h.insert(header::COOKIE, "orgdesk=abd".parse().unwrap());
        assert_ne!(Some(a), limiter.session_key(&h, "orgdesk"));
        assert_eq!(limiter.session_key(&h, "__Host-orgdesk"), None);
        // The last one counts, as in the session layer; two at all is refused before that.
        h.insert(
            header::COOKIE,
            "orgdesk=decoy; orgdesk=abc".parse().unwrap(),
        );
        assert_eq!(limiter.session_key(&h, "orgdesk"), Some(a));
        assert_eq!(crate::cookies::values(&h, "orgdesk").count(), 2);
        h.append(header::COOKIE, "orgdesk=again".parse().unwrap());
        assert_eq!(crate::cookies::values(&h, "orgdesk").count(), 3);
    }
}
