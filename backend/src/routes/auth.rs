//! Sign-up, login and "who am I".

use crate::auth::{
    AuthUser, Email, Password, SESSION_TTL, TOKEN_TTL, hash_password, new_token, throttle,
    token_hash, verify_password,
};
use crate::db::sessions::{self, EndReason};
use crate::db::users;
use crate::error::ApiError;
use crate::routes::client::ClientAddr;
use crate::state::AppState;
use anyhow::Context;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use lifeboat_api_types::{
    Credentials, ErrorBody, FieldErrors, RefreshRequest, Role, TokenResponse, User,
};
use lifeboat_service_kit::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(signup))
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(logout))
        .routes(routes!(me))
}

/// Creates a `user` account and mails it a verification link (when mail is on). The role is
/// never read from the body.
#[utoipa::path(
    post,
    path = "/api/auth/signup",
    operation_id = "signup",
    tag = "accounts",
    request_body = Credentials,
    responses(
        (status = CREATED, description = "The new account", body = User),
        (status = CONFLICT, description = "The e-mail is already registered", body = ErrorBody),
        (status = TOO_MANY_REQUESTS, description = "Too many sign-ups from this address; see `Retry-After`", body = ErrorBody),
    )
)]
async fn signup(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Json(body): Json<Credentials>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    state.rate_limits.check_signup(&client)?;
    let mut fields = FieldErrors::new();
    let email = Email::parse(&body.email)
        .map_err(|reason| fields.insert("email".into(), reason.into()))
        .ok();
    let password = Password::parse(body.password)
        .map_err(|reason| fields.insert("password".into(), reason.into()))
        .ok();
    let (Some(email), Some(password)) = (email, password) else {
        return Err(ApiError::Validation(fields));
    };

    let hash = hash_password(password).await?;
    let mut tx = state.db.begin().await?;
    // Without mail there is nothing to verify with: such accounts count as verified, as
    // accounts made before verification existed do.
    let verified = !state.mail_on;
    let user = match users::insert(&mut tx, email.as_str(), &hash, Role::User, verified).await {
        Ok(user) => user,
        Err(sqlx::Error::Database(e)) if e.constraint() == Some(users::EMAIL_UNIQUE) => {
            return Err(ApiError::Conflict("email", "is already registered"));
        }
        Err(e) => return Err(e.into()),
    };
    // The verification mail is queued with the account: both are written, or neither.
    state.queue_verification(&mut tx, &user).await?;
    tx.commit().await?;
    state.mail_wake.notify_one();
    tracing::info!(event = "signup", user_id = %user.id, "account created");
    metrics::counter!("signups_total").increment(1);
    Ok((StatusCode::CREATED, Json(user)))
}

/// Exchanges an e-mail and password for an access token and a refresh token, starting a session.
#[utoipa::path(
    post,
    path = "/api/auth/login",
    operation_id = "login",
    tag = "accounts",
    request_body = Credentials,
    responses(
        (status = OK, description = "The session's first token pair", body = TokenResponse),
        (status = UNAUTHORIZED, description = "Wrong e-mail or password (the same answer for both)", body = ErrorBody),
        (status = FORBIDDEN, description = "The address is not verified yet and `REQUIRE_VERIFIED_EMAIL` is on", body = ErrorBody),
        (status = TOO_MANY_REQUESTS, description = "Too many failed logins for this account or address; see `Retry-After`", body = ErrorBody),
    )
)]
async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Json(body): Json<Credentials>,
) -> Result<Json<TokenResponse>, ApiError> {
    let account = body.email.trim().to_owned();
    if let Some(seconds) = throttle::locked_out(&state.db, &account, &client).await? {
        metrics::counter!("logins_total", "outcome" => "throttled").increment(1);
        tracing::warn!(
            event = "login",
            outcome = "throttled",
            "login refused: too many failures"
        );
        return Err(ApiError::TooManyRequests(seconds));
    }

    // Postgres text cannot hold NUL, so no account has one (and the query would fail).
    let record = if account.contains('\0') {
        None
    } else {
        let mut conn = state.db.acquire().await?;
        users::find_for_login(&mut conn, &account).await?
    };
    let hash = record.as_ref().map(|r| r.password_hash.clone());
    // Runs bcrypt even for an unknown e-mail, so timing does not reveal which exist.
    let valid = verify_password(body.password.into(), hash).await?;
    match record {
        Some(user) if valid => {
            throttle::record_success(&state.db, &account).await?;
            if state.require_verified_email && !user.email_verified {
                metrics::counter!("logins_total", "outcome" => "unverified").increment(1);
                return Err(ApiError::EmailNotVerified);
            }
            tracing::info!(event = "login", outcome = "success", user_id = %user.id, "logged in");
            metrics::counter!("logins_total", "outcome" => "success").increment(1);
            Ok(Json(start_session(&state, user.id, user.role).await?))
        }
        record => {
            throttle::record_failure(&state.db, &account, &client).await?;
            let user_id = record.map(|r| r.id.to_string());
            metrics::counter!("logins_total", "outcome" => "failure").increment(1);
            tracing::info!(
                event = "login",
                outcome = "failure",
                user_id,
                "login failed"
            );
            Err(ApiError::InvalidCredentials)
        }
    }
}

