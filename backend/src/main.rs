//! Entry point: configuration, logs, then the service. `healthcheck [path]` probes a running
//! one; `reset-link EMAIL` is an operator's command (`lifeboat_backend::operator`).

use lifeboat_backend::{Application, Config};
use lifeboat_service_kit::{probe, run_service, settings, telemetry};
use std::process::ExitCode;

/// mimalloc: measurably less CPU per request than glibc's malloc (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    if let Some(code) = probe::run_if_requested("BACKEND_PORT", 8000) {
        return code;
    }
    let _logs = telemetry::init();
    let config = settings::parse_and_log::<Config>();
    if let Some(command) = &config.command {
        return match lifeboat_backend::operator::run(&config, command).await {
            Ok(output) => {
                println!("{output}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("lifeboat-backend: {error:#}");
                ExitCode::FAILURE
            }
        };
    }
    run_service("backend", async {
        Application::build(config).await?.run_until_stopped().await
    })
    .await
}
