//! Queries on `app_user`.

use lifeboat_api_types::{Role, User};
use sqlx::PgConnection;
use uuid::Uuid;

/// Name of the unique constraint on the e-mail, to recognise a duplicate sign-up.
pub const EMAIL_UNIQUE: &str = "app_user_email_key";

/// The stored hash and role for a login.
#[derive(Debug)]
pub struct LoginRecord {
    pub id: Uuid,
    pub password_hash: String,
    pub role: Role,
    pub email_verified: bool,
}

/// Inserts a user, its address verified from now when `verified`; a duplicate e-mail fails
/// with a unique violation on [`EMAIL_UNIQUE`].
pub async fn insert(
    conn: &mut PgConnection,
    email: &str,
    password_hash: &str,
    role: Role,
    verified: bool,
) -> sqlx::Result<User> {
    sqlx::query_as!(
        User,
        r#"INSERT INTO app_user (app_user_id, email, password_hash, role, email_verified_at)
           VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN now() END)
           RETURNING app_user_id AS id, email::text AS "email!", role AS "role: Role", created_at,
                     email_verified_at IS NOT NULL AS "email_verified!""#,
        Uuid::new_v4(),
        email,
        password_hash,
        role as Role,
        verified,
    )
    .fetch_one(conn)
    .await
}

/// The login record for an e-mail (compared case-insensitively).
pub async fn find_for_login(
    conn: &mut PgConnection,
    email: &str,
) -> sqlx::Result<Option<LoginRecord>> {
    sqlx::query_as!(
        LoginRecord,
        r#"SELECT app_user_id AS id, password_hash, role AS "role: Role",
                  email_verified_at IS NOT NULL AS "email_verified!"
           FROM app_user WHERE email = $1::text::citext"#,
        email,
    )
    .fetch_optional(conn)
    .await
}

/// The e-mail and password hash of user `id`.
pub async fn credentials_of(
    conn: &mut PgConnection,
    id: Uuid,
) -> sqlx::Result<Option<(String, String)>> {
    let row = sqlx::query!(
        r#"SELECT email::text AS "email!", password_hash FROM app_user WHERE app_user_id = $1"#,
        id,
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.email, r.password_hash)))
}

/// Replaces user `id`'s password hash.
pub async fn set_password_hash(conn: &mut PgConnection, id: Uuid, hash: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE app_user SET password_hash = $2 WHERE app_user_id = $1",
        id,
        hash
    )
    .execute(conn)
    .await
    .map(drop)
}

/// Locks every admin row (in one order) and says how many admins there are: run in the
/// transaction that may remove one, so two removals cannot each count on the other.
pub async fn lock_admins(conn: &mut PgConnection) -> sqlx::Result<usize> {
    let ids = sqlx::query_scalar!(
        "SELECT app_user_id FROM app_user WHERE role = 'admin' ORDER BY app_user_id FOR UPDATE"
    )
    .fetch_all(conn)
    .await?;
    Ok(ids.len())
}

/// Deletes user `id` (sessions and refresh tokens go with it; their models and jobs stay,
/// without a name).
pub async fn delete(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query!("DELETE FROM app_user WHERE app_user_id = $1", id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// One user by id.
pub async fn find(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<User>> {
    sqlx::query_as!(
        User,
        r#"SELECT app_user_id AS id, email::text AS "email!", role AS "role: Role", created_at,
                  email_verified_at IS NOT NULL AS "email_verified!"
           FROM app_user WHERE app_user_id = $1"#,
        id,
    )
    .fetch_optional(conn)
    .await
}

/// A page of users, newest first, and the total count.
pub async fn list(
    conn: &mut PgConnection,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<User>, i64)> {
    let users = sqlx::query_as!(
        User,
        r#"SELECT app_user_id AS id, email::text AS "email!", role AS "role: Role", created_at,
                  email_verified_at IS NOT NULL AS "email_verified!"
           FROM app_user ORDER BY created_at DESC, app_user_id LIMIT $1 OFFSET $2"#,
        limit,
        offset,
    )
    .fetch_all(&mut *conn)
    .await?;
    let total = sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM app_user"#)
        .fetch_one(conn)
        .await?;
    Ok((users, total))
}

/// Sets a user's role; `None` when there is no such user.
pub async fn set_role(conn: &mut PgConnection, id: Uuid, role: Role) -> sqlx::Result<Option<User>> {
    sqlx::query_as!(
        User,
        r#"UPDATE app_user SET role = $2 WHERE app_user_id = $1
           RETURNING app_user_id AS id, email::text AS "email!", role AS "role: Role", created_at,
                     email_verified_at IS NOT NULL AS "email_verified!""#,
        id,
        role as Role,
    )
    .fetch_optional(conn)
    .await
}

/// Makes the user with `email` an admin, creating it with `password_hash` (and its address
/// verified: the operator gave it) when it does not exist. An existing user's password is left alone. Returns the user.
pub async fn ensure_admin(
    conn: &mut PgConnection,
    email: &str,
    password_hash: &str,
) -> sqlx::Result<User> {
    sqlx::query_as!(
        User,
        r#"INSERT INTO app_user (app_user_id, email, password_hash, role, email_verified_at)
           VALUES ($1, $2, $3, 'admin', now())
           ON CONFLICT ON CONSTRAINT app_user_email_key DO UPDATE SET role = 'admin'
           RETURNING app_user_id AS id, email::text AS "email!", role AS "role: Role", created_at,
                     email_verified_at IS NOT NULL AS "email_verified!""#,
        Uuid::new_v4(),
        email,
        password_hash,
    )
    .fetch_one(conn)
    .await
}

/// Whether a user with `email` exists.
pub async fn exists(conn: &mut PgConnection, email: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM app_user WHERE email = $1::text::citext) AS "exists!""#,
        email
    )
    .fetch_one(conn)
    .await
}

/// The id and address of the account with `email` (compared case-insensitively).
pub async fn find_by_email(
    conn: &mut PgConnection,
    email: &str,
) -> sqlx::Result<Option<(Uuid, String)>> {
    let row = sqlx::query!(
        r#"SELECT app_user_id, email::text AS "email!" FROM app_user
           WHERE email = $1::text::citext"#,
        email
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.app_user_id, r.email)))
}

/// Records that user `id` has shown the address is theirs (kept from the first time).
pub async fn mark_verified(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE app_user SET email_verified_at = coalesce(email_verified_at, now())
         WHERE app_user_id = $1",
        id
    )
    .execute(conn)
    .await
    .map(drop)
}
