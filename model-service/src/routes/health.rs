//! `/health` (the process answers) and `/ready` (a model is loaded and can predict).

use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Json, Router, routing::get};
use lifeboat_api_types::HealthStatus;
use lifeboat_service_kit::server::{health, readiness};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
}

async fn ready(State(state): State<AppState>) -> (StatusCode, Json<HealthStatus>) {
    readiness(state.loaded.not_ready_reason().map_or(Ok(()), Err))
}
