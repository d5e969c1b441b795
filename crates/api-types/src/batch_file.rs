//! Batch predictions from a CSV file in the layout of Kaggle's Titanic files
//! (`POST /api/inference/file`): the limits and the JSON answer. The columns read are
//! [`crate::kaggle`]'s.

use crate::Algorithm;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The path that takes a file; with [`BATCH_FILE_OLD_PATH`], the only routes whose body may
/// exceed the usual limit.
pub const BATCH_FILE_PATH: &str = "/api/inference/file";
/// Its path before 0.9.0-rc3, still answered as a deprecated alias until 0.10.
pub const BATCH_FILE_OLD_PATH: &str = "/api/inference/batch";
/// Largest file, in bytes (2 MiB).
pub const BATCH_FILE_MAX_BYTES: usize = 2 * 1024 * 1024;
/// Most passenger rows in one file.
pub const BATCH_FILE_MAX_ROWS: usize = 10_000;
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

/// The JSON answer of `POST /api/inference/file`.
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
