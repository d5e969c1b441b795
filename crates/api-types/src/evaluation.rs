//! How good a model is beyond one accuracy: cross-validation on the training rows, the
//! held-out split's curves and calibration, and permutation importance. Computed when the
//! model is trained and saved with it.

use crate::{Feature, FieldErrors};
use serde::{Deserialize, Serialize};

/// Bounds of the evaluation parameters.
pub mod limits {
    pub const MIN_FOLDS: usize = 2;
    pub const MAX_FOLDS: usize = 10;
    pub const MIN_IMPORTANCE_REPEATS: usize = 1;
    pub const MAX_IMPORTANCE_REPEATS: usize = 50;
    /// Most points a ROC or precision–recall curve keeps.
    pub const MAX_CURVE_POINTS: usize = 200;
    /// Uniform bins of the calibration table.
    pub const CALIBRATION_BINS: usize = 10;
}

/// The parameters' schemas in the OpenAPI document, built from [`limits`].
#[cfg(feature = "openapi")]
mod schema {
    use super::EvaluationParams;
    use crate::bounded::whole;
    use utoipa::openapi::schema::Object;

    /// `EvaluationParams.folds`.
    pub fn folds() -> Object {
        let (min, max) = (
            super::limits::MIN_FOLDS as u64,
            super::limits::MAX_FOLDS as u64,
        );
        let description = format!("Folds of the stratified cross-validation, {min}–{max}");
        whole(min, max, false, description, default(|p| p.folds.into()))
    }

    /// `EvaluationParams.importance_repeats`.
    pub fn importance_repeats() -> Object {
        let min = super::limits::MIN_IMPORTANCE_REPEATS as u64;
        let max = super::limits::MAX_IMPORTANCE_REPEATS as u64;
        let description = format!("Times each input is shuffled for its importance, {min}–{max}");
        whole(
            min,
            max,
            false,
            description,
            default(|p| p.importance_repeats.into()),
        )
    }

    /// A field of the default evaluation parameters.
    fn default(field: impl Fn(EvaluationParams) -> serde_json::Value) -> Option<serde_json::Value> {
        Some(field(EvaluationParams::default()))
    }
}

/// How a model is evaluated when it is trained. The defaults are what a request that leaves
/// them out gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct EvaluationParams {
    /// Folds of the stratified cross-validation on the training rows,
    /// [`limits::MIN_FOLDS`] to [`limits::MAX_FOLDS`].
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::folds))]
    #[serde(deserialize_with = "crate::whole::integer")]
    pub folds: usize,
    /// Times each input is shuffled for its permutation importance,
    /// [`limits::MIN_IMPORTANCE_REPEATS`] to [`limits::MAX_IMPORTANCE_REPEATS`].
    #[cfg_attr(feature = "openapi", schema(schema_with = schema::importance_repeats))]
    #[serde(deserialize_with = "crate::whole::integer")]
    pub importance_repeats: usize,
}

impl Default for EvaluationParams {
    fn default() -> Self {
        Self {
            folds: 5,
            importance_repeats: 10,
        }
    }
}

impl EvaluationParams {
    /// Checks the ranges; errors are keyed `evaluation.<name>`.
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if !(limits::MIN_FOLDS..=limits::MAX_FOLDS).contains(&self.folds) {
            errors.insert(
                "evaluation.folds".into(),
                format!(
                    "must be a whole number from {} to {}",
                    limits::MIN_FOLDS,
                    limits::MAX_FOLDS
                ),
            );
        }
        let repeats = limits::MIN_IMPORTANCE_REPEATS..=limits::MAX_IMPORTANCE_REPEATS;
        if !repeats.contains(&self.importance_repeats) {
            errors.insert(
                "evaluation.importance_repeats".into(),
                format!(
                    "must be a whole number from {} to {}",
                    limits::MIN_IMPORTANCE_REPEATS,
                    limits::MAX_IMPORTANCE_REPEATS
                ),
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Everything measured about a model when it was trained, beyond the held-out metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evaluation {
    pub params: EvaluationParams,
    pub cross_validation: CrossValidation,
    pub held_out: HeldOut,
    /// Permutation importance of each passenger input the model uses, largest first.
    pub importance: Vec<Importance>,
    /// What the evaluation cost on top of fitting the model that is saved.
    pub seconds: f64,
}

/// Stratified k-fold cross-validation on the training rows; the preprocessing is learnt
/// inside each fold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrossValidation {
    pub accuracy: Spread,
    pub roc_auc: Spread,
    pub log_loss: Spread,
    pub brier: Spread,
    /// Each fold's figures, in fold order.
    pub folds: Vec<FoldScores>,
}

/// Mean and (population) standard deviation of a figure over folds or repeats.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Spread {
    pub mean: f64,
    pub std_dev: f64,
}

impl Spread {
    /// The mean and population standard deviation of `values` (0 and 0 when empty).
    pub fn of(values: &[f64]) -> Self {
        if values.is_empty() {
            return Self {
                mean: 0.0,
                std_dev: 0.0,
            };
        }
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        Self {
            mean,
            std_dev: variance.sqrt(),
        }
    }
}

/// One fold's figures, the fold being the rows judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FoldScores {
    /// Rows in the fold.
    pub rows: u32,
    pub accuracy: f64,
    pub roc_auc: f64,
    pub log_loss: f64,
    pub brier: f64,
}

/// The held-out split's probabilistic figures and curves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldOut {
    pub log_loss: f64,
    pub brier: f64,
    /// From (0, 0) to (1, 1), thresholds falling.
    pub roc_curve: Vec<RocPoint>,
    /// From recall 0 (precision 1) to recall 1, thresholds falling.
    pub pr_curve: Vec<PrPoint>,
    /// 10 uniform bins of the predicted probability; empty bins left out.
    pub calibration: Vec<CalibrationBin>,
}

/// A point of the ROC curve: predicting "survived" at `prob >= threshold`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RocPoint {
    /// `null` for the first point, where nobody is predicted to survive.
    pub threshold: Option<f64>,
    pub false_positive_rate: f64,
    pub true_positive_rate: f64,
}

/// A point of the precision–recall curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrPoint {
    /// `null` for the first point (recall 0, precision 1 by convention).
    pub threshold: Option<f64>,
    pub precision: f64,
    pub recall: f64,
}

/// One bin of the calibration table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalibrationBin {
    /// The mean predicted probability of the bin's passengers.
    pub mean_predicted: f64,
    /// The share of them who survived.
    pub fraction_positive: f64,
    pub count: u32,
}

/// How much accuracy on the held-out split drops when one input is shuffled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Importance {
    /// One of the seven passenger inputs.
    pub feature: Feature,
    pub accuracy_drop: Spread,
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn the_spread_is_the_mean_and_the_population_standard_deviation() {
        let spread = Spread::of(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(spread.mean, 5.0);
        assert_eq!(spread.std_dev, 2.0);
        assert_eq!(Spread::of(&[]).mean, 0.0);
    }

    #[test]
    fn folds_and_repeats_out_of_range_are_named() {
        let errors = EvaluationParams {
            folds: 1,
            importance_repeats: 51,
        }
        .check()
        .unwrap_err();
        assert_eq!(
            errors["evaluation.folds"],
            "must be a whole number from 2 to 10"
        );
        assert_eq!(
            errors["evaluation.importance_repeats"],
            "must be a whole number from 1 to 50"
        );
        assert!(EvaluationParams::default().check().is_ok());
    }
}
