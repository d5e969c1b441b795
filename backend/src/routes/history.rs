//! A signed-in user's prediction history: pages of it newest first (by key, never by
//! offset), the whole of it as a streamed CSV file, and deleting one entry or all. Nobody
//! else's entries are ever found: every query is by the caller's id. Admins see only the
//! daily counts (`GET /api/admin/predictions/daily`).

use crate::auth::AuthUser;
use crate::csv_cell;
use crate::db::predictions::{self, Key};
use crate::error::ApiError;
use crate::routes::query::{self, ValidQuery};
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use lifeboat_api_types::{
    DAILY_COUNTS_DEFAULT_DAYS, DAILY_COUNTS_MAX_DAYS, DailyPredictions, ErrorBody,
    HISTORY_PAGE_SIZE, HistoryEntry, HistoryPage,
};
use lifeboat_service_kit::Json;
use serde::Deserialize;
use tokio::sync::mpsc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_predictions, delete_predictions))
        .routes(routes!(export_predictions))
        .routes(routes!(delete_prediction))
        .routes(routes!(daily_predictions))
}

/// The columns of the CSV export, in order.
pub const EXPORT_COLUMNS: [&str; 13] = [
    "made_at",
    "model_id",
    "model_name",
    "algorithm",
    "pclass",
    "sex",
    "age",
    "sibsp",
    "parch",
    "fare",
    "embarked",
    "prob",
    "survived",
];
/// Entries per chunk of the streamed export.
const EXPORT_CHUNK_ROWS: usize = 256;

/// `?before=&model_id=` as it arrives (read by hand, for a 422 naming the parameter).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct HistoryQuery {
    /// The `next` of the previous page; absent for the newest page.
    #[param(value_type = Option<String>, pattern = r"^[0-9]{1,18}_[0-9]{1,18}$")]
    before: Option<String>,
    /// Only this model's predictions.
    #[param(value_type = Option<uuid::Uuid>)]
    model_id: Option<String>,
}

/// The caller's predictions, newest first, a page of ten at a time.
#[utoipa::path(
    get,
    path = "/api/me/predictions",
    operation_id = "list_predictions",
    tag = "history",
    security(("bearer" = [])),
    params(HistoryQuery),
    responses(
        (status = OK, description = "A page; `next` is the `before` of the following one, absent on the last", body = HistoryPage),
        (status = UNAUTHORIZED, description = "Not signed in", body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, description = "`before` or `model_id` is not valid", body = ErrorBody),
    )
)]
async fn list_predictions(
    State(state): State<AppState>,
    user: AuthUser,
    ValidQuery(params): ValidQuery<HistoryQuery>,
) -> Result<Json<HistoryPage>, ApiError> {
    let after = match params.before.as_deref() {
        None => Key::top(),
        Some(cursor) => parse_cursor(cursor)
            .ok_or_else(|| ApiError::field("before", "must be the `next` of a previous page"))?,
    };
    let model = query::model_id(params.model_id.as_deref())?;
    let mut conn = state.db.acquire().await?;
    // One more than a page says whether there is a next one.
    let mut items = predictions::page(
        &mut conn,
        user.id,
        model,
        after,
        HISTORY_PAGE_SIZE as i64 + 1,
    )
    .await?;
    let next = if items.len() > HISTORY_PAGE_SIZE {
        items.truncate(HISTORY_PAGE_SIZE);
        items.last().map(cursor_of)
    } else {
        None
    };
    Ok(Json(HistoryPage { items, next }))
}

/// The cursor just below `entry`: its time in microseconds and its id.
fn cursor_of(entry: &HistoryEntry) -> String {
    format!("{}_{}", entry.made_at.timestamp_micros(), entry.id)
}

fn parse_cursor(cursor: &str) -> Option<Key> {
    let (micros, id) = cursor.split_once('_')?;
    Some(Key {
        made_at: DateTime::<Utc>::from_timestamp_micros(micros.parse().ok()?)?,
        id: id.parse().ok()?,
    })
}

