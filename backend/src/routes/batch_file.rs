//! `POST /api/inference/file` (before 0.9.0-rc3 `/api/inference/batch`, still answered as a
//! deprecated alias until 0.10): predictions for every passenger of a CSV file in the layout
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
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use lifeboat_api_types::{
    BATCH_FILE_MAX_BYTES, BATCH_FILE_PATH, BatchFileAnswer, BatchFileRow, ErrorBody,
    InferenceRequest,
};
use lifeboat_service_kit::Json;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// On a CSV answer: how many rows of the file could not be read (and are not in it).
pub const ROW_ERRORS_HEADER: &str = "lifeboat-row-errors";

/// The header that marks a deprecated operation's answers.
const DEPRECATION: HeaderName = HeaderName::from_static("deprecation");

// The alias is deprecated for clients; serving it until 0.10 is on purpose.
#[allow(deprecated)]
pub fn router() -> OpenApiRouter<AppState> {
    let alias = OpenApiRouter::new()
        .routes(routes!(predict_deprecated))
        .layer(middleware::from_fn(deprecated));
    OpenApiRouter::new()
        .routes(routes!(predict))
        .merge(alias)
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

/// The operation at `$path`: a handler `$name` that predicts the file, documented with
/// everything it answers. The same operation under the path it had before 0.9.0-rc3 is the
/// deprecated alias, whose answers also say so ([`deprecated`]).
macro_rules! file_operation {
    ($(#[$attribute:meta])* $name:ident, $path:literal, $operation_id:literal) => {
        /// Predicts every passenger of a CSV file (Kaggle's layout: `PassengerId, Pclass,
        /// Name, Sex, Age, SibSp, Parch, Ticket, Fare, Cabin, Embarked`, with or without
        /// `Survived`; columns found by name, others ignored). At most 2 MiB and 10,000 rows.
        /// Rows that cannot be read are listed by line with the reason; the others are
        /// predicted.
        #[utoipa::path(
            post,
            path = $path,
            operation_id = $operation_id,
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
        $(#[$attribute])*
        async fn $name(
            state: State<AppState>,
            user: AuthUser,
            query: ValidQuery<FileQuery>,
            headers: HeaderMap,
            body: Bytes,
        ) -> Result<Response, ApiError> {
            predict_file(state, user, query, headers, body).await
        }
    };
}

file_operation!(predict, "/api/inference/file", "predict_file");
file_operation!(
    #[deprecated = "POST /api/inference/file; this path goes in 0.10"]
    predict_deprecated,
    "/api/inference/batch",
    "predict_file_deprecated"
);

/// The deprecated alias: the answer of [`predict`], marked deprecated (RFC 9745, since
/// 2026-12-07) with a link to the path that replaces it.
async fn deprecated(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(DEPRECATION, HeaderValue::from_static("@1796601600"));
    let successor = format!("<{BATCH_FILE_PATH}>; rel=\"successor-version\"");
    if let Ok(link) = HeaderValue::from_str(&successor) {
        headers.insert(header::LINK, link);
    }
    response
}

/// Predicts every passenger of the file (see [`file_operation`]).
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
    let asked = query::model_id(params.model_id.as_deref())?;
    let model_id = state.active.asked_or_default(&state.db, asked).await?;
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
            ..InferenceRequest::from(row.passenger)
        })
        .collect();
    let answers = if requests.is_empty() {
        Vec::new()
    } else {
        state.model.predict_file(requests).await?
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
