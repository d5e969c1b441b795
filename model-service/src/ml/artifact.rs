//! Model artifacts: one self-describing file per model, written atomically and checked by
//! sha256 when loaded.
//!
//! Layout: the line `LIFEBOAT-MODEL <format version>`, the line holding the sha256 (hex) of the
//! body, then the body: the [`ModelArtifact`] as MessagePack with field names.

use crate::ml::files::{TEMP_PREFIX, sha256_hex, write_atomically};
use crate::ml::{Dataset, Forest, ForestParams, Metrics, Preprocessing, SvmModel, SvmParams};
use chrono::{DateTime, Utc};
use lifeboat_api_types::{Algorithm, Estimator, Evaluation, Passenger, TrainedModel};
use ndarray::Array2;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// The file format this build writes. Format 2 adds what explanations need (the forest's
/// node covers, the SVM's background rows); format 1 files still load, and get those from
/// the training rows when the data set they were trained on is loaded. Format 3 adds the
/// evaluation (cross-validation, curves, importance); older files load without one.
pub const FORMAT_VERSION: u32 = 3;
/// The oldest format this build reads.
const OLDEST_READABLE: u32 = 1;
const MAGIC: &str = "LIFEBOAT-MODEL";
/// File name extension of artifacts in the model folder.
pub const EXTENSION: &str = "model";

/// The fitted model itself, with the parameters it was trained with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "algorithm", rename_all = "snake_case")]
pub enum ModelBody {
    RandomForest {
        params: ForestParams,
        forest: Forest,
    },
    Svm {
        params: SvmParams,
        svm: SvmModel,
        /// Training passengers the explanations compare against (empty before format 2).
        #[serde(default)]
        background: Vec<Passenger>,
    },
}

impl ModelBody {
    /// Probabilities for already-encoded rows.
    pub fn predict_rows(&self, x: &Array2<f64>) -> Vec<f64> {
        match self {
            Self::RandomForest { forest, .. } => forest.predict_proba(x.view()),
            Self::Svm { svm, .. } => svm.predict_proba(x.view()),
        }
    }
}

/// Everything needed to use and to judge a model, in one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelArtifact {
    pub format_version: u32,
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    /// sha256 of the training data set.
    pub dataset_sha256: String,
    /// Feature list, imputation values and encodings.
    pub preprocessing: Preprocessing,
    /// Scores on the held-out split.
    pub metrics: Metrics,
    pub training_seconds: f64,
    pub body: ModelBody,
    /// Cross-validation, curves and importance (format 3 on).
    #[serde(default)]
    pub evaluation: Option<Evaluation>,
}

/// Why an artifact could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum ArtifactError {
    #[error("cannot access {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a Lifeboat model file")]
    NotAnArtifact { path: PathBuf },
    #[error(
        "{path} has format version {found}; this build reads {OLDEST_READABLE} to {FORMAT_VERSION}"
    )]
    UnsupportedVersion { path: PathBuf, found: String },
    #[error("{path} is corrupted: its sha256 does not match the one it records")]
    Corrupted { path: PathBuf },
    #[error("{path} cannot be decoded: {reason}")]
    Decode { path: PathBuf, reason: String },
    #[error("cannot encode the model: {0}")]
    Encode(#[from] rmp_serde::encode::Error),
}

impl ModelArtifact {
    /// The algorithm of the body.
    pub fn algorithm(&self) -> Algorithm {
        match self.body {
            ModelBody::RandomForest { .. } => Algorithm::RandomForest,
            ModelBody::Svm { .. } => Algorithm::Svm,
        }
    }

    /// The algorithm with the parameters it was trained with.
    pub fn estimator(&self) -> Estimator {
        match &self.body {
            ModelBody::RandomForest { params, .. } => Estimator::RandomForest(params.clone()),
            ModelBody::Svm { params, .. } => Estimator::Svm(params.clone()),
        }
    }

    /// The probability that `passenger` survives.
    pub fn predict(&self, passenger: &Passenger) -> f64 {
        let mut row = Vec::with_capacity(self.preprocessing.width());
        self.preprocessing.encode_into(passenger, &mut row);
        match &self.body {
            ModelBody::RandomForest { forest, .. } => forest.predict_row(&row),
            ModelBody::Svm { svm, .. } => svm.predict_row(&row),
        }
    }

    /// Probabilities for already-encoded rows.
    pub fn predict_rows(&self, x: &Array2<f64>) -> Vec<f64> {
        self.body.predict_rows(x)
    }

    /// Whether the model carries what its explanations need.
    pub fn explainable(&self) -> bool {
        match &self.body {
            ModelBody::RandomForest { forest, .. } => forest.has_covers(),
            ModelBody::Svm { background, .. } => !background.is_empty(),
        }
    }

