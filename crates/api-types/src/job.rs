//! Training jobs on the wire: where a job is, and what the API answers about one.

use crate::{Algorithm, Feature};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a training job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sqlx",
    derive(sqlx::Type),
    sqlx(type_name = "job_status", rename_all = "snake_case")
)]
pub enum JobStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
}

impl JobStatus {
    /// True once the job will not change any more.
    pub fn is_finished(self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed)
    }
}

/// `POST /api/training` answer (202).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobAccepted {
    pub job_id: Uuid,
}

/// A training job as `GET /api/training[/{id}]` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainingJob {
    pub id: Uuid,
    pub status: JobStatus,
    pub name: String,
    pub algorithm: Algorithm,
    pub features: Vec<Feature>,
    /// Why it failed, for people.
    pub error: Option<String>,
    /// The model it produced, once it succeeded (and until that model is deleted).
    pub model_id: Option<Uuid>,
    pub accuracy: Option<f64>,
    pub requested_by: Option<Uuid>,
    /// The e-mail of the admin who asked for it, while that account exists.
    pub requested_by_email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn a_job_is_finished_once_it_succeeded_or_failed() {
        assert!(JobStatus::Failed.is_finished() && JobStatus::Succeeded.is_finished());
        assert!(!JobStatus::Running.is_finished() && !JobStatus::Queued.is_finished());
    }
}
