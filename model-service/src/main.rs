//! Entry point: see [`lifeboat_model_service::run_from_env`].

use std::process::ExitCode;

/// mimalloc: measurably less CPU per request than glibc's malloc (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    lifeboat_model_service::run_from_env().await
}
