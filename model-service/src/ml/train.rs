//! Training end to end: split, fit the preprocessing on the training rows, grow the model,
//! score it on the held-out rows, and wrap it all into an artifact.

use crate::ml::artifact::{ModelArtifact, ModelBody};
use crate::ml::{Dataset, Feature, Forest, ForestParams, Preprocessing, evaluate};
use chrono::Utc;
use ndarray::Array1;
use std::time::Instant;
use uuid::Uuid;

/// Share of the rows held out for evaluation.
pub const TEST_SHARE: f64 = 0.2;
/// Seed of the held-out split, fixed so every model is judged on the same passengers.
pub const SPLIT_SEED: u64 = 2024;

/// What to train.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingSpec {
    pub name: String,
    pub features: Vec<Feature>,
    pub params: ForestParams,
}

impl TrainingSpec {
    /// The model a fresh install starts with: a forest on every feature.
    pub fn default_forest() -> Self {
        Self {
            name: "default random forest".into(),
            features: Feature::ALL.to_vec(),
            params: ForestParams::default(),
        }
    }
}

/// Trains a random forest as `spec` says and returns its artifact, not yet saved.
pub fn train_forest(
    dataset: &Dataset,
    spec: &TrainingSpec,
) -> Result<ModelArtifact, linfa::error::Error> {
    let started = Instant::now();
    let labels: Vec<bool> = dataset.records.iter().map(|r| r.survived).collect();
    let (train_rows, test_rows) = evaluate::stratified_split(&labels, TEST_SHARE, SPLIT_SEED);
    let train: Vec<_> = train_rows.iter().map(|&i| dataset.records[i]).collect();
    let preprocessing = Preprocessing::fit(&train, &spec.features);

    let x = preprocessing.encode_all(train.iter().map(|r| &r.passenger));
    let y: Array1<usize> = train.iter().map(|r| usize::from(r.survived)).collect();
    let forest = Forest::train(x, y, &spec.params)?;

    let x_test = preprocessing.encode_all(test_rows.iter().map(|&i| &dataset.records[i].passenger));
    let test_labels: Vec<bool> = test_rows.iter().map(|&i| labels[i]).collect();
    let metrics = evaluate::metrics(
        &forest.predict_proba(x_test.view()),
        &test_labels,
        train.len(),
    );

    Ok(ModelArtifact {
        format_version: crate::ml::artifact::FORMAT_VERSION,
        id: Uuid::new_v4(),
        name: spec.name.clone(),
        created_at: Utc::now(),
        dataset_sha256: dataset.sha256.clone(),
        preprocessing,
        metrics,
        training_seconds: started.elapsed().as_secs_f64(),
        body: ModelBody::RandomForest {
            params: spec.params.clone(),
            forest,
        },
    })
}
