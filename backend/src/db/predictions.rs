//! Queries on `prediction` (the users' histories) and `prediction_daily` (the counts an
//! admin sees).

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::stream::BoxStream;
use lifeboat_api_types::{
    Algorithm, DailyPredictions, Embarked, HistoryEntry, Passenger, SURVIVAL_THRESHOLD, Sex,
};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// One prediction to keep.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPrediction {
    pub user: Uuid,
    pub made_at: DateTime<Utc>,
    pub passenger: Passenger,
    pub model_id: Uuid,
    pub model_name: String,
    pub algorithm: Algorithm,
    pub prob: f64,
}

/// Where a page starts: just below this entry (newest first).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Key {
    pub made_at: DateTime<Utc>,
    pub id: i64,
}

impl Key {
    /// Above every entry: where the first page starts.
    pub fn top() -> Self {
        Self {
            made_at: DateTime::<Utc>::from_timestamp(253_402_300_799, 0).unwrap_or_default(),
            id: i64::MAX,
        }
    }
}

/// Stores `rows` in one statement, skipping those whose user no longer exists (the account
/// was deleted after the prediction was answered), and adds `days` to the daily counts.
/// Returns the rows stored. The caller's transaction keeps the two writes together.
pub async fn record(
    conn: &mut PgConnection,
    rows: &[NewPrediction],
    days: &[DailyPredictions],
) -> sqlx::Result<u64> {
    let stored = if rows.is_empty() {
        0
    } else {
        let users: Vec<Uuid> = rows.iter().map(|r| r.user).collect();
        let made_at: Vec<DateTime<Utc>> = rows.iter().map(|r| r.made_at).collect();
        let pclass: Vec<i16> = rows.iter().map(|r| i16::from(r.passenger.pclass)).collect();
        let sex: Vec<String> = rows.iter().map(|r| r.passenger.sex.to_string()).collect();
        let age: Vec<Option<f64>> = rows.iter().map(|r| r.passenger.age).collect();
        let sibsp: Vec<i16> = rows.iter().map(|r| i16::from(r.passenger.sibsp)).collect();
        let parch: Vec<i16> = rows.iter().map(|r| i16::from(r.passenger.parch)).collect();
        let fare: Vec<Option<f64>> = rows.iter().map(|r| r.passenger.fare).collect();
        let embarked: Vec<Option<String>> = rows
            .iter()
            .map(|r| r.passenger.embarked.map(|e| e.as_str().to_owned()))
            .collect();
        let model_id: Vec<Uuid> = rows.iter().map(|r| r.model_id).collect();
        let model_name: Vec<String> = rows.iter().map(|r| r.model_name.clone()).collect();
        let algorithm: Vec<String> = rows
            .iter()
            .map(|r| r.algorithm.as_str().to_owned())
            .collect();
        let prob: Vec<f64> = rows.iter().map(|r| r.prob).collect();
        // `FOR KEY SHARE` holds each user row (once per user, not per row) until the insert
        // is done, so an account deleted meanwhile either waits for it (and then takes its
        // rows along) or is skipped here: never a foreign-key error that would sink the batch.
        sqlx::query!(
            r#"INSERT INTO prediction (app_user_id, made_at, pclass, sex, age, sibsp, parch,
                                       fare, embarked, model_id, model_name, algorithm, prob)
               SELECT r.app_user_id, r.made_at, r.pclass, r.sex, r.age, r.sibsp, r.parch,
                      r.fare, r.embarked, r.model_id, r.model_name,
                      r.algorithm::model_algorithm, r.prob
               FROM unnest($1::uuid[], $2::timestamptz[], $3::int2[], $4::text[],
                           $5::float8[], $6::int2[], $7::int2[], $8::float8[], $9::text[],
                           $10::uuid[], $11::text[], $12::text[], $13::float8[])
                    AS r(app_user_id, made_at, pclass, sex, age, sibsp, parch, fare,
                         embarked, model_id, model_name, algorithm, prob)
               WHERE r.app_user_id IN (SELECT app_user_id FROM app_user
                                       WHERE app_user_id = ANY($1) FOR KEY SHARE)"#,
            &users,
            &made_at,
            &pclass,
            &sex,
            &age as &[Option<f64>],
            &sibsp,
            &parch,
            &fare as &[Option<f64>],
            &embarked as &[Option<String>],
            &model_id,
            &model_name,
            &algorithm,
            &prob,
        )
        .execute(&mut *conn)
        .await?
        .rows_affected()
    };
    if !days.is_empty() {
        let day: Vec<NaiveDate> = days.iter().map(|d| d.day).collect();
        let signed_in: Vec<i64> = days.iter().map(|d| d.signed_in).collect();
        let anonymous: Vec<i64> = days.iter().map(|d| d.anonymous).collect();
        sqlx::query!(
            "INSERT INTO prediction_daily (day, signed_in, anonymous)
             SELECT * FROM unnest($1::date[], $2::int8[], $3::int8[])
             ON CONFLICT ON CONSTRAINT prediction_daily_pkey DO UPDATE
             SET signed_in = prediction_daily.signed_in + EXCLUDED.signed_in,
                 anonymous = prediction_daily.anonymous + EXCLUDED.anonymous",
            &day,
            &signed_in,
            &anonymous,
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(stored)
}

/// A stored row, as read back.
struct Row {
    prediction_id: i64,
    made_at: DateTime<Utc>,
    pclass: i16,
    sex: String,
    age: Option<f64>,
    sibsp: i16,
    parch: i16,
    fare: Option<f64>,
    embarked: Option<String>,
    model_id: Uuid,
    model_name: String,
    algorithm: Algorithm,
    prob: f64,
}

impl From<Row> for HistoryEntry {
    fn from(row: Row) -> Self {
        // The table's constraints hold every value to what `Passenger` allows.
        let passenger = Passenger {
            pclass: u8::try_from(row.pclass).unwrap_or_default(),
            sex: Sex::parse(&row.sex).unwrap_or(Sex::Male),
            age: row.age,
            sibsp: u8::try_from(row.sibsp).unwrap_or_default(),
            parch: u8::try_from(row.parch).unwrap_or_default(),
            fare: row.fare,
            embarked: row.embarked.as_deref().and_then(Embarked::parse),
        };
        Self {
            id: row.prediction_id,
            made_at: row.made_at,
            passenger,
            model_id: row.model_id,
            model_name: row.model_name,
            algorithm: row.algorithm,
            prob: row.prob,
            survived: row.prob >= SURVIVAL_THRESHOLD,
        }
    }
}

/// Up to `limit` of `user`'s entries below `after`, newest first; only `model`'s when given.
pub async fn page(
    conn: &mut PgConnection,
    user: Uuid,
    model: Option<Uuid>,
    after: Key,
    limit: i64,
) -> sqlx::Result<Vec<HistoryEntry>> {
    let rows =
        match model {
            None => sqlx::query_as!(
                Row,
                r#"SELECT prediction_id, made_at, pclass, sex, age, sibsp, parch, fare, embarked,
                          model_id, model_name, algorithm AS "algorithm: Algorithm", prob
                   FROM prediction
                   WHERE app_user_id = $1 AND (made_at, prediction_id) < ($2, $3)
                   ORDER BY made_at DESC, prediction_id DESC
                   LIMIT $4"#,
                user,
                after.made_at,
                after.id,
                limit,
            )
            .fetch_all(conn)
            .await?,
            Some(model) => sqlx::query_as!(
                Row,
                r#"SELECT prediction_id, made_at, pclass, sex, age, sibsp, parch, fare, embarked,
                          model_id, model_name, algorithm AS "algorithm: Algorithm", prob
                   FROM prediction
                   WHERE app_user_id = $1 AND model_id = $2
                     AND (made_at, prediction_id) < ($3, $4)
                   ORDER BY made_at DESC, prediction_id DESC
                   LIMIT $5"#,
                user,
                model,
                after.made_at,
                after.id,
                limit,
            )
            .fetch_all(conn)
            .await?,
        };
    Ok(rows.into_iter().map(HistoryEntry::from).collect())
}

/// Every entry of `user`, newest first, read as a stream (for the CSV export).
pub fn all_of(db: &PgPool, user: Uuid) -> BoxStream<'_, sqlx::Result<HistoryEntry>> {
    use futures_util::StreamExt;
    sqlx::query_as!(
        Row,
        r#"SELECT prediction_id, made_at, pclass, sex, age, sibsp, parch, fare, embarked,
                  model_id, model_name, algorithm AS "algorithm: Algorithm", prob
           FROM prediction
           WHERE app_user_id = $1
           ORDER BY made_at DESC, prediction_id DESC"#,
        user,
    )
    .fetch(db)
    .map(|row| row.map(HistoryEntry::from))
    .boxed()
}

