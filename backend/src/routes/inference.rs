//! `POST /api/inference`: validates the passenger, picks the model (the one named, else the
//! active forest, else any active model), then asks the model service.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::{Router, routing::post};
use lifeboat_api_types::{InferenceRequest, InferenceResponse};
use lifeboat_service_kit::Json;
use lifeboat_service_kit::telemetry::REQUEST_ID;
use std::time::Instant;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/inference", post(infer))
}

async fn infer(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(mut request): Json<InferenceRequest>,
) -> Result<Json<InferenceResponse>, ApiError> {
    request.passenger().map_err(ApiError::Validation)?;
    if request.model_id.is_none() {
        let active = state.active.default_model(&state.db).await?;
        request.model_id = Some(active.ok_or(ApiError::NoActiveModel)?);
    }
    let request_id = headers.get(REQUEST_ID).and_then(|v| v.to_str().ok());
    let started = Instant::now();
    let outcome = state.model.infer(&request, request_id).await;
    let seconds = started.elapsed().as_secs_f64();
    let (algorithm, label) = match &outcome {
        Ok(p) => (p.algorithm.as_str(), "ok"),
        Err(_) => ("none", "error"),
    };
    metrics::counter!("inference_requests_total", "algorithm" => algorithm, "outcome" => label)
        .increment(1);
    metrics::histogram!("inference_duration_seconds", "algorithm" => algorithm).record(seconds);
    Ok(Json(outcome?))
}
