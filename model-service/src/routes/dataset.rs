//! `GET /dataset/summary`: the data set the models learn from, summed up for the explorer.

use crate::error::ApiError;
use crate::ml::summary;
use crate::state::AppState;
use axum::extract::State;
use axum::{Router, routing::get};
use lifeboat_api_types::DatasetSummary;
use lifeboat_service_kit::Json;

pub fn router() -> Router<AppState> {
    Router::new().route("/dataset/summary", get(dataset_summary))
}

async fn dataset_summary(State(state): State<AppState>) -> Result<Json<DatasetSummary>, ApiError> {
    let dataset = state
        .loaded
        .dataset()
        .ok_or_else(|| ApiError::NotReady("the data set is not loaded yet".into()))?;
    Ok(Json(summary::summarise(&dataset)))
}
