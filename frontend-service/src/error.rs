//! The frontend service's one error type: what can go wrong forwarding to the backend.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lifeboat_api_types::ErrorBody;
use lifeboat_service_kit::error_response;

/// Every way a request to the web port can fail before the backend answers.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 404: a path the web port does not serve (`/metrics` lives on the monitoring port).
    #[error("not found")]
    NotFound,
    /// 413: the request body is larger than we forward.
    #[error("request body too large")]
    PayloadTooLarge,
    /// 503: the backend cannot be reached.
    #[error("backend unreachable: {0}")]
    BackendUnavailable(String),
    /// 504: the backend did not answer in time.
    #[error("backend timed out")]
    BackendTimeout,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match &self {
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                ErrorBody::new("not_found", "there is nothing here"),
            ),
            Self::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorBody::new("payload_too_large", "the request body is too large"),
            ),
            Self::BackendUnavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorBody::new(
                    "backend_unavailable",
                    "the service is unavailable right now; try again shortly",
                ),
            ),
            Self::BackendTimeout => (
                StatusCode::GATEWAY_TIMEOUT,
                ErrorBody::new("backend_timeout", "the service took too long to answer"),
            ),
        };
        if status.is_server_error() {
            tracing::warn!(error = %self, "forwarding to the backend failed");
        }
        error_response(status, body)
    }
}
