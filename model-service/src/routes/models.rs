//! `GET /models`: what is loaded.

use crate::ml::ModelArtifact;
use crate::state::AppState;
use axum::extract::State;
use axum::{Json, Router, routing::get};
use lifeboat_api_types::ModelSummary;

pub fn router() -> Router<AppState> {
    Router::new().route("/models", get(list))
}

async fn list(State(state): State<AppState>) -> Json<Vec<ModelSummary>> {
    Json(state.models.all().iter().map(|m| summary(m)).collect())
}

/// The public description of a model.
pub fn summary(model: &ModelArtifact) -> ModelSummary {
    ModelSummary {
        id: model.id,
        name: model.name.clone(),
        algorithm: model.algorithm().to_string(),
        accuracy: model.metrics.accuracy,
        features: model
            .preprocessing
            .features
            .iter()
            .map(|f| f.to_string())
            .collect(),
        created_at: model.created_at,
    }
}
