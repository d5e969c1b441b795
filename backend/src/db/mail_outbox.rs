//! Queries on `mail_outbox` and `password_reset_request`: the account mail waiting to be
//! sent, and the "forgot password" requests waiting for the mail worker to decide on.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use std::time::Duration;

/// A mail as the worker sends it.
#[derive(Debug)]
pub struct Mail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    /// Tries so far.
    pub attempts: i32,
}

/// Queues a mail; it is given up (never sent) after `give_up_at`.
pub async fn add(
    conn: &mut PgConnection,
    recipient: &str,
    subject: &str,
    (text_body, html_body): (&str, &str),
    give_up_at: DateTime<Utc>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "INSERT INTO mail_outbox (recipient, subject, text_body, html_body, give_up_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING mail_id",
        recipient,
        subject,
        text_body,
        html_body,
        give_up_at,
    )
    .fetch_one(conn)
    .await
}

/// The oldest mail due now, locked for this transaction (other replicas skip it).
pub async fn next_due(conn: &mut PgConnection) -> sqlx::Result<Option<Mail>> {
    sqlx::query_as!(
        Mail,
        r#"SELECT mail_id AS id, recipient, subject, text_body AS "text_body!", html_body,
                  attempts
           FROM mail_outbox
           WHERE sent_at IS NULL AND failed_at IS NULL
             AND next_attempt_at <= now() AND give_up_at > now()
           ORDER BY next_attempt_at, mail_id
           LIMIT 1
           FOR UPDATE SKIP LOCKED"#
    )
    .fetch_optional(conn)
    .await
}

/// Records that mail `id` was sent, and removes its bodies (and with them its link).
pub async fn mark_sent(conn: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE mail_outbox
         SET sent_at = now(), attempts = attempts + 1, text_body = NULL, html_body = NULL,
             last_error = NULL
         WHERE mail_id = $1",
        id
    )
    .execute(conn)
    .await
    .map(drop)
}

/// Records a failed try of mail `id` and when to try again.
pub async fn retry_later(
    conn: &mut PgConnection,
    id: i64,
    after: Duration,
    error: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE mail_outbox
         SET attempts = attempts + 1, last_error = $3,
             next_attempt_at = now() + make_interval(secs => $2)
         WHERE mail_id = $1",
        id,
        after.as_secs_f64(),
        error,
    )
    .execute(conn)
    .await
    .map(drop)
}

/// Gives mail `id` up (the server refused it for good), removing its bodies.
pub async fn give_up(conn: &mut PgConnection, id: i64, error: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE mail_outbox
         SET failed_at = now(), attempts = attempts + 1, last_error = $2,
             text_body = NULL, html_body = NULL
         WHERE mail_id = $1",
        id,
        error,
    )
    .execute(conn)
    .await
    .map(drop)
}

/// Gives up every unsent mail whose link has expired, removing its bodies; says how many.
pub async fn give_up_expired(conn: &mut PgConnection) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "UPDATE mail_outbox
         SET failed_at = now(), text_body = NULL, html_body = NULL,
             last_error = coalesce(last_error, 'not sent before its link expired')
         WHERE sent_at IS NULL AND failed_at IS NULL AND give_up_at <= now()"
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Mails neither sent nor given up.
pub async fn pending(conn: &mut PgConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL"#
    )
    .fetch_one(conn)
    .await
}

/// Queues a "forgot password" request for `email`, as typed.
pub async fn add_reset_request(conn: &mut PgConnection, email: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO password_reset_request (email) VALUES ($1)",
        email
    )
    .execute(conn)
    .await
    .map(drop)
}

/// Takes the oldest waiting "forgot password" request (other replicas skip it); it is gone
/// once the transaction commits.
pub async fn take_reset_request(conn: &mut PgConnection) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "DELETE FROM password_reset_request
         WHERE password_reset_request_id = (
             SELECT password_reset_request_id FROM password_reset_request
             ORDER BY password_reset_request_id LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING email"
    )
    .fetch_optional(conn)
    .await
}
