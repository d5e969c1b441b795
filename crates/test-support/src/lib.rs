//! What Lifeboat's test crates share, so each is written once: the backend's and the model
//! service's configuration as tests run them (each test changes what it needs with `..`), a
//! real model service on a free port, [`eventually`] for waiting on something that
//! happens in the background, and the passenger the tests ask about.

use std::path::Path;
use std::time::Duration;

/// How long [`eventually`] waits: long enough for a slow, shared machine, so a test fails
/// only when the thing never happens.
pub const PATIENCE: Duration = Duration::from_secs(120);
/// How often [`eventually`] asks.
const POLL_EVERY: Duration = Duration::from_millis(100);

/// Asks `check` every 100 ms until it answers `Some`, for up to [`PATIENCE`]; panics naming
/// `what` otherwise.
pub async fn eventually<T>(what: &str, check: impl AsyncFn() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!("{what} did not happen within {PATIENCE:?}");
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}

/// The secret test backends sign tokens with.
pub const JWT_SECRET: &str = "test-secret-that-is-long-enough-for-hs256";

/// The backend as tests run it: loopback, a free port, the model service at
/// `model_service_url`, no admin, no default models, no rate limits.
pub fn backend_config(model_service_url: &str) -> lifeboat_backend::Config {
    lifeboat_backend::Config {
        host: [127, 0, 0, 1].into(),
        port: 0,
        socket: None,
        database_url: "postgres://unused".into(),
        database_max_connections: 5,
        model_service_url: model_service_url.to_owned(),
        model_service_connect_timeout_ms: 300,
        model_service_timeout_ms: 3000,
        training_timeout_s: 120,
        training_queue_limit: 4,
        train_default_models: false,
        jwt_secret: Some(JWT_SECRET.into()),
        jwt_secret_file: None,
        admin_email: None,
        admin_password: None,
        signup_rate_per_hour: 0,
        anonymous_inference_rate_per_second: 0,
        trusted_proxies: String::new(),
        prediction_retention_days: 365,
        record_predictions: true,
    }
}

/// The model service as tests run it: loopback, a free port, the shared data set (never
/// downloaded), its models in `model_dir`.
pub fn model_service_config(model_dir: &Path) -> lifeboat_model_service::Config {
    use lifeboat_model_service::ml::dataset;
    lifeboat_model_service::Config {
        host: [127, 0, 0, 1].into(),
        port: 0,
        socket: None,
        dataset_path: dataset::development_copy(),
        dataset_url: "http://127.0.0.1:9/not-used".into(),
        dataset_sha256: dataset::TITANIC_SHA256.into(),
        model_dir: model_dir.to_owned(),
        training_slots: 1,
    }
}

/// A real model service in this process with a model folder of its own (kept while the
/// returned folder lives); its URL.
pub async fn spawn_model_service() -> (String, tempfile::TempDir) {
    let model_dir = tempfile::tempdir().expect("a temporary folder");
    let app = lifeboat_model_service::Application::build(model_service_config(model_dir.path()))
        .await
        .expect("the model service starts");
    let url = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    (url, model_dir)
}

/// The first passenger of the training set (Mr Owen Harris Braund: third class, 22, one
/// sibling or spouse aboard, 7.25, Southampton), in the calculator's wire form. He did not
/// survive, and every model we train says so.
pub fn third_class_man() -> serde_json::Value {
    serde_json::json!({"pclass":3,"sex":"male","age":22,"sibsp":1,"parch":0,"fare":7.25,"embarked":"S"})
}
