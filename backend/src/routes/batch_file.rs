//! `POST /api/inference/batch`: predictions for every passenger of a CSV file in the layout
//! of Kaggle's Titanic files (see [`crate::batch_file`]), answered as JSON (the rows, the
//! reasons for the rows that could not be read, the accuracy when the file has `Survived`)
//! or, asked with `Accept: text/csv`, as the Kaggle submission file.

use crate::auth::AuthUser;
use crate::batch_file::{self, FileError};
use crate::csv_cell;
use crate::db::models;
use crate::error::ApiError;
use crate::routes::history::csv_line;
use crate::routes::query::{self, ValidQuery};
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use lifeboat_api_types::{
    BATCH_FILE_MAX_BYTES, BatchFileAnswer, BatchFileRow, ErrorBody, InferenceRequest,
};
use lifeboat_service_kit::Json;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// On a CSV answer: how many rows of the file could not be read (and are not in it).
pub const ROW_ERRORS_HEADER: &str = "lifeboat-row-errors";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(predict_file))
        .layer(DefaultBodyLimit::max(BATCH_FILE_MAX_BYTES))
}

/// `?model_id=&probability=` as they arrive.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct FileQuery {
    /// The model to ask; the default model when absent.
    #[param(value_type = Option<uuid::Uuid>)]
    model_id: Option<String>,
    /// With `Accept: text/csv`: add a `Probability` column to the submission file.
    #[param(value_type = Option<bool>)]
    probability: Option<String>,
}

/// Predicts every passenger of a CSV file (Kaggle's layout: `PassengerId, Pclass, Name, Sex,
/// Age, SibSp, Parch, Ticket, Fare, Cabin, Embarked`, with or without `Survived`; columns
/// found by name, others ignored). At most 2 MiB and 10,000 rows. Rows that cannot be read
/// are listed by line with the reason; the others are predicted.
#[utoipa::path(
    post,
    path = "/api/inference/batch",
    operation_id = "predict_file",
    tag = "predictions",
    security(("bearer" = [])),
    params(FileQuery),
    request_body(content = String, content_type = "text/csv", description = "The CSV file"),
    responses(
        (status = OK, description = "JSON: every row's prediction, the rows that could not be read, and the accuracy when the file has `Survived`. With `Accept: text/csv`: the Kaggle submission file `PassengerId,Survived` (and `Probability` when asked), the unreadable rows left out and counted in `Lifeboat-Row-Errors`", content((BatchFileAnswer = "application/json"), (String = "text/csv"))),
        (status = UNAUTHORIZED, description = "Not signed in", body = ErrorBody),
        (status = NOT_FOUND, description = "The model asked for does not exist", body = ErrorBody),
        (status = PAYLOAD_TOO_LARGE, description = "The file is larger than 2 MiB", body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, description = "`file`: not UTF-8 CSV, a required column missing, no rows, or more than 10,000 rows; or `model_id`/`probability` not valid", body = ErrorBody),
    )
)]
async fn predict_file(
    State(state): State<AppState>,
    user: AuthUser,
    ValidQuery(params): ValidQuery<FileQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let with_probability = match params.probability.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::field("probability", "must be true or false")),
    };
    let model_id = match query::model_id(params.model_id.as_deref())? {
        Some(id) => id,
        None => state
            .active
            .default_model(&state.db)
            .await?
            .ok_or(ApiError::NoActiveModel)?,
    };
    let model = {
        let mut conn = state.db.acquire().await?;
        models::find(&mut conn, model_id).await?
    }
    .ok_or(ApiError::NotFound("model"))?
    .summary;
    let file = batch_file::read(&body).map_err(|error| match error {
        FileError::NotText
        | FileError::NotCsv(_)
        | FileError::MissingColumns(_)
        | FileError::Empty
        | FileError::TooManyRows => ApiError::field("file", &error.to_string()),
    })?;
    let requests: Vec<InferenceRequest> = file
        .rows
        .iter()
        .map(|row| InferenceRequest {
            model_id: Some(model_id),
            ..row.request.clone()
        })
        .collect();
    let answers = if requests.is_empty() {
        Vec::new()
    } else {
        state.model.infer_file(requests).await?
    };
    let rows: Vec<BatchFileRow> = file
        .rows
        .into_iter()
        .zip(answers)
        .map(|(row, answer)| BatchFileRow {
            line: row.line,
            passenger_id: row.passenger_id,
            prob: answer.prob,
            survived: answer.survived,
            actual: row.actual,
        })
        .collect();
    tracing::info!(event = "file_predicted", user_id = %user.id, rows = rows.len(), errors = file.errors.len(), "file predicted");
    if wants_csv(&headers) {
        return Ok(submission(&rows, file.errors.len(), with_probability));
    }
    let labelled: Vec<bool> = rows
        .iter()
        .filter_map(|r| r.actual.map(|actual| actual == r.survived))
        .collect();
    let accuracy = (!labelled.is_empty())
        .then(|| labelled.iter().filter(|&&right| right).count() as f64 / labelled.len() as f64);
    Ok(Json(BatchFileAnswer {
        model_id,
        model_name: model.name,
        algorithm: model.algorithm,
        rows,
        errors: file.errors,
        accuracy,
    })
    .into_response())
}

/// Whether the caller asked for CSV rather than JSON.
fn wants_csv(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|media| {
            media
                .split(';')
                .next()
                .is_some_and(|m| m.trim() == "text/csv")
        })
}

/// The Kaggle submission file: exactly `PassengerId,Survived`, plus `Probability` when asked.
fn submission(rows: &[BatchFileRow], row_errors: usize, with_probability: bool) -> Response {
    let mut file = Vec::with_capacity(rows.len() * 16);
    let header: &[&str] = if with_probability {
        &["PassengerId", "Survived", "Probability"]
    } else {
        &["PassengerId", "Survived"]
    };
    file.extend_from_slice(&csv_line(header.iter().copied()));
    for row in rows {
        let id = csv_cell::inert(&row.passenger_id);
        let survived = if row.survived { "1" } else { "0" };
        let prob = format!("{:.4}", row.prob);
        let mut cells = vec![id.as_ref(), survived];
        if with_probability {
            cells.push(&prob);
        }
        file.extend_from_slice(&csv_line(cells));
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"lifeboat-submission.csv\""),
            ),
            (
                HeaderName::from_static(ROW_ERRORS_HEADER),
                HeaderValue::from(row_errors),
            ),
        ],
        Body::from(file),
    )
        .into_response()
}
