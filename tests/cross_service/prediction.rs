//! A prediction through all three services, as the browser makes it.

use crate::helpers::spawn_stack;
use serde_json::{Value, json};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn a_visitor_gets_a_survival_probability_through_the_one_origin(db: PgPool) {
    let stack = spawn_stack(db).await;

    let man = stack
        .post("/api/inference")
        .json(&json!({"pclass":3,"sex":"male","age":22,"sibsp":1,"parch":0,"fare":7.25,"embarked":"S"}))
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
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
