//! Lifeboat's model service: trains classifiers on the Titanic data set, keeps their
//! artifacts in a folder, and answers predictions.

// Unit-test modules are left out of the coverage figures (scripts/coverage.sh).
#![cfg_attr(coverage_nightly, feature(coverage_attribute))]

pub mod config;
pub mod error;
pub mod ml;
pub mod routes;
pub mod startup;
pub mod state;

pub use config::Config;
pub use startup::Application;

use lifeboat_service_kit::{probe, run_service, settings, telemetry};
use std::process::ExitCode;

/// What the binary does: `healthcheck [path]` probes a running service; otherwise read the
/// configuration, log JSON, and serve until SIGTERM.
pub async fn run_from_env() -> ExitCode {
    if let Some(code) = probe::run_if_requested("MODEL_SERVICE_PORT", 8001) {
        return code;
    }
    let _logs = telemetry::init();
    let config = settings::parse_and_log::<Config>();
    run_service("model-service", async {
        Application::build(config).await?.run_until_stopped().await
    })
    .await
}
