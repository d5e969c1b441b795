//! The explorer's and the usage page's charts, drawn by hand in SVG, each with its table:
//! survival rates as horizontal bars, counts split in two as stacked columns, and the
//! class × sex grid of rates.

use super::{LabFigure, TextTable};
use crate::chart::{self, percent};
use crate::explore;
use leptos::prelude::*;

/// Drawing units, as in the importance chart: width, one row (label above its bar), a bar.
const WIDTH: f64 = 340.0;
const ROW: f64 = 38.0;
const BAR: f64 = 12.0;
/// The labels' font size, as in style.css (`.chart-svg text`).
const FONT: f64 = 13.0;

/// One bar of a rate chart: its name, passengers and survivors.
#[derive(Debug, Clone, PartialEq)]
pub struct RateBar {
    pub name: String,
    pub passengers: u32,
    pub survived: u32,
}

impl RateBar {
    fn rate(&self) -> f64 {
        explore::share(self.survived, self.passengers)
    }
}

/// The share who survived in each group, 0–100 % on a track, with the count (`n=`).
#[component]
pub fn RateBars(title: &'static str, testid: &'static str, bars: Vec<RateBar>) -> impl IntoView {
    let height = ROW * bars.len() as f64 + 4.0;
    let lines: Vec<String> = bars
        .iter()
        .map(|b| format!("{}: {}, n={}", b.name, percent(b.rate()), b.passengers))
        .collect();
    let summary = explore::rates_summary(title, &lines);
    let table = TextTable {
        caption: title.to_owned(),
        head: vec!["Group", "Passengers", "Survived", "Survival rate"],
        rows: bars
            .iter()
            .map(|b| {
                vec![
                    b.name.clone(),
                    b.passengers.to_string(),
                    b.survived.to_string(),
                    percent(b.rate()),
                ]
            })
            .collect(),
    };
    let chart = view! {
        <svg class="chart-svg bars-svg" role="img" aria-label=summary
            viewBox=format!("0 0 {WIDTH} {height}") preserveAspectRatio="xMinYMin meet">
            {bars.iter().zip(lines).enumerate().map(|(i, (bar, label))| {
                let top = ROW * i as f64;
                let squeezed = chart::squeeze(&label, FONT, WIDTH).map(|w| w.to_string());
                let width = (bar.rate() * WIDTH).max(1.0);
                view! {
                    <text x="0" y=format!("{:.1}", top + 14.0) textLength=squeezed
                        lengthAdjust="spacingAndGlyphs">{label}</text>
                    <rect class="track" x="0" y=format!("{:.1}", top + 20.0) width=WIDTH height=BAR rx="2" />
                    <rect class="bar up" x="0" y=format!("{:.1}", top + 20.0)
                        width=format!("{width:.1}") height=BAR rx="2" />
                }
            }).collect_view()}
        </svg>
    };
    view! { <LabFigure title=title testid=testid chart=chart.into_any() tables=vec![table] /> }
}

/// One column of a stacked chart: its label and its two parts.
#[derive(Debug, Clone, PartialEq)]
pub struct Stack {
    pub label: String,
    pub first: u64,
    pub second: u64,
}

