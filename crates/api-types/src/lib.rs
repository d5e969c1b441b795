//! Wire types shared by the Lifeboat frontend (wasm), backend and model service.
//!
//! Everything here is plain data plus the validation rules that all three sides agree on,
//! so the browser can mirror exactly what the API will refuse.

// Unit-test modules are left out of the coverage figures (scripts/coverage.sh).
#![cfg_attr(coverage_nightly, feature(coverage_attribute))]

mod auth;
mod batch;
mod batch_file;
#[cfg(feature = "openapi")]
mod bounded;
mod dataset;
mod error;
mod evaluation;
mod explain;
mod history;
mod job;
mod model;
mod passenger;
mod prediction;
mod registry;
mod training;
pub mod whole;

pub use auth::{
    AccountDeletion, Credentials, EmailVerification, ForgotAnswer, ForgotPassword, MAX_EMAIL_CHARS,
    MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS, Page, PasswordChange, PasswordReset,
    RESET_LINK_MINUTES, RESET_PAGE, RefreshRequest, ResetLink, Role, RoleChange, TokenResponse,
    User, VERIFY_LINK_HOURS, VERIFY_PAGE, check_email, check_new_password,
};

pub use batch::{
    BatchItem, BatchResult, INFERENCE_BATCH_MAX, InferenceBatch, InferenceBatchAnswer,
};
pub use batch_file::{
    BATCH_FILE_MAX_BYTES, BATCH_FILE_MAX_ROWS, BATCH_FILE_OLD_PATH, BATCH_FILE_PATH,
    BatchFileAnswer, BatchFileError, BatchFileRow,
};
pub use dataset::{
    AGE_BAND_YEARS, AGE_BIN_YEARS, Bin, DatasetSummary, FARE_BIN_WIDTH, FARE_BINS_TOP, Group,
};
pub use error::{ErrorBody, FieldErrors, too_large_message};
pub use evaluation::{
    CalibrationBin, CrossValidation, Evaluation, EvaluationParams, FoldScores, HeldOut, Importance,
    PrPoint, RocPoint, Spread, limits as evaluation_limits,
};
pub use explain::{Change, Counterfactual, CurvePoint, WhatIfAnswer};
pub use history::{
    DAILY_COUNTS_DEFAULT_DAYS, DAILY_COUNTS_MAX_DAYS, DailyPredictions, HISTORY_PAGE_SIZE,
    HistoryEntry, HistoryPage,
};
pub use job::{JobAccepted, JobStatus, TrainingJob};
pub use model::{
    Algorithm, Estimator, Feature, ForestParams, Kernel, SvmParams, limits as training_limits,
};
pub use passenger::{
    Embarked, InferenceRequest, Passenger, Sex, kaggle, rules as passenger_rules, text, words,
};
pub use prediction::{Contribution, InferenceResponse, SURVIVAL_THRESHOLD};
pub use registry::{ActiveModel, ModelDetails, ModelMetrics, ModelSummary};
#[cfg(feature = "openapi")]
pub use training::schema::training_request as training_request_schema;
pub use training::{TrainModel, TrainedModel, TrainingRequest, TrainingSpec};

/// Liveness/readiness answer of every service's `/health` and `/ready`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthStatus {
    /// `"ok"` when healthy or ready, `"unavailable"` otherwise.
    pub status: String,
    /// Why the service is not ready, when it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl HealthStatus {
    /// The answer of a healthy service.
    pub fn ok() -> Self {
        Self {
            status: "ok".into(),
            reason: None,
        }
    }

    /// The answer of a service that cannot serve yet, with the reason.
    pub fn unavailable(reason: impl Into<String>) -> Self {
        Self {
            status: "unavailable".into(),
            reason: Some(reason.into()),
        }
    }
}
