//! Building and running the service: bind the listener, load the saved models and the data
//! set in the background, serve until SIGTERM.

use crate::config::Config;
use crate::ml::artifact_store::ArtifactStore;
use crate::ml::dataset;
use crate::routes;
use crate::state::{AppState, Loaded};
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
        let store = ArtifactStore::open(config.model_store(), &config.s3, &config.model_dir)?;
        tracing::info!(location = store.location(), "artifact store");
        let state = AppState {
            store,
            training_slots: Arc::new(Semaphore::new(config.training_slots.max(1))),
            explain_slots: Arc::new(Semaphore::new(
                std::thread::available_parallelism().map_or(1, usize::from),
            )),
            config: Arc::new(config),
            loaded: Arc::new(Loaded::default()),
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
        tokio::spawn(sync_forever(self.state.clone()));
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

/// Loads the saved models, then the data set. An artifact store that cannot be listed is logged and
/// left to the sync (`sync_forever`) and to the first request for each model: readiness says
/// whether this replica can train and answer, not whether the object store is up (a health
/// check that failed with it would restart every replica at once). A data set that cannot be
/// loaded is shown by `/ready` and tried again with a growing pause, so one that appears later
/// (or a network that comes back) makes the service ready without a restart. The saved models
/// answer predictions meanwhile.
pub async fn prepare_models(state: AppState) {
    if let Err(error) = load_saved_models(&state).await {
        tracing::warn!(
            error = format!("{error:#}"),
            "saved models not loaded yet; the sync tries again"
        );
    }
    let mut wait = FIRST_RETRY_WAIT;
    while let Err(error) = load_dataset(&state).await {
        let problem = format!("{error:#}");
        tracing::error!(
            error = problem,
            retry_in_s = wait.as_secs(),
            "the model service cannot get ready"
        );
        state
            .loaded
            .set_problem(format!("{problem} (retrying in {} s)", wait.as_secs()));
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(MAX_RETRY_WAIT);
    }
}

/// Loads every artifact in the artifact store. One that cannot be used is logged and skipped, not
/// fatal: one damaged artifact must not take the other models down.
async fn load_saved_models(state: &AppState) -> anyhow::Result<()> {
    let ids = state
        .store
        .ids()
        .await
        .context("cannot list the saved models")?;
    for id in ids {
        load_into_memory(state, id).await;
    }
    Ok(())
}

/// Loads model `id` from the artifact store, logging what happens.
async fn load_into_memory(state: &AppState, id: uuid::Uuid) {
    match state.store.load(id).await {
        Ok(Some((model, sha256))) => {
            tracing::info!(model_id = %id, algorithm = %model.algorithm(), "model loaded");
            state.loaded.insert(model, sha256);
        }
        Ok(None) => {} // Deleted since it was listed.
        Err(error) => tracing::error!(%error, "skipping a saved model that cannot be used"),
    }
}

/// How often each replica compares the models it holds with the artifact store: a model another
/// replica trained is loaded, one it deleted is dropped, within this time.
pub const SYNC_EVERY: Duration = Duration::from_secs(5);

/// Every [`SYNC_EVERY`], loads the models saved by other replicas and drops the ones they
/// deleted. (A model asked for by id is loaded at once anyway: `AppState::model`.)
async fn sync_forever(state: AppState) {
    let mut tick = tokio::time::interval(SYNC_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await; // The first tick is now; start-up loads everything anyway.
    loop {
        tick.tick().await;
        let listed_at = std::time::Instant::now();
        let present = match state.store.ids().await {
            Ok(ids) => ids.into_iter().collect::<std::collections::HashSet<_>>(),
            Err(error) => {
                tracing::warn!(%error, "cannot list the saved models; trying again");
                continue;
            }
        };
        for id in state.loaded.keep_only(&present, listed_at) {
            tracing::info!(model_id = %id, "model dropped: its artifact was deleted");
        }
        for &id in &present {
            if !state.loaded.has(id) {
                load_into_memory(&state, id).await;
            }
        }
    }
}

async fn load_dataset(state: &AppState) -> anyhow::Result<()> {
    let config = &state.config;
    let dataset = dataset::load(&config.dataset_path, &config.dataset_sha256)
        .await
        .context("data set")?;
    tracing::info!(
        rows = dataset.records.len(),
        source = %dataset.source,
        sha256 = %dataset.sha256,
        "data set ready"
    );
    state.loaded.set_dataset(dataset);
    Ok(())
}
