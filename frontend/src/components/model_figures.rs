//! A model's figures as the model page shows them: the held-out scores, the confusion
//! matrix as a labelled grid, and cross-validation with each fold's figures.

use super::{DataTable, ScrollBox, TextTable};
use crate::lab;
use leptos::prelude::*;
use lifeboat_api_types::{CrossValidation, Evaluation, ModelMetrics};

/// Named figures as a row of tiles.
#[component]
pub fn Figures(testid: &'static str, figures: Vec<(&'static str, String)>) -> impl IntoView {
    view! {
        <dl class="figures" data-testid=testid>
            {figures.into_iter().map(|(name, value)| view! {
                <div><dt>{name}</dt><dd>{value}</dd></div>
            }).collect_view()}
        </dl>
    }
}

/// Accuracy, precision, recall, F1, ROC AUC, and log loss and Brier score when measured.
#[component]
pub fn HeldOutFigures(metrics: ModelMetrics, evaluation: Option<Evaluation>) -> impl IntoView {
    let held_out = evaluation.map(|e| e.held_out);
    let figures = vec![
        ("Accuracy", lab::score(Some(metrics.accuracy))),
        ("Precision", lab::score(Some(metrics.precision))),
        ("Recall", lab::score(Some(metrics.recall))),
        ("F1", lab::score(Some(metrics.f1))),
        ("ROC AUC", lab::score(Some(metrics.roc_auc))),
        (
            "Log loss",
            lab::score(held_out.as_ref().map(|h| h.log_loss)),
        ),
        (
            "Brier score",
            lab::score(held_out.as_ref().map(|h| h.brier)),
        ),
    ];
    view! { <Figures testid="held-out-figures" figures=figures /> }
}

/// The confusion matrix `[[tn, fp], [fn, tp]]`: rows what happened, columns the verdict.
#[component]
pub fn ConfusionMatrix(matrix: [[u32; 2]; 2]) -> impl IntoView {
    let [[tn, fp], [fal_neg, tp]] = matrix;
    let cell = |count: u32, right: bool, what: &'static str| {
        view! {
            <td class=if right { "num right" } else { "num wrong" }>
                <strong>{count}</strong><span class="what">{what}</span>
            </td>
        }
    };
    view! {
        <ScrollBox label="Confusion matrix of the held-out passengers">
            <table class="confusion" data-testid="confusion-matrix">
                <caption>"Confusion matrix of the held-out passengers"</caption>
                <thead><tr>
                    <td><span class="visually-hidden">"Actual outcome by verdict"</span></td>
                    <th scope="col">"Predicted died"</th>
                    <th scope="col">"Predicted survived"</th>
                </tr></thead>
                <tbody>
                    <tr>
                        <th scope="row">"Actually died"</th>
                        {cell(tn, true, "true negatives")}
                        {cell(fp, false, "false positives")}
                    </tr>
                    <tr>
                        <th scope="row">"Actually survived"</th>
                        {cell(fal_neg, false, "false negatives")}
                        {cell(tp, true, "true positives")}
                    </tr>
                </tbody>
            </table>
        </ScrollBox>
    }
}

/// Mean ± standard deviation over the folds, then each fold's figures.
#[component]
pub fn CrossValidationFigures(cv: CrossValidation) -> impl IntoView {
    let figures = vec![
        ("Accuracy", lab::spread(&cv.accuracy)),
        ("ROC AUC", lab::spread(&cv.roc_auc)),
        ("Log loss", lab::spread(&cv.log_loss)),
        ("Brier score", lab::spread(&cv.brier)),
    ];
    let folds = TextTable {
        caption: "Each fold".into(),
        head: vec![
            "Fold",
            "Passengers",
            "Accuracy",
            "ROC AUC",
            "Log loss",
            "Brier",
        ],
        rows: cv
            .folds
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let score = |v: f64| lab::score(Some(v));
                vec![
                    (i + 1).to_string(),
                    f.rows.to_string(),
                    score(f.accuracy),
                    score(f.roc_auc),
                    score(f.log_loss),
                    score(f.brier),
                ]
            })
            .collect(),
    };
    view! {
        <Figures testid="cv-figures" figures=figures />
        <DataTable table=folds />
    }
}
