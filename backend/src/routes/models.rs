//! Admin → models: the models the model service has loaded.

use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use lifeboat_api_types::ModelSummary;
use lifeboat_service_kit::Json;

/// Routes under `/api/models`; the caller's admin role is checked by the router above.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/models", get(list))
}

async fn list(State(state): State<AppState>) -> Result<Json<Vec<ModelSummary>>, ApiError> {
    Ok(Json(state.model.models().await?))
}
