//! `POST /inference`: one passenger in, the probability of survival out (with `explain`,
//! the contributions of its inputs too); `POST /inference/batch`: many at once, each answered
//! as it would be alone (explained ones too, off the inline path); `POST /what-if`: the curves over age and fare and the nearest
//! counterfactuals.

use crate::error::ApiError;
use crate::ml::{ModelArtifact, explain, what_if};
use crate::state::AppState;
use crate::state::LoadedModel;
use axum::extract::State;
use axum::{Router, routing::post};
use lifeboat_api_types::{
    Algorithm, BatchResult, FieldErrors, INFERENCE_BATCH_MAX, InferenceBatch, InferenceBatchAnswer,
    InferenceRequest, InferenceResponse, Passenger, WhatIfAnswer,
};
use lifeboat_service_kit::Json;
use lifeboat_service_kit::metrics::HandleCache;
use metrics::Histogram;

use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inference", post(predict))
        .route("/inference/batch", post(predict_batch))
        .route("/what-if", post(what_if))
}

async fn predict(
    State(state): State<AppState>,
    Json(request): Json<InferenceRequest>,
) -> Result<Json<InferenceResponse>, ApiError> {
    load_missing(&state, [request.model_id]).await?;
    if !request.explain {
        return prediction(&state, &request).map(Json);
    }
    let shared = state.clone();
    off_the_inline_path(&state, move || prediction(&shared, &request))
        .await?
        .map(Json)
}

/// The probability over age and over fare, and the nearest changes that flip the verdict.
async fn what_if(
    State(state): State<AppState>,
    Json(request): Json<InferenceRequest>,
) -> Result<Json<WhatIfAnswer>, ApiError> {
    load_missing(&state, [request.model_id]).await?;
    let (model, passenger) = model_and_passenger(&state, &request)?;
    let grid = state
        .loaded
        .grid()
        .ok_or_else(|| ApiError::NotReady("the data set is not loaded yet".into()))?;
    let prediction = timed_prediction(&model.artifact, &passenger);
    let found = off_the_inline_path(&state, move || {
        what_if::what_if(&model.artifact, &passenger, &grid)
    })
    .await?;
    Ok(Json(WhatIfAnswer {
        prediction,
        age_curve: found.age_curve,
        fare_curve: found.fare_curve,
        counterfactual: found.counterfactual,
        age_alternative: found.age_alternative,
    }))
}

/// Loads the models named in `ids` that this replica does not hold yet (trained through
/// another replica) from the artifact store, so that the answers, computed without waiting on
/// anything, find them in memory. A model held already costs one map lookup.
async fn load_missing(
    state: &AppState,
    ids: impl IntoIterator<Item = Option<Uuid>>,
) -> Result<(), ApiError> {
    let mut missing: Vec<Uuid> = ids
        .into_iter()
        .flatten()
        .filter(|&id| !state.loaded.has(id))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    for id in missing {
        state.model(id).await?;
    }
    Ok(())
}

/// Runs `work` on the blocking pool, at most one per core at once, so that explanations
/// never hold up the plain predictions answered inline.
async fn off_the_inline_path<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let _slot = state
        .explain_slots
        .acquire()
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::Internal(e.into()))
}

