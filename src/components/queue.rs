//! Honest waiting: while a change is in flight for more than a moment, the desk shows how many
//! Management API calls are queued ahead (Auth0's rate limit paces them) and about how long is left.

use std::time::Duration;

use leptos::prelude::*;

use crate::api::status::auth0_queue;
use crate::model::status::QueueReport;

/// How many changes this page has in flight.
#[derive(Clone, Copy)]
pub struct Busy(RwSignal<u32>);

pub fn provide_busy() {
    provide_context(Busy(RwSignal::new(0)));
}

/// Counts an action's pending state towards the page's changes in flight.
pub fn track(pending: impl Get<Value = bool> + 'static) {
    let Some(Busy(count)) = use_context::<Busy>() else {
        return;
    };
    Effect::new(move |was: Option<bool>| {
        let now = pending.get();
        match (was.unwrap_or(false), now) {
            (false, true) => count.update(|c| *c += 1),
            (true, false) => count.update(|c| *c = c.saturating_sub(1)),
            _ => {}
        }
        now
    });
}

pub(crate) fn describe(q: &QueueReport) -> String {
    let pace = q
        .per_second
        .map(|r| format!(" (your Auth0 plan allows {r} calls a second)"))
        .unwrap_or_default();
    let ahead = match q.waiting {
        0 => "Your change is next".to_string(),
        1 => "1 call is queued".to_string(),
        n => format!("{n} calls are queued"),
    };
    format!(
        "Waiting for Auth0{pace}. {ahead}; about {} s to go. Your change is queued, not lost — keep this page open.",
        q.seconds.max(1)
    )
}

#[component]
pub fn QueueNotice() -> impl IntoView {
    let report = RwSignal::new(None::<QueueReport>);
    let timer = StoredValue::new(None::<leptos::leptos_dom::helpers::IntervalHandle>);
    if let Some(Busy(count)) = use_context::<Busy>() {
        Effect::new(move |_| {
            let busy = count.get() > 0;
            if let Some(handle) = timer.get_value() {
                if !busy {
                    handle.clear();
                    timer.set_value(None);
                    report.set(None);
                }
                return;
            }
            if busy {
                let poll = move || {
                    leptos::task::spawn_local(async move {
                        if let Ok(q) = auth0_queue().await {
                            if count.get_untracked() > 0 {
                                report.set(Some(q));
                            }
                        }
                    })
                };
                timer.set_value(
                    leptos::leptos_dom::helpers::set_interval_with_handle(
                        poll,
                        Duration::from_millis(1000),
                    )
                    .ok(),
                );
            }
        });
    }
    view! {
        <div aria-live="polite" class="queue-slot">
            {move || {
                report
                    .get()
                    .filter(|q| q.waiting > 0 || q.seconds > 1)
                    .map(|q| view! { <p class="note note--info" data-testid="queue-notice">{describe(&q)}</p> })
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_says_what_is_queued_and_for_how_long() {
        let q = QueueReport {
            waiting: 7,
            seconds: 4,
            per_second: Some(2.0),
        };
        assert_eq!(
            describe(&q),
            "Waiting for Auth0 (your Auth0 plan allows 2 calls a second). 7 calls are queued; about 4 s to go. Your change is queued, not lost — keep this page open."
        );
        let next = QueueReport {
            waiting: 0,
            seconds: 0,
            per_second: None,
        };
        assert!(describe(&next).starts_with("Waiting for Auth0. Your change is next; about 1 s"));
    }
}
