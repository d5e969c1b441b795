//! `ValidQuery<T>`: a query string read into `T`, refused with our 422 (naming `query`)
//! rather than axum's plain-text 400 when it cannot be (a parameter given twice, say); and
//! the rules for the parameters several routes take, each refused with a 422 naming it.

use crate::error::ApiError;
use axum::extract::{FromRequestParts, Query};
use axum::http::Uri;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, Default)]
pub struct ValidQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ValidQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        read(&parts.uri).map(Self)
    }
}

/// The query string of `uri` read into `T`.
pub fn read<T: DeserializeOwned>(uri: &Uri) -> Result<T, ApiError> {
    let Query(value) = Query::<T>::try_from_uri(uri)
        .map_err(|_| ApiError::field("query", "cannot be read: is a parameter given twice?"))?;
    Ok(value)
}

/// `model_id`, when given: a model's id.
pub fn model_id(text: Option<&str>) -> Result<Option<Uuid>, ApiError> {
    text.map(|text| {
        Uuid::parse_str(text.trim())
            .map_err(|_| ApiError::field("model_id", "must be a model id (a UUID)"))
    })
    .transpose()
}

/// The parameter `name`: a whole number from 1 to `max`, `default` when not given.
pub fn whole_number(
    text: Option<&str>,
    name: &str,
    default: u32,
    max: u32,
) -> Result<u32, ApiError> {
    match text {
        None => Ok(default),
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| {
                ApiError::field(name, &format!("must be a whole number from 1 to {max}"))
            }),
    }
}
