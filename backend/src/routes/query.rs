//! `ValidQuery<T>`: a query string read into `T`, refused with our 422 (naming `query`)
//! rather than axum's plain-text 400 when it cannot be (a parameter given twice, say).

use crate::error::ApiError;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

#[derive(Debug, Clone, Copy, Default)]
pub struct ValidQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ValidQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Query(value) = Query::<T>::try_from_uri(&parts.uri)
            .map_err(|_| ApiError::field("query", "cannot be read: is a parameter given twice?"))?;
        Ok(Self(value))
    }
}
