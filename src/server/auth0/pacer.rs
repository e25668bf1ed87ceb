//! The Management API budget: calls are paced to the tenant's rate limit instead of running into 429s.
//! Waiting calls queue in order, except that a call made by a request that already made one (the
//! second step of a change) goes first: a change that has started finishes quickly, and a new one
//! waits its turn. A 429 or an empty `x-ratelimit-remaining` holds every queued call until the reset.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

/// A sustained rate and a burst, as Auth0 documents them per plan (SPEC §4).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    pub per_second: f64,
    pub burst: u32,
}

impl Budget {
    /// `free`, `enterprise`, `enterprise-nonprod`, `off`, or `<rate>/s[:<burst>]` (e.g. `2/s:2`).
    pub fn parse(value: &str) -> Result<Option<Budget>, String> {
        let preset = |per_second, burst| Ok(Some(Budget { per_second, burst }));
        match value {
            "off" | "none" => Ok(None),
            "free" => preset(2.0, 2),
            "enterprise" => preset(16.0, 50),
            "enterprise-nonprod" => preset(2.0, 10),
            // Essentials and Professional: "all other endpoints combined 10 burst / 150 per minute".
            "professional" | "essentials" => preset(2.5, 10),
            other => {
                let (rate, burst) = other.split_once(':').unwrap_or((other, "1"));
                let rate: f64 = rate
                    .strip_suffix("/s")
                    .and_then(|r| r.parse().ok())
                    .filter(|r: &f64| r.is_finite() && *r > 0.0 && *r <= 10_000.0)
                    .ok_or_else(|| format!("`{other}` is not a plan name or a rate like 2/s:2"))?;
                let burst: u32 = burst
                    .parse()
                    .ok()
                    .filter(|b| (1..=10_000).contains(b))
                    .ok_or_else(|| format!("`{other}` has no burst between 1 and 10000"))?;
                preset(rate, burst)
            }
        }
    }
}

tokio::task_local! {
    /// Whether the current request already made a Management API call.
    static STARTED: std::cell::Cell<bool>;
}

/// Runs `fut` as one request as far as the budget's priorities go.
pub async fn request_scope<F: std::future::Future>(fut: F) -> F::Output {
    STARTED.scope(std::cell::Cell::new(false), fut).await
}

/// Whether this call continues a request that already called (and marks the request as started).
fn continues_request() -> bool {
    STARTED.try_with(|s| s.replace(true)).unwrap_or(false)
}

struct State {
    /// GCRA: the theoretical arrival time of the next call.
    tat: Instant,
    /// No call before this (a 429 or an empty remaining count said so).
    hold_until: Instant,
    /// Waiting calls, each with whether it starts a request.
    urgent: VecDeque<(oneshot::Sender<()>, bool)>,
    normal: VecDeque<(oneshot::Sender<()>, bool)>,
    dispatching: bool,
}

pub struct Pacer {
    budget: Option<Budget>,
    state: Mutex<State>,
    /// Calls waiting now (for the desk's queue notice and metrics).
    waiting: AtomicU64,
    /// Of those, calls that start a request; each stands for a whole request's calls.
    starting: AtomicU64,
    /// Requests that called, and the calls they made: how many calls a request makes on average.
    requests: AtomicU64,
    calls: AtomicU64,
    /// A new change is refused (nothing done yet) rather than queued past this.
    max_queue: Duration,
}

/// The queue as the desk shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Queue {
    pub waiting: u64,
    pub wait: Duration,
    pub per_second: Option<f64>,
}

impl Pacer {
    pub fn new(budget: Option<Budget>, max_queue: Duration) -> Self {
        let now = Instant::now();
        Self {
            budget,
            state: Mutex::new(State {
                tat: now,
                hold_until: now,
                urgent: VecDeque::new(),
                normal: VecDeque::new(),
                dispatching: false,
            }),
            waiting: AtomicU64::new(0),
            starting: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            calls: AtomicU64::new(0),
            max_queue,
        }
    }

    fn interval(&self) -> Option<Duration> {
        self.budget
            .map(|b| Duration::from_secs_f64(1.0 / b.per_second))
    }

