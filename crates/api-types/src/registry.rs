//! The registry's view of a model: how good it is, and what the admin pages list and show.

use crate::{Algorithm, Feature};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Scores on the held-out split. The confusion matrix is `[[tn, fp], [fn, tp]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelMetrics {
    pub accuracy: f64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub roc_auc: f64,
    pub confusion_matrix: [[u32; 2]; 2],
    /// Rows used for training and for evaluation.
    pub train_rows: u32,
    pub test_rows: u32,
}

/// A model in the registry's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelSummary {
    pub id: Uuid,
    pub name: String,
    pub algorithm: Algorithm,
    /// Whether it answers predictions for its algorithm.
    pub is_active: bool,
    /// The model service no longer has its file (a lost volume, say): it cannot answer.
    pub artifact_missing: bool,
    /// Accuracy on the held-out split.
    pub accuracy: f64,
    /// The features it was trained on, in order.
    pub features: Vec<Feature>,
    pub created_at: DateTime<Utc>,
}

/// One model with everything the registry knows of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelDetails {
    #[serde(flatten)]
    pub summary: ModelSummary,
    pub metrics: ModelMetrics,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub params: serde_json::Value,
    pub artifact_sha256: String,
    pub dataset_sha256: String,
    pub training_seconds: f64,
    /// The admin who asked for it; `None` for the models a fresh install trains itself.
    pub created_by: Option<Uuid>,
    /// That admin's e-mail, while the account exists.
    pub created_by_email: Option<String>,
    /// Cross-validation, curves and importance; `None` for models trained before they were
    /// measured.
    pub evaluation: Option<crate::Evaluation>,
}

/// Which active model answers for an algorithm; the calculator offers these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActiveModel {
    pub id: Uuid,
    pub algorithm: Algorithm,
}
