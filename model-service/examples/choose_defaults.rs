//! Chooses the default forest's and SVM's parameters and inputs by 5-fold cross-validation
//! on the training rows (never the held-out split): every candidate below is
//! cross-validated on the folds every model gets, and the table is printed best first
//! (mean accuracy, then mean log loss). Run it with `bench/choose-defaults.sh` when the data
//! or the training code changes, and copy the winners into `ForestParams::default()` /
//! `SvmParams::default()` (crates/api-types) and the table into docs/architecture.md.

use lifeboat_api_types::{
    CrossValidation, Estimator, EvaluationParams, Feature, ForestParams, Kernel, SvmParams,
};
use lifeboat_model_service::ml::dataset;
use lifeboat_model_service::ml::evaluate::cross_validation::cross_validate;
use lifeboat_model_service::ml::rows::training_records;
use lifeboat_model_service::ml::train::{FOLD_SEED, default_request, train};
use std::path::PathBuf;

fn main() {
    // A path given is read (and checked as the service checks it); else the built-in copy.
    let data = std::env::args_os()
        .nth(1)
        .map_or_else(dataset::built_in, |path| {
            dataset::read_titanic(&PathBuf::from(path)).expect("the Titanic data set at that path")
        });
    let training_rows = training_records(&data);
    let folds = EvaluationParams::default().folds;

    let with_family: Vec<Feature> = Feature::BASIC
        .iter()
        .copied()
        .chain([Feature::FamilySize, Feature::IsAlone])
        .collect();
    let inputs = [
        ("the 7 inputs", Feature::BASIC.to_vec()),
        ("7 + family", with_family),
    ];

    let mut forests = Vec::new();
    for trees in [50, 100, 200] {
        for max_depth in [Some(4), Some(6), Some(8), None] {
            for feature_share in [0.5, 0.7, 1.0] {
                forests.push(Estimator::RandomForest(ForestParams {
                    trees,
                    max_depth,
                    feature_share,
                    ..ForestParams::default()
                }));
            }
        }
    }
    let mut svms = vec![Estimator::Svm(SvmParams {
        kernel: Kernel::Linear,
        ..SvmParams::default()
    })];
    for c in [0.3, 1.0, 3.0, 10.0] {
        for kernel_width in [3.0, 10.0, 30.0] {
            svms.push(Estimator::Svm(SvmParams {
                kernel: Kernel::Gaussian,
                c,
                kernel_width,
            }));
        }
    }

    for (label, candidates) in [("forest", forests), ("SVM", svms)] {
        let mut rows: Vec<(String, String, CrossValidation)> = Vec::new();
        for (inputs_label, features) in &inputs {
            for estimator in &candidates {
                let cv = cross_validate(&training_rows, features, estimator, folds, FOLD_SEED)
                    .expect("cross-validate");
                rows.push((
                    (*inputs_label).to_owned(),
                    estimator.params_json().to_string(),
                    cv,
                ));
            }
        }
        rows.sort_by(|a, b| {
            b.2.accuracy
                .mean
                .total_cmp(&a.2.accuracy.mean)
                .then(a.2.log_loss.mean.total_cmp(&b.2.log_loss.mean))
        });
        println!(
            "\n## {label}: {} candidates, {folds}-fold CV on {} training rows\n",
            rows.len(),
            training_rows.len()
        );
        println!("| inputs | parameters | accuracy | ROC AUC | log loss | Brier |");
        println!("| --- | --- | --- | --- | --- | --- |");
        for (inputs_label, params, cv) in rows.iter().take(8) {
            println!(
                "| {inputs_label} | `{params}` | {:.3} ± {:.3} | {:.3} ± {:.3} | {:.3} | {:.3} |",
                cv.accuracy.mean,
                cv.accuracy.std_dev,
                cv.roc_auc.mean,
                cv.roc_auc.std_dev,
                cv.log_loss.mean,
                cv.brier.mean
            );
        }
    }

    // Reported, never used to choose: the defaults as they stand, on the held-out split.
    println!("\n## the defaults as they stand\n");
    for algorithm in lifeboat_api_types::Algorithm::ALL {
        let model = train(&data, &default_request(algorithm)).expect("train");
        let cv = &model
            .evaluation
            .as_ref()
            .expect("evaluated")
            .cross_validation;
        println!(
            "- {algorithm} `{}` on {} inputs: CV accuracy {:.3} ± {:.3}, held-out accuracy {:.4}, ROC AUC {:.4}",
            model.estimator().params_json(),
            model.preprocessing.features.len(),
            cv.accuracy.mean,
            cv.accuracy.std_dev,
            model.metrics.accuracy,
            model.metrics.roc_auc
        );
    }
}
