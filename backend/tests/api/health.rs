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
    // Named, without the connection error's own words.
    assert_eq!(body["reason"], "model service: unreachable");
}

#[sqlx::test(migrations = "../migrations")]
async fn ready_is_503_naming_the_database_when_it_is_closed(db: PgPool) {
    let app = spawn_app(db.clone(), &closed_port_url()).await;
    db.close().await;
    let response = app.get("/ready").await;
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    // Named, without the driver's own words.
    assert_eq!(
        body["reason"],
        "database: unavailable; model service: unreachable"
    );
}
