//! A chart of lines and dots on 0–1 axes, drawn by hand in SVG (the ROC, precision–recall
//! and calibration charts), and the legend of overlaid lines.

use crate::chart::{self, Plot};
use leptos::prelude::*;
use lifeboat_api_types::CurvePoint;

/// One line, drawn in the colour and dash pattern of its place (`series-0`…`series-3`).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub name: String,
    /// `(x, y)`, both from 0 to 1, in drawing order.
    pub points: Vec<(f64, f64)>,
}

/// A dot with a label beside it (a calibration bin and its count), sized by `weight` (0–1).
#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    pub x: f64,
    pub y: f64,
    pub weight: f64,
    pub label: String,
}

/// The drawing area: a little wider than tall, room for tick labels and axis titles.
fn plot() -> Plot {
    Plot {
        width: 300.0,
        height: 260.0,
        left: 46.0,
        bottom: 40.0,
        top: 10.0,
        right: 14.0,
        x_min: 0.0,
        x_max: 1.0,
    }
}

/// `lines` and `dots` on 0–1 axes titled `x_label` and `y_label`, with the chance
/// diagonal when `diagonal`; `summary` is what screen readers hear.
#[component]
pub fn XyChart(
    summary: String,
    x_label: &'static str,
    y_label: &'static str,
    lines: Vec<Line>,
    #[prop(optional)] dots: Vec<Dot>,
    #[prop(optional)] diagonal: bool,
) -> impl IntoView {
    let p = plot();
    let (left, right, top, floor) = (p.left, p.width - p.right, p.top, p.y(0.0));
    let ticks = [0.0, 0.5, 1.0];
    let path = |points: &[(f64, f64)]| {
        let points: Vec<CurvePoint> = points
            .iter()
            .map(|&(x, prob)| CurvePoint { x, prob })
            .collect();
        p.path(&points)
    };
    view! {
        <svg class="chart-svg xy-svg" role="img" aria-label=summary
            viewBox=format!("0 0 {} {}", p.width, p.height)>
            <line class="axis" x1=left x2=left y1=top y2=floor />
            <line class="axis" x1=left x2=right y1=floor y2=floor />
            {ticks.map(|t| view! {
                <text class="tick" x=left - 6.0 y=p.y(t) + 4.0 text-anchor="end">{chart::number(t)}</text>
                <text class="tick" x=p.x(t) y=floor + 15.0 text-anchor="middle">{chart::number(t)}</text>
            }).collect_view()}
            <text class="axis-title" x=(left + right) / 2.0 y=p.height - 4.0 text-anchor="middle">{x_label}</text>
            <text class="axis-title" transform=format!("rotate(-90) translate({:.1} 14)", -(top + floor) / 2.0)
                text-anchor="middle">{y_label}</text>
            {diagonal.then(|| view! { <line class="diagonal" x1=left y1=floor x2=right y2=top /> })}
            {lines.iter().enumerate().map(|(i, line)| view! {
                <path class=format!("series series-{i}") d=path(&line.points) />
            }).collect_view()}
            {dots.into_iter().map(|d| {
                let (x, y) = (p.x(d.x), p.y(d.y));
                let r = 3.0 + 7.0 * d.weight.clamp(0.0, 1.0).sqrt();
                // Labels sit right of their dot, or left near the right edge.
                let (lx, anchor) = if d.x > 0.8 { (x - r - 3.0, "end") } else { (x + r + 3.0, "start") };
                view! {
                    <circle class="dot" cx=format!("{x:.1}") cy=format!("{y:.1}") r=format!("{r:.1}") />
                    <text class="tick" x=format!("{lx:.1}") y=format!("{:.1}", y + 4.0) text-anchor=anchor>{d.label}</text>
                }
            }).collect_view()}
        </svg>
    }
}

/// The key of an overlaid chart: each line's name beside a sample of its colour and dash.
#[component]
pub fn Legend(names: Vec<String>) -> impl IntoView {
    view! {
        <ul class="chart-legend">
            {names.into_iter().enumerate().map(|(i, name)| view! {
                <li>
                    <svg class="swatch" viewBox="0 0 36 8" aria-hidden="true">
                        <line class=format!("series series-{i}") x1="0" y1="4" x2="36" y2="4" />
                    </svg>
                    {name}
                </li>
            }).collect_view()}
        </ul>
    }
}
