//! `/health` (the process answers) and `/ready` (a model is loaded and can predict).

use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Json, Router, routing::get};
use lifeboat_api_types::HealthStatus;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
}

async fn health() -> Json<HealthStatus> {
    Json(HealthStatus::ok())
}

async fn ready(State(state): State<AppState>) -> (StatusCode, Json<HealthStatus>) {
    match state.models.not_ready_reason() {
        None => (StatusCode::OK, Json(HealthStatus::ok())),
        Some(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(HealthStatus::unavailable(reason)),
        ),
    }
}
