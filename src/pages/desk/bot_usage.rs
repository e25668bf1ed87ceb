//! A bot's use on its page, from the tenant's logs: the last token issued (when, from which
//! address and program), the last exchange Auth0 refused and why, and a small chart of tokens per
//! day for 30 days (drawn on the server as SVG; the numbers are in its label and a table).

use leptos::prelude::*;

use crate::model::bots::BotUsage;

const BAR: usize = 8;
const GAP: usize = 2;
const HEIGHT: u32 = 48;

#[component]
pub fn Usage(usage: BotUsage) -> impl IntoView {
    let total: u32 = usage.days.iter().map(|d| d.issued).sum();
    let refused: u32 = usage.days.iter().map(|d| d.failed).sum();
    let top = usage
        .days
        .iter()
        .map(|d| d.issued.max(d.failed))
        .max()
        .unwrap_or(0)
        .max(1);
    let width = usage.days.len() * (BAR + GAP);
    let bars = usage
        .days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let h = |n: u32| (n * HEIGHT).div_ceil(top);
            let x = i * (BAR + GAP);
            let (ok, failed) = (h(d.issued), h(d.failed));
            view! {
                <g>
                    <title>{format!("{}: {} issued, {} refused", d.day, d.issued, d.failed)}</title>
                    <rect class="usage__ok" x=x.to_string() y=(HEIGHT - ok).to_string() width=BAR.to_string() height=ok.to_string()/>
                    <rect class="usage__failed" x=x.to_string() y=(HEIGHT - failed).to_string() width=(BAR / 2).to_string() height=failed.to_string()/>
                </g>
            }
        })
        .collect_view();
    let label = format!("Tokens per day for the last 30 days: {total} issued, {refused} refused.");
    let last = match &usage.last_token_at {
        Some(at) => {
            let from = [
                usage.last_token_ip.as_str(),
                usage.last_token_agent.as_str(),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
            format!(
                "Last token issued {} UTC{}.",
                at.get(..16).unwrap_or(at).replace('T', " "),
                if from.is_empty() {
                    String::new()
                } else {
                    format!(" ({from})")
                }
            )
        }
        None => "No token issued yet, as far back as the tenant's logs go.".to_string(),
    };
    let failure = usage.last_failure_at.as_ref().map(|at| {
        view! {
            <p class="small" data-testid="usage-failure">
                {format!("Last refused exchange {} UTC: {}", at.get(..16).unwrap_or(at).replace('T', " "), usage.last_failure_reason)}
            </p>
        }
    });
    let rows = usage
        .days
        .iter()
        .filter(|d| d.issued + d.failed > 0)
        .map(|d| view! { <tr><td>{d.day.clone()}</td><td>{d.issued}</td><td>{d.failed}</td></tr> })
        .collect_view();
    let quotas = usage
        .quotas
        .iter()
        .map(|q| {
            let whose = if q.holder == "bot" { "The bot's" } else { "Your organization's" };
            let limit = match (q.per_day, q.per_hour) {
                (Some(d), Some(h)) => format!("{d} a day, {h} an hour"),
                (Some(d), None) => format!("{d} a day"),
                (None, Some(h)) => format!("{h} an hour"),
                (None, None) => "no limit".to_string(),
            };
            let enforced = if q.enforced { "enforced by Auth0" } else { "reported, not enforced" };
            view! {
                <li data-testid="quota" data-holder=q.holder.clone()>
                    {format!("{whose} token quota: {limit} ({enforced}). Issued today: {}.", q.used_today)}
                </li>
            }
        })
        .collect_view();
    view! {
        <p data-testid="usage-last">{last}</p>
        {(!usage.quotas.is_empty()).then(|| view! { <ul class="list list--plain small">{quotas}</ul> })}
        {failure}
        <svg class="usage" role="img" aria-label=label.clone() data-testid="usage-chart" data-issued=total.to_string() data-refused=refused.to_string()
            viewBox=format!("0 0 {width} {HEIGHT}") width=width.to_string() height=HEIGHT.to_string()>
            {bars}
        </svg>
        <p class="small muted">{label}</p>
        <details class="snippet">
            <summary>"Days with exchanges"</summary>
            <table class="table"><thead><tr><th scope="col">"Day (UTC)"</th><th scope="col">"Issued"</th><th scope="col">"Refused"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
}
