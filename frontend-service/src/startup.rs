//! Building and running the frontend service.

use crate::config::Config;
use crate::routes::{self, AppState};
use anyhow::Context;
use lifeboat_service_kit::server;
use lifeboat_service_kit::upstream::Upstream;
use std::time::Duration;
use tokio::net::TcpListener;

/// A bound, not yet running, frontend service.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    /// Builds the backend client and binds the listener.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let backend = Upstream::new(
            &config.backend_url,
            Duration::from_secs(2),
            config.backend_timeout(),
        )
        .context("BACKEND_URL")?;
        let listener = server::bind(config.host, config.port).await?;
        let state = AppState {
            backend,
            static_dir: config.static_dir,
        };
        Ok(Self { listener, state })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Serves until asked to stop, finishing in-flight requests.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        server::serve(
            "frontend-service",
            self.listener,
            routes::router(self.state),
        )
        .await
    }
}
