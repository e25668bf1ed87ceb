//! How long orgdesk has waited for Auth0, counted as wall time: calls made at once count once, so a
//! request's own time minus this is orgdesk's overhead even when its reads run side by side.

use std::sync::Mutex;
use std::time::Instant;

#[derive(Default)]
pub struct Waiting(Mutex<State>);

#[derive(Default)]
struct State {
    in_flight: u32,
    since: Option<Instant>,
    micros: u64,
}

/// One call in flight; its end is recorded when dropped (also when the call is abandoned).
pub struct Call<'a>(&'a Waiting);

impl Waiting {
    pub fn start(&self) -> Call<'_> {
        if let Ok(mut s) = self.0.lock() {
            if s.in_flight == 0 {
                s.since = Some(Instant::now());
            }
            s.in_flight += 1;
        }
        Call(self)
    }

    /// Microseconds during which at least one call was waiting for an answer.
    pub fn micros(&self) -> u64 {
        self.0.lock().map_or(0, |s| {
            s.micros + s.since.map_or(0, |t| t.elapsed().as_micros() as u64)
        })
    }
}

impl Drop for Call<'_> {
    fn drop(&mut self) {
        if let Ok(mut s) = self.0 .0.lock() {
            s.in_flight = s.in_flight.saturating_sub(1);
            if s.in_flight == 0 {
                if let Some(t) = s.since.take() {
                    s.micros += t.elapsed().as_micros() as u64;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn overlapping_calls_count_once() {
        let w = Waiting::default();
        let outer = Instant::now();
        let a = w.start();
        let b = w.start();
        std::thread::sleep(Duration::from_millis(30));
        drop(a);
        drop(b);
        let both = w.micros();
        // Counted once: no more than the wall time around both (twice would be about double).
        assert!(
            both >= 30_000 && both <= outer.elapsed().as_micros() as u64,
            "{both}"
        );
        let c = w.start();
        std::thread::sleep(Duration::from_millis(30));
        drop(c);
        assert!(w.micros() >= both + 30_000);
        // Nothing in flight: the count stands still.
        let settled = w.micros();
        std::thread::sleep(Duration::from_millis(10));
        assert_eq!(w.micros(), settled);
    }
}