/// The caller's own account.
#[utoipa::path(
    get,
    path = "/api/me",
    operation_id = "me",
    tag = "accounts",
    security(("bearer" = [])),
    responses((status = OK, description = "The caller's account", body = User))
)]
async fn me(State(state): State<AppState>, user: AuthUser) -> Result<Json<User>, ApiError> {
    let mut conn = state.db.acquire().await?;
    users::find(&mut conn, user.id)
        .await?
        .map(Json)
        .ok_or(ApiError::InvalidToken)
}

/// Starts a session for the user (it and its first refresh token written together) and
/// answers its first token pair.
async fn start_session(
    state: &AppState,
    user: Uuid,
    role: Role,
) -> Result<TokenResponse, ApiError> {
    let (refresh_token, hash) = new_token();
    let expires_at = Utc::now()
        + chrono::Duration::from_std(SESSION_TTL).context("the session lifetime fits")?;
    let mut tx = state.db.begin().await?;
    let session = sessions::start(&mut tx, user, expires_at).await?;
    sessions::add_refresh_token(&mut tx, session, &hash).await?;
    tx.commit().await?;
    token_pair(state, user, role, session, refresh_token)
}

fn token_pair(
    state: &AppState,
    user: Uuid,
    role: Role,
    session: Uuid,
    refresh_token: String,
) -> Result<TokenResponse, ApiError> {
    Ok(TokenResponse {
        access_token: state.jwt.issue(user, role, session)?,
        token_type: "Bearer".into(),
        expires_in: TOKEN_TTL.as_secs(),
        refresh_token,
    })
}

/// Exchanges a refresh token for a new access token and a new refresh token. A refresh token
/// that was already used ends its session (someone else has a copy): 401 for both holders.
#[utoipa::path(
    post,
    path = "/api/auth/refresh",
    operation_id = "refresh",
    tag = "accounts",
    request_body = RefreshRequest,
    responses(
        (status = OK, description = "A new token pair; the refresh token presented is spent", body = TokenResponse),
        (status = UNAUTHORIZED, description = "Unknown, spent or ended refresh token (a spent one ends its session)", body = ErrorBody),
    )
)]
async fn refresh(
    State(state): State<AppState>,
    Json(body): Json<RefreshRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let presented = token_hash(body.refresh_token.trim());
    let mut tx = state.db.begin().await?;
    let Some(token) = sessions::find_refresh_token_for_update(&mut tx, &presented).await? else {
        metrics::counter!("token_refreshes_total", "outcome" => "unknown").increment(1);
        return Err(ApiError::InvalidToken);
    };
    if !token.session_live {
        metrics::counter!("token_refreshes_total", "outcome" => "session_ended").increment(1);
        return Err(ApiError::InvalidToken);
    }
    if token.already_used {
        sessions::end(&mut tx, token.session_id, EndReason::RefreshTokenReused).await?;
        tx.commit().await?;
        state.live_sessions.forget(token.session_id);
        metrics::counter!("token_refreshes_total", "outcome" => "reused").increment(1);
        tracing::warn!(
            event = "refresh",
            outcome = "reused",
            user_id = %token.user_id,
            session_id = %token.session_id,
            "a used refresh token was presented again; the session is ended"
        );
        return Err(ApiError::InvalidToken);
    }
    let (refresh_token, hash) = new_token();
    sessions::use_refresh_token(&mut tx, &presented).await?;
    sessions::add_refresh_token(&mut tx, token.session_id, &hash).await?;
    tx.commit().await?;
    metrics::counter!("token_refreshes_total", "outcome" => "success").increment(1);
    Ok(Json(token_pair(
        &state,
        token.user_id,
        token.role,
        token.session_id,
        refresh_token,
    )?))
}

/// Ends the caller's session: its access tokens and refresh token stop working at once.
#[utoipa::path(
    post,
    path = "/api/auth/logout",
    operation_id = "logout",
    tag = "accounts",
    security(("bearer" = [])),
    responses((status = NO_CONTENT, description = "The session is ended"))
)]
async fn logout(State(state): State<AppState>, user: AuthUser) -> Result<StatusCode, ApiError> {
    let mut conn = state.db.acquire().await?;
    sessions::end(&mut conn, user.session, EndReason::Logout).await?;
    state.live_sessions.forget(user.session);
    tracing::info!(event = "logout", user_id = %user.id, "logged out");
    Ok(StatusCode::NO_CONTENT)
}
