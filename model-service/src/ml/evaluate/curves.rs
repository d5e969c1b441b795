//! Probabilistic figures of predictions against labels: log loss, Brier score, the ROC and
//! precision–recall curves and the calibration table, each formed as scikit-learn forms it
//! (checked against scikit-learn in tests/reference/lab_check.py).

use lifeboat_api_types::evaluation_limits::{CALIBRATION_BINS, MAX_CURVE_POINTS};
use lifeboat_api_types::{CalibrationBin, PrPoint, RocPoint};

/// How far from 0 and 1 a probability is taken to be in the log loss, so a confident
/// mistake costs a large but finite amount.
const LOG_LOSS_EPSILON: f64 = 1e-15;

/// Mean negative log-likelihood of the labels.
pub fn log_loss(probs: &[f64], labels: &[bool]) -> f64 {
    mean(probs.iter().zip(labels).map(|(&p, &truth)| {
        let p = p.clamp(LOG_LOSS_EPSILON, 1.0 - LOG_LOSS_EPSILON);
        -(if truth { p.ln() } else { (1.0 - p).ln() })
    }))
}

/// Mean squared difference between the probability and the outcome (1 = survived).
pub fn brier(probs: &[f64], labels: &[bool]) -> f64 {
    mean(
        probs
            .iter()
            .zip(labels)
            .map(|(&p, &truth)| (p - f64::from(u8::from(truth))).powi(2)),
    )
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 { 0.0 } else { sum / n as f64 }
}

/// Cumulative (threshold, true positives, false positives) at each distinct score, highest
/// score first: predicting "survived" at `prob >= threshold`.
fn cumulative_counts(probs: &[f64], labels: &[bool]) -> Vec<(f64, f64, f64)> {
    let mut order: Vec<usize> = (0..probs.len()).collect();
    order.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]));
    let mut counts: Vec<(f64, f64, f64)> = Vec::new();
    let (mut tp, mut fp) = (0.0, 0.0);
    for (k, &i) in order.iter().enumerate() {
        if labels[i] {
            tp += 1.0;
        } else {
            fp += 1.0;
        }
        let last_of_its_score = order.get(k + 1).is_none_or(|&next| probs[next] != probs[i]);
        if last_of_its_score {
            counts.push((probs[i], tp, fp));
        }
    }
    counts
}

/// The ROC curve with every distinct threshold (scikit-learn's `roc_curve` with
/// `drop_intermediate=False`), thinned evenly to at most [`MAX_CURVE_POINTS`].
pub fn roc_curve(probs: &[f64], labels: &[bool]) -> Vec<RocPoint> {
    let positives = labels.iter().filter(|&&l| l).count() as f64;
    let negatives = labels.len() as f64 - positives;
    let rate = |n: f64, of: f64| if of > 0.0 { n / of } else { 0.0 };
    let start = RocPoint {
        threshold: None,
        false_positive_rate: 0.0,
        true_positive_rate: 0.0,
    };
    let points = std::iter::once(start)
        .chain(
            cumulative_counts(probs, labels)
                .into_iter()
                .map(|(threshold, tp, fp)| RocPoint {
                    threshold: Some(threshold),
                    false_positive_rate: rate(fp, negatives),
                    true_positive_rate: rate(tp, positives),
                }),
        )
        .collect();
    thin(points)
}

/// The precision–recall curve as scikit-learn's `precision_recall_curve` forms it (read from
/// its end): (recall 0, precision 1), then every distinct threshold from the highest down;
/// thinned evenly to at most [`MAX_CURVE_POINTS`].
pub fn pr_curve(probs: &[f64], labels: &[bool]) -> Vec<PrPoint> {
    let positives = labels.iter().filter(|&&l| l).count() as f64;
    let mut points = vec![PrPoint {
        threshold: None,
        precision: 1.0,
        recall: 0.0,
    }];
    for (threshold, tp, fp) in cumulative_counts(probs, labels) {
        let recall = if positives > 0.0 { tp / positives } else { 0.0 };
        points.push(PrPoint {
            threshold: Some(threshold),
            precision: tp / (tp + fp),
            recall,
        });
    }
    thin(points)
}

/// Keeps at most [`MAX_CURVE_POINTS`] points, spread evenly, the first and last included.
fn thin<T: Copy>(points: Vec<T>) -> Vec<T> {
    let n = points.len();
    if n <= MAX_CURVE_POINTS {
        return points;
    }
    (0..MAX_CURVE_POINTS)
        .map(|i| points[(i * (n - 1) + (MAX_CURVE_POINTS - 1) / 2) / (MAX_CURVE_POINTS - 1)])
        .collect()
}

