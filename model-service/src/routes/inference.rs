//! `POST /inference`: one passenger in, the probability of survival out.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::{Router, routing::post};
use lifeboat_api_types::{Algorithm, InferenceRequest, InferenceResponse};
use lifeboat_service_kit::Json;
use metrics::Histogram;
use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};
use std::time::Instant;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new().route("/inference", post(infer))
}

async fn infer(
    State(state): State<AppState>,
    Json(request): Json<InferenceRequest>,
) -> Result<Json<InferenceResponse>, ApiError> {
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
    Ok(Json(InferenceResponse {
        prob,
        survived: prob >= 0.5,
        model_id: model.id,
        model_name: model.name.clone(),
        algorithm,
    }))
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
