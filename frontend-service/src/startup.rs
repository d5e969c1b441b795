//! Building and running the frontend service.

use crate::config::Config;
use crate::routes::{self, AppState};
use anyhow::Context;
use lifeboat_service_kit::limits::Limits;
use lifeboat_service_kit::server;
use lifeboat_service_kit::upstream::Upstream;
use std::time::Duration;
use tokio::net::TcpListener;

/// A bound, not yet running, frontend service.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    metrics_listener: TcpListener,
    state: AppState,
    limits: Limits,
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
        let metrics_listener = server::bind(config.host, config.metrics_port).await?;
        let limits = Limits {
            // The proxy answers 504 when the backend is late; this only backs it up.
            request_timeout: config.backend_timeout() + Duration::from_secs(1),
            ..Limits::default()
        };
        let state = AppState {
            backend,
            cors_allowed_origins: config.cors_allowed_origins()?,
            trusted_proxies: config.trusted_proxies.parse()?,
            static_dir: config.static_dir,
            limits,
        };
        Ok(Self {
            listener,
            metrics_listener,
            state,
            limits,
        })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// The monitoring port actually bound.
    pub fn metrics_port(&self) -> u16 {
        self.metrics_listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or(0)
    }

    /// Serves until asked to stop, finishing in-flight requests.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        server::serve(
            "frontend-service",
            self.listener,
            None,
            routes::router(self.state),
            self.limits,
            server::MetricsAt::Listener(self.metrics_listener),
        )
        .await
    }
}
