//! Artifacts in an S3-compatible bucket shared by several replicas (moto's server, started
//! for each test): a model trained through one replica answers through another, a deleted
//! one leaves the bucket and every replica, and a damaged object is refused like a file.

use crate::helpers::{TestApp, config, dataset_path, eventually, spawn_with};
use lifeboat_api_types::{Algorithm, TrainedModel};
use lifeboat_model_service::Config;
use lifeboat_model_service::ml::artifact::ArtifactError;
use lifeboat_model_service::ml::artifact_store::{ArtifactStore, StoreError};
use lifeboat_test_support::{S3Server, third_class_man};
use serde_json::Value;
use uuid::Uuid;

const BUCKET: &str = "lifeboat-models";
const STORE: &str = "s3://lifeboat-models/models";

async fn bucket() -> S3Server {
    let s3 = S3Server::start().await;
    s3.create_bucket(BUCKET).await;
    s3
}

/// A replica whose artifacts are in the bucket (its own folder stays empty).
async fn replica(s3: &S3Server) -> TestApp {
    let unused = tempfile::tempdir().unwrap();
    let config = Config {
        model_store: Some(STORE.into()),
        s3: s3.settings(),
        ..config(unused.path(), dataset_path())
    };
    let app = spawn_with(config, unused).await;
    app.wait_until_ready().await;
    app
}

async fn prob(app: &TestApp, model: Uuid) -> Value {
    let mut man = third_class_man();
    man["model_id"] = model.to_string().into();
    let response = app.predict(man).await;
    assert_eq!(response.status(), 200, "{}", app.address);
    let answer: Value = response.json().await.unwrap();
    answer["prob"].clone()
}

#[tokio::test]
async fn a_model_trained_through_one_replica_answers_through_another_and_is_deleted_from_both() {
    let s3 = bucket().await;
    let (a, b) = (replica(&s3).await, replica(&s3).await);
    let model = a.train_default(Algorithm::RandomForest).await;
    // Nothing written to either replica's folder: the artifact is in the bucket.
    assert_eq!(a.artifact_files().len(), 0);
    let storage = ArtifactStore::bucket(STORE, &s3.settings()).unwrap();
    assert_eq!(storage.ids().await.unwrap(), [model.id]);

    // B has never seen it: asked by id, it loads it from the bucket at once.
    assert_eq!(prob(&b, model.id).await, prob(&a, model.id).await);
    let described: TrainedModel = b
        .get(&format!("/models/{}", model.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(described.artifact_sha256, model.artifact_sha256);

    let deleted = a
        .client
        .delete(format!("{}/models/{}", a.address, model.id))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert!(storage.ids().await.unwrap().is_empty());
    // B drops it at its next look at the bucket.
    eventually("the other replica dropping the deleted model", async || {
        let listed: Vec<TrainedModel> = b.get("/models").await.json().await.unwrap();
        listed.is_empty().then_some(())
    })
    .await;
    let mut man = third_class_man();
    man["model_id"] = model.id.to_string().into();
    assert_eq!(b.predict(man).await.status(), 404);
}

#[tokio::test]
async fn a_replica_started_later_lists_the_models_already_in_the_bucket() {
    let s3 = bucket().await;
    let first = replica(&s3).await;
    let svm = first.train_default(Algorithm::Svm).await;
    let later = replica(&s3).await;
    let listed: Vec<TrainedModel> = later.get("/models").await.json().await.unwrap();
    assert_eq!(listed.iter().map(|m| m.id).collect::<Vec<_>>(), [svm.id]);
}

#[tokio::test]
async fn a_damaged_object_in_the_bucket_is_refused_by_its_sha256() {
    let s3 = bucket().await;
    let storage = ArtifactStore::bucket(STORE, &s3.settings()).unwrap();
    let first = replica(&s3).await;
    let model = first.train_default(Algorithm::Svm).await;
    let artifact = storage.load(model.id).await.unwrap().unwrap().0;
    let (mut bytes, _) = artifact.encode().unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    storage.save(model.id, bytes).await.unwrap();

    let refused = storage.load(model.id).await;
    assert!(
        matches!(
            refused,
            Err(StoreError::Artifact(ArtifactError::Corrupted { .. }))
        ),
        "{refused:?}"
    );
    assert!(storage.load(Uuid::new_v4()).await.unwrap().is_none());
    assert!(!storage.remove(Uuid::new_v4()).await.unwrap());
}

#[tokio::test]
async fn a_store_that_is_not_an_s3_url_is_refused_with_the_reason() {
    let settings = Default::default();
    for wrong in ["/models", "s3://", "gs://bucket"] {
        let refused = ArtifactStore::bucket(wrong, &settings).unwrap_err();
        assert!(
            matches!(refused, StoreError::Config(_)),
            "{wrong}: {refused}"
        );
    }
}

#[tokio::test]
async fn a_replica_whose_bucket_is_down_still_gets_ready_and_says_503_for_a_model_it_lacks() {
    // Readiness is the replica's own state (the data set): a health check that failed with
    // the object store would restart every replica at once.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let unused = tempfile::tempdir().unwrap();
    let config = Config {
        model_store: Some(STORE.into()),
        s3: lifeboat_model_service::config::S3Settings {
            endpoint: Some(endpoint),
            allow_http: true,
            ..Default::default()
        },
        ..config(unused.path(), dataset_path())
    };
    let app = spawn_with(config, unused).await;
    app.wait_until_ready().await;
    let response = app.get(&format!("/models/{}", Uuid::new_v4())).await;
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "storage_unavailable");
}
