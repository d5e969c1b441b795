//! Entry point: configuration, logs, then the service. `healthcheck [path]` probes a running one.

use clap::Parser;
use lifeboat_model_service::{Application, Config};
use lifeboat_service_kit::{probe, telemetry};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    if probe::requested() {
        let path = std::env::args().nth(2).unwrap_or_else(|| "/health".into());
        return match Config::from_env() {
            Ok(config) => probe::check(config.port, &path),
            Err(error) => {
                eprintln!("{error}");
                ExitCode::FAILURE
            }
        };
    }
    telemetry::init();
    let config = Config::parse();
    let result = match Application::build(config).await {
        Ok(app) => app.run_until_stopped().await,
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "model service stopped");
            ExitCode::FAILURE
        }
    }
}
