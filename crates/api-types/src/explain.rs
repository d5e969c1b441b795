//! The what-if view of a prediction: the probability as one input moves, and the nearest
//! change that flips the verdict.

use crate::{Feature, InferenceRequest, InferenceResponse};
use serde::{Deserialize, Serialize};

/// A point of a what-if curve: the probability with one input set to `x`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CurvePoint {
    pub x: f64,
    pub prob: f64,
}

/// One input changed by a counterfactual, with its old and new value in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    pub feature: Feature,
    pub from: String,
    pub to: String,
}

/// The smallest change to a passenger's inputs that flips the model's verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counterfactual {
    /// One or two inputs, in the order of the passenger form.
    pub changes: Vec<Change>,
    /// The passenger with the changes applied.
    pub passenger: InferenceRequest,
    /// The probability for the changed passenger.
    pub prob: f64,
    /// How far the change is: each numeric change divided by that input's standard
    /// deviation in the training rows, each category change counting 1.
    pub distance: f64,
}

/// `POST /api/inference/what-if`: the passenger's answer, the probability over age and over
/// fare, and the nearest counterfactuals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WhatIfAnswer {
    pub prediction: InferenceResponse,
    /// Ages 0 to 80, one year apart.
    pub age_curve: Vec<CurvePoint>,
    /// Fares from the lowest to the highest in the data set.
    pub fare_curve: Vec<CurvePoint>,
    /// The nearest change of class, fare, port or relatives aboard (never sex or age) that
    /// flips the verdict, trying one input, then two; `None` when no such change exists.
    pub counterfactual: Option<Counterfactual>,
    /// The same search allowed to change age as well, as an alternative (`None` when no
    /// change involving age flips the verdict within two inputs).
    pub age_alternative: Option<Counterfactual>,
}
