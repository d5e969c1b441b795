//! Building and running the service: bind the listener, load or train the models in the
//! background, serve until SIGTERM.

use crate::config::Config;
use crate::ml::artifact;
use crate::ml::dataset;
use crate::ml::train::{TrainingSpec, train_forest};
use crate::routes;
use crate::state::{AppState, ModelStore};
use anyhow::Context;
use lifeboat_service_kit::server;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// A bound, not yet running, model service.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    /// Binds the listener (port 0 picks a free one, as tests do).
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        describe_metrics();
        let listener = server::bind(config.host, config.port).await?;
        let state = AppState {
            config: Arc::new(config),
            models: Arc::new(ModelStore::default()),
        };
        Ok(Self { listener, state })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// The shared state (tests use it to wait for readiness).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Loads or trains the models in the background and serves until asked to stop.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        tokio::spawn(prepare_models(self.state.clone()));
        server::serve("model-service", self.listener, routes::router(self.state)).await
    }
}

/// Help texts of the model service's own metrics (the HTTP ones come from the service kit).
fn describe_metrics() {
    lifeboat_service_kit::metrics::handle();
    metrics::describe_histogram!(
        "model_predict_duration_seconds",
        metrics::Unit::Seconds,
        "Time to compute one prediction in the model, by algorithm"
    );
    metrics::describe_gauge!("models_loaded", "Models loaded in memory");
}

/// First wait before trying again to prepare the models; it doubles up to [`MAX_RETRY_WAIT`].
const FIRST_RETRY_WAIT: Duration = Duration::from_secs(2);
const MAX_RETRY_WAIT: Duration = Duration::from_secs(60);

/// Loads the artifacts in the model folder; with none, trains and saves the default forest.
/// Problems are logged and shown by `/ready`, and the work is tried again with a growing
/// pause, so a data set that appears later (or a network that comes back) makes the service
/// ready without a restart.
pub async fn prepare_models(state: AppState) {
    let mut wait = FIRST_RETRY_WAIT;
    while let Err(error) = try_prepare_models(&state).await {
        let problem = format!("{error:#}");
        tracing::error!(
            error = problem,
            retry_in_s = wait.as_secs(),
            "no model could be prepared"
        );
        state
            .models
            .set_problem(format!("{problem} (retrying in {} s)", wait.as_secs()));
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(MAX_RETRY_WAIT);
    }
}

async fn try_prepare_models(state: &AppState) -> anyhow::Result<()> {
    let config = Arc::clone(&state.config);
    let dir = config.model_dir.clone();
    let loaded = tokio::task::spawn_blocking(move || artifact::load_all(&dir))
        .await?
        .with_context(|| {
            format!(
                "cannot read the model folder {}",
                config.model_dir.display()
            )
        })?;
    let count = loaded.len();
    for model in loaded {
        tracing::info!(model_id = %model.id, algorithm = %model.algorithm(), "model loaded");
        state.models.insert(model);
    }

    let dataset = dataset::fetch(
        &config.dataset_path,
        &config.dataset_url,
        &config.dataset_sha256,
    )
    .await;
    let dataset = match dataset {
        Ok(dataset) => dataset,
        Err(error) if count > 0 => {
            tracing::error!(%error, "data set unusable; serving the saved models, training is off");
            return Ok(());
        }
        Err(error) => return Err(anyhow::Error::new(error).context("data set")),
    };
    tracing::info!(rows = dataset.records.len(), "data set ready");
    if count > 0 {
        return Ok(());
    }

    tracing::info!("no saved model: training the default random forest");
    let dir = config.model_dir.clone();
    let model = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let model = train_forest(&dataset, &TrainingSpec::default_forest())?;
        model.save(&dir)?;
        Ok(model)
    })
    .await??;
    tracing::info!(
        model_id = %model.id,
        accuracy = model.metrics.accuracy,
        seconds = model.training_seconds,
        "default random forest trained and saved"
    );
    state.models.insert(model);
    Ok(())
}
