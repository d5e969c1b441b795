//! A JSON body extractor whose failures answer in our error format and name the field.

use crate::error_response;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use lifeboat_api_types::{ErrorBody, FieldErrors};
use serde::de::DeserializeOwned;

/// Like `axum::Json`, but a bad body becomes our [`ErrorBody`]: 415 without a JSON content
/// type, 400 for malformed JSON, 422 naming the field whose value has the wrong type.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

/// Why a JSON body was refused.
#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    /// 415: the request did not say `Content-Type: application/json`.
    #[error("expected Content-Type: application/json")]
    UnsupportedMediaType,
    /// 413: the body is larger than the service accepts.
    #[error("the request body is too large")]
    TooLarge,
    /// 400: the body could not be read or is not JSON.
    #[error("malformed JSON body: {0}")]
    Malformed(String),
    /// 422: well-formed JSON whose field `path` is not of the expected shape.
    #[error("field {path}: {reason}")]
    Field { path: String, reason: String },
}

impl JsonError {
    /// The status and body this refusal is answered with.
    pub fn status_and_body(self) -> (StatusCode, ErrorBody) {
        match self {
            Self::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorBody::new("unsupported_media_type", self.to_string()),
            ),
            Self::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorBody::new("payload_too_large", self.to_string()),
            ),
            Self::Malformed(_) => (
                StatusCode::BAD_REQUEST,
                ErrorBody::new("malformed_json", self.to_string()),
            ),
            Self::Field { path, reason } => {
                let mut fields = FieldErrors::new();
                fields.insert(path, reason);
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorBody::validation(fields),
                )
            }
        }
    }
}

impl IntoResponse for JsonError {
    fn into_response(self) -> Response {
        let (status, body) = self.status_and_body();
        error_response(status, body)
    }
}

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = JsonError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(&req) {
            return Err(JsonError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                JsonError::TooLarge
            } else {
                JsonError::Malformed(rejection.body_text())
            }
        })?;
        parse(&bytes).map(Json)
    }
}

/// Parses `bytes` as `T`, naming the offending field on a type error.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_data() && path != "." {
            JsonError::Field {
                path,
                reason: data_reason(&inner),
            }
        } else {
            JsonError::Malformed(inner.to_string())
        }
    })
}

/// serde's message without its " at line 1 column 12" suffix, which means nothing to a form.
fn data_reason(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}

fn is_json(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| {
            let mime = mime.trim();
            mime.eq_ignore_ascii_case("application/json")
                || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Form {
        pclass: Option<i64>,
        name: String,
    }

    #[test]
    fn a_wrong_type_names_the_field() {
        let err = parse::<Form>(br#"{"pclass": "first", "name": "x"}"#).unwrap_err();
        match err {
            JsonError::Field { path, reason } => {
                assert_eq!(path, "pclass");
                assert!(reason.starts_with("invalid type"), "{reason}");
            }
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn broken_json_is_malformed_not_a_field_error() {
        assert!(matches!(
            parse::<Form>(b"{\"pclass\": 1,"),
            Err(JsonError::Malformed(_))
        ));
    }

    #[test]
    fn a_field_error_answers_422_and_a_missing_content_type_415() {
        let field = JsonError::Field {
            path: "age".into(),
            reason: "bad".into(),
        };
        assert_eq!(
            field.into_response().status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            JsonError::UnsupportedMediaType.into_response().status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        assert_eq!(
            JsonError::Malformed("x".into()).into_response().status(),
            StatusCode::BAD_REQUEST
        );
    }
}
