//! `/models`: list the loaded models, train and save a new one, delete one.

use crate::error::ApiError;
use crate::ml::train;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use lifeboat_api_types::{TrainModel, TrainedModel};
use lifeboat_service_kit::{Id, Json as JsonBody};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/models", get(list).post(create))
        .route("/models/{id}", get(show).delete(remove))
}

async fn list(State(state): State<AppState>) -> Json<Vec<TrainedModel>> {
    Json(
        state
            .loaded
            .all()
            .iter()
            .map(|m| m.artifact.describe(&m.sha256))
            .collect(),
    )
}

async fn show(State(state): State<AppState>, Id(id): Id) -> Result<Json<TrainedModel>, ApiError> {
    let model = state.model(id).await?.ok_or(ApiError::ModelNotFound(id))?;
    Ok(Json(model.artifact.describe(&model.sha256)))
}

/// Trains, saves and loads a model; answers when it is done (201 with its description).
///
/// The work runs on the blocking pool, at most `training_slots` at once (429 past that). If
/// the caller goes away before the end, the model is not saved: nobody would record it.
async fn create(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<TrainModel>,
) -> Result<(StatusCode, Json<TrainedModel>), ApiError> {
    request.check().map_err(ApiError::Validation)?;
    if state.model(request.model_id).await?.is_some() {
        return Err(ApiError::ModelExists(request.model_id));
    }
    let dataset = state
        .loaded
        .dataset()
        .ok_or_else(|| ApiError::NotReady(state.loaded.not_ready_reason().unwrap_or_default()))?;
    let _slot = Arc::clone(&state.training_slots)
        .try_acquire_owned()
        .map_err(|_| ApiError::Busy)?;

    let wanted = CancelOnDrop::default();
    let still_wanted = wanted.flag();
    let algorithm = request.estimator.algorithm();
    tracing::info!(model_id = %request.model_id, %algorithm, "training started");
    let outcome = tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
        let in_progress = metrics::gauge!("model_trainings_in_progress");
        in_progress.increment(1.0);
        let model = train::train(&dataset, &request).map_err(ApiError::Training);
        in_progress.decrement(1.0);
        let model = model?;
        if !still_wanted.load(Ordering::SeqCst) {
            return Err(ApiError::Internal(anyhow::anyhow!(
                "the caller left during training; the model is not saved"
            )));
        }
        let (bytes, sha256) = model.encode().map_err(anyhow::Error::new)?;
        Ok((model, bytes, sha256))
    })
    .await
    .map_err(anyhow::Error::new)?;
    // Saved whole or not at all; from here on every replica can load it.
    let outcome = match outcome {
        Ok((model, bytes, sha256)) => state
            .store
            .save(model.id, bytes)
            .await
            .map(|()| (model, sha256))
            .map_err(ApiError::from),
        Err(error) => Err(error),
    };

    let status = if outcome.is_ok() {
        "succeeded"
    } else {
        "failed"
    };
    metrics::counter!("model_trainings_total", "algorithm" => algorithm.as_str(), "status" => status)
        .increment(1);
    let (model, sha256) = outcome?;
    metrics::histogram!("model_training_duration_seconds", "algorithm" => algorithm.as_str())
        .record(model.training_seconds);
    tracing::info!(
        model_id = %model.id,
        %algorithm,
        accuracy = model.metrics.accuracy,
        seconds = model.training_seconds,
        "model trained and saved"
    );
    let described = model.describe(&sha256);
    state.loaded.insert(model, sha256);
    Ok((StatusCode::CREATED, Json(described)))
}

/// Deletes the model's file and forgets it (204); 404 when there was neither.
async fn remove(State(state): State<AppState>, Id(id): Id) -> Result<StatusCode, ApiError> {
    let had_file = state.store.remove(id).await?;
    let was_loaded = state.loaded.remove(id);
    if !(had_file || was_loaded) {
        return Err(ApiError::ModelNotFound(id));
    }
    tracing::info!(model_id = %id, "model deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// A flag that is true until the request future holding it is dropped.
#[derive(Debug)]
struct CancelOnDrop(Arc<AtomicBool>);

impl Default for CancelOnDrop {
    fn default() -> Self {
        Self(Arc::new(AtomicBool::new(true)))
    }
}

impl CancelOnDrop {
    fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.0)
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}
