//! `POST /api/inference` when the model service is down or hangs, and when the input is bad.
//! (Predictions from the real model service are covered by the cross-service tests.)

use crate::helpers::{closed_port_url, hanging_server_url, spawn_app, third_class_man};

/// A passenger asking a particular model, so the backend goes to the model service without
/// needing an active model in the registry.
fn asking_a_model() -> Value {
    let mut body = third_class_man();
    body["model_id"] = json!("5b0f3c8e-8d1e-4c53-9a43-2b7d4c1e9f00");
    body
}
use serde_json::{Value, json};
use sqlx::PgPool;
use std::time::{Duration, Instant};

#[sqlx::test(migrations = "../migrations")]
async fn inference_answers_503_when_the_model_service_is_down(db: PgPool) {
    let app = spawn_app(db, &closed_port_url()).await;
    let response = app.predict(asking_a_model()).await;
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "model_service_unavailable");
    assert!(
        !body["message"].as_str().unwrap().contains("127.0.0.1"),
        "no internal detail leaks: {body}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn inference_answers_503_within_the_timeout_when_the_model_service_hangs(db: PgPool) {
    let app = spawn_app(db, &hanging_server_url().await).await;
    let started = Instant::now();
    let response = app.predict(asking_a_model()).await;
    assert_eq!(response.status(), 503);
    // The test app's request timeout is 500 ms; allow generous scheduling slack.
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[sqlx::test(migrations = "../migrations")]
async fn with_no_active_model_a_prediction_naming_none_gets_503_saying_so(db: PgPool) {
    let app = spawn_app(db, &closed_port_url()).await;
    let response = app.predict(third_class_man()).await;
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "no_active_model");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_invalid_passenger_gets_422_without_calling_the_model_service(db: PgPool) {
    // The model service is down: a 422 proves the backend validated on its own.
    let app = spawn_app(db, &closed_port_url()).await;
    let response = app
        .predict(json!({"pclass":0,"sex":"male","sibsp":0,"parch":0,"embarked":"X"}))
        .await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert!(body["fields"]["pclass"].is_string(), "{body}");
    assert!(body["fields"]["embarked"].is_string(), "{body}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_body_that_is_not_json_gets_415_in_our_error_format(db: PgPool) {
    let app = spawn_app(db, &closed_port_url()).await;
    let response = app
        .client
        .post(format!("{}/api/inference", app.address))
        .body("pclass=3")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "unsupported_media_type");
}
