//! The model lab's numbers in words, as plain Rust: scores, spreads and durations, the best
//! model of each row of a comparison and the others' distance from it, the parameters that
//! differ, and what screen readers hear in place of the lab's charts.

use chrono::{DateTime, Utc};
use lifeboat_api_types::{
    CalibrationBin, CrossValidation, HeldOut, Importance, JobStatus, ModelDetails, Spread,
    TrainingJob,
};

/// A score as the lab shows it, three decimals (`0.832`); `—` when there is none.
pub fn score(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.3}"))
}

/// Mean ± standard deviation: `0.812 ± 0.021`.
pub fn spread(s: &Spread) -> String {
    format!("{:.3} ± {:.3}", s.mean, s.std_dev)
}

/// A signed difference with a real minus sign: `+0.012`, `−0.004`.
pub fn difference(d: f64) -> String {
    let text = format!("{:.3}", d.abs());
    if text.trim_start_matches(['0', '.']).is_empty() {
        "±0.000".to_owned()
    } else if d < 0.0 {
        format!("−{text}")
    } else {
        format!("+{text}")
    }
}

/// A duration for people: `0.4 s`, `12.3 s`, `2 min 5 s`.
pub fn seconds(s: f64) -> String {
    let s = s.max(0.0);
    if s < 60.0 {
        format!("{s:.1} s")
    } else {
        let whole = s.round() as u64;
        format!("{} min {} s", whole / 60, whole % 60)
    }
}

/// The browser's clock.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// How long a job took (finished − started), or how long it has been running at `now`.
pub fn job_duration(job: &TrainingJob, now: DateTime<Utc>) -> String {
    match (job.started_at, job.finished_at) {
        (Some(start), Some(end)) => seconds((end - start).num_milliseconds() as f64 / 1000.0),
        (Some(start), None) => format!("running for {} s", (now - start).num_seconds().max(0)),
        (None, _) if job.status == JobStatus::Queued => "waiting to start".to_owned(),
        (None, _) => "—".to_owned(),
    }
}

/// Which way a figure is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

/// One figure of a comparison: a value (and its spread, for cross-validation) per model.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub label: &'static str,
    pub better: Better,
    /// Seconds rather than a score.
    pub is_time: bool,
    pub values: Vec<Option<f64>>,
    pub std_devs: Vec<Option<f64>>,
}

impl Row {
    /// The best value of the row, when any model has one.
    pub fn best(&self) -> Option<f64> {
        let known = self.values.iter().flatten().copied();
        match self.better {
            Better::Higher => known.reduce(f64::max),
            Better::Lower => known.reduce(f64::min),
        }
    }

    /// One model's cell in words: the value (± spread), `—` when unknown.
    pub fn cell(&self, i: usize) -> String {
        let Some(value) = self.values[i] else {
            return "—".to_owned();
        };
        match (self.is_time, self.std_devs[i]) {
            (true, _) => seconds(value),
            (false, Some(std_dev)) => spread(&Spread {
                mean: value,
                std_dev,
            }),
            (false, None) => score(Some(value)),
        }
    }
}

/// The rows of the comparison table, held-out figures first, then cross-validation, then
/// the training time.
pub fn compare_rows(models: &[ModelDetails]) -> Vec<Row> {
    let held = |label, better, f: fn(&ModelDetails) -> Option<f64>| Row {
        label,
        better,
        is_time: false,
        values: models.iter().map(f).collect(),
        std_devs: vec![None; models.len()],
    };
    // A figure of the held-out split's curves, absent for models saved before them.
    let curves = |label, better, f: fn(&HeldOut) -> f64| Row {
        values: models
            .iter()
            .map(|m| m.evaluation.as_ref().map(|e| f(&e.held_out)))
            .collect(),
        ..held(label, better, |_| None)
    };
    let cv = |label, better, f: fn(&CrossValidation) -> Spread| {
        let spreads: Vec<Option<Spread>> = models
            .iter()
            .map(|m| m.evaluation.as_ref().map(|e| f(&e.cross_validation)))
            .collect();
        Row {
            label,
            better,
            is_time: false,
            values: spreads.iter().map(|s| s.map(|s| s.mean)).collect(),
            std_devs: spreads.iter().map(|s| s.map(|s| s.std_dev)).collect(),
        }
    };
    use Better::{Higher, Lower};
    vec![
        held("Accuracy", Higher, |m| Some(m.metrics.accuracy)),
        held("Precision", Higher, |m| Some(m.metrics.precision)),
        held("Recall", Higher, |m| Some(m.metrics.recall)),
        held("F1", Higher, |m| Some(m.metrics.f1)),
        held("ROC AUC", Higher, |m| Some(m.metrics.roc_auc)),
        curves("Log loss", Lower, |h| h.log_loss),
        curves("Brier score", Lower, |h| h.brier),
        cv("CV accuracy", Higher, |c| c.accuracy),
        cv("CV ROC AUC", Higher, |c| c.roc_auc),
        cv("CV log loss", Lower, |c| c.log_loss),
        cv("CV Brier score", Lower, |c| c.brier),
        Row {
            is_time: true,
            ..held("Training time", Lower, |m| Some(m.training_seconds))
        },
    ]
}

