//! Queries on `login_failure`: the login throttle's counts (`crate::auth::LoginThrottle`).
//! Each failure is one atomic upsert per key, so replicas counting at once lose nothing.

use sqlx::PgConnection;
use std::time::Duration;

/// The longest an account or a client must still wait, in seconds, when its failures within
/// `window` have reached its limit; `None` when neither has.
pub async fn wait(
    conn: &mut PgConnection,
    (account, account_limit): (&str, i32),
    (client, client_limit): (&str, i32),
    window: Duration,
) -> sqlx::Result<Option<f64>> {
    sqlx::query_scalar!(
        r#"SELECT MAX(EXTRACT(EPOCH FROM first_at + make_interval(secs => $5) - now()))::float8
           FROM login_failure
           WHERE first_at > now() - make_interval(secs => $5)
             AND ((kind = 'account' AND subject = $1 AND failures >= $2)
               OR (kind = 'client' AND subject = $3 AND failures >= $4))"#,
        account,
        account_limit,
        client,
        client_limit,
        window.as_secs_f64(),
    )
    .fetch_one(conn)
    .await
}

/// Counts one failure against `account` and against `client`; a count older than `window`
/// starts again at one. Then deletes every count older than `window`.
pub async fn add(
    conn: &mut PgConnection,
    account: &str,
    client: &str,
    window: Duration,
) -> sqlx::Result<()> {
    let window = window.as_secs_f64();
    sqlx::query!(
        r#"INSERT INTO login_failure (kind, subject, failures, first_at)
           VALUES ('account', $1, 1, now()), ('client', $2, 1, now())
           ON CONFLICT ON CONSTRAINT login_failure_pkey DO UPDATE SET
             failures = CASE WHEN login_failure.first_at > now() - make_interval(secs => $3)
                             THEN login_failure.failures + 1 ELSE 1 END,
             first_at = CASE WHEN login_failure.first_at > now() - make_interval(secs => $3)
                             THEN login_failure.first_at ELSE now() END"#,
        account,
        client,
        window,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM login_failure WHERE first_at <= now() - make_interval(secs => $1)",
        window,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets `account`'s failures.
pub async fn clear(conn: &mut PgConnection, account: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "DELETE FROM login_failure WHERE kind = 'account' AND subject = $1",
        account
    )
    .execute(conn)
    .await?;
    Ok(())
}
