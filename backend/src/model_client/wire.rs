//! One call to the model service on the wire: the request with its JSON body, and the
//! answer read as a value or as how it failed. The client and the batcher both send these.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use lifeboat_api_types::ErrorBody;
use lifeboat_service_kit::upstream::{Answer, Upstream, UpstreamError};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// How a call to the model service failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ModelServiceError {
    /// It could not be reached, timed out, or failed on its side.
    #[error("model service unavailable: {0}")]
    Unavailable(String),
    /// It refused the request (4xx); its status and error body are passed on.
    #[error("model service refused the request with {status}")]
    Refused { status: StatusCode, body: ErrorBody },
}

/// A request to `model_service`, with `body` as JSON when there is one.
pub(super) fn call<T: Serialize>(
    model_service: &Upstream,
    method: Method,
    path: &str,
    body: Option<&T>,
) -> Request<Body> {
    let builder = Request::builder()
        .method(method)
        .uri(model_service.uri_for(path));
    match body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                serde_json::to_vec(body).expect("our wire types always serialize"),
            )),
        None => builder.body(Body::empty()),
    }
    .expect("method, URI and headers are valid")
}

/// Reads a success as `T` (an empty body as `null`); a 4xx becomes `Refused` with the model
/// service's error body, anything else (no answer, 5xx) `Unavailable`.
pub(super) fn read<T: DeserializeOwned>(
    answer: Result<Answer, UpstreamError>,
) -> Result<T, ModelServiceError> {
    let answer = answer.map_err(|e| ModelServiceError::Unavailable(e.to_string()))?;
    let status = answer.head.status;
    if status.is_success() {
        let bytes = if answer.body.is_empty() {
            &b"null"[..]
        } else {
            &answer.body[..]
        };
        return serde_json::from_slice(bytes)
            .map_err(|e| ModelServiceError::Unavailable(format!("unreadable answer: {e}")));
    }
    if status.is_client_error() {
        let body = serde_json::from_slice::<ErrorBody>(&answer.body).unwrap_or_else(|_| {
            ErrorBody::new(
                "model_service_refused",
                "the model service refused the request",
            )
        });
        return Err(ModelServiceError::Refused { status, body });
    }
    Err(ModelServiceError::Unavailable(format!("answered {status}")))
}
