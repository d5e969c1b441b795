//! The only caller of the model service: a pooled HTTP client with connect and request
//! timeouts, so a slow or absent model service never holds a request for long.

use lifeboat_api_types::{
    ErrorBody, HealthStatus, InferenceRequest, InferenceResponse, ModelSummary,
};
use lifeboat_service_kit::telemetry::REQUEST_ID;
use reqwest::StatusCode;
use std::time::Duration;

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
}

impl ModelClient {
    /// A client for the service at `base_url` (e.g. `http://model-service:8001`).
    pub fn new(
        base_url: &str,
        connect_timeout: Duration,
        timeout: Duration,
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
        let response = call.send().await.map_err(unavailable)?;
        let status = response.status();
        if status.is_success() {
            return response.json().await.map_err(unavailable);
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

    /// The models the model service has loaded.
    pub async fn models(&self) -> Result<Vec<ModelSummary>, ModelServiceError> {
        let response = self
            .http
            .get(format!("{}/models", self.base_url))
            .send()
            .await
            .map_err(unavailable)?;
        if !response.status().is_success() {
            return Err(ModelServiceError::Unavailable(format!(
                "answered {}",
                response.status()
            )));
        }
        response.json().await.map_err(unavailable)
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
