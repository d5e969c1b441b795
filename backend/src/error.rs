//! The backend's one error type and its mapping to HTTP answers.

use crate::model_client::ModelServiceError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lifeboat_api_types::{ErrorBody, FieldErrors};
use lifeboat_service_kit::{JsonError, error_response};

/// Every way a backend request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400/415/422: the body is not the JSON we expect.
    #[error(transparent)]
    Json(#[from] JsonError),
    /// 422: the input breaks the rules; each field is named.
    #[error("invalid input")]
    Validation(FieldErrors),
    /// 503 when the model service is down or slow; its own 4xx passed on otherwise.
    #[error(transparent)]
    ModelService(#[from] ModelServiceError),
    /// 500: anything else; the cause is logged, never sent.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            Self::Json(rejection) => return rejection.into_response(),
            Self::Validation(fields) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorBody::validation(fields),
            ),
            Self::ModelService(ModelServiceError::Refused { status, body }) => (status, body),
            Self::ModelService(ref cause @ ModelServiceError::Unavailable(_)) => {
                tracing::warn!(error = %cause, "model service unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorBody::new(
                        "model_service_unavailable",
                        "predictions are unavailable right now; try again shortly",
                    ),
                )
            }
            Self::Internal(ref cause) => {
                tracing::error!(error = ?cause, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorBody::new("internal", "something went wrong on our side"),
                )
            }
        };
        error_response(status, body)
    }
}
