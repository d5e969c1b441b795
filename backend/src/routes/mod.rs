//! HTTP routes of the backend, one module per feature, merged here with the access policy:
//! `/api/admin/*` and `/api/models*` need an admin; `/api/me` any signed-in user (its
//! handler asks for one); `/api/inference`, sign-up and login are open to anyone.

mod admin_users;
mod auth;
mod client;
mod health;
mod inference;
mod models;
mod pagination;

use crate::auth::RequireAdmin;
use crate::state::AppState;
use axum::Router;
use axum::middleware::from_extractor_with_state;

/// Every route of the backend.
pub fn router(state: AppState) -> Router {
    let admin_only = Router::new()
        .merge(admin_users::router())
        .merge(models::router())
        .route_layer(from_extractor_with_state::<RequireAdmin, _>(state.clone()));
    Router::new()
        .merge(health::router())
        .merge(inference::router())
        .merge(auth::router())
        .merge(admin_only)
        .with_state(state)
}
