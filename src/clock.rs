//! Time, passed in: one clock for the whole process (orgdesk and its embedded tenant), so rules that
//! depend on time (session and invitation expiry, leases, idle bots, the recovery pass) are tested by
//! moving a manual clock instead of sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use time::OffsetDateTime;

pub trait Clock: Send + Sync + 'static {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;

    fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.now_ms()) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// Now as orgdesk's store writes it (RFC 3339, as `time` formats it).
    fn rfc3339(&self) -> String {
        self.now()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    }
}

/// Configuration is printed at start; a clock says only that it is one.
impl std::fmt::Debug for dyn Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock")
    }
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
    }

    /// Full precision: the journal's claim compares timestamps, and two written within one
    /// millisecond must still differ.
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that only moves when told to.
#[derive(Clone)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    pub fn at_secs(secs: i64) -> Self {
        Self(Arc::new(AtomicI64::new(secs * 1000)))
    }

    /// Stopped at the system's time now: what the process stores stays plausible next to what
    /// libraries stamp with the system clock (a session cookie's expiry).
    pub fn stopped_now() -> Self {
        Self(Arc::new(AtomicI64::new(SystemClock.now_ms())))
    }

    pub fn advance_secs(&self, secs: i64) {
        self.0.fetch_add(secs * 1000, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Auth0's timestamp format: RFC 3339 with milliseconds and `Z`.
pub fn iso(ms: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// Milliseconds since the epoch of an RFC 3339 timestamp (any offset), as Auth0 reads dates.
pub fn parse_iso(text: &str) -> Option<i64> {
    let t = OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_iso_reads_any_offset() {
        assert_eq!(
            parse_iso("2023-05-16T11:07:30.535694+02:00")
                .map(iso)
                .as_deref(),
            Some("2023-05-16T09:07:30.535Z")
        );
        assert_eq!(parse_iso("yesterday"), None);
    }

    #[test]
    fn iso_matches_auth0_format() {
        assert_eq!(iso(1_674_668_972_656), "2023-01-25T17:49:32.656Z");
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let clock = ManualClock::at_secs(100);
        assert_eq!(clock.now_secs(), 100);
        clock.advance_secs(5);
        assert_eq!(clock.now_secs(), 105);
    }
}
