//! Queries on `session` and `refresh_token`.

use chrono::{DateTime, Utc};
use lifeboat_api_types::Role;
use sqlx::PgConnection;
use uuid::Uuid;

/// Why a session ended, as stored in `session.end_reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    Logout,
    RefreshTokenReused,
    PasswordChanged,
    /// The password was set through a one-time reset link: every session ends.
    PasswordReset,
}

impl EndReason {
    fn as_str(self) -> &'static str {
        match self {
            Self::Logout => "logout",
            Self::RefreshTokenReused => "refresh_token_reused",
            Self::PasswordChanged => "password_changed",
            Self::PasswordReset => "password_reset",
        }
    }
}

/// Starts a session for `user` that can be refreshed until `expires_at`.
pub async fn start(
    conn: &mut PgConnection,
    user: Uuid,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO session (session_id, app_user_id, expires_at) VALUES ($1, $2, $3)",
        id,
        user,
        expires_at,
    )
    .execute(conn)
    .await?;
    Ok(id)
}

/// The current role of the session's user when the session is live and belongs to `user`.
pub async fn live_role(
    conn: &mut PgConnection,
    session: Uuid,
    user: Uuid,
) -> sqlx::Result<Option<Role>> {
    sqlx::query_scalar!(
        r#"SELECT u.role AS "role: Role"
           FROM session s JOIN app_user u USING (app_user_id)
           WHERE s.session_id = $1 AND s.app_user_id = $2 AND s.ended_at IS NULL"#,
        session,
        user,
    )
    .fetch_optional(conn)
    .await
}

/// Ends a live session; `false` when it was already ended or does not exist.
pub async fn end(conn: &mut PgConnection, session: Uuid, reason: EndReason) -> sqlx::Result<bool> {
    let result = sqlx::query!(
        "UPDATE session SET ended_at = now(), end_reason = $2
         WHERE session_id = $1 AND ended_at IS NULL",
        session,
        reason.as_str(),
    )
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Ends every live session of `user` but `keep`; returns the ones it ended.
pub async fn end_others(
    conn: &mut PgConnection,
    user: Uuid,
    keep: Uuid,
    reason: EndReason,
) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar!(
        "UPDATE session SET ended_at = now(), end_reason = $3
         WHERE app_user_id = $1 AND session_id <> $2 AND ended_at IS NULL
         RETURNING session_id",
        user,
        keep,
        reason.as_str(),
    )
    .fetch_all(conn)
    .await
}

/// Ends every live session of `user`; returns the ones it ended.
pub async fn end_all(
    conn: &mut PgConnection,
    user: Uuid,
    reason: EndReason,
) -> sqlx::Result<Vec<Uuid>> {
    end_others(conn, user, Uuid::nil(), reason).await
}

/// The live sessions of `user`.
pub async fn live_of(conn: &mut PgConnection, user: Uuid) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar!(
        "SELECT session_id FROM session WHERE app_user_id = $1 AND ended_at IS NULL",
        user,
    )
    .fetch_all(conn)
    .await
}

/// Stores a new refresh token (its hash) for `session`.
pub async fn add_refresh_token(
    conn: &mut PgConnection,
    session: Uuid,
    token_hash: &[u8],
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO refresh_token (token_hash, session_id) VALUES ($1, $2)",
        token_hash,
        session,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A refresh token as found, with its session, locked until the transaction ends.
#[derive(Debug)]
pub struct PresentedToken {
    pub session_id: Uuid,
    pub user_id: Uuid,
    pub role: Role,
    pub already_used: bool,
    pub session_live: bool,
}

/// Finds the refresh token with `token_hash` and locks it and its session (`FOR UPDATE`),
/// so two refreshes with one token are decided one after the other.
pub async fn find_refresh_token_for_update(
    conn: &mut PgConnection,
    token_hash: &[u8],
) -> sqlx::Result<Option<PresentedToken>> {
    sqlx::query_as!(
        PresentedToken,
        r#"SELECT s.session_id, s.app_user_id AS user_id, u.role AS "role: Role",
                  r.used_at IS NOT NULL AS "already_used!",
                  (s.ended_at IS NULL AND s.expires_at > now()) AS "session_live!"
           FROM refresh_token r
           JOIN session s USING (session_id)
           JOIN app_user u USING (app_user_id)
           WHERE r.token_hash = $1
           FOR UPDATE OF r, s"#,
        token_hash,
    )
    .fetch_optional(conn)
    .await
}

/// Marks a refresh token used.
pub async fn use_refresh_token(conn: &mut PgConnection, token_hash: &[u8]) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE refresh_token SET used_at = now() WHERE token_hash = $1",
        token_hash,
    )
    .execute(conn)
    .await?;
    Ok(())
}
