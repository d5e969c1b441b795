//! The model service's summary of the data set, cached: it changes only with the data set.

use crate::model_client::{ModelClient, ModelServiceError};
use lifeboat_api_types::DatasetSummary;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::RwLock;

/// How long a summary is served from the cache (and may be kept by browsers).
pub const SUMMARY_FRESH_FOR: Duration = Duration::from_secs(3600);

/// The last summary read from the model service, and when.
#[derive(Debug, Default)]
pub struct SummaryCache(RwLock<Option<(Instant, Arc<DatasetSummary>)>>);

impl SummaryCache {
    /// The summary, from the cache while it is fresh, else from `model`.
    pub async fn get(&self, model: &ModelClient) -> Result<Arc<DatasetSummary>, ModelServiceError> {
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
        let summary = Arc::new(model.dataset_summary().await?);
        *cached = Some((Instant::now(), Arc::clone(&summary)));
        Ok(summary)
    }
}
