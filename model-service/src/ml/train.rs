//! Training end to end: take the training rows ([`crate::ml::rows`]), fit the model on them
//! ([`crate::ml::fit`]), score it on the held-out rows, evaluate it (cross-validation,
//! curves, importance), and wrap it all into an artifact.

use crate::ml::Dataset;
use crate::ml::artifact::{FORMAT_VERSION, ModelArtifact};
use crate::ml::evaluate::cross_validation::cross_validate;
use crate::ml::evaluate::importance::permutation_importance;
use crate::ml::evaluate::{self, curves};
use crate::ml::fit::{TrainingError, fit};
use crate::ml::rows::{held_out_records, training_records};
use chrono::Utc;
use lifeboat_api_types::{Algorithm, Evaluation, HeldOut, TrainModel, TrainingSpec};
use std::time::Instant;
use uuid::Uuid;

/// Seed of the cross-validation folds, fixed so every model is cross-validated on the same
/// folds and their figures compare.
pub const FOLD_SEED: u64 = 2025;
/// Seed of the shuffles of the permutation importance.
pub const IMPORTANCE_SEED: u64 = 2026;

/// The request that trains the default model of `algorithm` (the one a fresh install trains).
pub fn default_request(algorithm: Algorithm) -> TrainModel {
    TrainModel::new(Uuid::new_v4(), &TrainingSpec::default_for(algorithm))
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