    /// Gives a model saved before format 2 what its explanations need, computed from its
    /// training rows, when `dataset` is the one it was trained on; returns whether it is
    /// explainable now.
    pub fn complete_for_explanations(&mut self, dataset: &Dataset) -> bool {
        if self.explainable() || dataset.sha256 != self.dataset_sha256 {
            return self.explainable();
        }
        let train = crate::ml::train::training_records(dataset);
        match &mut self.body {
            ModelBody::RandomForest { forest, .. } => {
                let x = self
                    .preprocessing
                    .encode_all(train.iter().map(|r| &r.passenger));
                forest.fill_covers(&x);
            }
            ModelBody::Svm { background, .. } => {
                *background = crate::ml::explain::background(&train);
            }
        }
        true
    }

    /// The description the backend's registry records, given the file's sha256.
    pub fn describe(&self, artifact_sha256: &str) -> TrainedModel {
        TrainedModel {
            id: self.id,
            name: self.name.clone(),
            features: self.preprocessing.features.clone(),
            estimator: self.estimator(),
            metrics: self.metrics.clone(),
            artifact_file: self.file_name(),
            artifact_sha256: artifact_sha256.to_owned(),
            dataset_sha256: self.dataset_sha256.clone(),
            training_seconds: self.training_seconds,
            created_at: self.created_at,
            evaluation: self.evaluation.clone(),
        }
    }

    /// The artifact's file name: the model id with the artifact extension.
    pub fn file_name(&self) -> String {
        file_name(self.id)
    }

    /// Where this model's file lives in `dir`.
    pub fn path_in(&self, dir: &Path) -> PathBuf {
        dir.join(self.file_name())
    }

    /// Writes the artifact into `dir` atomically; returns its path and the body's sha256.
    pub fn save(&self, dir: &Path) -> Result<(PathBuf, String), ArtifactError> {
        let body = rmp_serde::to_vec_named(self)?;
        let sha256 = sha256_hex(&body);
        let mut bytes = format!("{MAGIC} {FORMAT_VERSION}\n{sha256}\n").into_bytes();
        bytes.extend_from_slice(&body);
        let path = self.path_in(dir);
        write_atomically(&path, &bytes).map_err(|source| ArtifactError::Io {
            path: path.clone(),
            source,
        })?;
        Ok((path, sha256))
    }

    /// Reads an artifact, refusing it unless its recorded sha256 matches its body; returns it
    /// with that sha256.
    pub fn load(path: &Path) -> Result<(Self, String), ArtifactError> {
        let bytes = std::fs::read(path).map_err(|source| ArtifactError::Io {
            path: path.to_owned(),
            source,
        })?;
        let not_ours = || ArtifactError::NotAnArtifact {
            path: path.to_owned(),
        };
        let (header, rest) = split_line(&bytes).ok_or_else(not_ours)?;
        let version = header.strip_prefix(MAGIC).ok_or_else(not_ours)?.trim();
        if !version
            .parse::<u32>()
            .is_ok_and(|v| (OLDEST_READABLE..=FORMAT_VERSION).contains(&v))
        {
            return Err(ArtifactError::UnsupportedVersion {
                path: path.to_owned(),
                found: version.to_owned(),
            });
        }
        let (recorded, body) = split_line(rest).ok_or_else(not_ours)?;
        if sha256_hex(body) != recorded {
            return Err(ArtifactError::Corrupted {
                path: path.to_owned(),
            });
        }
        let artifact = rmp_serde::from_slice(body).map_err(|e| ArtifactError::Decode {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        Ok((artifact, recorded.to_owned()))
    }
}

/// The file name of model `id`'s artifact.
pub fn file_name(id: Uuid) -> String {
    format!("{id}.{EXTENSION}")
}

/// Deletes model `id`'s artifact from `dir`; `Ok(false)` when there was none.
pub fn remove(dir: &Path, id: Uuid) -> std::io::Result<bool> {
    match std::fs::remove_file(dir.join(file_name(id))) {
        Ok(()) => {
            std::fs::File::open(dir)?.sync_all()?;
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Deletes the temporary files a write interrupted by a crash left behind; returns how many.
pub fn remove_leftovers(dir: &Path) -> std::io::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Splits off the first line (as text) from the bytes after it.
fn split_line(bytes: &[u8]) -> Option<(&str, &[u8])> {
    let end = bytes.iter().position(|&b| b == b'\n')?;
    let line = std::str::from_utf8(&bytes[..end]).ok()?;
    Some((line, &bytes[end + 1..]))
}

/// Loads every artifact in `dir`. Unreadable files are logged and skipped, not fatal:
/// one damaged file must not take the other models down.
pub fn load_all(dir: &Path) -> std::io::Result<Vec<(ModelArtifact, String)>> {
    let mut models = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(models),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some(EXTENSION) {
            continue;
        }
        match ModelArtifact::load(&path) {
            Ok(model) => models.push(model),
            Err(error) => tracing::error!(%error, "skipping a model file that cannot be used"),
        }
    }
    models.sort_by_key(|(m, _)| m.created_at);
    Ok(models)
}
