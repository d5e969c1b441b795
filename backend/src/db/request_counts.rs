//! Queries on `request_count`: fixed-window counts shared by every replica
//! (`crate::request_limits`). One atomic upsert per key, so replicas counting at once lose
//! nothing.

use sqlx::PgConnection;
use std::time::Duration;

/// Counts one request of `action` against each key and answers, per key in the same order,
/// the requests in its current window (this one included) and the seconds left in it. A
/// window older than `window` starts again at one.
pub async fn count(
    conn: &mut PgConnection,
    action: &str,
    key_hashes: &[Vec<u8>],
    window: Duration,
) -> sqlx::Result<Vec<(i32, f64)>> {
    let rows = sqlx::query!(
        r#"INSERT INTO request_count (action, key_hash, requests, window_start)
           SELECT $1, key_hash, 1, now() FROM unnest($2::bytea[]) WITH ORDINALITY AS k (key_hash, n)
           ORDER BY n
           ON CONFLICT ON CONSTRAINT request_count_pkey DO UPDATE SET
             requests = CASE WHEN request_count.window_start > now() - make_interval(secs => $3)
                             THEN request_count.requests + 1 ELSE 1 END,
             window_start = CASE WHEN request_count.window_start > now() - make_interval(secs => $3)
                                 THEN request_count.window_start ELSE now() END
           RETURNING key_hash,
                     requests,
                     EXTRACT(EPOCH FROM window_start + make_interval(secs => $3) - now())::float8
                       AS "seconds_left!""#,
        action,
        key_hashes,
        window.as_secs_f64(),
    )
    .fetch_all(conn)
    .await?;
    Ok(key_hashes
        .iter()
        .map(|key| {
            rows.iter()
                .find(|row| &row.key_hash == key)
                .map_or((0, 0.0), |row| (row.requests, row.seconds_left))
        })
        .collect())
}

/// Deletes the counts whose window has passed.
pub async fn forget_old(conn: &mut PgConnection, window: Duration) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "DELETE FROM request_count WHERE window_start <= now() - make_interval(secs => $1)",
        window.as_secs_f64(),
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