/// Deletes one of `user`'s entries; `false` when `user` has no entry `id`.
pub async fn delete_one(conn: &mut PgConnection, user: Uuid, id: i64) -> sqlx::Result<bool> {
    let result = sqlx::query!(
        "DELETE FROM prediction WHERE prediction_id = $1 AND app_user_id = $2",
        id,
        user,
    )
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Deletes all of `user`'s entries; returns how many there were.
pub async fn delete_all(conn: &mut PgConnection, user: Uuid) -> sqlx::Result<u64> {
    let result = sqlx::query!("DELETE FROM prediction WHERE app_user_id = $1", user)
        .execute(conn)
        .await?;
    Ok(result.rows_affected())
}

/// Deletes at most `limit` entries made before `cutoff`, oldest first; returns how many.
pub async fn delete_older_than(
    conn: &mut PgConnection,
    cutoff: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<u64> {
    let result = sqlx::query!(
        "DELETE FROM prediction WHERE prediction_id IN (
             SELECT prediction_id FROM prediction WHERE made_at < $1 ORDER BY made_at LIMIT $2)",
        cutoff,
        limit,
    )
    .execute(conn)
    .await?;
    Ok(result.rows_affected())
}

/// The counts of the `days` days up to `last`, oldest first, days without predictions as 0.
pub async fn daily_counts(
    conn: &mut PgConnection,
    last: NaiveDate,
    days: i32,
) -> sqlx::Result<Vec<DailyPredictions>> {
    let rows = sqlx::query!(
        r#"SELECT d.day::date AS "day!", COALESCE(p.signed_in, 0) AS "signed_in!",
                  COALESCE(p.anonymous, 0) AS "anonymous!"
           FROM generate_series($1::date - ($2::int4 - 1), $1::date, interval '1 day') AS d(day)
           LEFT JOIN prediction_daily p ON p.day = d.day::date
           ORDER BY d.day"#,
        last,
        days,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DailyPredictions {
            day: r.day,
            signed_in: r.signed_in,
            anonymous: r.anonymous,
        })
        .collect())
}
