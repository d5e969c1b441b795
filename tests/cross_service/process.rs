//! The model service as a real process that a test kills or freezes: the backend answers
//! predictions 503 at once while it is gone and recovers by itself when it is back; a frozen
//! one costs a prediction no more than the timeout and logins go on working; a training job
//! whose model service dies mid-training ends `failed`, and no artifact of it remains.

use crate::helpers::{
    ADMIN_EMAIL, ADMIN_PASSWORD, answers_ok, dataset_path, eventually, finished_job, login,
};
use lifeboat_test_support::Ask;
use serde_json::{Value, json};
use sqlx::PgPool;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A model service process on its own port; killed when dropped.
struct ModelServiceProcess {
    child: Child,
    url: String,
}

impl ModelServiceProcess {
    async fn start(model_dir: &Path) -> Self {
        // Port 0: the process picks a free port itself and says which. A port picked here
        // and handed over could be taken meanwhile by another test's service, which would
        // then answer for this one.
        Self::start_on(model_dir, 0).await
    }

    /// Starts it on `port` (a restart where the backend expects it; 0 for any free one).
    async fn start_on(model_dir: &Path, port: u16) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_model-service-process"))
            .env("MODEL_SERVICE_HOST", "127.0.0.1")
            .env("MODEL_SERVICE_PORT", port.to_string())
            .env("DATASET_PATH", dataset_path())
            .env("MODEL_DIR", model_dir)
            .env("RUST_LOG", "warn,lifeboat_service_kit::server=info")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let port = listening_port(&mut child);
        let process = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        process.wait_until_ready().await;
        process
    }

    async fn wait_until_ready(&self) {
        let (client, url) = (reqwest::Client::new(), format!("{}/ready", self.url));
        eventually("the model service process's readiness", async || {
            answers_ok(&client, &url).await.then_some(())
        })
        .await;
    }

    /// Waits until the service reports a training in progress.
    async fn wait_until_training(&self) {
        let url = format!("{}/metrics", self.url);
        eventually("a training in progress", async || {
            let metrics = reqwest::get(&url).await.ok()?.text().await.ok()?;
            metrics
                .lines()
                .any(|l| l == "model_trainings_in_progress 1")
                .then_some(())
        })
        .await;
    }

    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Sends `signal` (`STOP`, `CONT`) to the process.
    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success(), "kill -{signal} failed");
        if signal == "STOP" {
            // The signal stops each thread as it next runs: wait until all have stopped.
            let tasks = format!("/proc/{}/task", self.child.id());
            let stopped = || {
                std::fs::read_dir(&tasks).unwrap().all(|task| {
                    let stat = std::fs::read_to_string(task.unwrap().path().join("stat"));
                    stat.is_ok_and(|s| {
                        s.rsplit(')')
                            .next()
                            .unwrap_or("")
                            .trim_start()
                            .starts_with('T')
                    })
                })
            };
            for _ in 0..100 {
                if stopped() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            panic!("the model service did not stop");
        }
    }

    fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().parse().unwrap()
    }
}

/// A backend (training the default models on start) in front of `model_service`; its URL.
async fn backend_for(db: PgPool, model_service: &ModelServiceProcess) -> String {
    let backend = lifeboat_backend::Application::build_with_pool(
        crate::helpers::backend_config(model_service.url.clone()),
        db,
    )
    .await
    .unwrap();
    let api = format!("http://127.0.0.1:{}", backend.port());
    tokio::spawn(backend.run_until_stopped());
    api
}

/// `POST /api/inference` for a passenger (the active model answers); its status and how long
/// it took.
async fn timed_prediction(client: &reqwest::Client, api: &str) -> (u16, Duration) {
    let started = Instant::now();
    let status = client
        .post(format!("{api}/api/inference"))
        .json(&json!({"pclass": 1, "sex": "female", "age": 30, "sibsp": 0, "parch": 0}))
        .timeout(Duration::from_secs(30))
        .status_answer()
        .await;
    (status, started.elapsed())
}

