//! Training end to end: split, fit the preprocessing on the training rows, fit the model,
//! score it on the held-out rows, evaluate it (cross-validation, curves, importance), and
//! wrap it all into an artifact.

use crate::ml::artifact::{FORMAT_VERSION, ModelArtifact, ModelBody};
use crate::ml::evaluate::cross_validation::cross_validate;
use crate::ml::evaluate::importance::permutation_importance;
use crate::ml::evaluate::{self, curves};
use crate::ml::{Dataset, Feature, Forest, Preprocessing, Record, SvmModel, explain};
use chrono::Utc;
use lifeboat_api_types::{
    Algorithm, Estimator, Evaluation, HeldOut, Passenger, TrainModel, TrainingSpec,
};
use ndarray::Array1;
use std::time::Instant;
use uuid::Uuid;

/// Share of the rows held out for evaluation.
pub const TEST_SHARE: f64 = 0.2;
/// Seed of the held-out split, fixed so every model is judged on the same passengers.
pub const SPLIT_SEED: u64 = 2024;
/// Seed of the cross-validation folds, fixed so every model is cross-validated on the same
/// folds and their figures compare.
pub const FOLD_SEED: u64 = 2025;
/// Seed of the shuffles of the permutation importance.
pub const IMPORTANCE_SEED: u64 = 2026;

/// Why a model could not be fitted.
#[derive(Debug, thiserror::Error)]
pub enum TrainingError {
    #[error("the random forest could not be grown on these features")]
    Forest(#[from] linfa::error::Error),
    #[error("the SVM could not be fitted on these features")]
    Svm(#[from] linfa_svm::SvmError),
}

/// The request that trains the default model of `algorithm` (the one a fresh install trains).
pub fn default_request(algorithm: Algorithm) -> TrainModel {
    TrainModel::new(Uuid::new_v4(), &TrainingSpec::default_for(algorithm))
}

/// The rows every model is trained on: the data set less the held-out split.
pub fn training_records(dataset: &Dataset) -> Vec<Record> {
    let labels: Vec<bool> = dataset.records.iter().map(|r| r.survived).collect();
    let (train_rows, _) = evaluate::stratified_split(&labels, TEST_SHARE, SPLIT_SEED);
    train_rows.iter().map(|&i| dataset.records[i]).collect()
}

/// The held-out rows every model is judged on.
pub fn held_out_records(dataset: &Dataset) -> Vec<Record> {
    let labels: Vec<bool> = dataset.records.iter().map(|r| r.survived).collect();
    let (_, test_rows) = evaluate::stratified_split(&labels, TEST_SHARE, SPLIT_SEED);
    test_rows.iter().map(|&i| dataset.records[i]).collect()
}

/// A model fitted on some rows: the preprocessing learnt from them and the fitted body.
#[derive(Debug)]
pub struct Fitted {
    pub preprocessing: Preprocessing,
    pub body: ModelBody,
}

impl Fitted {
    /// The probability of survival of each passenger.
    pub fn predict<'a>(&self, passengers: impl Iterator<Item = &'a Passenger>) -> Vec<f64> {
        self.body
            .predict_rows(&self.preprocessing.encode_all(passengers))
    }
}

/// Fits `estimator` on `features` of `records`, the preprocessing learnt from them too.
pub fn fit(
    records: &[Record],
    features: &[Feature],
    estimator: &Estimator,
) -> Result<Fitted, TrainingError> {
    let scale = matches!(estimator, Estimator::Svm(_));
    let preprocessing = Preprocessing::fit(records, features, scale);
    let x = preprocessing.encode_all(records.iter().map(|r| &r.passenger));
    let body = match estimator {
        Estimator::RandomForest(params) => {
            let y: Array1<usize> = records.iter().map(|r| usize::from(r.survived)).collect();
            ModelBody::RandomForest {
                params: params.clone(),
                forest: Forest::train(x, y, params)?,
            }
        }
        Estimator::Svm(params) => {
            let y: Array1<bool> = records.iter().map(|r| r.survived).collect();
            ModelBody::Svm {
                params: params.clone(),
                svm: SvmModel::train(x, y, params)?,
                background: explain::background(records),
            }
        }
    };
    Ok(Fitted {
        preprocessing,
        body,
    })
}

/// Trains the model `request` describes on the training rows, judges it on the held-out
/// rows, evaluates it as `request.evaluation` says, and returns its artifact, not yet saved.
pub fn train(dataset: &Dataset, request: &TrainModel) -> Result<ModelArtifact, TrainingError> {
    let started = Instant::now();
    let train = training_records(dataset);
    let test = held_out_records(dataset);
    let model = fit(&train, &request.features, &request.estimator)?;
    let probs = model.predict(test.iter().map(|r| &r.passenger));
    let truth: Vec<bool> = test.iter().map(|r| r.survived).collect();
    let metrics = evaluate::metrics(&probs, &truth, train.len());

    let evaluation_started = Instant::now();
    let cross_validation = cross_validate(
        &train,
        &request.features,
        &request.estimator,
        request.evaluation.folds,
        FOLD_SEED,
    )?;
    let held_out = HeldOut {
        log_loss: curves::log_loss(&probs, &truth),
        brier: curves::brier(&probs, &truth),
        roc_curve: curves::roc_curve(&probs, &truth),
        pr_curve: curves::pr_curve(&probs, &truth),
        calibration: curves::calibration(&probs, &truth),
    };
    let importance = permutation_importance(
        &model,
        &test,
        request.evaluation.importance_repeats,
        IMPORTANCE_SEED,
    );
    let evaluation = Evaluation {
        params: request.evaluation,
        cross_validation,
        held_out,
        importance,
        seconds: evaluation_started.elapsed().as_secs_f64(),
    };

    Ok(ModelArtifact {
        format_version: FORMAT_VERSION,
        id: request.model_id,
        name: request.name.clone(),
        created_at: Utc::now(),
        dataset_sha256: dataset.sha256.clone(),
        preprocessing: model.preprocessing,
        metrics,
        training_seconds: started.elapsed().as_secs_f64(),
        body: model.body,
        evaluation: Some(evaluation),
    })
}
