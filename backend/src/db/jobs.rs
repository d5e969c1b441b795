//! Queries on `training_job`.

use lifeboat_api_types::{Algorithm, JobStatus, TrainingJob, TrainingSpec};
use sqlx::PgConnection;
use sqlx::types::Json;
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
    sqlx::query_as!(
        JobRow,
        r#"INSERT INTO training_job (training_job_id, requested_by, request, name, algorithm)
           VALUES ($1, $2, $3, $4, $5)
           RETURNING training_job_id AS id, status AS "status: JobStatus", name,
                     algorithm AS "algorithm: Algorithm", request AS "request: Json<TrainingSpec>",
                     error, model_id, accuracy, requested_by,
                     (SELECT email::text FROM app_user WHERE app_user_id = $2) AS requested_by_email,
                     created_at, started_at, finished_at"#,
        id,
        requested_by,
        Json(spec) as _,
        spec.name,
        spec.estimator.algorithm() as Algorithm,
    )
    .fetch_one(conn)
    .await
    .map(Into::into)
}

/// One job.
pub async fn find(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<TrainingJob>> {
    sqlx::query_as!(
        JobRow,
        r#"SELECT training_job_id AS id, status AS "status: JobStatus", name,
                  algorithm AS "algorithm: Algorithm", request AS "request: Json<TrainingSpec>",
                  error, model_id, accuracy, requested_by,
                  (SELECT email::text FROM app_user WHERE app_user_id = requested_by) AS requested_by_email,
                  created_at, started_at, finished_at
           FROM training_job WHERE training_job_id = $1"#,
        id,
    )
    .fetch_optional(conn)
    .await
    .map(|row| row.map(Into::into))
}

/// One page of jobs, newest first, and the total count.
pub async fn list(
    conn: &mut PgConnection,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<TrainingJob>, i64)> {
    let rows = sqlx::query_as!(
        JobRow,
        r#"SELECT training_job_id AS id, status AS "status: JobStatus", name,
                  algorithm AS "algorithm: Algorithm", request AS "request: Json<TrainingSpec>",
                  error, model_id, accuracy, requested_by,
                  (SELECT email::text FROM app_user WHERE app_user_id = requested_by) AS requested_by_email,
                  created_at, started_at, finished_at
           FROM training_job
           ORDER BY created_at DESC, training_job_id
           LIMIT $1 OFFSET $2"#,
        limit,
        offset,
    )
    .fetch_all(&mut *conn)
    .await?;
    let total = sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM training_job"#)
        .fetch_one(conn)
        .await?;
    Ok((rows.into_iter().map(Into::into).collect(), total))
}

/// `queued` → `running`.
pub async fn mark_running(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE training_job SET status = 'running', started_at = now()
         WHERE training_job_id = $1 AND status = 'queued'",
        id
    )
    .execute(conn)
    .await
    .map(drop)
}

/// → `succeeded` with the model it produced; run in the transaction that inserts the model.
pub async fn mark_succeeded(
    conn: &mut PgConnection,
    id: Uuid,
    model_id: Uuid,
    accuracy: f64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE training_job
         SET status = 'succeeded', model_id = $2, accuracy = $3, finished_at = now()
         WHERE training_job_id = $1",
        id,
        model_id,
        accuracy
    )
    .execute(conn)
    .await
    .map(drop)
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

/// Fails every job still queued or running (at start-up: nothing is running them any more);
/// returns their ids.
pub async fn fail_unfinished(conn: &mut PgConnection, reason: &str) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar!(
        "UPDATE training_job SET status = 'failed', error = $1, finished_at = now()
         WHERE status IN ('queued', 'running')
         RETURNING training_job_id",
        reason
    )
    .fetch_all(conn)
    .await
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
