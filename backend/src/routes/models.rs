//! Admin → models: the registry's list, one model, activate, delete.

use crate::db::models;
use crate::error::ApiError;
use crate::routes::pagination::Pagination;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use lifeboat_api_types::{ModelDetails, ModelSummary, Page};
use lifeboat_service_kit::{Id, Json};

/// Routes under `/api/models`; the caller's admin role is checked by the router above.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/models", get(list))
        .route("/api/models/{id}", get(show).delete(remove))
        .route("/api/models/{id}/activate", post(activate))
}

async fn list(
    State(state): State<AppState>,
    page: Pagination,
) -> Result<Json<Page<ModelSummary>>, ApiError> {
    let mut conn = state.db.acquire().await?;
    let (items, total) = models::list(&mut conn, page.limit(), page.offset()).await?;
    Ok(Json(Page {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    }))
}

async fn show(State(state): State<AppState>, Id(id): Id) -> Result<Json<ModelDetails>, ApiError> {
    let mut conn = state.db.acquire().await?;
    let model = models::find(&mut conn, id)
        .await?
        .ok_or(ApiError::NotFound("model"))?;
    Ok(Json(model))
}

/// Makes the model the active one of its algorithm (the previous one stops being active).
async fn activate(
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
    tx.commit().await?;
    state.active.invalidate();
    tracing::info!(event = "model_activated", model_id = %id, %algorithm, "model activated");
    Ok(Json(model))
}

/// Deletes the model's artifact, then its rows. The row stays locked while the artifact
/// goes, and stays if the model service cannot delete it (503), so the registry never
/// points at a file that is gone without saying so.
async fn remove(State(state): State<AppState>, Id(id): Id) -> Result<StatusCode, ApiError> {
    let mut tx = state.db.begin().await?;
    models::lock(&mut tx, id)
        .await?
        .ok_or(ApiError::NotFound("model"))?;
    state.model.delete_model(id).await?;
    models::delete(&mut tx, id).await?;
    tx.commit().await?;
    state.active.invalidate();
    tracing::info!(event = "model_deleted", model_id = %id, "model deleted");
    Ok(StatusCode::NO_CONTENT)
}
