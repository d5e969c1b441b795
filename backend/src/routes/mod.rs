//! HTTP routes of the backend, one module per feature, merged here.

mod health;
mod inference;

use crate::state::AppState;
use axum::Router;

/// Every route of the backend.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::router())
        .merge(inference::router())
        .with_state(state)
}
