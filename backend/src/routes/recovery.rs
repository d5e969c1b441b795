//! Forgotten passwords and verified addresses: ask for a reset link, use it, use a
//! verification link, ask for a new one. Every request here is limited per address typed
//! and per client, the same for every replica (`crate::request_limits`).

use crate::account_links::{self, LinkPurpose};
use crate::auth::{AuthUser, Password, hash_password};
use crate::db::sessions::{self, EndReason};
use crate::db::{account_links as links_db, mail_outbox, users};
use crate::error::ApiError;
use crate::request_limits::Action;
use crate::routes::client::ClientAddr;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use lifeboat_api_types::{
    EmailVerification, ErrorBody, ForgotAnswer, ForgotPassword, PasswordReset, check_email,
};
use lifeboat_service_kit::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// What an unknown, used, replaced or expired link is told: one answer for all four.
pub const LINK_NOT_VALID: &str = "is not valid: the link was used, has expired or was replaced by a newer one; ask for a new one";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(forgot))
        .routes(routes!(reset))
        .routes(routes!(verify))
        .routes(routes!(resend_verification))
}

/// Asks for a link to choose a new password. The answer is the same whether or not the
/// address has an account, and so is the work done here: the request is queued, and the mail
/// worker decides.
#[utoipa::path(
    post,
    path = "/api/auth/forgot",
    operation_id = "forgot_password",
    tag = "accounts",
    request_body = ForgotPassword,
    responses(
        (status = ACCEPTED, description = "Queued; the same answer for every address", body = ForgotAnswer),
        (status = UNPROCESSABLE_ENTITY, description = "`email` is not an e-mail address", body = ErrorBody),
        (status = TOO_MANY_REQUESTS, description = "Too many requests for this address or from this client; see `Retry-After`", body = ErrorBody),
    )
)]
async fn forgot(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Json(body): Json<ForgotPassword>,
) -> Result<(StatusCode, Json<ForgotAnswer>), ApiError> {
    let email = check_email(&body.email).map_err(|reason| ApiError::field("email", reason))?;
    state
        .link_limits
        .check(&state.db, Action::Forgot, Some(email), &client)
        .await?;
    let mut conn = state.db.acquire().await?;
    mail_outbox::add_reset_request(&mut conn, email).await?;
    state.mail_wake.notify_one();
    Ok((StatusCode::ACCEPTED, Json(ForgotAnswer::default())))
}

/// Sets a new password with the token of a reset link. Every session of the account ends,
/// its other reset links too, and its address counts as verified (the link reached it).
#[utoipa::path(
    post,
    path = "/api/auth/reset",
    operation_id = "reset_password",
    tag = "accounts",
    request_body = PasswordReset,
    responses(
        (status = NO_CONTENT, description = "The password is set; sign in with it"),
        (status = UNPROCESSABLE_ENTITY, description = "`token` is not a live link (the same answer for unknown, used, replaced and expired ones), or `password` breaks the sign-up rules", body = ErrorBody),
        (status = TOO_MANY_REQUESTS, description = "Too many requests from this client; see `Retry-After`", body = ErrorBody),
    )
)]
async fn reset(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Json(body): Json<PasswordReset>,
) -> Result<StatusCode, ApiError> {
    state
        .link_limits
        .check(&state.db, Action::Reset, None, &client)
        .await?;
    let password =
        Password::parse(body.password).map_err(|reason| ApiError::field("password", reason))?;
    let hash = hash_password(password).await?;
    let mut tx = state.db.begin().await?;
    let Some(user) = account_links::redeem(&mut tx, &body.token, LinkPurpose::Reset).await? else {
        return Err(ApiError::field("token", LINK_NOT_VALID));
    };
    users::set_password_hash(&mut tx, user, &hash).await?;
    links_db::end_live(&mut tx, user, LinkPurpose::Reset).await?;
    users::mark_verified(&mut tx, user).await?;
    let ended = sessions::end_all(&mut tx, user, EndReason::PasswordReset).await?;
    tx.commit().await?;
    for session in &ended {
        state.live_sessions.forget(*session);
    }
    tracing::info!(event = "password_reset", user_id = %user, sessions_ended = ended.len(), "password set with a reset link");
    Ok(StatusCode::NO_CONTENT)
}

/// Confirms an address with the token of a verification link.
#[utoipa::path(
    post,
    path = "/api/auth/verify",
    operation_id = "verify_email",
    tag = "accounts",
    request_body = EmailVerification,
    responses(
        (status = NO_CONTENT, description = "The address is verified"),
        (status = UNPROCESSABLE_ENTITY, description = "`token` is not a live link (the same answer for unknown, used, replaced and expired ones)", body = ErrorBody),
        (status = TOO_MANY_REQUESTS, description = "Too many requests from this client; see `Retry-After`", body = ErrorBody),
    )
)]
async fn verify(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Json(body): Json<EmailVerification>,
) -> Result<StatusCode, ApiError> {
    state
        .link_limits
        .check(&state.db, Action::Verify, None, &client)
        .await?;
    let mut tx = state.db.begin().await?;
    let Some(user) = account_links::redeem(&mut tx, &body.token, LinkPurpose::Verify).await? else {
        return Err(ApiError::field("token", LINK_NOT_VALID));
    };
    users::mark_verified(&mut tx, user).await?;
    tx.commit().await?;
    tracing::info!(event = "email_verified", user_id = %user, "address verified");
    Ok(StatusCode::NO_CONTENT)
}

/// Sends the caller a new verification link; older ones stop working.
#[utoipa::path(
    post,
    path = "/api/me/verification",
    operation_id = "resend_verification",
    tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = ACCEPTED, description = "A new link is on its way (when mail is on)"),
        (status = CONFLICT, description = "The address is already verified", body = ErrorBody),
        (status = TOO_MANY_REQUESTS, description = "Too many requests for this address or from this client; see `Retry-After`", body = ErrorBody),
    )
)]
async fn resend_verification(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    caller: AuthUser,
) -> Result<StatusCode, ApiError> {
    let mut tx = state.db.begin().await?;
    let user = users::find(&mut tx, caller.id)
        .await?
        .ok_or(ApiError::InvalidToken)?;
    if user.email_verified {
        return Err(ApiError::Conflict("email", "is already verified"));
    }
    state
        .link_limits
        .check(&state.db, Action::Resend, Some(&user.email), &client)
        .await?;
    state.queue_verification(&mut tx, &user).await?;
    tx.commit().await?;
    state.mail_wake.notify_one();
    Ok(StatusCode::ACCEPTED)
}
