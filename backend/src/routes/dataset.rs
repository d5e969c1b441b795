//! `GET /api/dataset/summary`: the data set the models learn from, summed up for the
//! explorer page by the model service (which has the data set) and cached
//! ([`crate::dataset_summary`]): it changes only with the data set, and every visitor of the
//! explorer asks for it.

use crate::dataset_summary::SUMMARY_FRESH_FOR;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use lifeboat_api_types::{DatasetSummary, ErrorBody};
use lifeboat_service_kit::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(dataset_summary))
}

/// The data set in numbers: survival by class, sex, port, age band, family size and class ×
/// sex, and the age and fare histograms split by outcome. Open to everyone.
#[utoipa::path(
    get,
    path = "/api/dataset/summary",
    operation_id = "dataset_summary",
    tag = "dataset",
    security((), ("bearer" = [])),
    responses(
        (status = OK, description = "The summary", body = DatasetSummary),
        (status = SERVICE_UNAVAILABLE, description = "The model service has not loaded the data set yet", body = ErrorBody),
    )
)]
async fn dataset_summary(State(state): State<AppState>) -> Result<Response, ApiError> {
    let summary = state.dataset_summary.get(&state.model).await?;
    let max_age = format!("public, max-age={}", SUMMARY_FRESH_FOR.as_secs());
    let mut response = Json(summary.as_ref().clone()).into_response();
    if let Ok(value) = HeaderValue::from_str(&max_age) {
        response.headers_mut().insert(header::CACHE_CONTROL, value);
    }
    Ok(response)
}
