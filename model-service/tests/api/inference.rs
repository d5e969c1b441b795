//! `POST /inference` over HTTP against a service with trained models.

use crate::helpers::spawn_app;
use lifeboat_api_types::{
    Algorithm, BatchResult, INFERENCE_BATCH_MAX, InferenceBatchAnswer, InferenceResponse,
};
use lifeboat_test_support::third_class_man;
use serde_json::{Value, json};

/// [`third_class_man`] asked of the model `model_id`.
fn third_class_man_of(model_id: impl serde::Serialize) -> Value {
    let mut man = third_class_man();
    man["model_id"] = json!(model_id);
    man
}

#[tokio::test]
async fn a_poor_young_man_is_predicted_to_drown_and_a_rich_woman_to_survive() {
    let app = spawn_app().await;
    let forest = app.train_default(Algorithm::RandomForest).await.id;

    let man = app.predict(third_class_man_of(forest)).await;
    assert_eq!(man.status(), 200);
    let man: Value = man.json().await.unwrap();
    assert!(man["prob"].as_f64().unwrap() < 0.5, "{man}");
    assert_eq!(man["survived"], false);
    assert_eq!(man["algorithm"], "random_forest");

    let woman: Value = app
        .predict(json!({"pclass":1,"sex":"female","age":30,"sibsp":0,"parch":0,"fare":80,"embarked":"C","model_id":forest}))
        .await
        .json()
        .await
        .unwrap();
    assert!(woman["prob"].as_f64().unwrap() > 0.5, "{woman}");
    assert_eq!(woman["survived"], true);
}

#[tokio::test]
async fn an_invalid_passenger_gets_422_naming_each_field() {
    let app = spawn_app().await;
    let response = app
        .predict(json!({"pclass":5,"sex":"male","age":200,"sibsp":0,"parch":0}))
        .await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "validation_failed");
    assert!(body["fields"]["pclass"].is_string(), "{body}");
    assert!(body["fields"]["age"].is_string(), "{body}");
}

#[tokio::test]
async fn a_field_of_the_wrong_type_gets_422_naming_it() {
    let app = spawn_app().await;
    let response = app
        .predict(json!({"pclass":"first","sex":"male","sibsp":0,"parch":0}))
        .await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert!(body["fields"]["pclass"].is_string(), "{body}");
}

#[tokio::test]
async fn malformed_json_gets_400_in_our_error_format() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(format!("{}/inference", app.address))
        .header("content-type", "application/json")
        .body("{\"pclass\": 3,")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "malformed_json");
}

#[tokio::test]
async fn a_request_must_name_its_model_and_each_named_model_answers_itself() {
    let app = spawn_app().await;
    let forest = app.train_default(Algorithm::RandomForest).await;
    let svm = app.train_default(Algorithm::Svm).await;
    let ask = json!({"pclass":1,"sex":"female","age":30,"sibsp":0,"parch":0});

    // Which model answers is the backend's choice: the model service has no default.
    let unnamed = app.predict(ask.clone()).await;
    assert_eq!(unnamed.status(), 422);
    let body: Value = unnamed.json().await.unwrap();
    assert!(body["fields"]["model_id"].is_string(), "{body}");

    for (model, algorithm) in [(&forest, "random_forest"), (&svm, "svm")] {
        let mut named = ask.clone();
        named["model_id"] = json!(model.id);
        let named: Value = app.predict(named).await.json().await.unwrap();
        assert_eq!(named["model_id"], model.id.to_string());
        assert_eq!(named["algorithm"], algorithm);
        assert!(named["prob"].as_f64().unwrap() > 0.5, "{named}");
    }
}

#[tokio::test]
async fn an_unknown_model_id_gets_404() {
    let app = spawn_app().await;
    app.wait_until_ready().await;
    let response = app
        .predict(json!({"pclass":3,"sex":"male","sibsp":0,"parch":0,
                      "model_id":"00000000-0000-4000-8000-000000000000"}))
        .await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn metrics_count_the_request_by_route_and_time_the_prediction() {
    let app = spawn_app().await;
    let forest = app.train_default(Algorithm::RandomForest).await.id;
    let response = app
        .predict(json!({"pclass":2,"sex":"male","age":40,"sibsp":0,"parch":0,"model_id":forest}))
        .await;
    assert_eq!(response.status(), 200);
    let answer: serde_json::Value = response.json().await.unwrap();
    let model_id = answer["model_id"].as_str().unwrap();

    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("http_requests_total{")
                && l.contains(r#"path="/inference""#)
                && l.contains(r#"status="200""#)),
        "{metrics}"
    );
    assert!(
        metrics.contains("http_request_duration_seconds_bucket{"),
        "{metrics}"
    );
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("model_predict_duration_seconds_count{")
                && l.contains(&format!(r#"model_id="{model_id}""#))
                && l.contains(r#"algorithm="random_forest""#)),
        "{metrics}"
    );
    assert!(metrics.contains("models_loaded"), "{metrics}");
}

#[tokio::test]
async fn a_batch_answers_each_item_in_order_as_it_would_be_answered_alone() {
    let app = spawn_app().await;
    let forest = app.train_default(Algorithm::RandomForest).await;
    let man = third_class_man_of(forest.id);
    let woman = json!({"pclass":1,"sex":"female","age":30,"sibsp":0,"parch":0,"fare":80,"embarked":"C","model_id":forest.id});
    let unknown = json!({"pclass":3,"sex":"male","sibsp":0,"parch":0,"model_id":"00000000-0000-4000-8000-000000000000"});
    let invalid = json!({"pclass":5,"sex":"male","sibsp":0,"parch":0});
    let batch = json!({"items": [
        {"request_id": "r-1", "request": man},
        {"request": unknown},
        {"request_id": "r-3", "request": woman},
        {"request": invalid},
    ]});

    let response = app.post("/inference/batch", &batch).await;
    assert_eq!(response.status(), 200);
    let answer: InferenceBatchAnswer = response.json().await.unwrap();
    let [man_said, unknown_said, woman_said, invalid_said] = &answer.results[..] else {
        panic!("four results expected: {answer:?}");
    };
    let alone: InferenceResponse = app.predict(man).await.json().await.unwrap();
    assert_eq!(man_said, &BatchResult::Ok(alone));
    let BatchResult::Ok(woman_said) = woman_said else {
        panic!("{woman_said:?}");
    };
    assert!(woman_said.survived);
    assert!(
        matches!(unknown_said, BatchResult::Refused { status: 404, error } if error.error == "model_not_found"),
        "{unknown_said:?}"
    );
    assert!(
        matches!(invalid_said, BatchResult::Refused { status: 422, error } if error.fields.contains_key("pclass")),
        "{invalid_said:?}"
    );
}

#[tokio::test]
async fn an_empty_or_oversized_batch_gets_422_naming_the_items() {
    let app = spawn_app().await;
    let passenger = json!({"request": {"pclass":3,"sex":"male","sibsp":0,"parch":0}});
    for size in [0, INFERENCE_BATCH_MAX + 1] {
        let batch = json!({ "items": vec![passenger.clone(); size] });
        let response = app.post("/inference/batch", &batch).await;
        assert_eq!(response.status(), 422, "a batch of {size}");
        let body: Value = response.json().await.unwrap();
        assert!(body["fields"]["items"].is_string(), "{body}");
    }
}
