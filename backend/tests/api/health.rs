//! `/health` is liveness only; `/ready` reports a missing dependency with the reason.

use crate::helpers::{closed_port_url, spawn_app};
use serde_json::Value;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn health_is_200_even_when_the_model_service_is_down(db: PgPool) {
    let app = spawn_app(db, &closed_port_url()).await;
    assert_eq!(app.get("/health").await.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn ready_is_503_naming_the_model_service_when_it_is_down(db: PgPool) {
    let app = spawn_app(db, &closed_port_url()).await;
    let response = app.get("/ready").await;
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    let reason = body["reason"].as_str().unwrap();
    assert!(reason.contains("model service"), "{reason}");
    assert!(!reason.contains("database"), "the database is up: {reason}");
}

#[sqlx::test(migrations = "../migrations")]
async fn ready_is_503_naming_the_database_when_it_is_closed(db: PgPool) {
    let app = spawn_app(db.clone(), &closed_port_url()).await;
    db.close().await;
    let body: Value = app.get("/ready").await.json().await.unwrap();
    assert!(
        body["reason"].as_str().unwrap().contains("database"),
        "{body}"
    );
}
