//! Start-up: load saved models, clean up after a crash, load the data set (or say why not).

use crate::helpers::{config, dataset_path, eventually, spawn_app, spawn_with};
use lifeboat_api_types::Algorithm;
use serde_json::{Value, json};

#[tokio::test]
async fn health_answers_at_once_and_ready_once_the_data_set_is_loaded() {
    let app = spawn_app().await;
    assert_eq!(app.get("/health").await.status(), 200);
    app.wait_until_ready().await;
    assert!(
        app.artifact_files().is_empty(),
        "the service trains nothing on its own"
    );
    let models: Vec<Value> = app.get("/models").await.json().await.unwrap();
    assert!(models.is_empty());
}

#[tokio::test]
async fn a_restarted_service_serves_its_saved_models_even_without_the_data_set() {
    let first = spawn_app().await;
    let model = first.train_default(Algorithm::Svm).await;
    let ask = json!({"pclass":2,"sex":"female","sibsp":0,"parch":0,"model_id": model.id});
    let before: Value = first.infer(ask.clone()).await.json().await.unwrap();

    // Same model folder, and a data set path that does not exist.
    let dir = first.model_dir;
    let missing = dir.path().join("no-such.csv");
    let second = spawn_with(config(dir.path(), missing), dir).await;
    let after: Value = eventually("the saved model answering", async || {
        let response = second.infer(ask.clone()).await;
        (response.status() == 200).then_some(response.json().await.unwrap())
    })
    .await;
    assert_eq!(before, after);
    // Without a data set it cannot train, and says so.
    assert_eq!(second.get("/ready").await.status(), 503);
}

#[tokio::test]
async fn files_left_by_an_interrupted_save_are_removed_at_start_up() {
    let model_dir = tempfile::tempdir().unwrap();
    // An earlier build's temporary file, and object_store's staging file.
    let leftovers = [
        ".tmp-abc123",
        "0b7e6a52-5c1d-4c55-9d1e-6f1a2b3c4d5e.model#1",
    ]
    .map(|name| model_dir.path().join(name));
    for leftover in &leftovers {
        std::fs::write(leftover, b"half a model").unwrap();
    }
    let app = spawn_with(config(model_dir.path(), dataset_path()), model_dir).await;
    app.wait_until_ready().await;
    for leftover in &leftovers {
        assert!(!leftover.exists(), "{}", leftover.display());
    }
}

#[tokio::test]
async fn a_wrong_data_set_keeps_the_service_up_and_unready_with_the_reason() {
    let model_dir = tempfile::tempdir().unwrap();
    let bad = model_dir.path().join("titanic.csv");
    std::fs::write(&bad, "Survived,Pclass\n1,1\n").unwrap();
    let app = spawn_with(config(model_dir.path(), bad), model_dir).await;

    let reason = eventually("the reason naming the sha256", async || {
        let response = app.get("/ready").await;
        assert_eq!(response.status(), 503);
        let body: Value = response.json().await.unwrap();
        let reason = body["reason"].as_str().unwrap_or_default().to_owned();
        reason.contains("sha256").then_some(reason)
    })
    .await;
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