/// A training parameter's name for people.
pub fn param_label(key: &str) -> String {
    match key {
        "trees" => "Trees",
        "max_depth" => "Deepest level",
        "feature_share" => "Feature share",
        "bootstrap_share" => "Bootstrap share",
        "seed" => "Seed",
        "kernel" => "Kernel",
        "c" => "C (penalty)",
        "kernel_width" => "Kernel width",
        other => other,
    }
    .to_owned()
}

/// A parameter's value for people; `null` is "no limit" (the only nullable one is depth).
pub fn param_value(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "no limit".to_owned(),
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// One line of the side-by-side parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamRow {
    pub label: String,
    pub values: Vec<String>,
    /// Not every model has the same value.
    pub differs: bool,
}

/// The models' algorithm, parameters (every name any of them has), features and
/// evaluation settings side by side.
pub fn param_rows(models: &[ModelDetails]) -> Vec<ParamRow> {
    let mut keys: Vec<&String> = Vec::new();
    for model in models {
        for key in model.params.as_object().into_iter().flat_map(|o| o.keys()) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    let row = |label: String, values: Vec<String>| ParamRow {
        differs: values.windows(2).any(|w| w[0] != w[1]),
        label,
        values,
    };
    let each = |f: &dyn Fn(&ModelDetails) -> String| models.iter().map(f).collect::<Vec<_>>();
    let mut rows = vec![row(
        "Algorithm".into(),
        each(&|m| m.summary.algorithm.label().into()),
    )];
    for key in keys {
        let value = |m: &ModelDetails| m.params.get(key).map_or("—".into(), param_value);
        rows.push(row(param_label(key), each(&value)));
    }
    let features = |m: &ModelDetails| {
        let names: Vec<&str> = m.summary.features.iter().map(|f| f.as_str()).collect();
        names.join(", ")
    };
    rows.push(row("Features".into(), each(&features)));
    let setting = |f: fn(&lifeboat_api_types::EvaluationParams) -> usize| {
        move |m: &ModelDetails| {
            m.evaluation
                .as_ref()
                .map_or("—".into(), |e| f(&e.params).to_string())
        }
    };
    rows.push(row("CV folds".into(), each(&setting(|p| p.folds))));
    rows.push(row(
        "Importance repeats".into(),
        each(&setting(|p| p.importance_repeats)),
    ));
    rows
}

/// What a screen reader hears for a calibration diagram.
pub fn calibration_summary(bins: &[CalibrationBin]) -> String {
    let parts: Vec<String> = bins
        .iter()
        .map(|b| {
            format!(
                "predicted {:.2}, {:.2} survived ({} passengers)",
                b.mean_predicted, b.fraction_positive, b.count
            )
        })
        .collect();
    format!(
        "Calibration, predicted chance against the share who survived, bin by bin: {}",
        parts.join("; ")
    )
}

/// What a screen reader hears for the importance chart.
pub fn importance_summary(importance: &[Importance]) -> String {
    let parts: Vec<String> = importance
        .iter()
        .map(|i| format!("{} {}", i.feature.label(), spread(&i.accuracy_drop)))
        .collect();
    format!(
        "Drop in held-out accuracy when each input is shuffled, largest first: {}",
        parts.join("; ")
    )
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn figures_read_with_three_decimals_and_a_real_minus() {
        assert_eq!(score(Some(0.83215)), "0.832");
        assert_eq!(score(None), "—");
        let s = Spread {
            mean: 0.8123,
            std_dev: 0.0207,
        };
        assert_eq!(spread(&s), "0.812 ± 0.021");
        assert_eq!(difference(-0.0042), "−0.004");
        assert_eq!(difference(0.012), "+0.012");
        assert_eq!(difference(-0.0001), "±0.000");
    }

    #[test]
    fn durations_read_in_seconds_then_minutes() {
        assert_eq!(seconds(0.42), "0.4 s");
        assert_eq!(seconds(125.2), "2 min 5 s");
    }

    #[test]
    fn the_best_is_the_highest_or_the_lowest_of_the_known_values() {
        let row = |better| Row {
            label: "x",
            better,
            is_time: false,
            values: vec![Some(0.4), None, Some(0.7)],
            std_devs: vec![None, None, Some(0.01)],
        };
        assert_eq!(row(Better::Higher).best(), Some(0.7));
        assert_eq!(row(Better::Lower).best(), Some(0.4));
        assert_eq!(row(Better::Lower).cell(1), "—");
        assert_eq!(row(Better::Lower).cell(2), "0.700 ± 0.010");
        let unknown = Row {
            values: vec![None],
            ..row(Better::Higher)
        };
        assert_eq!(unknown.best(), None);
    }

    /// A forest of `trees` trees with the given ROC AUC and training time; evaluated (log loss
    /// 0.4) or trained before evaluations existed.
    fn model(trees: u32, roc_auc: f64, seconds: f64, evaluated: bool) -> ModelDetails {
        let spread = serde_json::json!({"mean": 0.8, "std_dev": 0.02});
        let evaluation = evaluated.then(|| {
            serde_json::json!({
                "params": {"folds": 5, "importance_repeats": 10},
                "cross_validation": {"accuracy": spread, "roc_auc": spread, "log_loss": spread,
                    "brier": spread, "folds": []},
                "held_out": {"log_loss": 0.4, "brier": 0.1, "roc_curve": [], "pr_curve": [],
                    "calibration": []},
                "importance": [],
                "seconds": 1.5
            })
        });
        serde_json::from_value(serde_json::json!({
            "id": "00000000-0000-0000-0000-000000000001", "name": format!("forest {trees}"),
            "algorithm": "random_forest", "is_active": false, "artifact_missing": false,
            "accuracy": 0.8, "features": ["sex", "pclass"], "created_at": "2026-01-01T00:00:00Z",
            "metrics": {"accuracy": 0.8, "precision": 0.7, "recall": 0.6, "f1": 0.65,
                "roc_auc": roc_auc, "confusion_matrix": [[90, 20], [15, 53]],
                "train_rows": 713, "test_rows": 178},
            "params": {"trees": trees, "max_depth": null},
            "artifact_sha256": "a", "dataset_sha256": "d", "training_seconds": seconds,
            "created_by": null, "created_by_email": null, "evaluation": evaluation
        }))
        .unwrap()
    }

    #[test]
    fn a_comparison_marks_the_best_each_way_and_leaves_unmeasured_figures_out() {
        let models = [model(100, 0.85, 2.0, true), model(300, 0.88, 6.0, false)];
        let rows = compare_rows(&models);
        let row = |label: &str| rows.iter().find(|r| r.label == label).unwrap();
        assert_eq!(row("ROC AUC").best(), Some(0.88));
        assert_eq!(row("Log loss").values, [Some(0.4), None]);
        assert_eq!(row("Log loss").best(), Some(0.4));
        assert_eq!(row("Training time").best(), Some(2.0));
        assert_eq!(row("CV accuracy").cell(0), "0.800 ± 0.020");
        assert_eq!(row("CV accuracy").cell(1), "—");
    }

    #[test]
    fn parameters_side_by_side_mark_the_ones_that_differ() {
        let rows = param_rows(&[model(100, 0.8, 1.0, true), model(300, 0.8, 1.0, false)]);
        let row = |label: &str| rows.iter().find(|r| r.label == label).unwrap();
        assert!(!row("Algorithm").differs);
        assert!(row("Trees").differs);
        assert_eq!(row("Deepest level").values, ["no limit", "no limit"]);
        assert_eq!(row("Features").values[0], "sex, pclass");
        assert_eq!(row("CV folds").values, ["5", "—"]);
        assert!(row("CV folds").differs);
    }

    #[test]
    fn parameters_read_for_people() {
        assert_eq!(param_label("max_depth"), "Deepest level");
        assert_eq!(param_value(&serde_json::Value::Null), "no limit");
        assert_eq!(param_value(&serde_json::json!("linear")), "linear");
        assert_eq!(param_value(&serde_json::json!(0.7)), "0.7");
    }
}
