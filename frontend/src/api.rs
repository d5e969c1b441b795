//! The one typed fetch helper over `gloo-net`, and how API failures read to a person.

use gloo_net::http::{Method, RequestBuilder};
use lifeboat_api_types::{ErrorBody, FieldErrors};
use serde::de::DeserializeOwned;

/// A failed API call, as the pages show it.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// 422: the server named fields; their messages go next to the inputs.
    Fields(FieldErrors),
    /// 401: no valid session (or, at login, wrong credentials).
    Unauthorized(String),
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
            // 422 (invalid) and 409 (taken) name the fields to mark.
            (422 | 409, Some(body)) if !body.fields.is_empty() => Self::Fields(body.fields),
            (401, body) => {
                Self::Unauthorized(body.map_or_else(|| "Please log in.".to_owned(), |b| b.message))
            }
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

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Fields(_) => Some(422),
            Self::Unauthorized(_) => Some(401),
            Self::TooManyRequests(_) => Some(429),
            Self::Server { status, .. } => Some(*status),
            Self::Network(_) => None,
        }
    }

    /// One sentence for a person.
    pub fn message(&self) -> String {
        match self {
            Self::Fields(_) => "Please correct the highlighted fields.".into(),
            Self::Unauthorized(message) => message.clone(),
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

/// What a request carries.
#[derive(Debug, Clone)]
pub enum Body {
    Empty,
    Json(serde_json::Value),
    /// A file (or any blob) sent as it is, with its content type.
    Raw {
        content: wasm_bindgen::JsValue,
        content_type: &'static str,
    },
}

impl From<Option<serde_json::Value>> for Body {
    fn from(json: Option<serde_json::Value>) -> Self {
        json.map_or(Self::Empty, Self::Json)
    }
}

/// Sends `body` (JSON, when given) to `path` on our origin with `method`, with the bearer
/// `token` when given, and decodes the answer (an empty one reads as `null`, so `()` works
/// for 204).
pub async fn send<R: DeserializeOwned>(
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> Result<R, ApiError> {
    let text = send_raw(method, path, token, body.into(), "application/json").await?;
    decode(&text)
}

/// An answer's JSON; an empty answer reads as `null`.
pub fn decode<R: DeserializeOwned>(text: &str) -> Result<R, ApiError> {
    let text = if text.trim().is_empty() { "null" } else { text };
    serde_json::from_str(text).map_err(|e| ApiError::Network(e.to_string()))
}

/// Sends `body` to `path` asking for `accept`, and answers the body of a success as text
/// (a CSV file, say); a failure becomes an [`ApiError`] from our error body.
pub async fn send_raw(
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Body,
    accept: &str,
) -> Result<String, ApiError> {
    let network = |e: gloo_net::Error| ApiError::Network(e.to_string());
    let mut request = RequestBuilder::new(path)
        .method(method)
        .header("accept", accept);
    if let Some(token) = token {
        request = request.header("authorization", &format!("Bearer {token}"));
    }
    let request = match body {
        Body::Empty => request.build(),
        Body::Json(body) => request.json(&body),
        Body::Raw {
            content,
            content_type,
        } => request.header("content-type", content_type).body(content),
    }
    .map_err(network)?;
    let response = request.send().await.map_err(network)?;
    let status = response.status();
    let text = response.text().await.map_err(network)?;
    if response.ok() {
        return Ok(text);
    }
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.trim().parse().ok());
    let body = serde_json::from_str::<ErrorBody>(&text).ok();
    Err(ApiError::from_response(status, body, retry_after))
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
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
    fn a_401_keeps_the_servers_message_and_its_status() {
        let body = ErrorBody::new("invalid_credentials", "wrong e-mail or password");
        let error = ApiError::from_response(401, Some(body), None);
        assert_eq!(error.message(), "wrong e-mail or password");
        assert_eq!(error.status(), Some(401));
        assert_eq!(ApiError::Network("x".into()).status(), None);
    }

    #[test]
    fn a_409_naming_a_field_marks_that_field() {
        let mut body = ErrorBody::new("conflict", "email is already registered");
        body.fields
            .insert("email".into(), "is already registered".into());
        let error = ApiError::from_response(409, Some(body), None);
        let ApiError::Fields(fields) = error else {
            panic!("not a field error: {error:?}")
        };
        assert_eq!(fields["email"], "is already registered");
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
