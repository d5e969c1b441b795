//! Queries on `model` and `model_feature_link`.

use lifeboat_api_types::{
    Algorithm, Evaluation, Feature, ModelDetails, ModelMetrics, ModelSummary, TrainedModel,
};
use sqlx::PgConnection;
use sqlx::types::Json;
use uuid::Uuid;

/// Records a freshly trained model and its feature links. Run it in a transaction with the
/// job's success so that both are written or neither.
pub async fn insert(
    conn: &mut PgConnection,
    model: &TrainedModel,
    created_by: Option<Uuid>,
) -> sqlx::Result<()> {
    let m = &model.metrics;
    let [[tn, fp], [fn_, tp]] = m.confusion_matrix.map(|row| row.map(to_i32));
    sqlx::query!(
        r#"INSERT INTO model (model_id, name, algorithm, accuracy, precision_score, recall, f1,
               roc_auc, confusion_matrix, train_rows, test_rows, params, artifact_file,
               artifact_sha256, dataset_sha256, training_seconds, created_by, created_at,
               evaluation)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                   $19)"#,
        model.id,
        model.name,
        model.estimator.algorithm() as Algorithm,
        m.accuracy,
        m.precision,
        m.recall,
        m.f1,
        m.roc_auc,
        &[tn, fp, fn_, tp][..],
        to_i32(m.train_rows),
        to_i32(m.test_rows),
        model.estimator.params_json(),
        model.artifact_file,
        model.artifact_sha256,
        model.dataset_sha256,
        model.training_seconds,
        created_by,
        model.created_at,
        model.evaluation.as_ref().map(Json) as _,
    )
    .execute(&mut *conn)
    .await?;
    let names: Vec<String> = model.features.iter().map(|f| f.to_string()).collect();
    sqlx::query!(
        r#"INSERT INTO model_feature_link (model_id, feature_name, position)
           SELECT $1, name, (position - 1)::smallint
           FROM unnest($2::text[]) WITH ORDINALITY AS f (name, position)"#,
        model.id,
        &names[..],
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The registry's summary of a model from the record `$r` of any query that selects the
/// summary's columns (`model_id`, `name`, `algorithm`, `is_active`, `artifact_missing`,
/// `accuracy`, `features`, `created_at`): the one mapping for the list and the details.
macro_rules! summary_of {
    ($r:expr) => {
        ModelSummary {
            id: $r.model_id,
            name: $r.name,
            algorithm: $r.algorithm,
            is_active: $r.is_active,
            artifact_missing: $r.artifact_missing,
            accuracy: $r.accuracy,
            features: features($r.features),
            created_at: $r.created_at,
        }
    };
}

fn to_i32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn features(names: Option<Vec<String>>) -> Vec<Feature> {
    names
        .unwrap_or_default()
        .iter()
        .filter_map(|n| Feature::parse(n))
        .collect()
}

/// One page of models, newest first, and the total count.
pub async fn list(
    conn: &mut PgConnection,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<ModelSummary>, i64)> {
    let rows = sqlx::query!(
        r#"SELECT m.model_id, m.name, m.algorithm AS "algorithm: Algorithm", m.is_active,
                  m.status = 'missing_artifact' AS "artifact_missing!", m.accuracy, m.created_at,
                  ARRAY(SELECT l.feature_name FROM model_feature_link l
                        WHERE l.model_id = m.model_id ORDER BY l.position) AS features
           FROM model m
           ORDER BY m.created_at DESC, m.model_id
           LIMIT $1 OFFSET $2"#,
        limit,
        offset,
    )
    .fetch_all(&mut *conn)
    .await?;
    let total = sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM model"#)
        .fetch_one(conn)
        .await?;
    let items = rows.into_iter().map(|r| summary_of!(r)).collect();
    Ok((items, total))
}

/// Everything recorded about one model.
pub async fn find(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<ModelDetails>> {
    let row = sqlx::query!(
        r#"SELECT m.model_id, m.name, m.algorithm AS "algorithm: Algorithm", m.is_active,
                  m.status = 'missing_artifact' AS "artifact_missing!", m.accuracy, m.precision_score, m.recall, m.f1, m.roc_auc, m.confusion_matrix,
                  m.train_rows, m.test_rows, m.params, m.artifact_sha256, m.dataset_sha256,
                  m.training_seconds, m.created_by, m.created_at,
                  (SELECT u.email::text FROM app_user u WHERE u.app_user_id = m.created_by)
                      AS created_by_email,
                  m.evaluation AS "evaluation: Json<Evaluation>",
                  ARRAY(SELECT l.feature_name FROM model_feature_link l
                        WHERE l.model_id = m.model_id ORDER BY l.position) AS features
           FROM model m WHERE m.model_id = $1"#,
        id,
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| {
        let cell = |i: usize| {
            r.confusion_matrix
                .get(i)
                .and_then(|&n| u32::try_from(n).ok())
                .unwrap_or(0)
        };
        ModelDetails {
            summary: summary_of!(r),
            metrics: ModelMetrics {
                accuracy: r.accuracy,
                precision: r.precision_score,
                recall: r.recall,
                f1: r.f1,
                roc_auc: r.roc_auc,
                confusion_matrix: [[cell(0), cell(1)], [cell(2), cell(3)]],
                train_rows: u32::try_from(r.train_rows).unwrap_or(0),
                test_rows: u32::try_from(r.test_rows).unwrap_or(0),
            },
            params: r.params,
            artifact_sha256: r.artifact_sha256,
            dataset_sha256: r.dataset_sha256,
            training_seconds: r.training_seconds,
            created_by: r.created_by,
            created_by_email: r.created_by_email,
            evaluation: r.evaluation.map(|e| e.0),
        }
    }))
}

/// Makes model `id` the active one of its algorithm, deactivating the previous one; run in a
/// transaction. `None` when there is no such model.
pub async fn activate(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<Algorithm>> {
    let Some(algorithm) = sqlx::query_scalar!(
        r#"SELECT algorithm AS "algorithm: Algorithm" FROM model WHERE model_id = $1"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    // Lock the algorithm's models so two activations in parallel queue up instead of
    // colliding on the one-active index.
    sqlx::query!(
        "SELECT model_id FROM model WHERE algorithm = $1 FOR UPDATE",
        algorithm as Algorithm
    )
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE model SET is_active = false WHERE algorithm = $1 AND is_active AND model_id <> $2",
        algorithm as Algorithm,
        id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("UPDATE model SET is_active = true WHERE model_id = $1", id)
        .execute(conn)
        .await?;
    Ok(Some(algorithm))
}

/// Locks model `id` for deletion, with every active model (in one order, so two deletions
/// cannot each count on the other staying). `None` when there is no such model, else whether
/// it is the only model answering predictions.
pub async fn lock_for_delete(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<bool>> {
    let rows = sqlx::query!(
        r#"SELECT model_id, (is_active AND status = 'ready') AS "answers!"
           FROM model WHERE model_id = $1 OR is_active
           ORDER BY model_id FOR UPDATE"#,
        id
    )
    .fetch_all(conn)
    .await?;
    let Some(target) = rows.iter().find(|row| row.model_id == id) else {
        return Ok(None);
    };
    let others_answer = rows.iter().any(|row| row.model_id != id && row.answers);
    Ok(Some(target.answers && !others_answer))
}

/// Deletes model `id` (its feature links go with it).
pub async fn delete(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query!("DELETE FROM model WHERE model_id = $1", id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The active model of each algorithm that has one whose artifact is there.
pub async fn active(conn: &mut PgConnection) -> sqlx::Result<Vec<(Algorithm, Uuid)>> {
    let rows = sqlx::query!(
        r#"SELECT algorithm AS "algorithm: Algorithm", model_id
           FROM model WHERE is_active AND status = 'ready' ORDER BY algorithm"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.algorithm, r.model_id))
        .collect())
}

/// How many usable models (artifact present) of `algorithm` exist.
pub async fn count_ready(conn: &mut PgConnection, algorithm: Algorithm) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM model WHERE algorithm = $1 AND status = 'ready'"#,
        algorithm as Algorithm
    )
    .fetch_one(conn)
    .await
}

/// Marks each model `ready` when its id is in `present` (the model service has its file),
/// `missing_artifact` otherwise; returns the ids of the missing ones.
pub async fn reconcile(conn: &mut PgConnection, present: &[Uuid]) -> sqlx::Result<Vec<Uuid>> {
    let rows = sqlx::query!(
        r#"UPDATE model
           SET status = CASE WHEN model_id = ANY($1) THEN 'ready'::model_status
                             ELSE 'missing_artifact'::model_status END
           RETURNING model_id, status = 'missing_artifact' AS "missing!""#,
        present,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|r| r.missing)
        .map(|r| r.model_id)
        .collect())
}