async fn predicting(client: &reqwest::Client, api: &str) {
    eventually("predictions answered 200", async || {
        (timed_prediction(client, api).await.0 == 200).then_some(())
    })
    .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn while_the_model_service_is_down_predictions_get_503_within_a_second_and_recover_by_themselves(
    db: PgPool,
) {
    let model_dir = tempfile::tempdir().unwrap();
    let mut model_service = ModelServiceProcess::start(model_dir.path()).await;
    let api = backend_for(db, &model_service).await;
    let client = reqwest::Client::new();
    predicting(&client, &api).await;

    let port = model_service.port();
    model_service.kill();
    for _ in 0..3 {
        let (status, took) = timed_prediction(&client, &api).await;
        assert_eq!(status, 503);
        assert!(took < Duration::from_secs(1), "answered after {took:?}");
    }

    // Back on the same port with the same models; the backend is not restarted.
    let _restarted = ModelServiceProcess::start_on(model_dir.path(), port).await;
    predicting(&client, &api).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_frozen_model_service_costs_a_prediction_no_more_than_the_timeout_and_logins_go_on(
    db: PgPool,
) {
    let model_dir = tempfile::tempdir().unwrap();
    let model_service = ModelServiceProcess::start(model_dir.path()).await;
    let api = backend_for(db, &model_service).await;
    let client = reqwest::Client::new();
    predicting(&client, &api).await;

    model_service.signal("STOP");
    // MODEL_SERVICE_TIMEOUT_MS is 3 s in these tests.
    let (status, took) = timed_prediction(&client, &api).await;
    assert_eq!(status, 503);
    assert!(took < Duration::from_secs(5), "answered after {took:?}");
    let token = login(&client, &api, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert!(!token.is_empty());

    model_service.signal("CONT");
    predicting(&client, &api).await;
}

/// The port `child` says it listens on (its JSON "listening" line); the rest of its output
/// is drained on a thread of its own, so it never blocks on a full pipe.
fn listening_port(child: &mut Child) -> u16 {
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut lines = BufReader::new(stdout).lines();
    let port = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            let event: Value = serde_json::from_str(&line).ok()?;
            (event["message"] == "listening").then(|| event["port"].as_u64())?
        })
        .expect("the model service process ended before it listened");
    std::thread::spawn(move || lines.for_each(drop));
    u16::try_from(port).expect("a port")
}

impl Drop for ModelServiceProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_job_whose_model_service_dies_mid_training_ends_failed_and_leaves_no_artifact(
    db: PgPool,
) {
    let model_dir = tempfile::tempdir().unwrap();
    let mut model_service = ModelServiceProcess::start(model_dir.path()).await;
    let backend = lifeboat_backend::Application::build_with_pool(
        lifeboat_backend::Config {
            train_default_models: false,
            ..crate::helpers::backend_config(model_service.url.clone())
        },
        db,
    )
    .await
    .unwrap();
    let api = format!("http://127.0.0.1:{}", backend.port());
    tokio::spawn(backend.run_until_stopped());
    let client = reqwest::Client::new();
    let token = &login(&client, &api, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    // A big forest: seconds of work, long enough to be cut short.
    let accepted: Value = client
        .post(format!("{api}/api/training"))
        .bearer_auth(token)
        .json(&json!({
            "algorithm": "random_forest", "name": "cut short", "features": ["age", "fare", "sex"],
            "params": {"trees": 500, "max_depth": null, "feature_share": 1.0, "bootstrap_share": 1.0}
        }))
        .json_answer()
        .await;
    let job_id = accepted["job_id"].as_str().unwrap();
    model_service.wait_until_training().await;
    model_service.kill();

    let job = finished_job(&client, &api, token, job_id).await;
    assert_eq!(job["status"], "failed", "{job}");
    assert!(
        job["error"].as_str().unwrap().contains("model service"),
        "{job}"
    );

    // Restarted on the same folder, the service has no trace of the model.
    let restarted = ModelServiceProcess::start(model_dir.path()).await;
    let models: Vec<Value> = reqwest::get(format!("{}/models", restarted.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(models.is_empty(), "{models:?}");
    let files: Vec<_> = std::fs::read_dir(model_dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(files.is_empty(), "{files:?}");
}