/// Answers every item of the batch in order; an item that fails (a model that is not
/// loaded, a passenger that breaks the rules) is a `refused` result and does not fail the
/// others. The access line of the batch lists the items' request ids.
async fn predict_batch(
    State(state): State<AppState>,
    Json(batch): Json<InferenceBatch>,
) -> Result<Json<InferenceBatchAnswer>, ApiError> {
    if batch.items.is_empty() || batch.items.len() > INFERENCE_BATCH_MAX {
        let mut fields = FieldErrors::new();
        fields.insert(
            "items".into(),
            format!("must hold 1 to {INFERENCE_BATCH_MAX} predictions"),
        );
        return Err(ApiError::Validation(fields));
    }
    let request_ids: Vec<&str> = batch
        .items
        .iter()
        .filter_map(|item| item.request_id.as_deref())
        .collect();
    if !request_ids.is_empty() {
        lifeboat_service_kit::telemetry::record_request_ids(request_ids.join(" "));
    }
    load_missing(&state, batch.items.iter().map(|item| item.request.model_id)).await?;
    // Each prediction costs microseconds: a full batch is still cheaper inline than a hop
    // to the blocking pool. Explanations cost more: a batch with one goes there whole.
    let results = if batch.items.iter().any(|item| item.request.explain) {
        let shared = state.clone();
        off_the_inline_path(&state, move || predictions(&shared, &batch)).await?
    } else {
        predictions(&state, &batch)
    };
    Ok(Json(InferenceBatchAnswer { results }))
}

/// Each item's result, in order.
fn predictions(state: &AppState, batch: &InferenceBatch) -> Vec<BatchResult> {
    batch
        .items
        .iter()
        .map(|item| match prediction(state, &item.request) {
            Ok(answer) => BatchResult::Ok(answer),
            Err(error) => refused(error),
        })
        .collect()
}

/// The answer to `request` by the model it names (this service has no default model: the
/// backend always names the one that answers), with its explanation when it asks for one. A plain prediction (a forest of 100 shallow trees, an
/// SVM with a few hundred support vectors) costs microseconds: cheaper inline than a hop to
/// the blocking pool.
fn prediction(state: &AppState, request: &InferenceRequest) -> Result<InferenceResponse, ApiError> {
    let (model, passenger) = model_and_passenger(state, request)?;
    let mut answer = timed_prediction(&model.artifact, &passenger);
    if request.explain {
        match explain::explain(&model.artifact, &passenger) {
            Ok(explanation) => {
                answer.base = Some(explanation.base);
                answer.contributions = Some(explanation.contributions);
            }
            Err(why) => answer.no_explanation = Some(why.into()),
        }
    }
    Ok(answer)
}

/// The passenger of `request`, checked, and the model it names. A request must name its
/// model: which model answers is the backend's choice alone.
fn model_and_passenger(
    state: &AppState,
    request: &InferenceRequest,
) -> Result<(Arc<LoadedModel>, Passenger), ApiError> {
    let passenger = request.passenger();
    let Some(id) = request.model_id else {
        let mut errors = passenger.err().unwrap_or_default();
        errors.insert(
            "model_id".into(),
            "is required: the backend chooses which model answers".into(),
        );
        return Err(ApiError::Validation(errors));
    };
    let passenger = passenger.map_err(ApiError::Validation)?;
    let model = state.loaded.get(id).ok_or(ApiError::ModelNotFound(id))?;
    Ok((model, passenger))
}

/// `model`'s answer for `passenger`, its compute time recorded.
fn timed_prediction(model: &ModelArtifact, passenger: &Passenger) -> InferenceResponse {
    let algorithm = model.algorithm();
    let started = Instant::now();
    let prob = model.predict(passenger);
    predict_duration(model.id, algorithm).record(started.elapsed().as_secs_f64());
    InferenceResponse::new(prob, model.id, model.name.clone(), algorithm)
}

/// One item's failure as the status and body it would have been answered with alone.
fn refused(error: ApiError) -> BatchResult {
    let (status, error) = error.status_and_body();
    BatchResult::Refused {
        status: status.as_u16(),
        error,
    }
}

/// `model_predict_duration_seconds` of one model, looked up in the registry once per model
/// rather than once per prediction.
fn predict_duration(model_id: Uuid, algorithm: Algorithm) -> Histogram {
    static DURATIONS: HandleCache<Uuid, Histogram> = HandleCache::new();
    DURATIONS.get_or_register(model_id, |model_id| {
        metrics::histogram!(
            "model_predict_duration_seconds",
            "model_id" => model_id.to_string(),
            "algorithm" => algorithm.as_str(),
        )
    })
}
