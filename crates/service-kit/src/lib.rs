//! What every Lifeboat server shares: JSON logs, request ids, graceful shutdown,
//! the container health probe, and the JSON body extractor that answers in our error format.

// Unit-test modules are left out of the coverage figures (scripts/coverage.sh).
#![cfg_attr(coverage_nightly, feature(coverage_attribute))]

pub mod edge;
pub mod forwarded;
mod json;
pub mod limits;
mod log_output;
pub mod metrics;
mod path;
pub mod probe;
pub mod request_id;
pub mod secret_file;
pub mod server;
pub mod settings;
mod shutdown;
pub mod telemetry;
pub mod upstream;

pub use json::{Json, JsonError};
pub use path::{Id, InvalidId};
pub use shutdown::shutdown_signal;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lifeboat_api_types::ErrorBody;

/// The body of every binary's `main` after configuration: runs the service, logs why it
/// stopped if it failed, and turns that into the exit code.
pub async fn run_service(
    service: &str,
    run: impl std::future::Future<Output = anyhow::Result<()>>,
) -> std::process::ExitCode {
    match run.await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(service, error = format!("{error:#}"), "service stopped");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Renders `body` with `status` as our JSON error answer.
pub fn error_response(status: StatusCode, body: ErrorBody) -> Response {
    (status, axum::Json(body)).into_response()
}