    /// How long a request starting now would wait for all its calls.
    pub fn queue(&self) -> Queue {
        let waiting = self.waiting.load(Ordering::Relaxed);
        let wait = self
            .state
            .lock()
            .map(|s| self.wait(&s, Instant::now()))
            .unwrap_or_default();
        Queue {
            waiting,
            wait,
            per_second: self.budget.map(|b| b.per_second),
        }
    }

    /// Calls a request makes on average (2 until there is something to go by).
    fn calls_per_request(&self) -> f64 {
        let requests = self.requests.load(Ordering::Relaxed);
        if requests < 20 {
            return 2.0;
        }
        (self.calls.load(Ordering::Relaxed) as f64 / requests as f64).max(1.0)
    }

    /// How long a request starting at `now` would wait for all its calls: every request already
    /// waiting to start goes first with all its calls (later calls of a started request jump the
    /// queue), then the calls continuing started requests, then this request's own.
    fn wait(&self, s: &State, now: Instant) -> Duration {
        let paced = match self.interval() {
            Some(t) => {
                let per_request = self.calls_per_request();
                let starting = self.starting.load(Ordering::Relaxed) as f64;
                let continuing = s.urgent.len() as f64;
                let calls = starting * per_request + continuing + (per_request - 1.0);
                (self.next_slot(s, now) + t.mul_f64(calls)).saturating_duration_since(now)
            }
            None => Duration::ZERO,
        };
        paced.max(s.hold_until.saturating_duration_since(now))
    }

    /// When the next call may go: one interval after the last, allowing the burst ahead. The burst is
    /// one less than the plan's so clock jitter between here and Auth0 never overdraws the bucket.
    fn next_slot(&self, s: &State, now: Instant) -> Instant {
        let Some((t, budget)) = self.interval().zip(self.budget) else {
            return s.hold_until.max(now);
        };
        let tolerance = t * budget.burst.saturating_sub(1).saturating_sub(1);
        s.tat
            .checked_sub(tolerance)
            .unwrap_or(now)
            .max(now)
            .max(s.hold_until)
    }

    /// Waits for this call's turn. Refuses a call that starts a request (nothing is done yet) when
    /// the queue is longer than the desk can wait; a call continuing a request always waits.
    pub async fn acquire(self: &std::sync::Arc<Self>) -> Result<(), Duration> {
        let urgent = continues_request();
        self.calls.fetch_add(1, Ordering::Relaxed);
        if !urgent {
            self.requests.fetch_add(1, Ordering::Relaxed);
        }
        let receiver = {
            let Ok(mut s) = self.state.lock() else {
                return Ok(());
            };
            let now = Instant::now();
            let idle = s.urgent.is_empty() && s.normal.is_empty();
            if idle && self.next_slot(&s, now) <= now {
                self.take_slot(&mut s, now);
                return Ok(());
            }
            if !urgent {
                let wait = self.wait(&s, now);
                if wait > self.max_queue {
                    // Refused before it did anything: it is not a request that called.
                    self.requests.fetch_sub(1, Ordering::Relaxed);
                    self.calls.fetch_sub(1, Ordering::Relaxed);
                    return Err(wait);
                }
            }
            let (tx, rx) = oneshot::channel();
            if urgent {
                s.urgent.push_back((tx, false));
            } else {
                s.normal.push_back((tx, true));
                self.starting.fetch_add(1, Ordering::Relaxed);
            }
            self.waiting.fetch_add(1, Ordering::Relaxed);
            if !s.dispatching {
                s.dispatching = true;
                tokio::spawn(self.clone().dispatch());
            }
            rx
        };
        let _ = receiver.await;
        Ok(())
    }

    fn take_slot(&self, s: &mut State, now: Instant) {
        if let Some(t) = self.interval() {
            s.tat = s.tat.max(now) + t;
        }
    }

