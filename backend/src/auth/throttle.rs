//! Login throttling: after repeated failures for one account or from one client address,
//! further attempts are refused (429 with `Retry-After`) until the window has passed; a
//! successful login clears its account's failures. The counts are in Postgres
//! (`db::login_failures`), so every backend replica sees the same ones.

use crate::auth::email::address_key;
use crate::db::login_failures;
use sqlx::PgPool;
use std::time::Duration;

/// Failures allowed per account within the window.
pub const ACCOUNT_LIMIT: i32 = 5;
/// Failures allowed per client address within the window (several people may share one).
pub const CLIENT_LIMIT: i32 = 20;
/// How long failures are remembered.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// `Some(seconds)` when the account or the client is locked out: how long to wait.
pub async fn locked_out(db: &PgPool, account: &str, client: &str) -> sqlx::Result<Option<u64>> {
    let mut conn = db.acquire().await?;
    let wait = login_failures::wait(
        &mut conn,
        (&address_key(account), ACCOUNT_LIMIT),
        (client, CLIENT_LIMIT),
        WINDOW,
    )
    .await?;
    Ok(wait.map(|seconds| (seconds.ceil() as u64).max(1)))
}

/// Counts a failed attempt against both the account and the client.
pub async fn record_failure(db: &PgPool, account: &str, client: &str) -> sqlx::Result<()> {
    let mut conn = db.acquire().await?;
    login_failures::add(&mut conn, &address_key(account), client, WINDOW).await
}

/// Forgets the account's failures after a successful login.
pub async fn record_success(db: &PgPool, account: &str) -> sqlx::Result<()> {
    let mut conn = db.acquire().await?;
    login_failures::clear(&mut conn, &address_key(account)).await
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    /// Moves every count `by` into the past, as if that time had gone by.
    async fn age(db: &PgPool, by: Duration) {
        sqlx::query("UPDATE login_failure SET first_at = first_at - make_interval(secs => $1)")
            .bind(by.as_secs_f64())
            .execute(db)
            .await
            .unwrap();
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_account_is_locked_after_five_failures_whatever_the_case(db: PgPool) {
        for i in 0..ACCOUNT_LIMIT {
            let client = format!("10.0.0.{i}");
            assert_eq!(
                locked_out(&db, "Ada@example.com", &client).await.unwrap(),
                None
            );
            record_failure(&db, " ada@EXAMPLE.com", &client)
                .await
                .unwrap();
        }
        let wait = locked_out(&db, "ada@example.com", "10.9.9.9")
            .await
            .unwrap()
            .unwrap();
        assert!(
            wait > WINDOW.as_secs() - 60 && wait <= WINDOW.as_secs(),
            "{wait}"
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_client_is_locked_after_twenty_failures_across_accounts(db: PgPool) {
        for i in 0..CLIENT_LIMIT {
            record_failure(&db, &format!("user{i}@example.com"), "192.0.2.1")
                .await
                .unwrap();
        }
        assert!(
            locked_out(&db, "someone@example.com", "192.0.2.1")
                .await
                .unwrap()
                .is_some()
        );
        assert_eq!(
            locked_out(&db, "someone@example.com", "192.0.2.2")
                .await
                .unwrap(),
            None
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn failures_older_than_the_window_are_forgotten_and_deleted(db: PgPool) {
        for _ in 0..ACCOUNT_LIMIT {
            record_failure(&db, "b@example.com", "192.0.2.1")
                .await
                .unwrap();
        }
        assert!(
            locked_out(&db, "b@example.com", "192.0.2.9")
                .await
                .unwrap()
                .is_some()
        );
        age(&db, WINDOW).await;
        assert_eq!(
            locked_out(&db, "b@example.com", "192.0.2.9").await.unwrap(),
            None
        );

        // A new failure starts a new count rather than adding to the old one, and takes the
        // other expired counts with it.
        record_failure(&db, "c@example.com", "192.0.2.3")
            .await
            .unwrap();
        record_failure(&db, "b@example.com", "192.0.2.1")
            .await
            .unwrap();
        assert_eq!(
            locked_out(&db, "b@example.com", "192.0.2.9").await.unwrap(),
            None
        );
        let rows: Vec<(String, String, i32)> =
            sqlx::query_as("SELECT kind, subject, failures FROM login_failure ORDER BY 1, 2")
                .fetch_all(&db)
                .await
                .unwrap();
        let expected = [
            ("account", "b@example.com", 1),
            ("account", "c@example.com", 1),
            ("client", "192.0.2.1", 1),
            ("client", "192.0.2.3", 1),
        ]
        .map(|(k, s, n)| (k.to_owned(), s.to_owned(), n));
        assert_eq!(rows, expected);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_success_clears_the_accounts_failures_but_not_the_clients(db: PgPool) {
        for _ in 0..ACCOUNT_LIMIT - 1 {
            record_failure(&db, "a@example.com", "192.0.2.1")
                .await
                .unwrap();
        }
        record_success(&db, "A@example.com").await.unwrap();
        record_failure(&db, "a@example.com", "192.0.2.1")
            .await
            .unwrap();
        assert_eq!(
            locked_out(&db, "a@example.com", "192.0.2.1").await.unwrap(),
            None
        );
        let client: i32 = sqlx::query_scalar(
            "SELECT failures FROM login_failure WHERE kind = 'client' AND subject = '192.0.2.1'",
        )
        .fetch_one(&db)
        .await
        .unwrap();
        assert_eq!(client, ACCOUNT_LIMIT);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_account_typed_with_a_nul_is_counted_without_an_error(db: PgPool) {
        record_failure(&db, "x\0@example.com", "192.0.2.1")
            .await
            .unwrap();
        assert_eq!(
            locked_out(&db, "x\0@example.com", "192.0.2.1")
                .await
                .unwrap(),
            None
        );
    }
}
