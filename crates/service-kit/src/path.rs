//! `/{id}` path parameters: a UUID, or a 422 naming `id` in our error format.

use crate::error_response;
use axum::extract::{FromRequestParts, Path};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use lifeboat_api_types::{ErrorBody, FieldErrors};
use uuid::Uuid;

/// The route's single `{id}` parameter as a UUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Id(pub Uuid);

/// The `{id}` was not a UUID.
#[derive(Debug, Clone, Copy)]
pub struct InvalidId;

impl IntoResponse for InvalidId {
    fn into_response(self) -> Response {
        let mut fields = FieldErrors::new();
        fields.insert("id".into(), "must be a UUID".into());
        error_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorBody::validation(fields),
        )
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = InvalidId;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, InvalidId> {
        let Path(id) = Path::<Uuid>::from_request_parts(parts, state)
            .await
            .map_err(|_| InvalidId)?;
        Ok(Self(id))
    }
}
