//! The only caller of the model service: a pooled HTTP client with connect and request
//! timeouts, so a slow or absent model service never holds a request for long. Predictions
//! go through [`batcher`], in batches.

mod batcher;
mod wire;

pub use wire::ModelServiceError;
use wire::{call, read};

use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, StatusCode};
use lifeboat_api_types::{
    BatchItem, BatchResult, DatasetSummary, INFERENCE_BATCH_MAX, InferenceRequest,
    InferenceResponse, TrainModel, TrainedModel, WhatIfAnswer,
};
use lifeboat_service_kit::telemetry::REQUEST_ID;
use lifeboat_service_kit::upstream::{InvalidBaseUrl, Upstream};
use serde::Serialize;
use std::time::Duration;
use uuid::Uuid;

/// Chunks of a file's rows asked at once: two keep the model service's two cores busy
/// without crowding out interactive predictions.
pub const FILE_CHUNKS_IN_FLIGHT: usize = 2;
/// How long a training waits before asking a model service busy training again.
pub const BUSY_RETRY: Duration = Duration::from_secs(1);

/// Cheap to clone: the connection pool is shared.
#[derive(Debug, Clone)]
pub struct ModelClient {
    http: Upstream,
    predictions: batcher::Batcher,
    /// Explained predictions batch among themselves: an explanation costs milliseconds of
    /// the model service's blocking pool, and must not hold up a batch of plain ones.
    explanations: batcher::Batcher,
    training_timeout: Duration,
}

impl ModelClient {
    /// A client for the service at `base_url` (e.g. `http://model-service:8001`); calls time
    /// out after `timeout`, trainings after `training_timeout`.
    pub fn new(
        base_url: &str,
        connect_timeout: Duration,
        timeout: Duration,
        training_timeout: Duration,
    ) -> Result<Self, InvalidBaseUrl> {
        let http = Upstream::new(base_url, connect_timeout, timeout)?;
        Ok(Self {
            predictions: batcher::Batcher::new(http.clone()),
            explanations: batcher::Batcher::new(http.clone()),
            http,
            training_timeout,
        })
    }

    /// Asks for a prediction; `request_id` is passed on so the model service's log names it.
    pub async fn predict(
        &self,
        request: InferenceRequest,
        request_id: Option<String>,
    ) -> Result<InferenceResponse, ModelServiceError> {
        self.predictions.predict(request, request_id).await
    }

    /// A prediction with its explanation (`request.explain`), batched with other explained
    /// predictions only.
    pub async fn explain(
        &self,
        request: InferenceRequest,
        request_id: Option<String>,
    ) -> Result<InferenceResponse, ModelServiceError> {
        self.explanations.predict(request, request_id).await
    }

    /// Predictions for the rows of a file, in order: sent in chunks of their own
    /// ([`INFERENCE_BATCH_MAX`] rows, [`FILE_CHUNKS_IN_FLIGHT`] at a time), never through the
    /// queue of interactive predictions, which a big file must not hold up. Every row asks
    /// the same model, so the first refusal (that model is not loaded) refuses the file.
    pub async fn predict_file(
        &self,
        requests: Vec<InferenceRequest>,
    ) -> Result<Vec<InferenceResponse>, ModelServiceError> {
        use futures_util::{StreamExt, TryStreamExt};
        let chunks: Vec<Vec<BatchItem>> = requests
            .chunks(INFERENCE_BATCH_MAX)
            .map(|chunk| {
                chunk
                    .iter()
                    .map(|request| BatchItem {
                        request_id: None,
                        request: request.clone(),
                    })
                    .collect()
            })
            .collect();
        let answered: Vec<Vec<BatchResult>> = futures_util::stream::iter(chunks)
            .map(|items| batcher::ask(&self.http, items))
            .buffered(FILE_CHUNKS_IN_FLIGHT)
            .try_collect()
            .await?;
        answered.into_iter().flatten().map(batcher::one).collect()
    }

    /// The data set summary the model service computes from its data set.
    pub async fn dataset_summary(&self) -> Result<DatasetSummary, ModelServiceError> {
        let call = self.request::<()>(Method::GET, "/dataset/summary", None);
        read(self.http.send(call).await)
    }

    /// The curves over age and fare and the nearest counterfactuals for a passenger.
    pub async fn what_if(
        &self,
        request: &InferenceRequest,
        request_id: Option<&HeaderValue>,
    ) -> Result<WhatIfAnswer, ModelServiceError> {
        let call = with_request_id(
            self.request(Method::POST, "/what-if", Some(request)),
            request_id,
        );
        read(self.http.send(call).await)
    }

    /// Trains and saves a model; answers when it is done (this takes seconds to minutes).
    ///
    /// A model service busy with another training (429: several backend replicas share it)
    /// is asked again every [`BUSY_RETRY`] until the training timeout has passed.
    pub async fn train(&self, request: &TrainModel) -> Result<TrainedModel, ModelServiceError> {
        let deadline = tokio::time::Instant::now() + self.training_timeout;
        loop {
            let call = self.request(Method::POST, "/models", Some(request));
            match read(self.http.send_within(call, self.training_timeout).await) {
                Err(ModelServiceError::Refused { status, .. })
                    if status == StatusCode::TOO_MANY_REQUESTS
                        && tokio::time::Instant::now() + BUSY_RETRY < deadline =>
                {
                    tokio::time::sleep(BUSY_RETRY).await;
                }
                outcome => return outcome,
            }
        }
    }

    /// The models the model service has loaded.
    pub async fn models(&self) -> Result<Vec<TrainedModel>, ModelServiceError> {
        let call = self.request::<()>(Method::GET, "/models", None);
        read(self.http.send(call).await)
    }

    /// Whether the model service has the model loaded, ready to answer predictions.
    pub async fn has_model(&self, id: Uuid) -> Result<bool, ModelServiceError> {
        let call = self.request::<()>(Method::GET, &format!("/models/{id}"), None);
        found(read::<serde::de::IgnoredAny>(self.http.send(call).await))
    }

    /// Deletes a model's artifact; `Ok(false)` when the model service did not have it.
    pub async fn delete_model(&self, id: Uuid) -> Result<bool, ModelServiceError> {
        let call = self.request::<()>(Method::DELETE, &format!("/models/{id}"), None);
        found(read::<serde::de::IgnoredAny>(self.http.send(call).await))
    }

    /// `Ok` when the model service says it is ready; otherwise why not.
    pub async fn ready(&self) -> Result<(), String> {
        self.http.check_ready("model service").await
    }

    /// A request to the model service, with `body` as JSON when there is one.
    fn request<T: Serialize>(&self, method: Method, path: &str, body: Option<&T>) -> Request<Body> {
        call(&self.http, method, path, body)
    }
}

/// `request` with the caller's request id, so the model service's log names it.
fn with_request_id(mut request: Request<Body>, request_id: Option<&HeaderValue>) -> Request<Body> {
    if let Some(id) = request_id {
        request.headers_mut().insert(REQUEST_ID, id.clone());
    }
    request
}

/// `Ok(true)` for an answer about a model, `Ok(false)` for the model service's 404.
fn found<T>(answer: Result<T, ModelServiceError>) -> Result<bool, ModelServiceError> {
    match answer {
        Ok(_) => Ok(true),
        Err(ModelServiceError::Refused { status, .. }) if status == StatusCode::NOT_FOUND => {
            Ok(false)
        }
        Err(error) => Err(error),
    }
}
