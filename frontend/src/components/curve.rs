//! A small line chart of the chance of survival as one input moves, drawn by hand in SVG,
//! with the 50 % line, the passenger's own point, and a table for screen readers.

use crate::chart::{self, Plot};
use leptos::prelude::*;
use lifeboat_api_types::{CurvePoint, SURVIVAL_THRESHOLD};

/// `points` over the input `name` (`"age"`), titled `title`, with the passenger's value and
/// probability marked when known. `column` heads the table's first column; `show` writes
/// a value of the input.
#[component]
pub fn Curve(
    title: &'static str,
    name: &'static str,
    column: &'static str,
    points: Vec<CurvePoint>,
    current: Option<(f64, f64)>,
    show: fn(f64) -> String,
) -> impl IntoView {
    let plot = Plot::for_points(&points);
    let summary = chart::curve_summary(name, &points, current, show);
    let path = plot.path(&points);
    let (left, right) = (plot.left, plot.width - plot.right);
    let (top, floor) = (plot.top, plot.y(0.0));
    let half = plot.y(SURVIVAL_THRESHOLD);
    let middle = (plot.x_min + plot.x_max) / 2.0;
    let label_y = plot.height - 8.0;
    let y_label = move |prob: f64| {
        view! { <text class="tick" x=left - 6.0 y=plot.y(prob) + 4.0 text-anchor="end">{chart::percent(prob)}</text> }
    };
    let marker = current.map(|(value, prob)| {
        let (x, y) = (plot.x(value), plot.y(prob));
        view! {
            <line class="marker-line" x1=x x2=x y1=top y2=floor />
            <circle class="marker" cx=x cy=y r="5" />
        }
    });
    let rows = points.clone();
    view! {
        <figure class="curve">
            <figcaption>{title}</figcaption>
            <svg class="chart-svg curve-svg" role="img" aria-label=summary
                viewBox=format!("0 0 {} {}", plot.width, plot.height)>
                <line class="axis" x1=left x2=left y1=top y2=floor />
                <line class="axis" x1=left x2=right y1=floor y2=floor />
                <line class="threshold" x1=left x2=right y1=half y2=half />
                {y_label(1.0)}
                {y_label(SURVIVAL_THRESHOLD)}
                {y_label(0.0)}
                <text class="tick" x=left y=label_y text-anchor="start">{show(plot.x_min)}</text>
                <text class="tick" x=plot.x(middle) y=label_y text-anchor="middle">{show(middle)}</text>
                <text class="tick" x=right y=label_y text-anchor="end">{show(plot.x_max)}</text>
                <path class="curve-line" d=path />
                {marker}
            </svg>
            <details class="as-table">
                <summary>"Show as table"<span class="visually-hidden">": " {title}</span></summary>
                <table>
                    <caption>{format!("Chance of survival by {name}")}</caption>
                    <thead><tr>
                        <th scope="col">{column}</th>
                        <th scope="col">"Chance"</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|p| view! {
                            <tr><td class="num">{show(p.x)}</td><td class="num">{chart::percent(p.prob)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </figure>
    }
}
