//! What every Lifeboat server shares: JSON logs, request ids, graceful shutdown,
//! the container health probe, and the JSON body extractor that answers in our error format.

mod json;
pub mod probe;
mod shutdown;
pub mod telemetry;

pub use json::{Json, JsonError};
pub use shutdown::shutdown_signal;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lifeboat_api_types::ErrorBody;

/// Renders `body` with `status` as our JSON error answer.
pub fn error_response(status: StatusCode, body: ErrorBody) -> Response {
    (status, axum::Json(body)).into_response()
}
