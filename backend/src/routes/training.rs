//! Admin → training: start a job (202 at once), follow it, list jobs.

use crate::auth::AuthUser;
use crate::db::jobs;
use crate::error::ApiError;
use crate::routes::pagination::Pagination;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use lifeboat_api_types::{JobAccepted, Page, TrainingJob, TrainingRequest};
use lifeboat_service_kit::{Id, Json};

/// Routes under `/api/training`; the caller's admin role is checked by the router above.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/training", get(list).post(start))
        .route("/api/training/{id}", get(show))
}

async fn start(
    State(state): State<AppState>,
    user: AuthUser,
    Json(request): Json<TrainingRequest>,
) -> Result<(StatusCode, Json<JobAccepted>), ApiError> {
    let spec = request.spec().map_err(ApiError::Validation)?;
    let job_id = state.trainer.submit(Some(user.id), spec).await?;
    Ok((StatusCode::ACCEPTED, Json(JobAccepted { job_id })))
}

async fn show(State(state): State<AppState>, Id(id): Id) -> Result<Json<TrainingJob>, ApiError> {
    let mut conn = state.db.acquire().await?;
    let job = jobs::find(&mut conn, id)
        .await?
        .ok_or(ApiError::NotFound("training job"))?;
    Ok(Json(job))
}

async fn list(
    State(state): State<AppState>,
    page: Pagination,
) -> Result<Json<Page<TrainingJob>>, ApiError> {
    let mut conn = state.db.acquire().await?;
    let (items, total) = jobs::list(&mut conn, page.limit(), page.offset()).await?;
    Ok(Json(Page {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    }))
}
