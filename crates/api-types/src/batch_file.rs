//! Batch predictions from a CSV file in the layout of Kaggle's Titanic files
//! (`POST /api/inference/batch`): the limits, the columns read, and the JSON answer.

use crate::Algorithm;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The path that takes a file; the only route whose body may exceed the usual limit.
pub const BATCH_FILE_PATH: &str = "/api/inference/batch";
/// Largest file, in bytes (2 MiB).
pub const BATCH_FILE_MAX_BYTES: usize = 2 * 1024 * 1024;
/// Most passenger rows in one file.
pub const BATCH_FILE_MAX_ROWS: usize = 10_000;
/// The columns a file must have, found by header name in any order; others (`Name`,
/// `Ticket`, `Cabin`, anything else) are ignored. `Survived`, when present, is compared
/// with the predictions.
pub const BATCH_FILE_COLUMNS: [&str; 8] = [
    "PassengerId",
    "Pclass",
    "Sex",
    "Age",
    "SibSp",
    "Parch",
    "Fare",
    "Embarked",
];
/// The optional column of the true outcome.
pub const BATCH_FILE_OUTCOME_COLUMN: &str = "Survived";

/// One predicted row: its line in the file (the header is line 1), the file's
/// `PassengerId` as written, the probability and verdict, and the file's `Survived` if given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchFileRow {
    pub line: u64,
    pub passenger_id: String,
    pub prob: f64,
    pub survived: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<bool>,
}

/// A row that could not be read, and why; the other rows are predicted all the same.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchFileError {
    pub line: u64,
    pub reason: String,
}

/// The JSON answer of `POST /api/inference/batch`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchFileAnswer {
    pub model_id: Uuid,
    pub model_name: String,
    pub algorithm: Algorithm,
    pub rows: Vec<BatchFileRow>,
    pub errors: Vec<BatchFileError>,
    /// Share of predicted rows whose verdict equals their `Survived`, when the file has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy: Option<f64>,
}
