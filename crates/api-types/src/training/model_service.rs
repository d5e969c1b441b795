//! The model service's side of training: the backend's train call and the model it answers.

use super::TrainingSpec;
use crate::{Estimator, Evaluation, EvaluationParams, Feature, FieldErrors, ModelMetrics};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The model service's `POST /models` body: train and save one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainModel {
    /// The id the new model gets (the backend's training job id).
    pub model_id: Uuid,
    pub name: String,
    pub features: Vec<Feature>,
    pub estimator: Estimator,
    #[serde(default)]
    pub evaluation: EvaluationParams,
}

impl TrainModel {
    /// The model service's call for `spec`, the new model to be called `model_id`.
    pub fn new(model_id: Uuid, spec: &TrainingSpec) -> Self {
        Self {
            model_id,
            name: spec.name.clone(),
            features: spec.features.clone(),
            estimator: spec.estimator.clone(),
            evaluation: spec.evaluation,
        }
    }

    /// The rules of a training request, for a caller that is not the backend: a name, at
    /// least one feature, parameters in range.
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut errors = self.estimator.check().err().unwrap_or_default();
        errors.extend(self.evaluation.check().err().unwrap_or_default());
        if self.features.is_empty() {
            errors.insert("features".into(), "choose at least one feature".into());
        }
        if self.name.trim().is_empty() {
            errors.insert("name".into(), "is required".into());
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A model as the model service has it: what it is, how good it is, where it lives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainedModel {
    pub id: Uuid,
    pub name: String,
    pub features: Vec<Feature>,
    pub estimator: Estimator,
    pub metrics: ModelMetrics,
    /// File name of the artifact in the model folder.
    pub artifact_file: String,
    pub artifact_sha256: String,
    pub dataset_sha256: String,
    pub training_seconds: f64,
    pub created_at: DateTime<Utc>,
    /// Cross-validation, curves and importance; `None` for models trained before they were
    /// measured.
    #[serde(default)]
    pub evaluation: Option<Evaluation>,
}
