//! HTTP routes of the backend, one module per feature, merged here with the access policy:
//! every path under `/api/admin`, `/api/models` and `/api/training` needs an admin (checked
//! by path, so a route added there later is covered before it exists); `/api/me` any
//! signed-in user (its handler asks for one); `/api/inference`, sign-up and login are open.

mod admin_users;
mod auth;
mod client;
mod health;
mod inference;
mod models;
mod pagination;
mod training;

use crate::auth::RequireAdmin;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::Response;

/// Path prefixes only admins may reach.
const ADMIN_PREFIXES: [&str; 3] = ["/api/admin", "/api/models", "/api/training"];

/// Every route of the backend.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::router())
        .merge(inference::router())
        .merge(auth::router())
        .merge(admin_users::router())
        .merge(models::router())
        .merge(training::router())
        .layer(from_fn_with_state(state.clone(), admin_guard))
        .with_state(state)
}

/// Refuses callers without the admin role on [`ADMIN_PREFIXES`] (401 or 403).
async fn admin_guard(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let path = request.uri().path();
    let guarded = ADMIN_PREFIXES.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    });
    if !guarded {
        return Ok(next.run(request).await);
    }
    let (mut parts, body) = request.into_parts();
    RequireAdmin::from_request_parts(&mut parts, &state).await?;
    Ok(next.run(Request::from_parts(parts, body)).await)
}
