//! The model service's one error type and its mapping to HTTP answers.

use crate::ml::artifact_store::StoreError;
use crate::ml::fit::TrainingError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lifeboat_api_types::{ErrorBody, FieldErrors};
use lifeboat_service_kit::{JsonError, error_response};
use uuid::Uuid;

/// Every way a request to the model service can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400/415/422: the body is not the JSON we expect.
    #[error(transparent)]
    Json(#[from] JsonError),
    /// 422: the passenger breaks the rules; each field is named.
    #[error("invalid passenger")]
    Validation(FieldErrors),
    /// 404: no model with that id is loaded.
    #[error("model {0} is not loaded")]
    ModelNotFound(Uuid),
    /// 409: a model with that id exists already.
    #[error("model {0} exists already")]
    ModelExists(Uuid),
    /// 422: the algorithm could not fit the data (the cause is logged).
    #[error(transparent)]
    Training(TrainingError),
    /// 429: every training slot is taken.
    #[error("the model service is busy training; try again later")]
    Busy,
    /// 503: not ready: no model to answer, or no data set to train on.
    #[error("no model is ready: {0}")]
    NotReady(String),
    /// 503: the folder or bucket holding the artifacts cannot be used (the cause is logged).
    #[error("the model storage cannot be reached")]
    Storage(#[from] StoreError),
    /// 500: anything else; the cause is logged, never sent.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// The status and body this error is answered with.
    pub fn status_and_body(self) -> (StatusCode, ErrorBody) {
        match self {
            Self::Json(rejection) => rejection.status_and_body(),
            Self::Validation(fields) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorBody::validation(fields),
            ),
            Self::ModelNotFound(_) => (
                StatusCode::NOT_FOUND,
                ErrorBody::new("model_not_found", self.to_string()),
            ),
            Self::ModelExists(_) => (
                StatusCode::CONFLICT,
                ErrorBody::new("model_exists", self.to_string()),
            ),
            Self::Training(ref cause) => {
                tracing::warn!(error = ?cause, "training failed");
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorBody::new("training_failed", cause.to_string()),
                )
            }
            Self::Busy => (
                StatusCode::TOO_MANY_REQUESTS,
                ErrorBody::new("busy", self.to_string()),
            ),
            Self::NotReady(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorBody::new("model_not_ready", self.to_string()),
            ),
            Self::Storage(ref cause) => {
                tracing::error!(error = %cause, "model storage failed");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorBody::new("storage_unavailable", self.to_string()),
                )
            }
            Self::Internal(ref cause) => {
                tracing::error!(error = ?cause, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorBody::new("internal", "something went wrong on our side"),
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = self.status_and_body();
        error_response(status, body)
    }
}
