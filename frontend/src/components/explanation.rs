//! Why a model answered as it did: a bar per input, drawn by hand in SVG, with a table for
//! screen readers and anyone who prefers numbers.

use crate::chart::{self, Bar};
use leptos::prelude::*;
use lifeboat_api_types::InferenceResponse;

/// Drawing units: the chart's width, one row (label line above its bar), a bar.
const WIDTH: f64 = 340.0;
const ROW: f64 = 36.0;
const BAR: f64 = 12.0;
/// The labels' font size, as in style.css (`.chart-svg text`).
const FONT: f64 = 13.0;

/// The contributions of `prediction` as a bar chart from the average passenger, or why the
/// model cannot explain itself.
#[component]
pub fn Explanation(prediction: InferenceResponse) -> impl IntoView {
    if let Some(reason) = prediction.no_explanation.clone() {
        return view! { <p class="muted" data-testid="no-explanation">{reason}</p> }.into_any();
    }
    let (Some(base), Some(contributions)) = (prediction.base, prediction.contributions.as_ref())
    else {
        return ().into_any();
    };
    let bars = chart::bars(contributions);
    let model = prediction.algorithm.label();
    let summary = chart::explanation_summary(model, prediction.prob, base, &bars);
    let rows = bars.clone();
    view! {
        <figure class="explanation">
            <figcaption>"What moves this answer"</figcaption>
            <p class="base">"Average passenger: " {chart::percent(base)}</p>
            <p class="legend" aria-hidden="true">
                <span class="key up"></span>"raises the chance"
                <span class="key down"></span>"lowers it"
            </p>
            <Bars bars=bars summary=summary />
            <details class="as-table">
                <summary>"Show as table"<span class="visually-hidden">": " {model} " contributions"</span></summary>
                <table>
                    <caption>{format!("Contributions to the {model} answer, from the average passenger")}</caption>
                    <thead><tr>
                        <th scope="col">"Input"</th>
                        <th scope="col">"Value"</th>
                        <th scope="col">"Effect"</th>
                    </tr></thead>
                    <tbody>
                        <tr><th scope="row" colspan="2">"Average passenger"</th><td class="num">{chart::percent(base)}</td></tr>
                        {rows.into_iter().map(|bar| view! {
                            <tr>
                                <th scope="row">{bar.input}</th>
                                <td>{bar.value}</td>
                                <td class="num">{bar.effect}</td>
                            </tr>
                        }).collect_view()}
                        <tr><th scope="row" colspan="2">"This passenger"</th><td class="num">{chart::percent(prediction.prob)}</td></tr>
                    </tbody>
                </table>
            </details>
        </figure>
    }
    .into_any()
}

/// The bars: each row its label in words, then its bar from the zero line (right raises,
/// left lowers).
#[component]
fn Bars(bars: Vec<Bar>, summary: String) -> impl IntoView {
    let middle = WIDTH / 2.0;
    let scale = chart::bar_scale(&bars, middle - 2.0);
    let height = ROW * bars.len() as f64 + 4.0;
    view! {
        <svg class="chart-svg bars-svg" role="img" aria-label=summary
            viewBox=format!("0 0 {WIDTH} {height}") preserveAspectRatio="xMinYMin meet">
            {bars.into_iter().enumerate().map(|(i, bar)| {
                let top = ROW * i as f64;
                let length = (bar.contribution.abs() * scale).max(1.0);
                let x = if bar.contribution < 0.0 { middle - length } else { middle };
                let squeezed = chart::squeeze(&bar.label, FONT, WIDTH).map(|w| w.to_string());
                // The zero line is drawn row by row, below the label, so no text crosses it.
                view! {
                    <text x="0" y=format!("{:.1}", top + 14.0)
                        textLength=squeezed
                        lengthAdjust="spacingAndGlyphs">{bar.label}</text>
                    <line class="axis" x1=middle x2=middle y1=format!("{:.1}", top + 17.0)
                        y2=format!("{:.1}", top + 21.0 + BAR) />
                    <rect class=if bar.contribution < 0.0 { "bar down" } else { "bar up" }
                        x=format!("{x:.1}") y=format!("{:.1}", top + 19.0)
                        width=format!("{length:.1}") height=BAR rx="2" />
                }
            }).collect_view()}
        </svg>
    }
}
