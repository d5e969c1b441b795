//! A signed-in person's own account: change the password, delete the account. Both need the
//! current password (a borrowed session is not enough), counted against the same throttle as
//! logins.

use crate::account_links::LinkPurpose;
use crate::auth::{AuthUser, Password, hash_password, throttle, verify_password};
use crate::db::sessions::{self, EndReason};
use crate::db::{account_links, users};
use crate::error::ApiError;
use crate::routes::client::ClientAddr;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use lifeboat_api_types::{AccountDeletion, ErrorBody, PasswordChange, Role};
use lifeboat_service_kit::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(change_password))
        .routes(routes!(delete_account))
}

/// Changes the caller's password. The current one is required; every other session of the
/// account ends (this one goes on), and so does every reset link.
#[utoipa::path(
    put,
    path = "/api/me/password",
    operation_id = "change_password",
    tag = "accounts",
    security(("bearer" = [])),
    request_body = PasswordChange,
    responses(
        (status = NO_CONTENT, description = "Changed; the account's other sessions and its reset links have ended"),
        (status = UNPROCESSABLE_ENTITY, description = "`current_password` is wrong, or `new_password` breaks the rules", body = ErrorBody),
        (status = TOO_MANY_REQUESTS, description = "Too many wrong passwords for this account; see `Retry-After`", body = ErrorBody),
    )
)]
async fn change_password(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    user: AuthUser,
    Json(body): Json<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let new_password = Password::parse(body.new_password)
        .map_err(|reason| ApiError::field("new_password", reason))?;
    check_password(
        &state,
        &client,
        &user,
        body.current_password,
        "current_password",
    )
    .await?;
    let hash = hash_password(new_password).await?;
    let mut tx = state.db.begin().await?;
    users::set_password_hash(&mut tx, user.id, &hash).await?;
    account_links::end_live(&mut tx, user.id, LinkPurpose::Reset).await?;
    let ended =
        sessions::end_others(&mut tx, user.id, user.session, EndReason::PasswordChanged).await?;
    tx.commit().await?;
    for session in &ended {
        state.live_sessions.forget(*session);
    }
    tracing::info!(event = "password_changed", user_id = %user.id, sessions_ended = ended.len(), "password changed");
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes the caller's account and ends all its sessions; its models and training jobs stay,
/// without a name. The last admin cannot delete their account (make another admin first).
#[utoipa::path(
    delete,
    path = "/api/me",
    operation_id = "delete_account",
    tag = "accounts",
    security(("bearer" = [])),
    request_body = AccountDeletion,
    responses(
        (status = NO_CONTENT, description = "The account is gone; its tokens stop working"),
        (status = CONFLICT, description = "The caller is the last admin", body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, description = "`password` is wrong", body = ErrorBody),
        (status = TOO_MANY_REQUESTS, description = "Too many wrong passwords for this account; see `Retry-After`", body = ErrorBody),
    )
)]
async fn delete_account(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    user: AuthUser,
    Json(body): Json<AccountDeletion>,
) -> Result<StatusCode, ApiError> {
    check_password(&state, &client, &user, body.password, "password").await?;
    let mut tx = state.db.begin().await?;
    if user.role == Role::Admin && users::lock_admins(&mut tx).await? <= 1 {
        return Err(ApiError::Conflict(
            "account",
            "is the last admin's; make another user an admin first",
        ));
    }
    let live = sessions::live_of(&mut tx, user.id).await?;
    users::delete(&mut tx, user.id).await?;
    tx.commit().await?;
    for session in live {
        state.live_sessions.forget(session);
    }
    tracing::info!(event = "account_deleted", user_id = %user.id, "account deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Checks `password` against the caller's, under the login throttle of their e-mail; a wrong
/// one is a 422 naming `field` (not a 401, which would end the caller's session in the app).
async fn check_password(
    state: &AppState,
    client: &str,
    user: &AuthUser,
    password: String,
    field: &str,
) -> Result<(), ApiError> {
    let (email, hash) = {
        let mut conn = state.db.acquire().await?;
        users::credentials_of(&mut conn, user.id)
            .await?
            .ok_or(ApiError::InvalidToken)?
    };
    if let Some(seconds) = throttle::locked_out(&state.db, &email, client).await? {
        return Err(ApiError::TooManyRequests(seconds));
    }
    if verify_password(password.into(), Some(hash)).await? {
        throttle::record_success(&state.db, &email).await?;
        Ok(())
    } else {
        throttle::record_failure(&state.db, &email, client).await?;
        Err(ApiError::field(field, "is not your current password"))
    }
}
