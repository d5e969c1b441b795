//! `/models` over HTTP: train, list, show, delete.

use crate::helpers::spawn_app;
use lifeboat_api_types::{Algorithm, TrainedModel};
use serde_json::{Value, json};

#[tokio::test]
async fn a_trained_model_is_saved_listed_and_described() {
    let app = spawn_app().await;
    let model = app.train_default(Algorithm::RandomForest).await;
    assert_eq!(model.estimator.algorithm(), Algorithm::RandomForest);
    assert!(model.metrics.accuracy >= 0.78);
    assert_eq!(model.artifact_sha256.len(), 64);
    assert_eq!(
        app.artifact_files(),
        [app.model_dir.path().join(&model.artifact_file)]
    );

    let listed: Vec<TrainedModel> = app.get("/models").await.json().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0], model);
    let shown: TrainedModel = app
        .get(&format!("/models/{}", model.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown, model);
}

#[tokio::test]
async fn a_bad_training_request_gets_422_naming_the_field() {
    let app = spawn_app().await;
    app.wait_until_ready().await;
    let base = json!({
        "model_id": "8f9a8f4e-2a53-4b6e-9d55-1c2f3a4b5c6d", "name": "x", "features": ["age"],
        "estimator": {"algorithm": "random_forest", "params": {}}
    });
    let cases = [
        ("features", json!({"features": []})),
        ("features[0]", json!({"features": ["cabin"]})),
        (
            "params.trees",
            json!({"estimator": {"algorithm": "random_forest", "params": {"trees": 0}}}),
        ),
        (
            "estimator.algorithm",
            json!({"estimator": {"algorithm": "knn", "params": {}}}),
        ),
    ];
    for (field, change) in cases {
        let mut body = base.clone();
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        let response = app.train(&body).await;
        assert_eq!(response.status(), 422, "{field}");
        let error: Value = response.json().await.unwrap();
        let fields = error["fields"].as_object().unwrap();
        assert!(
            fields.keys().any(|k| k.starts_with(field)),
            "{field}: {error}"
        );
    }
    assert!(app.artifact_files().is_empty());
}

#[tokio::test]
async fn a_second_model_with_the_same_id_gets_409() {
    let app = spawn_app().await;
    let model = app.train_default(Algorithm::Svm).await;
    let again = json!({
        "model_id": model.id, "name": "again", "features": ["age"],
        "estimator": {"algorithm": "svm", "params": {}}
    });
    assert_eq!(app.train(&again).await.status(), 409);
}

#[tokio::test]
async fn deleting_a_model_removes_its_file_and_it_stops_answering() {
    let app = spawn_app().await;
    let model = app.train_default(Algorithm::Svm).await;
    let url = format!("{}/models/{}", app.address, model.id);

    let deleted = app.client.delete(&url).send().await.unwrap();
    assert_eq!(deleted.status(), 204);
    assert!(app.artifact_files().is_empty());
    let ask = json!({"pclass":1,"sex":"female","sibsp":0,"parch":0,"model_id": model.id});
    assert_eq!(app.predict(ask).await.status(), 404);
    assert_eq!(app.client.delete(&url).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn an_id_that_is_not_a_uuid_gets_422_naming_it() {
    let app = spawn_app().await;
    let response = app.get("/models/not-a-uuid").await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert!(body["fields"]["id"].is_string(), "{body}");
}

#[tokio::test]
async fn training_counts_and_times_by_algorithm_in_the_metrics() {
    // The recorder is global to the test process, so other tests' trainings count too.
    let app = spawn_app().await;
    app.train_default(Algorithm::Svm).await;
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains(r#"model_trainings_total{algorithm="svm",status="succeeded"}"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"model_training_duration_seconds_count{algorithm="svm"}"#),
        "{metrics}"
    );
}
