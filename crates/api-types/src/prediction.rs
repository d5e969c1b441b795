//! What a prediction answers, with its explanation: the contribution of each input.

use crate::{Algorithm, Feature};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a prediction answers: the probability of survival and the verdict at
/// [`SURVIVAL_THRESHOLD`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InferenceResponse {
    pub prob: f64,
    pub survived: bool,
    /// The model that answered.
    pub model_id: Uuid,
    pub model_name: String,
    pub algorithm: Algorithm,
    /// With `explain`: the model's average answer, where the contributions start from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<f64>,
    /// With `explain`: one line per model input; `base + Σ contribution = prob`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contributions: Option<Vec<Contribution>>,
    /// With `explain`, when the model cannot be explained: why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_explanation: Option<String>,
}

impl InferenceResponse {
    /// The answer of `model` for probability `prob`, without an explanation.
    pub fn new(prob: f64, model_id: Uuid, model_name: String, algorithm: Algorithm) -> Self {
        Self {
            prob,
            survived: prob >= SURVIVAL_THRESHOLD,
            model_id,
            model_name,
            algorithm,
            base: None,
            contributions: None,
            no_explanation: None,
        }
    }
}

/// The probability from which the verdict is "survived".
pub const SURVIVAL_THRESHOLD: f64 = 0.5;

/// One line of an explanation: how much one model input moves this passenger's probability
/// away from the base (the model's average answer).
///
/// A forest's lines are its own columns, with the port's three one-hot columns as one
/// `embarked` line; an SVM's lines are the seven typed inputs (its derived columns are
/// functions of them). The lines add up: `base + Σ contribution = prob`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contribution {
    pub feature: Feature,
    /// The passenger's value of that input, in words (`"female"`, `"unknown (28)"`).
    pub value: String,
    /// Probability this input adds (positive) or takes away (negative), on the 0–1 scale.
    pub contribution: f64,
}
