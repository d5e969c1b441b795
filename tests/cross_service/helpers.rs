//! `spawn_stack`: all three services wired together as in production.

use lifeboat_test_support::Ask;
use serde_json::{Value, json};
use sqlx::PgPool;
use std::path::PathBuf;

pub use lifeboat_test_support::dataset_path;

pub const ADMIN_EMAIL: &str = "admin@lifeboat.test";
pub const ADMIN_PASSWORD: &str = "cross-service-admin";

pub struct Stack {
    /// The frontend service: the one origin a browser talks to.
    pub address: String,
    pub client: reqwest::Client,
    /// The model service's own address (for its metrics).
    pub model_service: String,
    /// The model service's artifact folder.
    pub model_dir: tempfile::TempDir,
    _static_dir: tempfile::TempDir,
    _sockets: tempfile::TempDir,
}

/// The backend's configuration in these tests, with the model service at `model_url`: the
/// default models trained at start-up and the admin seeded.
pub fn backend_config(model_url: String) -> lifeboat_backend::Config {
    lifeboat_backend::Config {
        train_default_models: true,
        admin_email: Some(ADMIN_EMAIL.into()),
        admin_password: Some(ADMIN_PASSWORD.into()),
        ..lifeboat_test_support::backend_config(&model_url)
    }
}

/// The three services as deployed: the web port in front, talking to the backend on its Unix
/// socket, which talks to the model service on its own.
pub async fn spawn_stack(db: PgPool) -> Stack {
    spawn_stack_with(db, "", |_| {}).await
}

/// [`spawn_stack`] with the web port believing `X-Forwarded-For` from `trusted_proxies` and
/// the backend's configuration changed by `tune`.
pub async fn spawn_stack_with(
    db: PgPool,
    trusted_proxies: &str,
    tune: impl FnOnce(&mut lifeboat_backend::Config),
) -> Stack {
    let model_dir = tempfile::tempdir().unwrap();
    let sockets = tempfile::tempdir().unwrap();
    let model_service =
        lifeboat_model_service::Application::build(lifeboat_model_service::Config {
            socket: Some(sockets.path().join("model-service.sock")),
            ..lifeboat_test_support::model_service_config(model_dir.path())
        })
        .await
        .unwrap();
    let model_url = format!("http://127.0.0.1:{}", model_service.port());
    tokio::spawn(model_service.run_until_stopped());

    let backend_socket = sockets.path().join("backend.sock");
    let mut backend_config = lifeboat_backend::Config {
        socket: Some(backend_socket.clone()),
        ..backend_config(format!(
            "unix:{}",
            sockets.path().join("model-service.sock").display()
        ))
    };
    tune(&mut backend_config);
    let backend = lifeboat_backend::Application::build_with_pool(backend_config, db)
        .await
        .unwrap();
    let backend_url = format!("unix:{}", backend_socket.display());
    tokio::spawn(backend.run_until_stopped());

    let static_dir = tempfile::tempdir().unwrap();
    std::fs::write(static_dir.path().join("index.html"), "<!doctype html>").unwrap();
    let frontend =
        lifeboat_frontend_service::Application::build(lifeboat_frontend_service::Config {
            host: [127, 0, 0, 1].into(),
            port: 0,
            static_dir: static_dir.path().to_owned(),
            backend_url,
            backend_timeout_ms: 5000,
            metrics_port: 0,
            cors_allowed_origins: String::new(),
            trusted_proxies: trusted_proxies.into(),
        })
        .await
        .unwrap();
    let address = format!("http://127.0.0.1:{}", frontend.port());
    tokio::spawn(frontend.run_until_stopped());

    let stack = Stack {
        address,
        client: reqwest::Client::new(),
        model_service: model_url,
        model_dir,
        _static_dir: static_dir,
        _sockets: sockets,
    };
    stack.wait_until_ready().await;
    stack.wait_until_predicting().await;
    stack
}

pub use lifeboat_test_support::eventually;

/// Whether `GET url` answers 200.
pub async fn answers_ok(client: &reqwest::Client, url: &str) -> bool {
    client
        .get(url)
        .send()
        .await
        .is_ok_and(|r| r.status() == 200)
}

/// Logs in at the API under `base` and returns the access token.
pub async fn login(client: &reqwest::Client, base: &str, email: &str, password: &str) -> String {
    let response = client
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "login of {email}");
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

/// `GET url` with `token`, as JSON.
pub async fn get_json(client: &reqwest::Client, url: &str, token: &str) -> Value {
    client.get(url).bearer_auth(token).json_answer().await
}

/// Polls training job `id` at the API under `base` until it succeeded or failed.
pub async fn finished_job(client: &reqwest::Client, base: &str, token: &str, id: &str) -> Value {
    let url = format!("{base}/api/training/{id}");
    eventually(&format!("the end of job {id}"), async || {
        let job = get_json(client, &url, token).await;
        (job["status"] == "succeeded" || job["status"] == "failed").then_some(job)
    })
    .await
}

impl Stack {
    /// Waits until the frontend's `/ready` (which asks the backend, which asks Postgres and
    /// the model service) answers 200.
    async fn wait_until_ready(&self) {
        let url = format!("{}/ready", self.address);
        eventually("the stack's readiness", async || {
            answers_ok(&self.client, &url).await.then_some(())
        })
        .await;
    }

    /// Waits until the default forest, trained by the backend on this fresh install, answers
    /// a prediction.
    async fn wait_until_predicting(&self) {
        eventually("a prediction from the default model", async || {
            self.post("/api/inference")
                .json(&json!({"pclass":1,"sex":"female","sibsp":0,"parch":0}))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200)
                .then_some(())
        })
        .await;
    }

    /// The admin's view of the registry's first page, once it holds `count` models.
    pub async fn models_once(&self, token: &str, count: usize) -> Value {
        let url = format!("{}/api/models", self.address);
        eventually(&format!("a registry of {count} models"), async || {
            let page = get_json(&self.client, &url, token).await;
            page["items"]
                .as_array()
                .is_some_and(|m| m.len() == count)
                .then_some(page)
        })
        .await
    }

    /// `GET path` through the web port with `token`, as JSON.
    pub async fn get_json(&self, path: &str, token: &str) -> Value {
        get_json(&self.client, &format!("{}{path}", self.address), token).await
    }

    /// Polls training job `id` until it succeeded or failed.
    pub async fn finished_job(&self, token: &str, id: &str) -> Value {
        finished_job(&self.client, &self.address, token, id).await
    }

    /// The artifact files in the model folder.
    pub fn artifact_files(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.model_dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect()
    }

    pub fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.client.post(format!("{}{path}", self.address))
    }

    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.client.get(format!("{}{path}", self.address))
    }

    pub fn delete(&self, path: &str) -> reqwest::RequestBuilder {
        self.client.delete(format!("{}{path}", self.address))
    }

    /// Logs in through the frontend service and returns the access token.
    pub async fn token(&self, email: &str, password: &str) -> String {
        login(&self.client, &self.address, email, password).await
    }
}
