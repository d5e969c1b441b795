//! Stratified k-fold cross-validation: each fold is judged by a model fitted on the other
//! folds, its preprocessing (medians, modal port, scaling) learnt from those folds alone.

use crate::ml::evaluate::{curves, metrics, roc_auc, stratified_folds};
use crate::ml::fit::{TrainingError, fit};
use crate::ml::{Feature, Record};
use lifeboat_api_types::{CrossValidation, Estimator, FoldScores, Spread};

/// Cross-validates `estimator` on `features` over `records` in `folds` folds dealt with
/// `seed` (see [`stratified_folds`]).
pub fn cross_validate(
    records: &[Record],
    features: &[Feature],
    estimator: &Estimator,
    folds: usize,
    seed: u64,
) -> Result<CrossValidation, TrainingError> {
    let labels: Vec<bool> = records.iter().map(|r| r.survived).collect();
    let assignment = stratified_folds(&labels, folds, seed);
    let mut scores = Vec::with_capacity(folds);
    for fold in 0..folds {
        let in_fold = |i: &usize| assignment[*i] == fold;
        let train: Vec<Record> = (0..records.len())
            .filter(|i| !in_fold(i))
            .map(|i| records[i])
            .collect();
        let judged: Vec<&Record> = (0..records.len())
            .filter(in_fold)
            .map(|i| &records[i])
            .collect();
        let model = fit(&train, features, estimator)?;
        let probs = model.predict(judged.iter().map(|r| &r.passenger));
        let truth: Vec<bool> = judged.iter().map(|r| r.survived).collect();
        scores.push(FoldScores {
            rows: u32::try_from(truth.len()).unwrap_or(u32::MAX),
            accuracy: metrics(&probs, &truth, 0).accuracy,
            roc_auc: roc_auc(&probs, &truth),
            log_loss: curves::log_loss(&probs, &truth),
            brier: curves::brier(&probs, &truth),
        });
    }
    let spread =
        |figure: fn(&FoldScores) -> f64| Spread::of(&scores.iter().map(figure).collect::<Vec<_>>());
    Ok(CrossValidation {
        accuracy: spread(|s| s.accuracy),
        roc_auc: spread(|s| s.roc_auc),
        log_loss: spread(|s| s.log_loss),
        brier: spread(|s| s.brier),
        folds: scores,
    })
}
