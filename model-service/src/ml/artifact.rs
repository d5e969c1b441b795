//! Model artifacts: one self-describing object per model, checked by sha256 when read.
//! Where they are kept (a folder or a bucket) is `artifact_store.rs`'s business.
//!
//! Layout: the line `LIFEBOAT-MODEL <format version>`, the line holding the sha256 (hex) of the
//! body, then the body: the [`ModelArtifact`] as MessagePack with field names.

use crate::ml::files::sha256_hex;
use crate::ml::rows;
use crate::ml::{Dataset, Forest, ForestParams, Metrics, Preprocessing, SvmModel, SvmParams};
use chrono::{DateTime, Utc};
use lifeboat_api_types::{Algorithm, Estimator, Evaluation, Passenger, TrainedModel};
use ndarray::Array2;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The file format this build writes. Format 2 adds what explanations need (the forest's
/// node covers, the SVM's background rows); format 1 files still load, and get those from
/// the training rows when the data set they were trained on is loaded. Format 3 adds the
/// evaluation (cross-validation, curves, importance); older files load without one.
pub const FORMAT_VERSION: u32 = 3;
/// The oldest format this build reads.
const OLDEST_READABLE: u32 = 1;
const MAGIC: &str = "LIFEBOAT-MODEL";
/// Name extension of artifacts in the model folder or bucket.
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
    #[error("{name} is not a Lifeboat model file")]
    NotAnArtifact { name: String },
    #[error(
        "{name} has format version {found}; this build reads {OLDEST_READABLE} to {FORMAT_VERSION}"
    )]
    UnsupportedVersion { name: String, found: String },
    #[error("{name} is corrupted: its sha256 does not match the one it records")]
    Corrupted { name: String },
    #[error("{name} cannot be decoded: {reason}")]
    Decode { name: String, reason: String },
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
        let train = rows::training_records(dataset);
        match &mut self.body {
            ModelBody::RandomForest { forest, .. } => {
                let x = self
                    .preprocessing
                    .encode_all(train.iter().map(|r| &r.passenger));
                forest.fill_covers(&x);
            }
            ModelBody::Svm { background, .. } => {
                *background = rows::background(&train);
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

    /// The artifact's bytes, and the sha256 of its body.
    pub fn encode(&self) -> Result<(Vec<u8>, String), ArtifactError> {
        let body = rmp_serde::to_vec_named(self)?;
        let sha256 = sha256_hex(&body);
        let mut bytes = format!("{MAGIC} {FORMAT_VERSION}\n{sha256}\n").into_bytes();
        bytes.extend_from_slice(&body);
        Ok((bytes, sha256))
    }

    /// Reads an artifact (`name` says which, in errors), refusing it unless its recorded
    /// sha256 matches its body; returns it with that sha256.
    pub fn decode(bytes: &[u8], name: &str) -> Result<(Self, String), ArtifactError> {
        let not_ours = || ArtifactError::NotAnArtifact {
            name: name.to_owned(),
        };
        let (header, rest) = split_line(bytes).ok_or_else(not_ours)?;
        let version = header.strip_prefix(MAGIC).ok_or_else(not_ours)?.trim();
        if !version
            .parse::<u32>()
            .is_ok_and(|v| (OLDEST_READABLE..=FORMAT_VERSION).contains(&v))
        {
            return Err(ArtifactError::UnsupportedVersion {
                name: name.to_owned(),
                found: version.to_owned(),
            });
        }
        let (recorded, body) = split_line(rest).ok_or_else(not_ours)?;
        if sha256_hex(body) != recorded {
            return Err(ArtifactError::Corrupted {
                name: name.to_owned(),
            });
        }
        let artifact = rmp_serde::from_slice(body).map_err(|e| ArtifactError::Decode {
            name: name.to_owned(),
            reason: e.to_string(),
        })?;
        Ok((artifact, recorded.to_owned()))
    }
}

/// The file name of model `id`'s artifact.
pub fn file_name(id: Uuid) -> String {
    format!("{id}.{EXTENSION}")
}

/// Splits off the first line (as text) from the bytes after it.
fn split_line(bytes: &[u8]) -> Option<(&str, &[u8])> {
    let end = bytes.iter().position(|&b| b == b'\n')?;
    let line = std::str::from_utf8(&bytes[..end]).ok()?;
    Some((line, &bytes[end + 1..]))
}
