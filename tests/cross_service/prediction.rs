//! A prediction through all three services, as the browser makes it.

use crate::helpers::{Stack, spawn_stack};
use lifeboat_test_support::Ask;
use lifeboat_test_support::third_class_man;
use serde_json::{Value, json};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn a_visitor_gets_a_survival_probability_through_the_one_origin(db: PgPool) {
    let stack = spawn_stack(db).await;

    let man = stack
        .post("/api/inference")
        .json(&third_class_man())
        .send()
        .await
        .unwrap();
    assert_eq!(man.status(), 200);
    let man: Value = man.json().await.unwrap();
    assert!(man["prob"].as_f64().unwrap() < 0.5, "{man}");
    assert_eq!(man["survived"], false);

    let woman: Value = stack
        .post("/api/inference")
        .json(&json!({"pclass":1,"sex":"female","age":30,"sibsp":0,"parch":0,"fare":100,"embarked":"C"}))
        .json_answer()
        .await;
    assert!(woman["prob"].as_f64().unwrap() > 0.5, "{woman}");
    assert_eq!(woman["survived"], true);
    assert_eq!(woman["algorithm"], "random_forest");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_validation_error_reaches_the_browser_naming_the_field(db: PgPool) {
    let stack = spawn_stack(db).await;
    let response = stack
        .post("/api/inference")
        .json(&json!({"pclass":3,"sex":"male","age":-1,"sibsp":0,"parch":0}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "validation_failed");
    assert!(body["fields"]["age"].is_string(), "{body}");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_callers_request_id_comes_back_from_the_one_origin(db: PgPool) {
    let stack = spawn_stack(db).await;
    let response = stack
        .post("/api/inference")
        .header("x-request-id", "trace-me-123")
        .json(&json!({"pclass":2,"sex":"female","sibsp":0,"parch":0}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-request-id"], "trace-me-123");
}

/// The model service's `http_requests_total` for `path`, over every method and status.
async fn model_service_requests(stack: &Stack, path: &str) -> u64 {
    let metrics = stack
        .client
        .get(format!("{}/metrics", stack.model_service))
        .text_answer()
        .await;
    let label = format!(r#"path="{path}""#);
    metrics
        .lines()
        .filter(|line| line.starts_with("http_requests_total{") && line.contains(&label))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_predictions_each_get_their_own_answer_in_fewer_model_service_requests(
    db: PgPool,
) {
    let stack = spawn_stack(db).await;
    let batches_before = model_service_requests(&stack, "/inference/batch").await;
    let man = third_class_man();
    let woman =
        json!({"pclass":1,"sex":"female","age":30,"sibsp":0,"parch":0,"fare":100,"embarked":"C"});
    let unknown_model = json!({"pclass":2,"sex":"male","sibsp":0,"parch":0,
                               "model_id":"00000000-0000-4000-8000-000000000000"});

    const PREDICTIONS: usize = 300;
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..PREDICTIONS {
        let (body, expected) = match i % 3 {
            0 => (man.clone(), Some(false)),
            1 => (woman.clone(), Some(true)),
            _ => (unknown_model.clone(), None),
        };
        let call = stack.post("/api/inference").json(&body);
        calls.spawn(async move { (call.send().await.unwrap(), expected) });
    }
    while let Some(done) = calls.join_next().await {
        let (response, expected) = done.unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        match expected {
            Some(survives) => {
                assert_eq!(status, 200, "{body}");
                assert_eq!(body["survived"], survives, "{body}");
            }
            None => {
                assert_eq!(status, 404, "{body}");
                assert_eq!(body["error"], "model_not_found", "{body}");
            }
        }
    }

    let batches = model_service_requests(&stack, "/inference/batch").await - batches_before;
    assert!(
        (1..PREDICTIONS as u64).contains(&batches),
        "{PREDICTIONS} predictions took {batches} model service requests"
    );
}
