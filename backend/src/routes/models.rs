//! Admin → models: the registry's list, one model, activate, delete.

use crate::db::models;
use crate::error::ApiError;
use crate::routes::openapi::IdParam;
use crate::routes::pagination::PageQuery;
use crate::routes::pagination::Pagination;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use lifeboat_api_types::{ErrorBody, ModelDetails, ModelSummary, Page};
use lifeboat_service_kit::{Id, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/models`; the caller's admin role is checked by the router above.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_models))
        .routes(routes!(get_model, delete_model))
        .routes(routes!(activate_model))
}

/// The registry's models, newest first.
#[utoipa::path(
    get,
    path = "/api/models",
    operation_id = "list_models",
    tag = "models",
    params(PageQuery),
    responses((status = OK, description = "One page of models", body = Page<ModelSummary>))
)]
async fn list_models(
    State(state): State<AppState>,
    page: Pagination,
) -> Result<Json<Page<ModelSummary>>, ApiError> {
    let mut conn = state.db.acquire().await?;
    let (items, total) = models::list(&mut conn, page.limit(), page.offset()).await?;
    Ok(Json(page.page_of(items, total)))
}

/// One model with its scores and parameters.
#[utoipa::path(
    get,
    path = "/api/models/{id}",
    operation_id = "get_model",
    tag = "models",
    params(IdParam),
    responses(
        (status = OK, description = "The model", body = ModelDetails),
        (status = NOT_FOUND, description = "No such model", body = ErrorBody),
    )
)]
async fn get_model(
    State(state): State<AppState>,
    Id(id): Id,
) -> Result<Json<ModelDetails>, ApiError> {
    let mut conn = state.db.acquire().await?;
    let model = models::find(&mut conn, id)
        .await?
        .ok_or(ApiError::NotFound("model"))?;
    Ok(Json(model))
}

/// Makes the model the active one of its algorithm (the previous one stops being active).
/// Only a model the model service has loaded: activating one whose artifact is gone would
/// make every prediction that falls to it fail.
#[utoipa::path(
    post,
    path = "/api/models/{id}/activate",
    operation_id = "activate_model",
    tag = "models",
    params(IdParam),
    responses(
        (status = OK, description = "The model, now active", body = ModelDetails),
        (status = NOT_FOUND, description = "No such model", body = ErrorBody),
        (status = CONFLICT, description = "The model service does not have the model's artifact", body = ErrorBody),
        (status = SERVICE_UNAVAILABLE, description = "The model service cannot be asked", body = ErrorBody),
    )
)]
async fn activate_model(
    State(state): State<AppState>,
    Id(id): Id,
) -> Result<Json<ModelDetails>, ApiError> {
    let mut tx = state.db.begin().await?;
    let algorithm = models::activate(&mut tx, id)
        .await?
        .ok_or(ApiError::NotFound("model"))?;
    let model = models::find(&mut tx, id)
        .await?
        .ok_or(ApiError::NotFound("model"))?;
    // Asked with the row locked, so a concurrent delete waits for the answer.
    if !state.model.has_model(id).await? {
        return Err(ApiError::Conflict(
            "model",
            "has no artifact on the model service, so it could not answer predictions; train it again",
        ));
    }
    tx.commit().await?;
    state.active.invalidate();
    tracing::info!(event = "model_activated", model_id = %id, %algorithm, "model activated");
    Ok(Json(model))
}

/// Deletes the model's artifact, then its rows; never the only active model, so predictions
/// keep an answer (activate another first). The row stays locked while the artifact
/// goes, and stays if the model service cannot delete it (503), so the registry never
/// points at a file that is gone without saying so.
#[utoipa::path(
    delete,
    path = "/api/models/{id}",
    operation_id = "delete_model",
    tag = "models",
    params(IdParam),
    responses(
        (status = NO_CONTENT, description = "The model and its artifact are gone"),
        (status = NOT_FOUND, description = "No such model", body = ErrorBody),
        (status = CONFLICT, description = "It is the only active model: predictions would stop", body = ErrorBody),
    )
)]
async fn delete_model(State(state): State<AppState>, Id(id): Id) -> Result<StatusCode, ApiError> {
    let mut tx = state.db.begin().await?;
    let only_one_answering = models::lock_for_delete(&mut tx, id)
        .await?
        .ok_or(ApiError::NotFound("model"))?;
    if only_one_answering {
        return Err(ApiError::Conflict(
            "model",
            "is the only active model; activate another one first so predictions keep working",
        ));
    }
    state.model.delete_model(id).await?;
    models::delete(&mut tx, id).await?;
    tx.commit().await?;
    state.active.invalidate();
    tracing::info!(event = "model_deleted", model_id = %id, "model deleted");
    Ok(StatusCode::NO_CONTENT)
}