/// The calibration table of scikit-learn's `calibration_curve(n_bins=10,
/// strategy="uniform")`: bin `i` holds the probabilities above edge `i` (edges `k / 10`)
/// and at most edge `i + 1`, the first bin from 0; empty bins are left out.
pub fn calibration(probs: &[f64], labels: &[bool]) -> Vec<CalibrationBin> {
    let inner_edges: Vec<f64> = (1..CALIBRATION_BINS)
        .map(|k| k as f64 * (1.0 / CALIBRATION_BINS as f64))
        .collect();
    let mut sums = [0.0; CALIBRATION_BINS];
    let mut positives = [0u32; CALIBRATION_BINS];
    let mut counts = [0u32; CALIBRATION_BINS];
    for (&p, &truth) in probs.iter().zip(labels) {
        let bin = inner_edges.iter().filter(|&&edge| edge < p).count();
        sums[bin] += p;
        positives[bin] += u32::from(truth);
        counts[bin] += 1;
    }
    (0..CALIBRATION_BINS)
        .filter(|&bin| counts[bin] > 0)
        .map(|bin| CalibrationBin {
            mean_predicted: sums[bin] / f64::from(counts[bin]),
            fraction_positive: f64::from(positives[bin]) / f64::from(counts[bin]),
            count: counts[bin],
        })
        .collect()
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    const PROBS: [f64; 6] = [0.9, 0.8, 0.3, 0.6, 0.2, 0.8];
    const LABELS: [bool; 6] = [true, true, true, false, false, false];

    #[test]
    fn a_perfectly_sure_right_answer_costs_nothing_and_a_coin_costs_a_quarter() {
        assert_eq!(brier(&[1.0, 0.0], &[true, false]), 0.0);
        assert_eq!(brier(&[0.5, 0.5], &[true, false]), 0.25);
        assert!((log_loss(&[0.5], &[true]) - std::f64::consts::LN_2).abs() < 1e-15);
        // A sure mistake is expensive, not infinite.
        assert!(log_loss(&[0.0], &[true]).is_finite());
    }

    #[test]
    fn the_roc_curve_steps_through_each_distinct_threshold_from_the_origin() {
        let curve = roc_curve(&PROBS, &LABELS);
        let points: Vec<(Option<f64>, f64, f64)> = curve
            .iter()
            .map(|p| (p.threshold, p.false_positive_rate, p.true_positive_rate))
            .collect();
        let third = 1.0 / 3.0;
        assert_eq!(
            points,
            [
                (None, 0.0, 0.0),
                (Some(0.9), 0.0, third),
                // The two 0.8s (a survivor and not) are one step.
                (Some(0.8), third, 2.0 * third),
                (Some(0.6), 2.0 * third, 2.0 * third),
                (Some(0.3), 2.0 * third, 1.0),
                (Some(0.2), 1.0, 1.0),
            ]
        );
    }

    #[test]
    fn the_pr_curve_starts_at_full_precision_and_steps_through_each_threshold() {
        let curve = pr_curve(&PROBS, &LABELS);
        let thresholds: Vec<Option<f64>> = curve.iter().map(|p| p.threshold).collect();
        assert_eq!(
            thresholds,
            [None, Some(0.9), Some(0.8), Some(0.6), Some(0.3), Some(0.2)]
        );
        assert_eq!((curve[0].precision, curve[0].recall), (1.0, 0.0));
        assert_eq!((curve[4].precision, curve[4].recall), (0.6, 1.0));
        assert_eq!((curve[5].precision, curve[5].recall), (0.5, 1.0));
    }

    #[test]
    fn a_long_curve_is_thinned_to_the_bound_keeping_both_ends() {
        let probs: Vec<f64> = (0..1000).map(|i| f64::from(i) / 1000.0).collect();
        let labels: Vec<bool> = (0..1000).map(|i| i % 3 == 0).collect();
        let curve = roc_curve(&probs, &labels);
        assert_eq!(curve.len(), MAX_CURVE_POINTS);
        assert_eq!(curve[0].threshold, None);
        assert_eq!(curve.last().unwrap().true_positive_rate, 1.0);
        assert_eq!(curve.last().unwrap().false_positive_rate, 1.0);
    }

    #[test]
    fn calibration_bins_are_closed_on_the_right_and_empty_ones_are_left_out() {
        let bins = calibration(&[0.05, 0.1, 0.15, 0.95], &[false, true, true, true]);
        // 0.05 and 0.1 share the first bin (its right edge is included), 0.15 the second.
        assert_eq!(bins.len(), 3);
        assert_eq!(bins[0].count, 2);
        assert!((bins[0].mean_predicted - 0.075).abs() < 1e-15);
        assert_eq!(bins[0].fraction_positive, 0.5);
        assert_eq!((bins[1].count, bins[2].count), (1, 1));
    }
}
