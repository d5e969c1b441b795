//! Queries on `training_job`.

use lifeboat_api_types::{Algorithm, JobStatus, TrainingJob, TrainingSpec};
use sqlx::PgConnection;
use sqlx::types::Json;
use std::time::Duration;
use uuid::Uuid;

struct JobRow {
    id: Uuid,
    status: JobStatus,
    name: String,
    algorithm: Algorithm,
    request: Json<TrainingSpec>,
    error: Option<String>,
    model_id: Option<Uuid>,
    accuracy: Option<f64>,
    requested_by: Option<Uuid>,
    requested_by_email: Option<String>,
    created_at: chrono::DateTime<chrono::Utc>,
    started_at: Option<chrono::DateTime<chrono::Utc>>,
    finished_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<JobRow> for TrainingJob {
    fn from(r: JobRow) -> Self {
        Self {
            id: r.id,
            status: r.status,
            name: r.name,
            algorithm: r.algorithm,
            features: r.request.0.features,
            error: r.error,
            model_id: r.model_id,
            accuracy: r.accuracy,
            requested_by: r.requested_by,
            requested_by_email: r.requested_by_email,
            created_at: r.created_at,
            started_at: r.started_at,
            finished_at: r.finished_at,
        }
    }
}

/// Records a queued job before any work starts.
pub async fn insert(
    conn: &mut PgConnection,
    id: Uuid,
    requested_by: Option<Uuid>,
    spec: &TrainingSpec,
) -> sqlx::Result<TrainingJob> {
    sqlx::query!(
        r#"INSERT INTO training_job (training_job_id, requested_by, request, name, algorithm)
           VALUES ($1, $2, $3, $4, $5)"#,
        id,
        requested_by,
        Json(spec) as _,
        spec.name,
        spec.estimator.algorithm() as Algorithm,
    )
    .execute(&mut *conn)
    .await?;
    find(conn, id).await?.ok_or(sqlx::Error::RowNotFound)
}

/// One job.
pub async fn find(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<TrainingJob>> {
    Ok(select(conn, Some(id), 1, 0).await?.pop())
}

/// One page of jobs, newest first, and the total count.
pub async fn list(
    conn: &mut PgConnection,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<TrainingJob>, i64)> {
    let jobs = select(conn, None, limit, offset).await?;
    let total = sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM training_job"#)
        .fetch_one(conn)
        .await?;
    Ok((jobs, total))
}

/// Jobs newest first, `id`'s alone when given: the one query that reads [`JobRow`]'s columns.
async fn select(
    conn: &mut PgConnection,
    id: Option<Uuid>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<TrainingJob>> {
    let rows = sqlx::query_as!(
        JobRow,
        r#"SELECT training_job_id AS id, status AS "status: JobStatus", name,
                  algorithm AS "algorithm: Algorithm", request AS "request: Json<TrainingSpec>",
                  error, model_id, accuracy, requested_by,
                  (SELECT email::text FROM app_user WHERE app_user_id = requested_by) AS requested_by_email,
                  created_at, started_at, finished_at
           FROM training_job
           WHERE $1::uuid IS NULL OR training_job_id = $1
           ORDER BY created_at DESC, training_job_id
           LIMIT $2 OFFSET $3"#,
        id,
        limit,
        offset,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The advisory lock held by whoever checks the queue and then adds to it (a new job under
/// the queue bound, the default models on a fresh install), so replicas doing it at once
/// take turns. Released when the transaction ends.
pub async fn lock_queue(conn: &mut PgConnection) -> sqlx::Result<()> {
    // Any constant key unique in this database: "lifeboat" in ASCII.
    const QUEUE_LOCK: i64 = 0x6c69_6665_626f_6174;
    sqlx::query!("SELECT pg_advisory_xact_lock($1)", QUEUE_LOCK)
        .execute(conn)
        .await
        .map(drop)
}

/// How many jobs are queued or running, in every replica.
pub async fn unfinished_count(conn: &mut PgConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM training_job WHERE status IN ('queued', 'running')"#
    )
    .fetch_one(conn)
    .await
}

/// How many jobs wait for a replica to claim them.
pub async fn queued_count(conn: &mut PgConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM training_job WHERE status = 'queued'"#)
        .fetch_one(conn)
        .await
}

/// A job claimed to run: which, who asked, and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Claimed {
    pub id: Uuid,
    pub requested_by: Option<Uuid>,
    pub spec: TrainingSpec,
}

/// Claims the first queued job for `worker` (`queued` → `running`), leased to it for
/// `lease`. Replicas claiming at once each get a different job, or none.
pub async fn claim_next(
    conn: &mut PgConnection,
    worker: Uuid,
    lease: Duration,
) -> sqlx::Result<Option<Claimed>> {
    let row = sqlx::query!(
        r#"UPDATE training_job
           SET status = 'running', started_at = now(), claimed_by = $1,
               lease_until = now() + make_interval(secs => $2)
           WHERE training_job_id = (SELECT training_job_id FROM training_job
                                    WHERE status = 'queued'
                                    ORDER BY queue_position
                                    LIMIT 1
                                    FOR UPDATE SKIP LOCKED)
           RETURNING training_job_id AS id, requested_by,
                     request AS "request: Json<TrainingSpec>""#,
        worker,
        lease.as_secs_f64(),
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| Claimed {
        id: r.id,
        requested_by: r.requested_by,
        spec: r.request.0,
    }))
}

/// Extends `worker`'s lease on job `id` to `lease` from now; false when it no longer holds
/// it (the job finished, or was failed as abandoned).
pub async fn renew_lease(
    conn: &mut PgConnection,
    id: Uuid,
    worker: Uuid,
    lease: Duration,
) -> sqlx::Result<bool> {
    let renewed = sqlx::query!(
        "UPDATE training_job SET lease_until = now() + make_interval(secs => $3)
         WHERE training_job_id = $1 AND claimed_by = $2 AND status = 'running'",
        id,
        worker,
        lease.as_secs_f64(),
    )
    .execute(conn)
    .await?;
    Ok(renewed.rows_affected() == 1)
}

/// Fails every running job whose lease has run out (the replica running it stopped) with
/// `reason`; returns their ids.
pub async fn fail_abandoned(conn: &mut PgConnection, reason: &str) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar!(
        "UPDATE training_job SET status = 'failed', error = $1, finished_at = now()
         WHERE status = 'running' AND lease_until < now()
         RETURNING training_job_id",
        reason
    )
    .fetch_all(conn)
    .await
}

/// → `succeeded` with the model it produced, if `worker` still holds the job; run in the
/// transaction that inserts the model. False when it does not (the job was failed as
/// abandoned meanwhile): the caller rolls back.
pub async fn mark_succeeded(
    conn: &mut PgConnection,
    id: Uuid,
    worker: Uuid,
    model_id: Uuid,
    accuracy: f64,
) -> sqlx::Result<bool> {
    let marked = sqlx::query!(
        "UPDATE training_job
         SET status = 'succeeded', model_id = $3, accuracy = $4, finished_at = now()
         WHERE training_job_id = $1 AND claimed_by = $2 AND status = 'running'",
        id,
        worker,
        model_id,
        accuracy
    )
    .execute(conn)
    .await?;
    Ok(marked.rows_affected() == 1)
}

/// → `failed` with the reason, unless it already finished.
pub async fn mark_failed(conn: &mut PgConnection, id: Uuid, reason: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE training_job SET status = 'failed', error = $2, finished_at = now()
         WHERE training_job_id = $1 AND status IN ('queued', 'running')",
        id,
        reason
    )
    .execute(conn)
    .await
    .map(drop)
}

/// Whether a job for `algorithm` is queued or running.
pub async fn any_unfinished(conn: &mut PgConnection, algorithm: Algorithm) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM training_job
                          WHERE algorithm = $1 AND status IN ('queued', 'running')) AS "exists!""#,
        algorithm as Algorithm
    )
    .fetch_one(conn)
    .await
}
