//! Start-up: load saved models, clean up after a crash, load the data set (a file, else the
//! copy built in) or say why not.

use crate::helpers::{config, dataset_path, eventually, spawn_app, spawn_with};
use lifeboat_api_types::Algorithm;
use lifeboat_model_service::ml::dataset::TITANIC_SHA256;
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
async fn a_restarted_service_serves_its_saved_models_even_with_a_wrong_data_set() {
    let first = spawn_app().await;
    let model = first.train_default(Algorithm::Svm).await;
    let ask = json!({"pclass":2,"sex":"female","sibsp":0,"parch":0,"model_id": model.id});
    let before: Value = first.predict(ask.clone()).await.json().await.unwrap();

    // Same model folder, and a file at the data set's path that is not the data set.
    let dir = first.model_dir;
    let wrong = dir.path().join("wrong.csv");
    std::fs::write(&wrong, "Survived,Pclass\n1,1\n").unwrap();
    let second = spawn_with(config(dir.path(), wrong), dir).await;
    let after: Value = eventually("the saved model answering", async || {
        let response = second.predict(ask.clone()).await;
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
async fn a_data_set_file_that_is_mended_later_makes_the_service_ready_without_a_restart() {
    let model_dir = tempfile::tempdir().unwrap();
    let later = model_dir.path().join("data/titanic.csv");
    std::fs::create_dir_all(later.parent().unwrap()).unwrap();
    std::fs::write(&later, "Survived,Pclass\n1,1\n").unwrap();
    let app = spawn_with(config(model_dir.path(), later.clone()), model_dir).await;
    assert_eq!(app.get("/ready").await.status(), 503);

    std::fs::copy(dataset_path(), &later).unwrap();
    app.wait_until_ready().await;
}

#[tokio::test]
async fn a_new_install_with_an_empty_data_folder_is_ready_on_the_built_in_copy() {
    let model_dir = tempfile::tempdir().unwrap();
    let empty = model_dir.path().join("data/titanic.csv");
    let app = spawn_with(config(model_dir.path(), empty), model_dir).await;
    app.wait_until_ready().await;
    let summary: Value = app.get("/dataset/summary").await.json().await.unwrap();
    assert_eq!(summary["sha256"], TITANIC_SHA256);
    assert_eq!(summary["passengers"], 891);
    app.train_default(Algorithm::RandomForest).await;
}

#[tokio::test]
async fn an_upgraded_install_whose_data_volume_holds_the_downloaded_copy_starts_from_it() {
    // What versions up to 0.9.0-rc2 left on the lifeboat-data volume: the same file.
    let model_dir = tempfile::tempdir().unwrap();
    let downloaded = model_dir.path().join("data/titanic.csv");
    std::fs::create_dir_all(downloaded.parent().unwrap()).unwrap();
    std::fs::copy(dataset_path(), &downloaded).unwrap();
    let app = spawn_with(config(model_dir.path(), downloaded), model_dir).await;
    app.wait_until_ready().await;
    let summary: Value = app.get("/dataset/summary").await.json().await.unwrap();
    assert_eq!(summary["sha256"], TITANIC_SHA256);
    app.train_default(Algorithm::Svm).await;
}
