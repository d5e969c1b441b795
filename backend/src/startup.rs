//! Building and running the backend: database pool and migrations, the model service
//! client, the listener; then serving until SIGTERM.

use crate::config::Config;
use crate::model_client::ModelClient;
use crate::routes;
use crate::state::AppState;
use anyhow::Context;
use secrecy::ExposeSecret;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::time::Duration;
use tokio::net::TcpListener;

/// How long start-up waits for Postgres to accept the migrations.
const MIGRATION_PATIENCE: Duration = Duration::from_secs(60);

/// A bound, not yet running, backend.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    /// Connects to Postgres, applies the migrations and binds the listener.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(config.database_max_connections)
            .acquire_timeout(Duration::from_secs(2))
            .connect_lazy(config.database_url.expose_secret())
            .context("invalid DATABASE_URL")?;
        migrate(&pool).await?;
        Self::build_with_pool(config, pool).await
    }

    /// Like [`Application::build`] with a pool that is already migrated (tests).
    pub async fn build_with_pool(config: Config, db: PgPool) -> anyhow::Result<Self> {
        let model = ModelClient::new(
            &config.model_service_url,
            config.model_service_connect_timeout(),
            config.model_service_timeout(),
        )
        .context("cannot build the model service client")?;
        let listener = TcpListener::bind((config.host, config.port))
            .await
            .with_context(|| format!("cannot listen on {}:{}", config.host, config.port))?;
        Ok(Self {
            listener,
            state: AppState { db, model },
        })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Serves until asked to stop, finishing in-flight requests.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let app = lifeboat_service_kit::telemetry::with_request_tracing(routes::router(self.state));
        tracing::info!(
            port = self.listener.local_addr()?.port(),
            "backend listening"
        );
        axum::serve(self.listener, app)
            .with_graceful_shutdown(lifeboat_service_kit::shutdown_signal())
            .await
            .context("server error")
    }
}

/// Applies `migrations/`, waiting for Postgres to come up for at most a minute.
async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    let started = tokio::time::Instant::now();
    loop {
        match sqlx::migrate!("../migrations").run(pool).await {
            Ok(()) => return Ok(()),
            Err(error) if started.elapsed() < MIGRATION_PATIENCE => {
                tracing::warn!(%error, "database not ready for migrations, retrying");
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
            Err(error) => return Err(error).context("cannot apply the database migrations"),
        }
    }
}
