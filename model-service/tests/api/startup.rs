//! Start-up: train and save a default model, reuse saved ones, report an unusable data set.

use crate::helpers::{config, dataset_path, spawn_app, spawn_with};
use serde_json::Value;

#[tokio::test]
async fn health_answers_at_once_and_ready_once_the_default_model_exists() {
    let app = spawn_app().await;
    assert_eq!(app.get("/health").await.status(), 200);
    app.wait_until_ready().await;
    let saved: Vec<_> = std::fs::read_dir(app.model_dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "model"))
        .collect();
    assert_eq!(saved.len(), 1, "one artifact saved: {saved:?}");
}

#[tokio::test]
async fn a_restarted_service_loads_the_saved_model_instead_of_training_again() {
    let first = spawn_app().await;
    first.wait_until_ready().await;
    let before: Value = first
        .infer(serde_json::json!({"pclass":2,"sex":"female","sibsp":0,"parch":0}))
        .await
        .json()
        .await
        .unwrap();

    // Same model folder, and a data set path that does not exist: it must not need it.
    let dir = first.model_dir;
    let missing = dir.path().join("no-such.csv");
    let second = spawn_with(config(dir.path(), missing), dir).await;
    second.wait_until_ready().await;
    let after: Value = second
        .infer(serde_json::json!({"pclass":2,"sex":"female","sibsp":0,"parch":0}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(before, after);
}

#[tokio::test]
async fn a_wrong_data_set_keeps_the_service_up_and_unready_with_the_reason() {
    let model_dir = tempfile::tempdir().unwrap();
    let bad = model_dir.path().join("titanic.csv");
    std::fs::write(&bad, "Survived,Pclass\n1,1\n").unwrap();
    let app = spawn_with(config(model_dir.path(), bad), model_dir).await;

    let mut reason = String::new();
    for _ in 0..100 {
        let response = app.get("/ready").await;
        assert_eq!(response.status(), 503);
        let body: Value = response.json().await.unwrap();
        reason = body["reason"].as_str().unwrap_or_default().to_owned();
        if reason.contains("sha256") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(reason.contains("sha256"), "reason: {reason}");
    assert_eq!(app.get("/health").await.status(), 200);
}

#[tokio::test]
async fn a_data_set_that_appears_later_makes_the_service_ready_without_a_restart() {
    let model_dir = tempfile::tempdir().unwrap();
    let later = model_dir.path().join("data/titanic.csv");
    let app = spawn_with(config(model_dir.path(), later.clone()), model_dir).await;
    assert_eq!(app.get("/ready").await.status(), 503);

    std::fs::create_dir_all(later.parent().unwrap()).unwrap();
    std::fs::copy(dataset_path(), &later).unwrap();
    app.wait_until_ready().await;
}
