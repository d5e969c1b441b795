//! Queries on `account_link`: one-time links, kept as the SHA-256 of their token.

use crate::account_links::purpose::LinkPurpose;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// Stores a new link of `purpose` for `user`.
pub async fn insert(
    conn: &mut PgConnection,
    token_hash: &[u8],
    user: Uuid,
    purpose: LinkPurpose,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO account_link (token_hash, app_user_id, purpose, expires_at)
         VALUES ($1, $2, $3, $4)",
        token_hash,
        user,
        purpose as LinkPurpose,
        expires_at,
    )
    .execute(conn)
    .await
    .map(drop)
}

/// Ends every live link of `purpose` of `user`; says how many it ended.
pub async fn end_live(
    conn: &mut PgConnection,
    user: Uuid,
    purpose: LinkPurpose,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "UPDATE account_link SET ended_at = now()
         WHERE app_user_id = $1 AND purpose = $2 AND ended_at IS NULL",
        user,
        purpose as LinkPurpose,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Ends the link with `token_hash` when it is live, of `purpose` and not expired, and says
/// whose it was; `None` for an unknown, used, replaced or expired link alike. One UPDATE, so
/// two requests with the same link cannot both have it.
pub async fn take(
    conn: &mut PgConnection,
    token_hash: &[u8],
    purpose: LinkPurpose,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        "UPDATE account_link SET ended_at = now()
         WHERE token_hash = $1 AND purpose = $2 AND ended_at IS NULL AND expires_at > now()
         RETURNING app_user_id",
        token_hash,
        purpose as LinkPurpose,
    )
    .fetch_optional(conn)
    .await
}
