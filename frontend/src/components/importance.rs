//! Permutation importance as horizontal bars, largest first, each with an error bar of ± one
//! standard deviation over the repeats; drawn by hand in SVG, with a table.

use super::{LabFigure, TextTable};
use crate::{chart, lab};
use leptos::prelude::*;
use lifeboat_api_types::Importance;

/// Drawing units, as in the explanation chart: width, one row (label above its bar), a bar.
const WIDTH: f64 = 340.0;
const ROW: f64 = 38.0;
const BAR: f64 = 12.0;
/// The labels' font size, as in style.css (`.chart-svg text`).
const FONT: f64 = 13.0;

/// How much held-out accuracy drops when each input is shuffled.
#[component]
pub fn ImportanceChart(importance: Vec<Importance>) -> impl IntoView {
    let mut sorted = importance;
    sorted.sort_by(|a, b| b.accuracy_drop.mean.total_cmp(&a.accuracy_drop.mean));
    // A drop can be negative (shuffling helped by chance): the zero line moves right then.
    let low = sorted
        .iter()
        .map(|i| i.accuracy_drop.mean - i.accuracy_drop.std_dev)
        .fold(0.0, f64::min);
    let high = sorted
        .iter()
        .map(|i| i.accuracy_drop.mean + i.accuracy_drop.std_dev)
        .fold(0.01, f64::max);
    let x = move |v: f64| 4.0 + (v - low) / (high - low) * (WIDTH - 8.0);
    let height = ROW * sorted.len() as f64 + 4.0;
    let summary = lab::importance_summary(&sorted);
    let table = TextTable {
        caption: "Drop in held-out accuracy when each input is shuffled".into(),
        head: vec!["Input", "Mean drop", "Standard deviation"],
        rows: sorted
            .iter()
            .map(|i| {
                vec![
                    i.feature.label().to_owned(),
                    lab::score(Some(i.accuracy_drop.mean)),
                    lab::score(Some(i.accuracy_drop.std_dev)),
                ]
            })
            .collect(),
    };
    let chart = view! {
            <svg class="chart-svg bars-svg" role="img" aria-label=summary
                viewBox=format!("0 0 {WIDTH} {height}") preserveAspectRatio="xMinYMin meet">
                {sorted.into_iter().enumerate().map(|(i, item)| {
                    let top = ROW * i as f64;
                    let (mean, std_dev) = (item.accuracy_drop.mean, item.accuracy_drop.std_dev);
                    let label = format!("{}: {}", item.feature.label(), lab::spread(&item.accuracy_drop));
                    let squeezed = chart::squeeze(&label, FONT, WIDTH).map(|w| w.to_string());
                    let (from, to) = (x(0.0).min(x(mean)), x(0.0).max(x(mean)));
                    let middle = top + 20.0 + BAR / 2.0;
                    let (lo, hi) = (x(mean - std_dev), x(mean + std_dev));
                    view! {
                        <text x="0" y=format!("{:.1}", top + 14.0) textLength=squeezed
                            lengthAdjust="spacingAndGlyphs">{label}</text>
                        <rect class="bar up" x=format!("{from:.1}") y=format!("{:.1}", top + 20.0)
                            width=format!("{:.1}", (to - from).max(1.0)) height=BAR rx="2" />
                        <path class="whisker" d=format!(
                            "M{lo:.1} {middle:.1} H{hi:.1} M{lo:.1} {:.1} V{:.1} M{hi:.1} {:.1} V{:.1}",
                            middle - 4.0, middle + 4.0, middle - 4.0, middle + 4.0) />
                        <line class="axis" x1=x(0.0) x2=x(0.0) y1=format!("{:.1}", top + 17.0)
                            y2=format!("{:.1}", top + 23.0 + BAR) />
                    }
                }).collect_view()}
            </svg>
    };
    view! {
        <LabFigure title="Permutation importance" testid="importance-chart"
            note="How much held-out accuracy drops when an input is shuffled; the whiskers are ± one standard deviation over the repeats."
            chart=chart.into_any() tables=vec![table] />
    }
}
