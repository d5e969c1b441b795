//! The model service as its own process, for tests that kill it: the same code as the
//! `lifeboat-model-service` binary, built here so the tests can find it.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    lifeboat_model_service::run_from_env().await
}
