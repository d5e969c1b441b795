//! HTTP routes of the backend, one module per feature, merged here with the access policy:
//! every path under `/api/admin`, `/api/models` and `/api/training` needs an admin (checked
//! by path, so a route added there later is covered before it exists); `/api/me` any
//! signed-in user (its handler asks for one); `/api/inference`, sign-up, login and the
//! forgotten-password and verification links are open.
//! The OpenAPI document is assembled from the same routes (see [`openapi`]).

mod account;
pub mod admin_paths;
mod admin_users;
mod auth;
mod batch_file;
mod client;
pub mod dataset;
mod health;
mod history;
mod inference;
mod models;
pub mod openapi;
mod pagination;
mod query;
mod recovery;
mod training;

use crate::auth::RequireAdmin;
use crate::error::ApiError;
use crate::state::AppState;
use admin_paths::is_admin_path;
use axum::extract::{FromRequestParts, Request, State};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::Response;
use axum::{Extension, Router};
use openapi::{ApiDoc, OpenApiJson, SharedRules};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Every route of the backend, with `GET /api/openapi.json` describing them.
pub fn router(state: AppState) -> Router {
    let (router, document) = routes_and_document();
    let document = OpenApiJson(document.to_json().unwrap_or_default().into());
    router
        .layer(Extension(document))
        .layer(from_fn_with_state(state.clone(), admin_guard))
        .with_state(state)
}

/// The OpenAPI document of every route, as `GET /api/openapi.json` serves it.
pub fn document() -> utoipa::openapi::OpenApi {
    routes_and_document().1
}

fn routes_and_document() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut document) = documented_routes().split_for_parts();
    SharedRules.modify(&mut document);
    (router, document)
}

fn documented_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(health::router())
        .merge(inference::router())
        .merge(dataset::router())
        .merge(batch_file::router())
        .merge(auth::router())
        .merge(account::router())
        .merge(recovery::router())
        .merge(history::router())
        .merge(admin_users::router())
        .merge(models::router())
        .merge(training::router())
        .routes(routes!(openapi::openapi_json))
}

/// Refuses callers without the admin role on [`admin_paths::ADMIN_PREFIXES`] (401 or 403).
async fn admin_guard(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if !is_admin_path(request.uri().path()) {
        return Ok(next.run(request).await);
    }
    let (mut parts, body) = request.into_parts();
    RequireAdmin::from_request_parts(&mut parts, &state).await?;
    Ok(next.run(Request::from_parts(parts, body)).await)
}
