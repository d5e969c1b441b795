//! The data set explorer (public): how many passengers there are and how they are split
//! between training and judging the models, and who survived by class, sex, port, age,
//! family size and class × sex, each chart with its table.

use crate::components::{GridCell, RateBar, RateBars, RateGrid, Stack, StackedBars};
use crate::explore::{self, Grouping};
use gloo_net::http::Method;
use leptos::prelude::*;
use lifeboat_api_types::{
    AGE_BIN_YEARS, Bin, DatasetSummary, FARE_BIN_WIDTH, FARE_BINS_TOP, Group,
};

#[component]
pub fn DataExplorer() -> impl IntoView {
    let auth = crate::auth::use_auth();
    let summary = LocalResource::new(move || async move {
        auth.call::<DatasetSummary>(Method::GET, "/api/dataset/summary", None)
            .await
    });
    view! {
        <section class="card wide explorer">
            <h1>"The passengers"</h1>
            {move || match summary.get() {
                None => view! { <p class="muted" role="status">"Loading the data set…"</p> }.into_any(),
                Some(Err(error)) => view! { <p class="error-banner">{error.message()}</p> }.into_any(),
                Some(Ok(summary)) => view! { <Summary summary=summary /> }.into_any(),
            }}
        </section>
    }
}

/// The bars of one grouping, named for people.
fn rate_bars(grouping: Grouping, groups: &[Group]) -> Vec<RateBar> {
    groups
        .iter()
        .map(|g| RateBar {
            name: explore::group_name(grouping, &g.label),
            passengers: g.passengers,
            survived: g.survived,
        })
        .collect()
}

/// A histogram's columns: survived at the bottom, died on top.
fn stacks(bins: &[Bin]) -> Vec<Stack> {
    bins.iter()
        .map(|b| Stack {
            label: explore::bin_label(b),
            first: u64::from(b.survived),
            second: u64::from(b.died),
        })
        .collect()
}

#[component]
fn Summary(summary: DatasetSummary) -> impl IntoView {
    let overall = explore::share(summary.survived, summary.passengers);
    let cells: Option<Vec<GridCell>> = summary
        .by_class_and_sex
        .iter()
        .map(|g| {
            explore::class_and_sex(&g.label).map(|(class, female)| GridCell {
                class,
                female,
                passengers: g.passengers,
                survived: g.survived,
            })
        })
        .collect();
    let age_note = format!("Passengers with a known age, in bins of {AGE_BIN_YEARS} years.");
    let fare_note =
        format!("Fares in bins of £{FARE_BIN_WIDTH}; from £{FARE_BINS_TOP} up in the last one.");
    view! {
        <p class="lede" data-testid="dataset-sizes">
            {format!(
                "The Kaggle Titanic training set lists {} passengers, {} of whom survived ({}). {} of them train the models and the other {} judge them: the same {} for every model.",
                summary.passengers, summary.survived, crate::chart::percent(overall),
                summary.training_rows, summary.held_out_rows, summary.held_out_rows,
            )}
        </p>
        <div class="lab-charts">
            <RateBars title="Survival rate by ticket class" testid="by-class" bars=rate_bars(Grouping::Class, &summary.by_class) />
            <RateBars title="Survival rate by sex" testid="by-sex" bars=rate_bars(Grouping::Sex, &summary.by_sex) />
            {cells.map(|cells| view! {
                <RateGrid title="Survival rate by class and sex" testid="by-class-and-sex" cells=cells />
            })}
            <RateBars title="Survival rate by port of embarkation" testid="by-port" bars=rate_bars(Grouping::Port, &summary.by_port) />
            <RateBars title="Survival rate by age" testid="by-age-band" bars=rate_bars(Grouping::AgeBand, &summary.by_age_band) />
            <RateBars title="Survival rate by family size aboard" testid="by-family-size" bars=rate_bars(Grouping::FamilySize, &summary.by_family_size) />
            <StackedBars title="Ages, by outcome" testid="age-histogram" label_head="Age (years)"
                summary=explore::histogram_summary("Ages, by outcome", &summary.age_histogram)
                note=age_note names=["Survived", "Died"] stacks=stacks(&summary.age_histogram) />
            <StackedBars title="Fares, by outcome" testid="fare-histogram" label_head="Fare (£)"
                summary=explore::histogram_summary("Fares, by outcome", &summary.fare_histogram)
                note=fare_note names=["Survived", "Died"] stacks=stacks(&summary.fare_histogram) />
        </div>
        <p class="muted small hash">{format!("Data set sha256: {}", summary.sha256)}</p>
    }
}
