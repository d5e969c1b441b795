//! The held-out split's curves as charts, each with its table: ROC (one model's, or several
//! overlaid), precision–recall, and the calibration diagram. All share one figure layout
//! (and one table), which keeps the wasm small.

use super::{DataTable, Dot, Legend, Line, TextTable, XyChart};
use crate::lab;
use leptos::prelude::*;
use lifeboat_api_types::{CalibrationBin, PrPoint, RocPoint};

/// A chart under its caption, with an optional note and legend, and its figures as tables
/// folded away under "Show as table" (the summary names `title` for screen readers).
#[component]
pub fn LabFigure(
    title: &'static str,
    testid: &'static str,
    #[prop(optional, into)] note: String,
    #[prop(optional)] legend: Vec<String>,
    chart: AnyView,
    tables: Vec<TextTable>,
) -> impl IntoView {
    view! {
        <figure class="lab-chart" data-testid=testid>
            <figcaption>{title}</figcaption>
            {(!note.is_empty()).then(|| view! { <p class="muted small">{note}</p> })}
            {(legend.len() > 1).then(|| view! { <Legend names=legend /> })}
            {chart}
            <details class="as-table">
                <summary>"Show as table"<span class="visually-hidden">": " {title}</span></summary>
                {tables.into_iter().map(|table| view! { <DataTable table=table /> }).collect_view()}
            </details>
        </figure>
    }
}

/// One model's ROC curve, named for the legend and the tables.
#[derive(Debug, Clone, PartialEq)]
pub struct RocCurve {
    pub name: String,
    pub auc: f64,
    pub points: Vec<RocPoint>,
}

/// A threshold for the tables: the first point of a curve has none.
fn threshold(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |t| format!("{t:.3}"))
}

/// ROC curves on one chart (a legend when there are several) with the chance diagonal.
#[component]
pub fn RocChart(curves: Vec<RocCurve>) -> impl IntoView {
    let aucs: Vec<String> = curves
        .iter()
        .map(|c| format!("{}, area under the curve {:.3}", c.name, c.auc))
        .collect();
    let summary = format!(
        "ROC curve, true positive rate against false positive rate as the threshold falls: {}",
        aucs.join("; ")
    );
    let lines: Vec<Line> = curves
        .iter()
        .map(|c| Line {
            name: c.name.clone(),
            points: c
                .points
                .iter()
                .map(|p| (p.false_positive_rate, p.true_positive_rate))
                .collect(),
        })
        .collect();
    let legend = lines.iter().map(|l| l.name.clone()).collect();
    let tables = curves
        .into_iter()
        .map(|c| TextTable {
            caption: format!("ROC curve of {} (area {:.3})", c.name, c.auc),
            head: vec!["Threshold", "False positive rate", "True positive rate"],
            rows: c
                .points
                .iter()
                .map(|p| {
                    vec![
                        threshold(p.threshold),
                        lab::score(Some(p.false_positive_rate)),
                        lab::score(Some(p.true_positive_rate)),
                    ]
                })
                .collect(),
        })
        .collect();
    let chart = view! {
        <XyChart summary=summary x_label="False positive rate" y_label="True positive rate"
            lines=lines diagonal=true />
    };
    view! { <LabFigure title="ROC curve" testid="roc-chart" legend=legend chart=chart.into_any() tables=tables /> }
}

/// The precision–recall curve of one model.
#[component]
pub fn PrChart(points: Vec<PrPoint>) -> impl IntoView {
    let lowest = points.iter().map(|p| p.precision).fold(1.0, f64::min);
    let summary = format!(
        "Precision–recall curve of {} points: precision starts at {:.3} and falls to {:.3} as recall rises to 1",
        points.len(),
        points.first().map_or(1.0, |p| p.precision),
        lowest
    );
    let line = Line {
        name: "Precision–recall".into(),
        points: points.iter().map(|p| (p.recall, p.precision)).collect(),
    };
    let table = TextTable {
        caption: "Precision and recall by threshold".into(),
        head: vec!["Threshold", "Recall", "Precision"],
        rows: points
            .iter()
            .map(|p| {
                vec![
                    threshold(p.threshold),
                    lab::score(Some(p.recall)),
                    lab::score(Some(p.precision)),
                ]
            })
            .collect(),
    };
    let chart =
        view! { <XyChart summary=summary x_label="Recall" y_label="Precision" lines=vec![line] /> };
    view! { <LabFigure title="Precision–recall curve" testid="pr-chart" chart=chart.into_any() tables=vec![table] /> }
}

/// Mean predicted chance against the share who survived, a dot per bin sized and labelled
/// by its passengers, with the diagonal of a perfectly calibrated model.
#[component]
pub fn CalibrationChart(bins: Vec<CalibrationBin>) -> impl IntoView {
    let most = bins.iter().map(|b| b.count).max().unwrap_or(1).max(1);
    let dots = bins
        .iter()
        .map(|b| Dot {
            x: b.mean_predicted,
            y: b.fraction_positive,
            weight: f64::from(b.count) / f64::from(most),
            label: b.count.to_string(),
        })
        .collect();
    let line = Line {
        name: "Calibration".into(),
        points: bins
            .iter()
            .map(|b| (b.mean_predicted, b.fraction_positive))
            .collect(),
    };
    let table = TextTable {
        caption: "Calibration bins".into(),
        head: vec!["Mean predicted", "Share survived", "Passengers"],
        rows: bins
            .iter()
            .map(|b| {
                vec![
                    lab::score(Some(b.mean_predicted)),
                    lab::score(Some(b.fraction_positive)),
                    b.count.to_string(),
                ]
            })
            .collect(),
    };
    let chart = view! {
        <XyChart summary=lab::calibration_summary(&bins) x_label="Mean predicted chance"
            y_label="Share who survived" lines=vec![line] dots=dots diagonal=true />
    };
    view! {
        <LabFigure title="Calibration" testid="calibration-chart"
            note="Each dot is a bin of passengers, labelled with how many; on the diagonal, predictions are right on average."
            chart=chart.into_any() tables=vec![table] />
    }
}
