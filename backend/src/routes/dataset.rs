//! `GET /api/dataset/summary`: the data set the models learn from, summed up for the
//! explorer page by the model service (which has the data set) and cached here: it changes
//! only with the data set, and every visitor of the explorer asks for it.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use lifeboat_api_types::{DatasetSummary, ErrorBody};
use lifeboat_service_kit::Json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::RwLock;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// How long a summary is served from the cache (and may be kept by browsers).
pub const SUMMARY_FRESH_FOR: Duration = Duration::from_secs(3600);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(dataset_summary))
}

/// The last summary read from the model service, and when.
#[derive(Debug, Default)]
pub struct SummaryCache(RwLock<Option<(Instant, Arc<DatasetSummary>)>>);

impl SummaryCache {
    async fn get(&self, state: &AppState) -> Result<Arc<DatasetSummary>, ApiError> {
        if let Some((read, summary)) = &*self.0.read().await
            && read.elapsed() < SUMMARY_FRESH_FOR
        {
            return Ok(Arc::clone(summary));
        }
        let mut cached = self.0.write().await;
        // Another request may have read it while this one waited.
        if let Some((read, summary)) = &*cached
            && read.elapsed() < SUMMARY_FRESH_FOR
        {
            return Ok(Arc::clone(summary));
        }
        let summary = Arc::new(state.model.dataset_summary().await?);
        *cached = Some((Instant::now(), Arc::clone(&summary)));
        Ok(summary)
    }
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
    let summary = state.dataset_summary.get(&state).await?;
    let max_age = format!("public, max-age={}", SUMMARY_FRESH_FOR.as_secs());
    let mut response = Json(summary.as_ref().clone()).into_response();
    if let Ok(value) = HeaderValue::from_str(&max_age) {
        response.headers_mut().insert(header::CACHE_CONTROL, value);
    }
    Ok(response)
}
