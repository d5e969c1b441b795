//! Accounts through the one origin: a user signs up, logs in, sees itself, is kept out of
//! the admin's model list, which the seeded admin sees with the model service's models.

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, spawn_stack};
use serde_json::{Value, json};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn a_user_signs_up_logs_in_and_is_kept_out_of_the_model_list(db: PgPool) {
    let stack = spawn_stack(db).await;
    let signup = stack
        .post("/api/auth/signup")
        .json(&json!({"email": "kim@example.com", "password": "kim's password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), 201);

    let token = stack.token("kim@example.com", "kim's password").await;
    let me: Value = stack
        .get("/api/me")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "kim@example.com");

    let models = stack
        .get("/api/models")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(models.status(), 403);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_seeded_admin_sees_the_loaded_models(db: PgPool) {
    let stack = spawn_stack(db).await;
    let token = stack.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let response = stack
        .get("/api/models")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let models: Value = response.json().await.unwrap();
    let models = models.as_array().unwrap();
    assert_eq!(models.len(), 1, "{models:?}");
    assert_eq!(models[0]["algorithm"], "random_forest");
    assert!(models[0]["accuracy"].as_f64().unwrap() >= 0.78);
    assert_eq!(models[0]["features"].as_array().unwrap().len(), 7);
}
