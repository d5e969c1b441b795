//! `POST /api/inference`: validates the passenger, picks the model (the one named, else the
//! active forest, else any active model), then asks the model service.

use crate::auth::bearer_token;
use crate::error::ApiError;
use crate::routes::client::ClientAddr;
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use lifeboat_api_types::{ErrorBody, InferenceRequest, InferenceResponse};
use lifeboat_service_kit::Json;
use lifeboat_service_kit::telemetry::REQUEST_ID;
use std::time::Instant;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(infer))
}

/// Predicts whether the passenger survives. Open to everyone; callers without a valid token
/// are rate limited per address.
#[utoipa::path(
    post,
    path = "/api/inference",
    operation_id = "predict",
    tag = "predictions",
    security((), ("bearer" = [])),
    request_body = InferenceRequest,
    responses(
        (status = OK, description = "The prediction and the model that made it", body = InferenceResponse),
        (status = NOT_FOUND, description = "The model asked for does not exist", body = ErrorBody),
        (status = TOO_MANY_REQUESTS, description = "Too many anonymous predictions from this address; see `Retry-After`", body = ErrorBody),
    )
)]
async fn infer(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Json(mut request): Json<InferenceRequest>,
) -> Result<Json<InferenceResponse>, ApiError> {
    let signed_in = bearer_token(&headers).is_some_and(|token| state.jwt.verify(token).is_some());
    if !signed_in {
        state.rate_limits.check_anonymous_inference(&client)?;
    }
    request.passenger().map_err(ApiError::Validation)?;
    let model_id = match request.model_id {
        Some(id) => id,
        None => state
            .active
            .default_model(&state.db)
            .await?
            .ok_or(ApiError::NoActiveModel)?,
    };
    request.model_id = Some(model_id);
    let request_id = headers.get(REQUEST_ID).and_then(|v| v.to_str().ok());
    let started = Instant::now();
    let outcome = state.model.infer(&request, request_id).await;
    let seconds = started.elapsed().as_secs_f64();
    let (algorithm, label) = match &outcome {
        Ok(p) => (p.algorithm.as_str(), "ok"),
        Err(_) => ("unknown", "error"),
    };
    let labels = [
        ("model_id", model_id.to_string()),
        ("algorithm", algorithm.to_owned()),
        ("outcome", label.to_owned()),
    ];
    metrics::counter!("inference_requests_total", &labels).increment(1);
    metrics::histogram!("inference_duration_seconds", &labels).record(seconds);
    Ok(Json(outcome?))
}
