//! Paging and filter parameters: the audit log's filter (dates, action, actor) and the local tenant's
//! Management API paging (`page`, `per_page`, `include_totals`, `from`, `take`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use orgdesk::emulator::paging::{parse, Paging, Params, Shape};
use orgdesk::server::service::audit_log::Filter;

fuzz_target!(|input: ([String; 4], Vec<(String, String)>)| {
    let ([action, actor, since, until], pairs) = input;
    let filter = Filter {
        action: Some(action),
        actor: Some(actor),
        since: Some(since),
        until: Some(until),
    };
    if let Ok(checked) = filter.checked() {
        for bound in [&checked.since, &checked.until].into_iter().flatten() {
            assert!(bound.ends_with('Z'), "bounds are UTC: {bound}");
        }
    }
    let shape = Shape::offset("things");
    match parse(&Params(pairs), &shape) {
        Ok(Paging::Offset { per_page, .. }) => assert!(per_page <= 100),
        Ok(Paging::Checkpoint { take, .. }) => assert!((1..=100).contains(&take)),
        Err(_) => {}
    }
});
