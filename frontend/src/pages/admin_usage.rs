//! Admin → Usage: predictions per day over the last days, by signed-in users and anonymous
//! visitors, as stacked columns with their table.

use crate::auth::use_auth;
use crate::components::{Stack, StackedBars};
use crate::explore;
use gloo_net::http::Method;
use leptos::prelude::*;
use lifeboat_api_types::{DAILY_COUNTS_DEFAULT_DAYS, DailyPredictions};

#[component]
pub fn AdminUsage() -> impl IntoView {
    let auth = use_auth();
    let days = LocalResource::new(move || async move {
        let path = format!("/api/admin/predictions/daily?days={DAILY_COUNTS_DEFAULT_DAYS}");
        auth.call::<Vec<DailyPredictions>>(Method::GET, &path, None)
            .await
    });
    view! {
        <section class="card wide">
            <h1>"Usage"</h1>
            <p class="lede">{format!("Predictions per day over the last {DAILY_COUNTS_DEFAULT_DAYS} days (UTC), by signed-in users and anonymous visitors.")}</p>
            {move || match days.get() {
                None => view! { <p class="muted" role="status">"Loading the counts…"</p> }.into_any(),
                Some(Err(error)) => view! { <p class="error-banner">{error.message()}</p> }.into_any(),
                Some(Ok(days)) => {
                    let total: i64 = days.iter().map(|d| d.signed_in + d.anonymous).sum();
                    let stacks = days
                        .iter()
                        .map(|d| Stack {
                            label: d.day.format("%m-%d").to_string(),
                            first: u64::try_from(d.signed_in).unwrap_or(0),
                            second: u64::try_from(d.anonymous).unwrap_or(0),
                        })
                        .collect();
                    view! {
                        <p data-testid="usage-total">{format!("{total} predictions in all.")}</p>
                        <StackedBars title="Predictions per day" testid="daily-chart" label_head="Day"
                            summary=explore::daily_summary(&days) names=["Signed in", "Anonymous"]
                            stacks=stacks />
                    }.into_any()
                }
            }}
        </section>
    }
}