    /// Releases queued calls one slot at a time, urgent ones first, until the queue is empty.
    async fn dispatch(self: std::sync::Arc<Self>) {
        loop {
            let at = {
                let Ok(mut s) = self.state.lock() else { return };
                if s.urgent.is_empty() && s.normal.is_empty() {
                    s.dispatching = false;
                    return;
                }
                self.next_slot(&s, Instant::now())
            };
            tokio::time::sleep_until(at).await;
            let Ok(mut s) = self.state.lock() else { return };
            let now = Instant::now();
            if self.next_slot(&s, now) > now {
                continue; // held meanwhile
            }
            // A waiter whose request was dropped does not use the slot.
            while let Some((tx, starts)) = s.urgent.pop_front().or_else(|| s.normal.pop_front()) {
                self.waiting.fetch_sub(1, Ordering::Relaxed);
                if starts {
                    self.starting.fetch_sub(1, Ordering::Relaxed);
                }
                if tx.send(()).is_ok() {
                    self.take_slot(&mut s, now);
                    break;
                }
            }
        }
    }

    /// Auth0 said no call before `until` (a 429, or no requests remaining until the reset).
    pub fn hold(&self, until: Instant) {
        if let Ok(mut s) = self.state.lock() {
            s.hold_until = s.hold_until.max(until);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn budgets_parse() {
        assert_eq!(
            Budget::parse("free").unwrap(),
            Some(Budget {
                per_second: 2.0,
                burst: 2
            })
        );
        assert_eq!(Budget::parse("off").unwrap(), None);
        assert_eq!(
            Budget::parse("5/s:10").unwrap(),
            Some(Budget {
                per_second: 5.0,
                burst: 10
            })
        );
        assert_eq!(
            Budget::parse("0.5/s").unwrap(),
            Some(Budget {
                per_second: 0.5,
                burst: 1
            })
        );
        for bad in ["fast", "0/s", "-1/s", "2/s:0", "2", "inf/s", "2/s:x"] {
            assert!(Budget::parse(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn paces_to_the_rate_and_serves_continuing_requests_first() {
        let pacer = Arc::new(Pacer::new(
            Some(Budget {
                per_second: 10.0,
                burst: 1,
            }),
            Duration::from_secs(60),
        ));
        let start = tokio::time::Instant::now();
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for i in 0..5 {
            let (pacer, order) = (pacer.clone(), order.clone());
            tasks.push(tokio::spawn(request_scope(async move {
                pacer.acquire().await.unwrap();
                order.lock().unwrap().push(format!("first {i}"));
                if i == 0 {
                    // The same request's second call jumps the queue.
                    pacer.acquire().await.unwrap();
                    order.lock().unwrap().push("second 0".to_string());
                }
            })));
            tokio::task::yield_now().await;
        }
        for t in tasks {
            t.await.unwrap();
        }
        let order = order.lock().unwrap().clone();
        assert_eq!(order[0], "first 0");
        assert_eq!(order[1], "second 0", "{order:?}");
        // Six calls at ten a second: the last goes 0.5 s after the first.
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(500), "{took:?}");
        assert!(took < Duration::from_millis(600), "{took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn refuses_to_start_a_request_behind_too_long_a_queue() {
        let pacer = Arc::new(Pacer::new(
            Some(Budget {
                per_second: 1.0,
                burst: 1,
            }),
            Duration::from_secs(6),
        ));
        // Each request is reckoned at two calls until there is a history: the fourth waits up to
        // 6 s (three requests' calls and its own second), a fifth would wait 8 s.
        let mut queued = Vec::new();
        for _ in 0..4 {
            let pacer = pacer.clone();
            queued.push(tokio::spawn(request_scope(
                async move { pacer.acquire().await },
            )));
            tokio::task::yield_now().await;
        }
        let refused = request_scope(pacer.acquire()).await;
        assert_eq!(refused, Err(Duration::from_secs(8)), "refused");
        assert!(pacer.queue().waiting >= 1);
        for q in queued {
            assert!(q.await.unwrap().is_ok());
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_hold_delays_every_call() {
        let pacer = Arc::new(Pacer::new(None, Duration::from_secs(60)));
        let start = tokio::time::Instant::now();
        pacer.acquire().await.unwrap();
        assert!(
            start.elapsed() < Duration::from_millis(1),
            "no budget: no wait"
        );
        pacer.hold(Instant::now() + Duration::from_secs(2));
        pacer.acquire().await.unwrap();
        assert!(start.elapsed() >= Duration::from_secs(2));
    }
}
