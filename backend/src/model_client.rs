//! The only caller of the model service: a pooled HTTP client with connect and request
//! timeouts, so a slow or absent model service never holds a request for long.

use lifeboat_api_types::{
    ErrorBody, HealthStatus, InferenceRequest, InferenceResponse, TrainModel, TrainedModel,
};
use lifeboat_service_kit::telemetry::REQUEST_ID;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use std::time::Duration;
use uuid::Uuid;

/// How a call to the model service failed.
#[derive(Debug, thiserror::Error)]
pub enum ModelServiceError {
    /// It could not be reached, timed out, or failed on its side.
    #[error("model service unavailable: {0}")]
    Unavailable(String),
    /// It refused the request (4xx); its status and error body are passed on.
    #[error("model service refused the request with {status}")]
    Refused { status: StatusCode, body: ErrorBody },
}

/// Cheap to clone: the connection pool is shared.
#[derive(Debug, Clone)]
pub struct ModelClient {
    http: reqwest::Client,
    base_url: String,
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
    ) -> reqwest::Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .timeout(timeout)
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_nodelay(true)
            .build()?;
        Ok(Self {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            training_timeout,
        })
    }

    /// Asks for a prediction, passing the request id on so logs line up.
    pub async fn infer(
        &self,
        request: &InferenceRequest,
        request_id: Option<&str>,
    ) -> Result<InferenceResponse, ModelServiceError> {
        let mut call = self
            .http
            .post(format!("{}/inference", self.base_url))
            .json(request);
        if let Some(id) = request_id {
            call = call.header(REQUEST_ID, id);
        }
        answer(call).await
    }

    /// Trains and saves a model; answers when it is done (this takes seconds to minutes).
    pub async fn train(&self, request: &TrainModel) -> Result<TrainedModel, ModelServiceError> {
        let call = self
            .http
            .post(format!("{}/models", self.base_url))
            .timeout(self.training_timeout)
            .json(request);
        answer(call).await
    }

    /// The models the model service has loaded.
    pub async fn models(&self) -> Result<Vec<TrainedModel>, ModelServiceError> {
        answer(self.http.get(format!("{}/models", self.base_url))).await
    }

    /// Deletes a model's artifact; `Ok(false)` when the model service did not have it.
    pub async fn delete_model(&self, id: Uuid) -> Result<bool, ModelServiceError> {
        let call = self.http.delete(format!("{}/models/{id}", self.base_url));
        match answer::<serde::de::IgnoredAny>(call).await {
            Ok(_) => Ok(true),
            Err(ModelServiceError::Refused { status, .. }) if status == StatusCode::NOT_FOUND => {
                Ok(false)
            }
            Err(error) => Err(error),
        }
    }

    /// `Ok` when the model service says it is ready; otherwise why not.
    pub async fn ready(&self) -> Result<(), String> {
        let response = self
            .http
            .get(format!("{}/ready", self.base_url))
            .send()
            .await
            .map_err(|e| unavailable(e).to_string())?;
        if response.status().is_success() {
            return Ok(());
        }
        let reason = response
            .json::<HealthStatus>()
            .await
            .ok()
            .and_then(|h| h.reason)
            .unwrap_or_else(|| "not ready".into());
        Err(format!("model service: {reason}"))
    }
}

/// Sends `call` and reads a success as `T` (an empty body as `null`); a 4xx becomes `Refused`
/// with the model service's error body, anything else `Unavailable`.
async fn answer<T: DeserializeOwned>(
    call: reqwest::RequestBuilder,
) -> Result<T, ModelServiceError> {
    let response = call.send().await.map_err(unavailable)?;
    let status = response.status();
    if status.is_success() {
        let bytes = response.bytes().await.map_err(unavailable)?;
        let bytes = if bytes.is_empty() {
            &b"null"[..]
        } else {
            &bytes[..]
        };
        return serde_json::from_slice(bytes)
            .map_err(|e| ModelServiceError::Unavailable(format!("unreadable answer: {e}")));
    }
    if status.is_client_error() {
        let body = response.json::<ErrorBody>().await.unwrap_or_else(|_| {
            ErrorBody::new(
                "model_service_refused",
                "the model service refused the request",
            )
        });
        return Err(ModelServiceError::Refused { status, body });
    }
    Err(ModelServiceError::Unavailable(format!("answered {status}")))
}

fn unavailable(error: reqwest::Error) -> ModelServiceError {
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    ModelServiceError::Unavailable(format!("{what}: {error}"))
}
