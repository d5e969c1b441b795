//! HTTP routes of the model service, one module per feature.

mod dataset;
mod health;
mod inference;
mod models;

use crate::state::AppState;
use axum::Router;

/// Every route of the service.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(dataset::router())
        .merge(health::router())
        .merge(inference::router())
        .merge(models::router())
        .with_state(state)
}
