//! The evaluation saved with every model: its figures are the ones scikit-learn (PyPI)
//! computes for the same predictions, and its cross-validation lands where scikit-learn's
//! forest and SVM land on the same folds (tests/reference/lab_check.py); models saved
//! before it existed still load, list and predict.

use crate::helpers::{
    artifact, overwrite_artifact, reference_check, restart, spawn_app, titanic, typed,
};
use lifeboat_api_types::{Algorithm, Estimator, Feature, TrainedModel};
use lifeboat_model_service::ml::evaluate::stratified_folds;
use lifeboat_model_service::ml::rows::{held_out_records, training_records};
use lifeboat_model_service::ml::train::FOLD_SEED;
use serde_json::json;

#[tokio::test]
async fn cross_validation_curves_and_calibration_agree_with_scikit_learn() {
    let app = spawn_app().await;
    app.wait_until_ready().await;
    // The forest scikit-learn's is compared with: 100 trees of depth 6 on the seven inputs.
    let response = app
        .train(&json!({
            "model_id": uuid::Uuid::new_v4(), "name": "reference forest",
            "features": Feature::BASIC,
            "estimator": {"algorithm": "random_forest", "params": {"trees": 100, "max_depth": 6}},
        }))
        .await;
    assert_eq!(response.status(), 201);
    let forest: TrainedModel = response.json().await.unwrap();
    let svm = app.train_default(Algorithm::Svm).await;
    let Estimator::Svm(svm_params) = &svm.estimator else {
        panic!("not an SVM")
    };
    assert_eq!(svm.features, Feature::BASIC);
    let data = titanic().await;
    let train = training_records(&data);
    let test = held_out_records(&data);

    // The fold assignment the service used: each fold's size is the one it reports.
    let labels: Vec<bool> = train.iter().map(|r| r.survived).collect();
    let folds = stratified_folds(&labels, 5, FOLD_SEED);
    for model in [&forest, &svm] {
        let cv = &model.evaluation.as_ref().unwrap().cross_validation;
        assert_eq!(cv.folds.len(), 5);
        for (k, fold) in cv.folds.iter().enumerate() {
            let size = folds.iter().filter(|&&f| f == k).count();
            assert_eq!(fold.rows as usize, size, "fold {k}");
        }
        let mean = cv.folds.iter().map(|f| f.accuracy).sum::<f64>() / 5.0;
        assert!((mean - cv.accuracy.mean).abs() < 1e-12);
    }

    // One model's held-out predictions, and every figure we made of them.
    let forest_model = artifact(&app, forest.id);
    let probs: Vec<f64> = test
        .iter()
        .map(|r| forest_model.predict(&r.passenger))
        .collect();
    let evaluation = forest.evaluation.as_ref().unwrap();
    let fixture = json!({
        "train": train.iter().map(|r| typed(&r.passenger)).collect::<Vec<_>>(),
        "survived": labels,
        "folds": folds,
        "svm": {"c": svm_params.c, "kernel_width": svm_params.kernel_width},
        "cv_accuracy": {
            "random_forest": forest.evaluation.as_ref().unwrap().cross_validation.accuracy.mean,
            "svm": svm.evaluation.as_ref().unwrap().cross_validation.accuracy.mean,
        },
        "held_out": {
            "probs": probs,
            "survived": test.iter().map(|r| r.survived).collect::<Vec<_>>(),
            "roc_auc": forest.metrics.roc_auc,
            "log_loss": evaluation.held_out.log_loss,
            "brier": evaluation.held_out.brier,
            "roc_curve": evaluation.held_out.roc_curve,
            "pr_curve": evaluation.held_out.pr_curve,
            "calibration": evaluation.held_out.calibration,
        },
    });
    let said = reference_check("lab_check.py", &fixture).await;
    assert!(said.contains("scikit-learn agrees"));
}

#[tokio::test]
async fn importance_ranks_sex_first_and_covers_only_the_inputs_the_model_uses() {
    let app = spawn_app().await;
    app.wait_until_ready().await;
    let response = app
        .train(&json!({
            "model_id": uuid::Uuid::new_v4(), "name": "three inputs",
            "features": ["sex", "pclass", "family_size"],
            "estimator": {"algorithm": "random_forest", "params": {"trees": 30}},
            "evaluation": {"folds": 3, "importance_repeats": 4},
        }))
        .await;
    assert_eq!(response.status(), 201);
    let model: TrainedModel = response.json().await.unwrap();
    let evaluation = model.evaluation.unwrap();
    assert_eq!(evaluation.params.folds, 3);
    assert_eq!(evaluation.cross_validation.folds.len(), 3);
    let inputs: Vec<&str> = evaluation
        .importance
        .iter()
        .map(|i| i.feature.as_str())
        .collect();
    // family_size is made of sibsp and parch; age, fare and the port are not used.
    assert_eq!(inputs.len(), 4, "{inputs:?}");
    assert_eq!(inputs[0], "sex");
    for input in ["pclass", "sibsp", "parch"] {
        assert!(inputs.contains(&input), "{inputs:?}");
    }
    assert!(evaluation.importance[0].accuracy_drop.mean > 0.1);
}

#[tokio::test]
async fn evaluation_settings_out_of_range_are_refused_with_the_field_named() {
    let app = spawn_app().await;
    app.wait_until_ready().await;
    let response = app
        .train(&json!({
            "model_id": uuid::Uuid::new_v4(), "name": "x", "features": ["sex"],
            "estimator": {"algorithm": "svm", "params": {}},
            "evaluation": {"folds": 11, "importance_repeats": 0},
        }))
        .await;
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["fields"]["evaluation.folds"].is_string(), "{body}");
    assert!(body["fields"]["evaluation.importance_repeats"].is_string());
}

#[tokio::test]
async fn a_model_saved_before_evaluations_loads_lists_and_predicts_without_one() {
    let app = spawn_app().await;
    let id = app.train_default(Algorithm::Svm).await.id;
    // Rewrite its file as format 2 had it: that header, no evaluation.
    let mut old = artifact(&app, id);
    old.evaluation = None;
    old.format_version = 2;
    let path = overwrite_artifact(&app, &old);
    let bytes = std::fs::read(&path).unwrap();
    let body_at = bytes.iter().position(|&b| b == b'\n').unwrap();
    let mut v2 = b"LIFEBOAT-MODEL 2".to_vec();
    v2.extend_from_slice(&bytes[body_at..]);
    std::fs::write(&path, v2).unwrap();

    let restarted = restart(&app).await;
    let listed: Vec<TrainedModel> = restarted.get("/models").await.json().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, id);
    assert!(listed[0].evaluation.is_none());
    let response = restarted
        .predict(json!({"model_id": id, "pclass": 1, "sex": "female", "sibsp": 0, "parch": 0}))
        .await;
    assert_eq!(response.status(), 200);
}
