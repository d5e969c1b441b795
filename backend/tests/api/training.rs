//! Training jobs and the registry without a working model service: the rules, the queue
//! bound, jobs that fail with a reason, and the one-active-model rule in the database.
//! (Jobs that succeed run against the real model service in the cross-service tests.)

use crate::helpers::{
    ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, closed_port_url, config, eventually, hanging_server_url,
    spawn,
};
use lifeboat_api_types::{Algorithm, Estimator, Feature, ModelMetrics, TrainedModel};
use lifeboat_backend::Config;
use lifeboat_backend::db::{jobs, models};
use lifeboat_backend::training::ABANDONED;
use serde_json::{Value, json};
use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

async fn admin_app(db: PgPool, model_service_url: &str) -> (TestApp, String) {
    let app = spawn(
        db,
        Config {
            admin_email: Some(ADMIN_EMAIL.into()),
            admin_password: Some(ADMIN_PASSWORD.into()),
            ..config(model_service_url)
        },
    )
    .await;
    let token = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    (app, token)
}

async fn start(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/training"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

fn forest_request() -> Value {
    json!({"algorithm": "random_forest", "features": ["sex", "pclass"], "name": "f"})
}

async fn wait_for_job(app: &TestApp, token: &str, id: &str) -> Value {
    eventually(&format!("job {id} finished"), async || {
        let job: Value = app.get_json(&format!("/api/training/{id}"), token).await;
        (job["status"] == "succeeded" || job["status"] == "failed").then_some(job)
    })
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_bad_training_request_gets_422_naming_each_field(db: PgPool) {
    let (app, token) = admin_app(db, &closed_port_url()).await;
    let cases = [
        (
            json!({"algorithm": "random_forest", "features": ["age", "cabin"], "name": "x"}),
            "features",
        ),
        (
            json!({"algorithm": "svm", "features": [], "name": "x"}),
            "features",
        ),
        (
            json!({"algorithm": "knn", "features": ["age"], "name": "x"}),
            "algorithm",
        ),
        (json!({"algorithm": "svm", "features": ["age"]}), "name"),
        (
            json!({"algorithm": "svm", "features": ["age"], "name": "x", "params": {"c": -1}}),
            "params.c",
        ),
    ];
    for (body, field) in cases {
        let response = start(&app, &token, body.clone()).await;
        assert_eq!(response.status(), 422, "{body}");
        let error: Value = response.json().await.unwrap();
        assert!(error["fields"][field].is_string(), "{field}: {error}");
    }
    let jobs: Value = app.get_json("/api/training", &token).await;
    assert_eq!(jobs["total"], 0, "no job is recorded for a refused request");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_job_is_recorded_at_once_and_fails_with_a_reason_when_the_model_service_is_down(
    db: PgPool,
) {
    let (app, token) = admin_app(db, &closed_port_url()).await;
    let response = start(&app, &token, forest_request()).await;
    assert_eq!(response.status(), 202);
    let id = response.json::<Value>().await.unwrap()["job_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let job = wait_for_job(&app, &token, &id).await;
    assert_eq!(job["status"], "failed");
    assert!(
        job["error"].as_str().unwrap().contains("model service"),
        "{job}"
    );
    assert_eq!(job["features"], json!(["sex", "pclass"]));
    assert!(job["finished_at"].is_string());

    let jobs: Value = app.get_json("/api/training", &token).await;
    assert_eq!(jobs["total"], 1);
    assert_eq!(jobs["items"][0]["id"], id);
}

#[sqlx::test(migrations = "../migrations")]
async fn past_the_queue_bound_a_new_job_gets_429_instead_of_waiting(db: PgPool) {
    // The model service hangs: the first job runs (until the 5 s training timeout), the
    // second waits; the test app's bound is two.
    let (app, token) = admin_app(db, &hanging_server_url().await).await;
    assert_eq!(start(&app, &token, forest_request()).await.status(), 202);
    assert_eq!(start(&app, &token, forest_request()).await.status(), 202);
    let refused = start(&app, &token, forest_request()).await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_jobs_and_models_get_404_and_ids_that_are_not_uuids_422(db: PgPool) {
    let (app, token) = admin_app(db, &closed_port_url()).await;
    let unknown = Uuid::new_v4();
    for path in [
        format!("/api/training/{unknown}"),
        format!("/api/models/{unknown}"),
    ] {
        assert_eq!(app.get_with(&path, &token).await.status(), 404, "{path}");
    }
    let activate = app
        .client
        .post(app.url(&format!("/api/models/{unknown}/activate")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(activate.status(), 404);
    let response = app.get_with("/api/models/nope", &token).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert!(body["fields"]["id"].is_string(), "{body}");
}

fn trained(algorithm: Algorithm) -> TrainedModel {
    TrainedModel {
        id: Uuid::new_v4(),
        name: "m".into(),
        features: vec![Feature::Sex, Feature::Age],
        estimator: Estimator::default_for(algorithm),
        metrics: ModelMetrics {
            accuracy: 0.8,
            precision: 0.7,
            recall: 0.6,
            f1: 0.65,
            roc_auc: 0.85,
            confusion_matrix: [[90, 20], [15, 54]],
            train_rows: 712,
            test_rows: 179,
        },
        artifact_file: "m.model".into(),
        artifact_sha256: "a".repeat(64),
        dataset_sha256: "b".repeat(64),
        training_seconds: 0.2,
        created_at: chrono::Utc::now(),
        evaluation: None,
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn only_one_model_per_algorithm_is_ever_active(db: PgPool) {
    let mut conn = db.acquire().await.unwrap();
    let (a, b, svm) = (
        trained(Algorithm::RandomForest),
        trained(Algorithm::RandomForest),
        trained(Algorithm::Svm),
    );
    for m in [&a, &b, &svm] {
        models::insert(&mut conn, m, None).await.unwrap();
    }
    models::activate(&mut conn, a.id).await.unwrap();
    models::activate(&mut conn, svm.id).await.unwrap();
    models::activate(&mut conn, b.id).await.unwrap();
    let mut active = models::active(&mut conn).await.unwrap();
    active.sort();
    let mut expected = vec![(Algorithm::RandomForest, b.id), (Algorithm::Svm, svm.id)];
    expected.sort();
    assert_eq!(active, expected);

    // The database itself refuses a second active forest.
    let error = sqlx::query("UPDATE model SET is_active = true WHERE model_id = $1")
        .bind(a.id)
        .execute(&mut *conn)
        .await
        .unwrap_err();
    let constraint = error.as_database_error().and_then(|e| e.constraint());
    assert_eq!(constraint, Some("model_one_active_per_algorithm"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_model_is_listed_with_its_features_and_described_with_its_metrics(db: PgPool) {
    let model = trained(Algorithm::Svm);
    models::insert(&mut db.acquire().await.unwrap(), &model, None)
        .await
        .unwrap();
    let (app, token) = admin_app(db, &closed_port_url()).await;

    let page: Value = app.get_json("/api/models", &token).await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["per_page"], 10);
    let item = &page["items"][0];
    assert_eq!(item["features"], json!(["sex", "age"]));
    assert_eq!(item["algorithm"], "svm");
    assert_eq!(item["is_active"], false);

    let details: Value = app
        .get_json(&format!("/api/models/{}", model.id), &token)
        .await;
    assert_eq!(
        details["metrics"]["confusion_matrix"],
        json!([[90, 20], [15, 54]])
    );
    assert_eq!(details["params"]["kernel"], "gaussian");
    assert_eq!(details["artifact_sha256"], "a".repeat(64));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_model_whose_artifact_cannot_be_deleted_stays_in_the_registry(db: PgPool) {
    let model = trained(Algorithm::RandomForest);
    models::insert(&mut db.acquire().await.unwrap(), &model, None)
        .await
        .unwrap();
    let (app, token) = admin_app(db, &closed_port_url()).await;
    let url = app.url(&format!("/api/models/{}", model.id));
    let response = app
        .client
        .delete(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    let still = app
        .get_with(&format!("/api/models/{}", model.id), &token)
        .await;
    assert_eq!(still.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_job_left_running_by_a_backend_that_stopped_is_failed_with_a_reason(db: PgPool) {
    let (app, token) = admin_app(db.clone(), &closed_port_url()).await;
    let spec = lifeboat_api_types::TrainingRequest {
        algorithm: Some("svm".into()),
        features: Some(vec!["age".into()]),
        name: Some("cut short".into()),
        ..Default::default()
    }
    .spec()
    .unwrap();
    let id = Uuid::new_v4();
    let mut conn = db.acquire().await.unwrap();
    jobs::insert(&mut conn, id, None, &spec).await.unwrap();
    // Claimed by a replica that then stopped: its lease is never renewed.
    let gone = Uuid::new_v4();
    let claimed = jobs::claim_next(&mut conn, gone, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(claimed.map(|c| c.id), Some(id));
    drop(conn);

    // The running backend sees the lease run out and fails the job.
    let job = eventually("the abandoned job fails", async || {
        let job: Value = app.get_json(&format!("/api/training/{id}"), &token).await;
        (job["status"] == "failed").then_some(job)
    })
    .await;
    assert_eq!(job["error"], ABANDONED, "{job}");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_only_active_model_cannot_be_deleted_while_another_active_one_can(db: PgPool) {
    let (forest, svm) = (trained(Algorithm::RandomForest), trained(Algorithm::Svm));
    {
        let mut conn = db.acquire().await.unwrap();
        for m in [&forest, &svm] {
            models::insert(&mut conn, m, None).await.unwrap();
        }
        models::activate(&mut conn, forest.id).await.unwrap();
    }
    // The model service is down: a deletion that gets past the rule ends in 503.
    let (app, token) = admin_app(db.clone(), &closed_port_url()).await;
    let delete = |id: Uuid| {
        app.client
            .delete(app.url(&format!("/api/models/{id}")))
            .bearer_auth(&token)
            .send()
    };
    let refused = delete(forest.id).await.unwrap();
    assert_eq!(refused.status(), 409);
    let body: Value = refused.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("only active"),
        "{body}"
    );

    models::activate(&mut db.acquire().await.unwrap(), svm.id)
        .await
        .unwrap();
    assert_eq!(delete(forest.id).await.unwrap().status(), 503);
}
