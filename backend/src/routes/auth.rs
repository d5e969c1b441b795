//! Sign-up, login and "who am I".

use crate::auth::{AuthUser, Email, Password, TOKEN_TTL, hash_password, verify_password};
use crate::db::users;
use crate::error::ApiError;
use crate::routes::client::ClientAddr;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use lifeboat_api_types::{Credentials, FieldErrors, Role, TokenResponse, User};
use lifeboat_service_kit::Json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/auth/signup", post(signup))
        .route("/api/auth/login", post(login))
        .route("/api/me", get(me))
}

/// Creates a `user` account. The role is never read from the body.
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
    let mut conn = state.db.acquire().await?;
    match users::insert(&mut conn, email.as_str(), &hash, Role::User).await {
        Ok(user) => {
            tracing::info!(event = "signup", user_id = %user.id, "account created");
            metrics::counter!("signups_total").increment(1);
            Ok((StatusCode::CREATED, Json(user)))
        }
        Err(sqlx::Error::Database(e)) if e.constraint() == Some(users::EMAIL_UNIQUE) => {
            Err(ApiError::Conflict("email", "is already registered"))
        }
        Err(e) => Err(e.into()),
    }
}

/// Exchanges an e-mail and password for an access token.
async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Json(body): Json<Credentials>,
) -> Result<Json<TokenResponse>, ApiError> {
    let account = body.email.trim().to_owned();
    state
        .login_throttle
        .check(&account, &client)
        .map_err(|seconds| {
            metrics::counter!("logins_total", "outcome" => "throttled").increment(1);
            tracing::warn!(
                event = "login",
                outcome = "throttled",
                "login refused: too many failures"
            );
            ApiError::TooManyRequests(seconds)
        })?;

    let record = {
        let mut conn = state.db.acquire().await?;
        users::find_for_login(&mut conn, &account).await?
    };
    let hash = record.as_ref().map(|r| r.password_hash.clone());
    // Runs bcrypt even for an unknown e-mail, so timing does not reveal which exist.
    let valid = verify_password(body.password.into(), hash).await?;
    match record {
        Some(user) if valid => {
            state.login_throttle.record_success(&account);
            tracing::info!(event = "login", outcome = "success", user_id = %user.id, "logged in");
            metrics::counter!("logins_total", "outcome" => "success").increment(1);
            Ok(Json(TokenResponse {
                access_token: state.jwt.issue(user.id, user.role)?,
                token_type: "Bearer".into(),
                expires_in: TOKEN_TTL.as_secs(),
            }))
        }
        record => {
            state.login_throttle.record_failure(&account, &client);
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
async fn me(State(state): State<AppState>, user: AuthUser) -> Result<Json<User>, ApiError> {
    let mut conn = state.db.acquire().await?;
    users::find(&mut conn, user.id)
        .await?
        .map(Json)
        .ok_or(ApiError::InvalidToken)
}
