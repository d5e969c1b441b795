//! The extractors that enforce who may call what: [`AuthUser`] for any signed-in user,
//! [`RequireAdmin`] for admins only. Handlers without either are open to anonymous callers.

use crate::db::sessions;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use lifeboat_api_types::Role;
use uuid::Uuid;

/// A caller with a valid access token of a live session, and the role the user has now
/// (so a role change counts from the next request, whatever the token says).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AuthUser {
    pub id: Uuid,
    pub role: Role,
    pub session: Uuid,
}

/// A caller with a valid access token and the admin role.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RequireAdmin(pub AuthUser);

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if !parts.headers.contains_key(AUTHORIZATION) {
            return Err(ApiError::Unauthenticated);
        }
        let token = bearer_token(&parts.headers).ok_or(ApiError::InvalidToken)?;
        let claims = state.jwt.verify(token).ok_or(ApiError::InvalidToken)?;
        // Logged out, ended for a reused refresh token, or the user removed: refused.
        let role = {
            let mut conn = state.db.acquire().await?;
            sessions::live_role(&mut conn, claims.sid, claims.sub).await?
        }
        .ok_or(ApiError::InvalidToken)?;
        lifeboat_service_kit::telemetry::record_user_id(&claims.sub);
        Ok(Self {
            id: claims.sub,
            role,
            session: claims.sid,
        })
    }
}

/// The token of an `Authorization: Bearer <token>` header, if there is one.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

impl FromRequestParts<AppState> for RequireAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = AuthUser::from_request_parts(parts, state).await?;
        if user.role == Role::Admin {
            Ok(Self(user))
        } else {
            Err(ApiError::Forbidden)
        }
    }
}
