//! The backend's one error type and its one mapping to HTTP answers.

use crate::auth::PasswordError;
use crate::model_client::ModelServiceError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lifeboat_api_types::{ErrorBody, FieldErrors};
use lifeboat_service_kit::{JsonError, error_response};

/// Every way a backend request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400/415/422: the body is not the JSON we expect.
    #[error(transparent)]
    Json(#[from] JsonError),
    /// 422: the input breaks the rules; each field is named.
    #[error("invalid input")]
    Validation(FieldErrors),
    /// 401 with `WWW-Authenticate: Bearer`: no access token.
    #[error("authentication required")]
    Unauthenticated,
    /// 401 with `WWW-Authenticate: Bearer error="invalid_token"`: the token is not valid
    /// (malformed, tampered, expired, wrong algorithm, issuer or audience).
    #[error("invalid or expired token")]
    InvalidToken,
    /// 401: wrong e-mail or password (the same answer for both).
    #[error("wrong e-mail or password")]
    InvalidCredentials,
    /// 403: signed in, but the role does not allow this.
    #[error("not allowed")]
    Forbidden,
    /// 403: right password, but the account has not verified its address and
    /// `REQUIRE_VERIFIED_EMAIL` asks for that.
    #[error(
        "confirm your e-mail address first: follow the link we sent you, or use \"Forgot password?\" for a new one"
    )]
    EmailNotVerified,
    /// 404: no such thing.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 409: it conflicts with what exists; (field, reason).
    #[error("conflict on {0}: {1}")]
    Conflict(&'static str, &'static str),
    /// 429 with `Retry-After`: too many attempts; try again after this many seconds.
    #[error("too many attempts")]
    TooManyRequests(u64),
    /// 503 with `Retry-After: 1`: too many password checks are already waiting.
    #[error("too many logins at once; try again in a moment")]
    PasswordWorkersBusy,
    /// 503: a prediction named no model and no model is active.
    #[error("no model is active; an admin must activate one")]
    NoActiveModel,
    /// 503 when the model service is down or slow; its own 4xx passed on otherwise.
    #[error(transparent)]
    ModelService(#[from] ModelServiceError),
    /// 503: the database cannot be reached right now.
    #[error("database unavailable: {0}")]
    DatabaseUnavailable(sqlx::Error),
    /// 500: anything else; the cause is logged, never sent.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::PoolTimedOut => {
                metrics::counter!("db_pool_timeouts_total").increment(1);
                Self::DatabaseUnavailable(error)
            }
            sqlx::Error::PoolClosed | sqlx::Error::Io(_) => Self::DatabaseUnavailable(error),
            other => Self::Internal(anyhow::Error::new(other).context("database query failed")),
        }
    }
}

impl From<PasswordError> for ApiError {
    fn from(error: PasswordError) -> Self {
        match error {
            PasswordError::Busy => Self::PasswordWorkersBusy,
            PasswordError::Failed(cause) => Self::Internal(cause),
        }
    }
}

impl ApiError {
    /// Shorthand for a 422 naming one field.
    pub fn field(name: &str, reason: &str) -> Self {
        let mut fields = FieldErrors::new();
        fields.insert(name.to_owned(), reason.to_owned());
        Self::Validation(fields)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let message = self.to_string();
        let (status, body) = match self {
            Self::Json(rejection) => return rejection.into_response(),
            Self::Validation(fields) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorBody::validation(fields),
            ),
            Self::Unauthenticated => {
                return with_header(
                    StatusCode::UNAUTHORIZED,
                    ErrorBody::new("unauthenticated", message),
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer"),
                );
            }
            Self::InvalidToken => {
                return with_header(
                    StatusCode::UNAUTHORIZED,
                    ErrorBody::new("invalid_token", message),
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer error=\"invalid_token\""),
                );
            }
            Self::InvalidCredentials => (
                StatusCode::UNAUTHORIZED,
                ErrorBody::new("invalid_credentials", message),
            ),
            Self::Forbidden => (
                StatusCode::FORBIDDEN,
                ErrorBody::new("forbidden", "your role does not allow this"),
            ),
            Self::EmailNotVerified => (
                StatusCode::FORBIDDEN,
                ErrorBody::new("email_not_verified", message),
            ),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, ErrorBody::new("not_found", message)),
            Self::Conflict(field, reason) => {
                let mut body = ErrorBody::new("conflict", format!("{field} {reason}"));
                body.fields.insert(field.to_owned(), reason.to_owned());
                (StatusCode::CONFLICT, body)
            }
            Self::TooManyRequests(seconds) => {
                let body = ErrorBody::new(
                    "too_many_requests",
                    format!("too many attempts; try again in {seconds} s"),
                );
                return with_header(
                    StatusCode::TOO_MANY_REQUESTS,
                    body,
                    header::RETRY_AFTER,
                    HeaderValue::from(seconds),
                );
            }
            Self::PasswordWorkersBusy => {
                return with_header(
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorBody::new("busy", message),
                    header::RETRY_AFTER,
                    HeaderValue::from(1),
                );
            }
            Self::NoActiveModel => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorBody::new("no_active_model", message),
            ),
            Self::ModelService(ModelServiceError::Refused { status, body }) => (status, body),
            Self::ModelService(ref cause @ ModelServiceError::Unavailable(_)) => {
                tracing::warn!(error = %cause, "model service unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorBody::new(
                        "model_service_unavailable",
                        "predictions are unavailable right now; try again shortly",
                    ),
                )
            }
            Self::DatabaseUnavailable(ref cause) => {
                tracing::warn!(error = %cause, "database unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorBody::new(
                        "database_unavailable",
                        "the service is unavailable right now; try again shortly",
                    ),
                )
            }
            Self::Internal(ref cause) => {
                tracing::error!(error = ?cause, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorBody::new("internal", "something went wrong on our side"),
                )
            }
        };
        error_response(status, body)
    }
}

fn with_header(
    status: StatusCode,
    body: ErrorBody,
    name: header::HeaderName,
    value: HeaderValue,
) -> Response {
    let mut response = error_response(status, body);
    response.headers_mut().insert(name, value);
    response
}
