//! Building and running the service: bind the listener, load the saved models and the data
//! set in the background, serve until SIGTERM.

use crate::config::Config;
use crate::ml::artifact;
use crate::ml::dataset;
use crate::routes;
use crate::state::{AppState, ModelStore};
use anyhow::Context;
use lifeboat_api_types::Algorithm;
use lifeboat_service_kit::limits::Limits;
use lifeboat_service_kit::server::{self, UnixSocket};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// A bound, not yet running, model service.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    socket: Option<UnixSocket>,
    state: AppState,
}

impl Application {
    /// Binds the listener (port 0 picks a free one, as tests do).
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        describe_metrics();
        let listener = server::bind(config.host, config.port).await?;
        let socket = server::bind_unix_if_set(config.socket.as_deref()).await?;
        let state = AppState {
            training_slots: Arc::new(Semaphore::new(config.training_slots.max(1))),
            explain_slots: Arc::new(Semaphore::new(
                std::thread::available_parallelism().map_or(1, usize::from),
            )),
            config: Arc::new(config),
            models: Arc::new(ModelStore::default()),
        };
        Ok(Self {
            listener,
            socket,
            state,
        })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Loads the saved models and the data set in the background and serves until asked to stop.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        tokio::spawn(prepare_models(self.state.clone()));
        server::serve(
            "model-service",
            self.listener,
            self.socket,
            routes::router(self.state),
            limits(),
            server::MetricsAt::ServicePort,
        )
        .await
    }
}

/// The API defaults, but for the deadline: a training call is answered when the model is
/// fitted, which may take minutes on a large data set (the backend gives up after
/// `TRAINING_TIMEOUT_S`, 10 minutes by default); a prediction takes microseconds.
fn limits() -> Limits {
    Limits {
        request_timeout: Duration::from_secs(15 * 60),
        ..Limits::default()
    }
}

/// Help texts of the model service's own metrics (the HTTP ones come from the service kit).
fn describe_metrics() {
    lifeboat_service_kit::metrics::handle();
    metrics::describe_histogram!(
        "model_predict_duration_seconds",
        metrics::Unit::Seconds,
        "Time to compute one prediction in the model, by model and algorithm"
    );
    metrics::describe_gauge!("models_loaded", "Models loaded in memory");
    metrics::describe_gauge!(
        "model_service_ready",
        "1 once the data set is loaded (the service can train), 0 before"
    );
    metrics::describe_counter!(
        "model_trainings_total",
        "Trainings run by the model service, by algorithm and status"
    );
    metrics::describe_gauge!(
        "model_trainings_in_progress",
        "Models being trained right now"
    );
    metrics::describe_histogram!(
        "model_training_duration_seconds",
        metrics::Unit::Seconds,
        "Time to train and evaluate one model, by algorithm"
    );
    // Series that exist from the start, so rates and dashboards show 0 rather than nothing.
    for algorithm in Algorithm::ALL {
        for status in ["succeeded", "failed"] {
            metrics::counter!(
                "model_trainings_total",
                "algorithm" => algorithm.as_str(),
                "status" => status
            )
            .increment(0);
        }
    }
    metrics::gauge!("model_trainings_in_progress").increment(0.0);
    metrics::gauge!("model_service_ready").increment(0.0);
}

/// First wait before trying again to load the data set; it doubles up to [`MAX_RETRY_WAIT`].
const FIRST_RETRY_WAIT: Duration = Duration::from_secs(2);
const MAX_RETRY_WAIT: Duration = Duration::from_secs(60);

/// Loads the saved models (after removing what an interrupted write left), then the data set.
/// Problems are logged and shown by `/ready`, and the work is tried again with a growing
/// pause, so a data set that appears later (or a network that comes back) makes the service
/// ready without a restart. The saved models answer predictions meanwhile.
pub async fn prepare_models(state: AppState) {
    let mut wait = FIRST_RETRY_WAIT;
    let mut models_loaded = false;
    loop {
        let result = if models_loaded {
            load_dataset(&state).await
        } else {
            load_saved_models(&state).await
        };
        match result {
            Ok(()) if models_loaded => return,
            Ok(()) => {
                models_loaded = true;
                continue;
            }
            Err(error) => {
                let problem = format!("{error:#}");
                tracing::error!(
                    error = problem,
                    retry_in_s = wait.as_secs(),
                    "the model service cannot get ready"
                );
                state
                    .models
                    .set_problem(format!("{problem} (retrying in {} s)", wait.as_secs()));
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(MAX_RETRY_WAIT);
            }
        }
    }
}

async fn load_saved_models(state: &AppState) -> anyhow::Result<()> {
    let dir = state.config.model_dir.clone();
    let (leftovers, loaded) = tokio::task::spawn_blocking(move || {
        anyhow::Ok((artifact::remove_leftovers(&dir)?, artifact::load_all(&dir)?))
    })
    .await?
    .with_context(|| {
        format!(
            "cannot read the model folder {}",
            state.config.model_dir.display()
        )
    })?;
    if leftovers > 0 {
        tracing::warn!(
            files = leftovers,
            "removed temporary files left by an interrupted save"
        );
    }
    for (model, sha256) in loaded {
        tracing::info!(model_id = %model.id, algorithm = %model.algorithm(), "model loaded");
        state.models.insert(model, sha256);
    }
    Ok(())
}

async fn load_dataset(state: &AppState) -> anyhow::Result<()> {
    let config = &state.config;
    let dataset = dataset::fetch(
        &config.dataset_path,
        &config.dataset_url,
        &config.dataset_sha256,
    )
    .await
    .context("data set")?;
    tracing::info!(rows = dataset.records.len(), "data set ready");
    state.models.set_dataset(dataset);
    Ok(())
}