/// Columns of two stacked parts (`names`: the first at the bottom, in blue; the second on
/// top, in orange), on a count axis from 0 to a round number.
#[component]
pub fn StackedBars(
    title: &'static str,
    testid: &'static str,
    summary: String,
    #[prop(optional, into)] note: String,
    /// The table's first column's head (`Age`, `Day`).
    label_head: &'static str,
    names: [&'static str; 2],
    stacks: Vec<Stack>,
) -> impl IntoView {
    let (height, left, bottom, top, right) = (200.0, 36.0, 30.0, 8.0, 6.0);
    let floor = height - bottom;
    let most = stacks.iter().map(|s| s.first + s.second).max().unwrap_or(0);
    let axis_top = explore::nice_top(most);
    let y = move |count: u64| floor - count as f64 / axis_top as f64 * (floor - top);
    let slot = (WIDTH - left - right) / stacks.len().max(1) as f64;
    let longest = stacks
        .iter()
        .map(|s| s.label.chars().count())
        .max()
        .unwrap_or(1);
    let every = explore::label_every(stacks.len(), WIDTH - left - right, longest);
    let table = TextTable {
        caption: title.to_owned(),
        head: vec![label_head, names[0], names[1], "Total"],
        rows: stacks
            .iter()
            .map(|s| {
                vec![
                    s.label.clone(),
                    s.first.to_string(),
                    s.second.to_string(),
                    (s.first + s.second).to_string(),
                ]
            })
            .collect(),
    };
    let chart = view! {
        <p class="legend" aria-hidden="true">
            <span class="key up"></span>{names[0]}
            <span class="key down"></span>{names[1]}
        </p>
        <svg class="chart-svg stacked-svg" role="img" aria-label=summary
            viewBox=format!("0 0 {WIDTH} {height}")>
            <line class="axis" x1=left x2=left y1=top y2=floor />
            <line class="axis" x1=left x2=WIDTH - right y1=floor y2=floor />
            {[0, axis_top / 2, axis_top].map(|t| view! {
                <text class="tick" x=left - 5.0 y=format!("{:.1}", y(t) + 4.0) text-anchor="end">{t}</text>
            }).collect_view()}
            {stacks.into_iter().enumerate().map(|(i, s)| {
                let x = left + slot * i as f64 + slot * 0.12;
                let width = format!("{:.1}", slot * 0.76);
                let middle = left + slot * (i as f64 + 0.5);
                let (first_top, second_top) = (y(s.first), y(s.first + s.second));
                view! {
                    <rect class="bar up" x=format!("{x:.1}") y=format!("{first_top:.1}") width=width.clone()
                        height=format!("{:.1}", floor - first_top) />
                    <rect class="bar down" x=format!("{x:.1}") y=format!("{second_top:.1}") width=width
                        height=format!("{:.1}", first_top - second_top) />
                    {i.is_multiple_of(every).then(|| view! {
                        <text class="tick" x=format!("{middle:.1}") y=floor + 14.0 text-anchor="middle">{s.label}</text>
                    })}
                }
            }).collect_view()}
        </svg>
    };
    view! { <LabFigure title=title testid=testid note=note chart=chart.into_any() tables=vec![table] /> }
}

/// One cell of the class × sex grid.
#[derive(Debug, Clone, PartialEq)]
pub struct GridCell {
    /// 1–3.
    pub class: u8,
    pub female: bool,
    pub passengers: u32,
    pub survived: u32,
}

/// Survival rate by class (rows) and sex (columns): a 3 × 2 grid of cells shaded by rate
/// (light enough at most for dark text), each with its rate and count.
#[component]
pub fn RateGrid(title: &'static str, testid: &'static str, cells: Vec<GridCell>) -> impl IntoView {
    let (left, top, cell_w, cell_h) = (70.0, 22.0, 120.0, 50.0);
    let height = top + 3.0 * cell_h + 4.0;
    let rate = |c: &GridCell| explore::share(c.survived, c.passengers);
    let name = |c: &GridCell| {
        let class = explore::group_name(explore::Grouping::Class, &c.class.to_string());
        format!("{class}, {}", if c.female { "female" } else { "male" })
    };
    let lines: Vec<String> = cells
        .iter()
        .map(|c| format!("{}: {}, n={}", name(c), percent(rate(c)), c.passengers))
        .collect();
    let table = TextTable {
        caption: title.to_owned(),
        head: vec!["Group", "Passengers", "Survived", "Survival rate"],
        rows: cells
            .iter()
            .map(|c| {
                vec![
                    name(c),
                    c.passengers.to_string(),
                    c.survived.to_string(),
                    percent(rate(c)),
                ]
            })
            .collect(),
    };
    let chart = view! {
        <svg class="chart-svg grid-svg" role="img" aria-label=explore::rates_summary(title, &lines)
            viewBox=format!("0 0 {} {height}", left + 2.0 * cell_w + 4.0)>
            <text class="tick" x=left + cell_w / 2.0 y="14" text-anchor="middle">"Female"</text>
            <text class="tick" x=left + 1.5 * cell_w y="14" text-anchor="middle">"Male"</text>
            {[1u8, 2, 3].map(|class| view! {
                <text class="tick" x="0" y=top + (f64::from(class) - 0.5) * cell_h + 4.0>
                    {explore::group_name(explore::Grouping::Class, &class.to_string())}
                </text>
            }).collect_view()}
            {cells.iter().map(|c| {
                let x = left + if c.female { 0.0 } else { cell_w };
                let y = top + f64::from(c.class - 1) * cell_h;
                let share = rate(c);
                view! {
                    <rect class="cell" x=x + 2.0 y=y + 2.0 width=cell_w - 4.0 height=cell_h - 4.0 rx="4"
                        fill-opacity=format!("{:.2}", 0.08 + 0.52 * share) />
                    <text class="cell-text" x=x + cell_w / 2.0 y=y + cell_h / 2.0 + 1.0
                        text-anchor="middle">{percent(share)}</text>
                    <text class="cell-count" x=x + cell_w / 2.0 y=y + cell_h / 2.0 + 15.0
                        text-anchor="middle">{format!("n={}", c.passengers)}</text>
                }
            }).collect_view()}
        </svg>
    };
    view! { <LabFigure title=title testid=testid chart=chart.into_any() tables=vec![table] /> }
}