/// The caller's whole history as CSV, newest first, streamed from the database as it is
/// read (a long history is never held in memory).
#[utoipa::path(
    get,
    path = "/api/me/predictions.csv",
    operation_id = "export_predictions",
    tag = "history",
    security(("bearer" = [])),
    responses(
        (status = OK, description = "`made_at,model_id,model_name,algorithm,pclass,sex,age,sibsp,parch,fare,embarked,prob,survived`, one line per prediction", content_type = "text/csv", body = String),
        (status = UNAUTHORIZED, description = "Not signed in", body = ErrorBody),
    )
)]
async fn export_predictions(State(state): State<AppState>, user: AuthUser) -> Response {
    let (chunks, body) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::spawn(async move {
        let mut rows = predictions::all_of(&state.db, user.id).chunks(EXPORT_CHUNK_ROWS);
        let _ = chunks.send(Ok(csv_line(EXPORT_COLUMNS))).await;
        while let Some(batch) = rows.next().await {
            let mut chunk = Vec::new();
            for entry in batch {
                match entry {
                    Ok(entry) => chunk.extend_from_slice(&export_line(&entry)),
                    Err(error) => {
                        // The body ends in an error, so the download fails rather than
                        // looking complete.
                        tracing::error!(%error, "the history export failed mid-way");
                        let _ = chunks
                            .send(Err(std::io::Error::other("export failed")))
                            .await;
                        return;
                    }
                }
            }
            if chunks.send(Ok(chunk.into())).await.is_err() {
                return; // The client went away.
            }
        }
    });
    let stream = futures_util::stream::unfold(body, |mut body| async {
        body.recv().await.map(|chunk| (chunk, body))
    });
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"lifeboat-predictions.csv\"",
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

fn export_line(entry: &HistoryEntry) -> Vec<u8> {
    let p = &entry.passenger;
    let optional = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
    csv_line([
        entry
            .made_at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            .as_str(),
        entry.model_id.to_string().as_str(),
        &csv_cell::inert(&entry.model_name),
        entry.algorithm.as_str(),
        p.pclass.to_string().as_str(),
        p.sex.to_string().as_str(),
        optional(p.age).as_str(),
        p.sibsp.to_string().as_str(),
        p.parch.to_string().as_str(),
        optional(p.fare).as_str(),
        p.embarked.map(|e| e.as_str()).unwrap_or_default(),
        entry.prob.to_string().as_str(),
        if entry.survived { "1" } else { "0" },
    ])
    .to_vec()
}

/// One CSV record (quoted where needed), ending in a newline.
pub fn csv_line<'a>(cells: impl IntoIterator<Item = &'a str>) -> Bytes {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(cells);
    Bytes::from(writer.into_inner().unwrap_or_default())
}

/// Deletes the caller's whole history.
#[utoipa::path(
    delete,
    path = "/api/me/predictions",
    operation_id = "delete_predictions",
    tag = "history",
    security(("bearer" = [])),
    responses(
        (status = NO_CONTENT, description = "The history is empty"),
        (status = UNAUTHORIZED, description = "Not signed in", body = ErrorBody),
    )
)]
async fn delete_predictions(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<StatusCode, ApiError> {
    let mut conn = state.db.acquire().await?;
    let deleted = predictions::delete_all(&mut conn, user.id).await?;
    tracing::info!(event = "history_deleted", user_id = %user.id, deleted, "history deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes one entry of the caller's history.
#[utoipa::path(
    delete,
    path = "/api/me/predictions/{id}",
    operation_id = "delete_prediction",
    tag = "history",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The entry's id", minimum = 1)),
    responses(
        (status = NO_CONTENT, description = "Deleted"),
        (status = UNAUTHORIZED, description = "Not signed in", body = ErrorBody),
        (status = NOT_FOUND, description = "The caller has no entry with this id", body = ErrorBody),
    )
)]
async fn delete_prediction(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound("prediction"))?;
    let mut conn = state.db.acquire().await?;
    if predictions::delete_one(&mut conn, user.id, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound("prediction"))
    }
}

/// `?days=` as it arrives.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DaysQuery {
    /// How many days up to today (UTC); 30 unless given.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 366)]
    days: Option<String>,
}

/// Predictions per day (UTC), signed-in and anonymous, oldest first, with days without any
/// as zeros. The only view an admin has of the predictions.
#[utoipa::path(
    get,
    path = "/api/admin/predictions/daily",
    operation_id = "daily_predictions",
    tag = "admin",
    security(("bearer" = [])),
    params(DaysQuery),
    responses(
        (status = OK, description = "One entry per day, the last one today", body = Vec<DailyPredictions>),
        (status = UNAUTHORIZED, description = "Not signed in", body = ErrorBody),
        (status = FORBIDDEN, description = "Not an admin", body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, description = "`days` is out of range", body = ErrorBody),
    )
)]
async fn daily_predictions(
    State(state): State<AppState>,
    ValidQuery(params): ValidQuery<DaysQuery>,
) -> Result<Json<Vec<DailyPredictions>>, ApiError> {
    let days = query::whole_number(
        params.days.as_deref(),
        "days",
        DAILY_COUNTS_DEFAULT_DAYS,
        DAILY_COUNTS_MAX_DAYS,
    )?;
    let mut conn = state.db.acquire().await?;
    let counts = predictions::daily_counts(&mut conn, Utc::now().date_naive(), days as i32).await?;
    Ok(Json(counts))
}
