//! Entry point: see [`lifeboat_model_service::run_from_env`].

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    lifeboat_model_service::run_from_env().await
}
