//! How good a model is: a seeded, stratified held-out split and the usual classifier
//! metrics; cross-validation, curves and permutation importance in the modules below.

pub mod cross_validation;
pub mod curves;
pub mod importance;

pub use lifeboat_api_types::ModelMetrics as Metrics;
use lifeboat_api_types::SURVIVAL_THRESHOLD;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_xoshiro::Xoshiro256Plus;

/// Splits row indices into (train, test), keeping the survivor share equal in both.
pub fn stratified_split(labels: &[bool], test_share: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for class in [false, true] {
        let mut rows: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        rows.shuffle(&mut rng);
        let n_test = (rows.len() as f64 * test_share).round() as usize;
        test.extend_from_slice(&rows[..n_test]);
        train.extend_from_slice(&rows[n_test..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    (train, test)
}

/// Assigns each row to one of `folds` folds, keeping the survivor share equal in each:
/// each class's rows are shuffled and dealt out in turn, the dealing carried on from one
/// class to the next so fold sizes differ by at most one. Returns each row's fold.
pub fn stratified_folds(labels: &[bool], folds: usize, seed: u64) -> Vec<usize> {
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    let mut assignment = vec![0; labels.len()];
    let mut dealt = 0;
    for class in [false, true] {
        let mut rows: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        rows.shuffle(&mut rng);
        for row in rows {
            assignment[row] = dealt % folds;
            dealt += 1;
        }
    }
    assignment
}

/// Scores predicted probabilities against the true labels (threshold 0.5).
pub fn metrics(probs: &[f64], labels: &[bool], train_rows: usize) -> Metrics {
    let mut cm = [[0u32; 2]; 2];
    for (&p, &truth) in probs.iter().zip(labels) {
        cm[usize::from(truth)][usize::from(p >= SURVIVAL_THRESHOLD)] += 1;
    }
    let [[tn, fp], [fn_, tp]] = cm.map(|row| row.map(f64::from));
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let precision = ratio(tp, tp + fp);
    let recall = ratio(tp, tp + fn_);
    Metrics {
        accuracy: ratio(tp + tn, tp + tn + fp + fn_),
        precision,
        recall,
        f1: ratio(2.0 * precision * recall, precision + recall),
        roc_auc: roc_auc(probs, labels),
        confusion_matrix: cm,
        train_rows: u32::try_from(train_rows).unwrap_or(u32::MAX),
        test_rows: u32::try_from(labels.len()).unwrap_or(u32::MAX),
    }
}

/// Area under the ROC curve as the Mann–Whitney statistic, ties counted as half.
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> f64 {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut ranks = vec![0.0; scores.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        let average = (i + j) as f64 / 2.0 + 1.0;
        for k in i..=j {
            ranks[order[k]] = average;
        }
        i = j + 1;
    }
    let positives = labels.iter().filter(|&&l| l).count() as f64;
    let negatives = labels.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return 0.5;
    }
    let positive_rank_sum: f64 = ranks
        .iter()
        .zip(labels)
        .filter(|(_, l)| **l)
        .map(|(r, _)| r)
        .sum();
    (positive_rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives)
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn the_split_keeps_the_class_shares_and_loses_no_row() {
        let labels: Vec<bool> = (0..100).map(|i| i % 4 == 0).collect();
        let (train, test) = stratified_split(&labels, 0.2, 7);
        assert_eq!(train.len() + test.len(), 100);
        assert_eq!(test.len(), 20);
        assert_eq!(test.iter().filter(|&&i| labels[i]).count(), 5);
        let mut all: Vec<usize> = train.iter().chain(&test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn the_split_is_the_same_for_the_same_seed() {
        let labels: Vec<bool> = (0..50).map(|i| i % 3 == 0).collect();
        assert_eq!(
            stratified_split(&labels, 0.2, 1),
            stratified_split(&labels, 0.2, 1)
        );
    }

    #[test]
    fn folds_share_out_every_row_and_each_class_evenly() {
        let labels: Vec<bool> = (0..103).map(|i| i % 3 == 0).collect();
        let folds = stratified_folds(&labels, 5, 11);
        for fold in 0..5 {
            let rows: Vec<usize> = (0..103).filter(|&i| folds[i] == fold).collect();
            assert!(
                (20..=21).contains(&rows.len()),
                "fold {fold}: {}",
                rows.len()
            );
            let survivors = rows.iter().filter(|&&i| labels[i]).count();
            assert!((6..=7).contains(&survivors), "fold {fold}: {survivors}");
        }
        assert_eq!(folds, stratified_folds(&labels, 5, 11));
        assert_ne!(folds, stratified_folds(&labels, 5, 12));
    }

    #[test]
    fn metrics_match_a_hand_counted_example() {
        // tp = 2, fn = 1, fp = 1, tn = 2
        let probs = [0.9, 0.8, 0.3, 0.6, 0.2, 0.1];
        let labels = [true, true, true, false, false, false];
        let m = metrics(&probs, &labels, 10);
        assert_eq!(m.confusion_matrix, [[2, 1], [1, 2]]);
        assert!((m.accuracy - 4.0 / 6.0).abs() < 1e-12);
        assert!((m.precision - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.recall - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.f1 - 2.0 / 3.0).abs() < 1e-12);
        // 8 of the 9 positive/negative pairs are ordered right.
        assert!((m.roc_auc - 8.0 / 9.0).abs() < 1e-12);
        assert_eq!((m.train_rows, m.test_rows), (10, 6));
    }

    #[test]
    fn tied_scores_count_half_in_the_auc() {
        assert!((roc_auc(&[0.5, 0.5], &[true, false]) - 0.5).abs() < 1e-12);
    }
}
