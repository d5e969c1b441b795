//! `spawn_app` and friends: a real model service on a free port, with its own model folder.

use lifeboat_api_types::{Algorithm, Embarked, Passenger, Sex, TrainedModel};
use lifeboat_model_service::ml::artifact::file_name;
use lifeboat_model_service::ml::dataset;
use lifeboat_model_service::ml::train;
use lifeboat_model_service::ml::{Dataset, ModelArtifact};
use lifeboat_model_service::{Application, Config};
pub use lifeboat_test_support::eventually;
use serde_json::json;
use std::path::PathBuf;
use uuid::Uuid;

pub use lifeboat_test_support::dataset_path;

/// The real data set, checked against its sha256.
pub async fn titanic() -> Dataset {
    dataset::built_in()
}

/// A running model service and the folder its models live in.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub model_dir: tempfile::TempDir,
}

pub fn config(model_dir: &std::path::Path, dataset_path: PathBuf) -> Config {
    Config {
        dataset_path,
        ..lifeboat_test_support::model_service_config(model_dir)
    }
}

/// Starts a service on the real data set with an empty model folder.
pub async fn spawn_app() -> TestApp {
    let model_dir = tempfile::tempdir().expect("temp dir");
    spawn_with(config(model_dir.path(), dataset_path()), model_dir).await
}

/// Starts a service with `config`, keeping `model_dir` alive as long as the app.
pub async fn spawn_with(config: Config, model_dir: tempfile::TempDir) -> TestApp {
    let app = Application::build(config).await.expect("build");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        model_dir,
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request")
    }

    pub async fn predict(&self, body: serde_json::Value) -> reqwest::Response {
        self.post("/inference", &body).await
    }

    /// `POST path` with `body` as JSON.
    pub async fn post(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.address))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// `POST /models` with `body`.
    pub async fn train(&self, body: &serde_json::Value) -> reqwest::Response {
        self.post("/models", body).await
    }

    /// Waits for readiness, trains the default model of `algorithm` and returns it.
    pub async fn train_default(&self, algorithm: Algorithm) -> TrainedModel {
        self.wait_until_ready().await;
        let request = serde_json::to_value(train::default_request(algorithm)).unwrap();
        let response = self.train(&request).await;
        assert_eq!(response.status(), 201, "{:?}", response.text().await);
        response.json().await.expect("a trained model")
    }

    /// The artifact files in the model folder.
    pub fn artifact_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<_> = std::fs::read_dir(self.model_dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        files
    }

    /// Polls `/ready` until it answers 200 (the data set is loaded).
    pub async fn wait_until_ready(&self) {
        eventually("the model service ready", async || {
            (self.get("/ready").await.status() == 200).then_some(())
        })
        .await;
    }
}

/// A passenger as the reference check's 7 numeric inputs (null for unknown).
pub fn typed(p: &Passenger) -> serde_json::Value {
    let port = p.embarked.map(|e| match e {
        Embarked::S => 0,
        Embarked::C => 1,
        Embarked::Q => 2,
    });
    json!([
        p.pclass,
        u8::from(p.sex == Sex::Female),
        p.age,
        p.sibsp,
        p.parch,
        p.fare,
        port
    ])
}

/// Writes `model` over its artifact in `app`'s folder, as an older build would have left
/// it; returns the file's path.
pub fn overwrite_artifact(app: &TestApp, model: &ModelArtifact) -> std::path::PathBuf {
    let path = app.model_dir.path().join(file_name(model.id));
    std::fs::write(&path, model.encode().unwrap().0).unwrap();
    path
}

pub fn artifact(app: &TestApp, id: Uuid) -> ModelArtifact {
    let path = app.model_dir.path().join(file_name(id));
    ModelArtifact::decode(&std::fs::read(&path).unwrap(), &path.display().to_string())
        .unwrap()
        .0
}

/// Runs the reference check `tests/reference/<script>` on `fixture` with the reference Python
/// (off the runtime's threads: a check may call the service under test) and returns what it
/// printed; fails the test when the check fails.
pub async fn reference_check(script: &str, fixture: &serde_json::Value) -> String {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), fixture.to_string()).unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/reference")
        .join(script);
    let python = reference_python();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(python)
            .arg(script)
            .arg(file.path())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let said = String::from_utf8_lossy(&output.stdout).into_owned();
    println!("{said}{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "the reference disagrees: {said}");
    said
}

/// The Python with `shap`: `LIFEBOAT_REFERENCE_PYTHON`, else the one tests/reference/setup.sh
/// installs into target/.
fn reference_python() -> PathBuf {
    let python = std::env::var_os("LIFEBOAT_REFERENCE_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/reference-venv/bin/python")
        });
    assert!(
        python.exists(),
        "{} is missing: run tests/reference/setup.sh (or set LIFEBOAT_REFERENCE_PYTHON)",
        python.display()
    );
    python
}

/// A new service on `app`'s model folder, once ready.
pub async fn restart(app: &TestApp) -> TestApp {
    let config = config(app.model_dir.path(), dataset_path());
    let restarted = spawn_with(config, tempfile::tempdir().unwrap()).await;
    restarted.wait_until_ready().await;
    restarted
}
