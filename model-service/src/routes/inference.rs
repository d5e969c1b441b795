//! `POST /inference`: one passenger in, the probability of survival out; and
//! `POST /inference/batch`: many at once, each answered as it would be alone.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::{Router, routing::post};
use lifeboat_api_types::{
    Algorithm, BatchResult, FieldErrors, INFERENCE_BATCH_MAX, InferenceBatch, InferenceBatchAnswer,
    InferenceRequest, InferenceResponse,
};
use lifeboat_service_kit::Json;
use metrics::Histogram;
use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};
use std::time::Instant;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inference", post(infer))
        .route("/inference/batch", post(infer_batch))
}

async fn infer(
    State(state): State<AppState>,
    Json(request): Json<InferenceRequest>,
) -> Result<Json<InferenceResponse>, ApiError> {
    predict(&state, &request).map(Json)
}

/// Answers every item of the batch in order; an item that fails (a model that is not
/// loaded, a passenger that breaks the rules) is a `refused` result and does not fail the
/// others. The access line of the batch lists the items' request ids.
async fn infer_batch(
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
    // Each prediction costs microseconds: a full batch is still cheaper inline than a hop
    // to the blocking pool.
    let results = batch
        .items
        .iter()
        .map(|item| match predict(&state, &item.request) {
            Ok(answer) => BatchResult::Ok(answer),
            Err(error) => refused(error),
        })
        .collect();
    Ok(Json(InferenceBatchAnswer { results }))
}

/// The prediction for one request by the model it names, else the default model.
fn predict(state: &AppState, request: &InferenceRequest) -> Result<InferenceResponse, ApiError> {
    let passenger = request.passenger().map_err(ApiError::Validation)?;
    let model = state
        .models
        .get(request.model_id)
        .ok_or_else(|| match request.model_id {
            Some(id) => ApiError::ModelNotFound(id),
            None => ApiError::NotReady("no model has been trained yet".into()),
        })?;
    // A forest of 100 shallow trees or an SVM with a few hundred support vectors answers in
    // microseconds: cheaper inline than a hop to the blocking pool.
    let model = &model.artifact;
    let algorithm = model.algorithm();
    let started = Instant::now();
    let prob = model.predict(&passenger);
    predict_duration(model.id, algorithm).record(started.elapsed().as_secs_f64());
    Ok(InferenceResponse {
        prob,
        survived: prob >= 0.5,
        model_id: model.id,
        model_name: model.name.clone(),
        algorithm,
    })
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
    static CACHE: OnceLock<RwLock<HashMap<Uuid, Histogram>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(found) = cache.read().ok().and_then(|c| c.get(&model_id).cloned()) {
        return found;
    }
    let found = metrics::histogram!(
        "model_predict_duration_seconds",
        "model_id" => model_id.to_string(),
        "algorithm" => algorithm.as_str(),
    );
    if let Ok(mut cache) = cache.write() {
        cache.insert(model_id, found.clone());
    }
    found
}
