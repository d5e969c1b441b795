"""Checks Lifeboat's model evaluation against scikit-learn (the reference implementation).

Reads the fixture a Rust test writes (model-service/tests/api/evaluation.rs) and exits
non-zero, saying where, when one of our figures differs from scikit-learn's:

- cross-validation: on our fold assignment of our training rows, with the preprocessing
  learnt inside each fold as ours is (median age and fare, modal port, one-hot port,
  standardisation for the SVM), `RandomForestClassifier(n_estimators=100, max_depth=6)` and
  `SVC(probability=True)` with our default SVM's C and kernel width (gamma = 1 / width), both
  seeded, reach a 5-fold mean accuracy within 0.03 of our forest of the same shape and of our
  default SVM;
- held out: for our forest's predictions of the held-out rows, `roc_auc_score`,
  `brier_score_loss` and `log_loss` equal ours to 1e-9, `roc_curve(drop_intermediate=False)`
  and `precision_recall_curve` equal our curves, and `calibration_curve(n_bins=10)` equals
  our calibration table (and `np.histogram` its counts).

    python lab_check.py FIXTURE.json
"""

import json
import sys

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import (
    brier_score_loss,
    log_loss,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)
from sklearn.svm import SVC

CV_BOUND = 0.03
FIGURE_BOUND = 1e-9


def fail(message):
    sys.exit(f"FAIL: {message}")


def encode(rows, fitted_on):
    """Our seven inputs as the model's columns, unknowns filled from `fitted_on`."""
    known = lambda i: [r[i] for r in fitted_on if r[i] is not None]
    age, fare = np.median(known(2)), np.median(known(5))
    ports = known(6)
    # Ties go to S, then C, then Q, as ours do.
    port_mode = max([0, 1, 2], key=lambda p: (ports.count(p), -p))
    out = []
    for pclass, female, a, sibsp, parch, f, port in rows:
        port = port_mode if port is None else port
        out.append(
            [pclass, female, age if a is None else a, sibsp, parch, fare if f is None else f]
            + [1.0 if port == k else 0.0 for k in range(3)]
        )
    return np.asarray(out, dtype=float)


def cross_validation(fixture):
    rows, y, folds = fixture["train"], np.asarray(fixture["survived"]), np.asarray(fixture["folds"])
    theirs = {"random_forest": [], "svm": []}
    for k in sorted(set(folds)):
        fit_rows = [r for r, f in zip(rows, folds) if f != k]
        judged_rows = [r for r, f in zip(rows, folds) if f == k]
        x_fit, x_judged = encode(fit_rows, fit_rows), encode(judged_rows, fit_rows)
        y_fit, y_judged = y[folds != k], y[folds == k]

        forest = RandomForestClassifier(n_estimators=100, max_depth=6, random_state=0)
        forest.fit(x_fit, y_fit)
        p = forest.predict_proba(x_judged)[:, 1]
        theirs["random_forest"].append(np.mean((p >= 0.5) == y_judged))

        mean, std = x_fit.mean(axis=0), x_fit.std(axis=0)
        std[std <= np.finfo(float).eps] = 1.0
        params = fixture["svm"]
        svc = SVC(probability=True, C=params["c"], gamma=1.0 / params["kernel_width"], random_state=0)
        svc.fit((x_fit - mean) / std, y_fit)
        p = svc.predict_proba((x_judged - mean) / std)[:, 1]
        theirs["svm"].append(np.mean((p >= 0.5) == y_judged))
    for algorithm, accuracies in theirs.items():
        ours = fixture["cv_accuracy"][algorithm]
        theirs_mean = float(np.mean(accuracies))
        print(f"{algorithm}: 5-fold mean accuracy ours {ours:.4f}, scikit-learn {theirs_mean:.4f}")
        if not abs(ours - theirs_mean) <= CV_BOUND:
            fail(f"{algorithm}: |{ours} - {theirs_mean}| > {CV_BOUND}")


def close(label, ours, theirs, bound=FIGURE_BOUND):
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    if ours.shape != theirs.shape:
        fail(f"{label}: {ours.shape[0] if ours.ndim else 1} values vs {theirs.shape}")
    worst = float(np.max(np.abs(ours - theirs))) if ours.size else 0.0
    print(f"{label}: max |difference| = {worst:.3e}")
    if not worst <= bound:
        fail(f"{label}: ours {ours} vs scikit-learn {theirs}")


def held_out(fixture):
    h = fixture["held_out"]
    probs, y = np.asarray(h["probs"]), np.asarray(h["survived"], dtype=int)
    close("roc_auc", h["roc_auc"], roc_auc_score(y, probs))
    close("brier", h["brier"], brier_score_loss(y, probs))
    close("log_loss", h["log_loss"], log_loss(y, np.clip(probs, 1e-15, 1 - 1e-15)))

    fpr, tpr, thresholds = roc_curve(y, probs, drop_intermediate=False)
    ours = h["roc_curve"]
    close("roc_curve fpr", [p["false_positive_rate"] for p in ours], fpr)
    close("roc_curve tpr", [p["true_positive_rate"] for p in ours], tpr)
    if ours[0]["threshold"] is not None or not np.isinf(thresholds[0]):
        fail("the ROC curve's first point is not the one above every score")
    close("roc_curve thresholds", [p["threshold"] for p in ours[1:]], thresholds[1:])

    precision, recall, thresholds = precision_recall_curve(y, probs)
    ours = h["pr_curve"]
    close("pr_curve precision", [p["precision"] for p in ours], precision[::-1])
    close("pr_curve recall", [p["recall"] for p in ours], recall[::-1])
    close("pr_curve thresholds", [p["threshold"] for p in ours[1:]], thresholds[::-1])

    fraction, mean_predicted = calibration_curve(y, probs, n_bins=10, strategy="uniform")
    ours = h["calibration"]
    close("calibration mean predicted", [b["mean_predicted"] for b in ours], mean_predicted)
    close("calibration fraction positive", [b["fraction_positive"] for b in ours], fraction)
    bins = np.searchsorted(np.linspace(0.0, 1.0, 11)[1:-1], probs)
    counts = np.bincount(bins, minlength=10)
    close("calibration counts", [b["count"] for b in ours], counts[counts > 0], 0)


def main():
    with open(sys.argv[1]) as f:
        fixture = json.load(f)
    cross_validation(fixture)
    held_out(fixture)
    print("scikit-learn agrees")


if __name__ == "__main__":
    main()
