//! Admin → training: start a job (202 at once), follow it, list jobs.

use crate::auth::AuthUser;
use crate::db::jobs;
use crate::error::ApiError;
use crate::routes::openapi::IdParam;
use crate::routes::pagination::PageQuery;
use crate::routes::pagination::Pagination;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use lifeboat_api_types::{ErrorBody, JobAccepted, Page, TrainingJob, TrainingRequest};
use lifeboat_service_kit::{Id, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/training`; the caller's admin role is checked by the router above.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_training_jobs, start_training))
        .routes(routes!(get_training_job))
}

/// Queues a training job and answers at once; follow it at `GET /api/training/{id}`.
#[utoipa::path(
    post,
    path = "/api/training",
    operation_id = "start_training",
    tag = "training",
    request_body = TrainingRequest,
    responses(
        (status = ACCEPTED, description = "The job is queued", body = JobAccepted),
        (status = TOO_MANY_REQUESTS, description = "The training queue is full; see `Retry-After`", body = ErrorBody),
    )
)]
async fn start_training(
    State(state): State<AppState>,
    user: AuthUser,
    Json(request): Json<TrainingRequest>,
) -> Result<(StatusCode, Json<JobAccepted>), ApiError> {
    let spec = request.spec().map_err(ApiError::Validation)?;
    let job_id = state.trainer.submit(Some(user.id), spec).await?;
    Ok((StatusCode::ACCEPTED, Json(JobAccepted { job_id })))
}

/// One training job: where it is, and the model it made.
#[utoipa::path(
    get,
    path = "/api/training/{id}",
    operation_id = "get_training_job",
    tag = "training",
    params(IdParam),
    responses(
        (status = OK, description = "The job", body = TrainingJob),
        (status = NOT_FOUND, description = "No such job", body = ErrorBody),
    )
)]
async fn get_training_job(
    State(state): State<AppState>,
    Id(id): Id,
) -> Result<Json<TrainingJob>, ApiError> {
    let mut conn = state.db.acquire().await?;
    let job = jobs::find(&mut conn, id)
        .await?
        .ok_or(ApiError::NotFound("training job"))?;
    Ok(Json(job))
}

/// Training jobs, newest first.
#[utoipa::path(
    get,
    path = "/api/training",
    operation_id = "list_training_jobs",
    tag = "training",
    params(PageQuery),
    responses((status = OK, description = "One page of jobs", body = Page<TrainingJob>))
)]
async fn list_training_jobs(
    State(state): State<AppState>,
    page: Pagination,
) -> Result<Json<Page<TrainingJob>>, ApiError> {
    let mut conn = state.db.acquire().await?;
    let (items, total) = jobs::list(&mut conn, page.limit(), page.offset()).await?;
    Ok(Json(page.page_of(items, total)))
}
