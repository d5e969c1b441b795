//! Training end to end: split, fit the preprocessing on the training rows, fit the model,
//! score it on the held-out rows, and wrap it all into an artifact.

use crate::ml::artifact::{FORMAT_VERSION, ModelArtifact, ModelBody};
use crate::ml::{Dataset, Feature, Forest, Preprocessing, Record, SvmModel, evaluate, explain};
use chrono::Utc;
use lifeboat_api_types::{Algorithm, Estimator, TrainModel};
use ndarray::Array1;
use std::time::Instant;
use uuid::Uuid;

/// Share of the rows held out for evaluation.
pub const TEST_SHARE: f64 = 0.2;
/// Seed of the held-out split, fixed so every model is judged on the same passengers.
pub const SPLIT_SEED: u64 = 2024;

/// Why a model could not be fitted.
#[derive(Debug, thiserror::Error)]
pub enum TrainingError {
    #[error("the random forest could not be grown on these features")]
    Forest(#[from] linfa::error::Error),
    #[error("the SVM could not be fitted on these features")]
    Svm(#[from] linfa_svm::SvmError),
}

/// The request that trains a default model of `algorithm` on the seven passenger columns.
pub fn default_request(algorithm: Algorithm) -> TrainModel {
    TrainModel {
        model_id: Uuid::new_v4(),
        name: format!("default {}", algorithm.label().to_lowercase()),
        features: Feature::BASIC.to_vec(),
        estimator: Estimator::default_for(algorithm),
    }
}

/// The rows every model is trained on: the data set less the held-out split.
pub fn training_records(dataset: &Dataset) -> Vec<Record> {
    let labels: Vec<bool> = dataset.records.iter().map(|r| r.survived).collect();
    let (train_rows, _) = evaluate::stratified_split(&labels, TEST_SHARE, SPLIT_SEED);
    train_rows.iter().map(|&i| dataset.records[i]).collect()
}

/// Trains the model `request` describes and returns its artifact, not yet saved.
pub fn train(dataset: &Dataset, request: &TrainModel) -> Result<ModelArtifact, TrainingError> {
    let started = Instant::now();
    let labels: Vec<bool> = dataset.records.iter().map(|r| r.survived).collect();
    let (train_rows, test_rows) = evaluate::stratified_split(&labels, TEST_SHARE, SPLIT_SEED);
    let train: Vec<_> = train_rows.iter().map(|&i| dataset.records[i]).collect();
    let scale = matches!(request.estimator, Estimator::Svm(_));
    let preprocessing = Preprocessing::fit(&train, &request.features, scale);

    let x = preprocessing.encode_all(train.iter().map(|r| &r.passenger));
    let body = match &request.estimator {
        Estimator::RandomForest(params) => {
            let y: Array1<usize> = train.iter().map(|r| usize::from(r.survived)).collect();
            ModelBody::RandomForest {
                params: params.clone(),
                forest: Forest::train(x, y, params)?,
            }
        }
        Estimator::Svm(params) => {
            let y: Array1<bool> = train.iter().map(|r| r.survived).collect();
            ModelBody::Svm {
                params: params.clone(),
                svm: SvmModel::train(x, y, params)?,
                background: explain::background(&train),
            }
        }
    };

    let mut artifact = ModelArtifact {
        format_version: FORMAT_VERSION,
        id: request.model_id,
        name: request.name.clone(),
        created_at: Utc::now(),
        dataset_sha256: dataset.sha256.clone(),
        preprocessing,
        metrics: evaluate::metrics(&[], &[], 0),
        training_seconds: 0.0,
        body,
    };
    let x_test = artifact
        .preprocessing
        .encode_all(test_rows.iter().map(|&i| &dataset.records[i].passenger));
    let test_labels: Vec<bool> = test_rows.iter().map(|&i| labels[i]).collect();
    artifact.metrics =
        evaluate::metrics(&artifact.predict_rows(&x_test), &test_labels, train.len());
    artifact.training_seconds = started.elapsed().as_secs_f64();
    Ok(artifact)
}
