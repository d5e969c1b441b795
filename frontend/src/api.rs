//! The one typed fetch helper over `gloo-net`, and how API failures read to a person.

use lifeboat_api_types::{ErrorBody, FieldErrors, InferenceRequest, InferenceResponse};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A failed API call, as the pages show it.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// 422: the server named fields; their messages go next to the inputs.
    Fields(FieldErrors),
    /// 429: too many attempts; try again after this many seconds (when the server said).
    TooManyRequests(Option<u64>),
    /// Any other answer the server gave, with its message.
    Server { status: u16, message: String },
    /// No answer at all (offline, server down).
    Network(String),
}

impl ApiError {
    /// Maps an error answer to what the page should show.
    pub fn from_response(status: u16, body: Option<ErrorBody>, retry_after: Option<u64>) -> Self {
        match (status, body) {
            (422, Some(body)) if !body.fields.is_empty() => Self::Fields(body.fields),
            (429, _) => Self::TooManyRequests(retry_after),
            (_, Some(body)) => Self::Server {
                status,
                message: body.message,
            },
            (_, None) => Self::Server {
                status,
                message: format!("the server answered {status}"),
            },
        }
    }

    /// One sentence for a person.
    pub fn message(&self) -> String {
        match self {
            Self::Fields(_) => "Please correct the highlighted fields.".into(),
            Self::TooManyRequests(Some(seconds)) => {
                format!("Too many attempts: try again in {seconds} s.")
            }
            Self::TooManyRequests(None) => "Too many attempts: try again shortly.".into(),
            Self::Server { status, message } if *status >= 500 => {
                format!("The service is having trouble: {message}")
            }
            Self::Server { message, .. } => message.clone(),
            Self::Network(_) => "Cannot reach Lifeboat. Check your connection and retry.".into(),
        }
    }
}

/// POSTs `body` as JSON to `path` on our origin and decodes the answer.
pub async fn post_json<B: Serialize, R: DeserializeOwned>(
    path: &str,
    body: &B,
) -> Result<R, ApiError> {
    let network = |e: gloo_net::Error| ApiError::Network(e.to_string());
    let response = gloo_net::http::Request::post(path)
        .json(body)
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    if response.ok() {
        return response.json().await.map_err(network);
    }
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.trim().parse().ok());
    let body = response.json::<ErrorBody>().await.ok();
    Err(ApiError::from_response(
        response.status(),
        body,
        retry_after,
    ))
}

/// Asks for a survival prediction.
pub async fn predict(request: &InferenceRequest) -> Result<InferenceResponse, ApiError> {
    post_json("/api/inference", request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_422_with_fields_keeps_the_fields_for_the_inputs() {
        let mut fields = FieldErrors::new();
        fields.insert("age".into(), "must be between 0 and 120".into());
        let error = ApiError::from_response(422, Some(ErrorBody::validation(fields.clone())), None);
        assert_eq!(error, ApiError::Fields(fields));
    }

    #[test]
    fn a_429_says_when_to_try_again() {
        let error = ApiError::from_response(429, None, Some(30));
        assert_eq!(error.message(), "Too many attempts: try again in 30 s.");
    }

    #[test]
    fn a_503_shows_the_servers_message() {
        let body = ErrorBody::new("model_service_unavailable", "predictions are unavailable");
        let error = ApiError::from_response(503, Some(body), None);
        assert_eq!(
            error.message(),
            "The service is having trouble: predictions are unavailable"
        );
    }

    #[test]
    fn an_answer_without_our_body_still_reads_sensibly() {
        let error = ApiError::from_response(502, None, None);
        assert_eq!(
            error.message(),
            "The service is having trouble: the server answered 502"
        );
    }
}
