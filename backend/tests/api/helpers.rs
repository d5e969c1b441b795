//! `spawn_app`: a real backend on a free port, on the test's own database, pointed at
//! whatever model service address the test chooses.

use lifeboat_backend::{Application, Config};
use sqlx::PgPool;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
}

pub use lifeboat_test_support::{JWT_SECRET, eventually, spawn_model_service};
pub const ADMIN_EMAIL: &str = "admin@lifeboat.test";
pub const ADMIN_PASSWORD: &str = "admin-password-1";

/// Starts the backend on `db` with the model service expected at `model_service_url`.
pub async fn spawn_app(db: PgPool, model_service_url: &str) -> TestApp {
    spawn(db, config(model_service_url)).await
}

/// Starts the backend with the admin account seeded from ADMIN_EMAIL / ADMIN_PASSWORD.
pub async fn spawn_app_with_admin(db: PgPool) -> TestApp {
    let config = Config {
        admin_email: Some(ADMIN_EMAIL.into()),
        admin_password: Some(ADMIN_PASSWORD.into()),
        ..config(&closed_port_url())
    };
    spawn(db, config).await
}

pub fn config(model_service_url: &str) -> Config {
    Config {
        model_service_timeout_ms: 500,
        training_timeout_s: 5,
        training_queue_limit: 2,
        ..lifeboat_test_support::backend_config(model_service_url)
    }
}

pub async fn spawn(db: PgPool, config: Config) -> TestApp {
    let app = Application::build_with_pool(config, db)
        .await
        .expect("build");
    TestApp::running(app)
}

/// The URL of the database `db` is connected to (the test's own).
pub async fn url_of(db: &PgPool) -> String {
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(db)
        .await
        .unwrap();
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL is set for the tests");
    let (server, _) = base.rsplit_once('/').unwrap();
    format!("{server}/{name}")
}

/// The real `lifeboat-backend` binary on a free port and `db`, logging at `rust_log` to
/// `stdout`, once its `/health` answers; with its base URL. Its model service is down.
pub async fn spawn_binary(db: &PgPool, rust_log: &str, stdout: Stdio) -> (Child, String) {
    spawn_binary_on(db, &closed_port_url(), false, rust_log, stdout).await
}

/// [`spawn_binary`] with the model service at `model_service_url`, training the default
/// models at start-up when `train` says so.
pub async fn spawn_binary_on(
    db: &PgPool,
    model_service_url: &str,
    train: bool,
    rust_log: &str,
    stdout: Stdio,
) -> (Child, String) {
    spawn_binary_with(
        db,
        model_service_url,
        train,
        &[("RUST_LOG", rust_log)],
        stdout,
    )
    .await
}

/// [`spawn_binary_on`] with more settings in its environment (`envs`).
pub async fn spawn_binary_with(
    db: &PgPool,
    model_service_url: &str,
    train: bool,
    envs: &[(&str, &str)],
    stdout: Stdio,
) -> (Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut backend = Command::new(env!("CARGO_BIN_EXE_lifeboat-backend"))
        .env("BACKEND_HOST", "127.0.0.1")
        .env("BACKEND_PORT", port.to_string())
        .env("DATABASE_URL", url_of(db).await)
        .env("MODEL_SERVICE_URL", model_service_url)
        .env("TRAIN_DEFAULT_MODELS", train.to_string())
        .env("JWT_SECRET", JWT_SECRET)
        .env("ADMIN_EMAIL", ADMIN_EMAIL)
        .env("ADMIN_PASSWORD", ADMIN_PASSWORD)
        .envs(envs.iter().copied())
        .stdout(stdout)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if client
            .get(format!("{base}/health"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return (backend, base);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = backend.kill();
    let _ = backend.wait();
    panic!("the backend did not start");
}

/// An address where nothing listens: a model service that is down.
pub fn closed_port_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}")
}

/// A server that accepts connections and never answers: a model service that hangs.
pub async fn hanging_server_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    format!("http://{addr}")
}

impl TestApp {
    /// Runs a built backend in the background.
    pub fn running(app: Application) -> Self {
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        Self {
            address,
            client: reqwest::Client::new(),
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .expect("request")
    }

    pub async fn predict(&self, body: serde_json::Value) -> reqwest::Response {
        self.client
            .post(format!("{}/api/inference", self.address))
            .json(&body)
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .expect("request")
    }
}

impl TestApp {
    /// Predicts for `passenger` with `token`: the status.
    pub async fn predict_as(&self, token: &str, passenger: &serde_json::Value) -> u16 {
        self.client
            .post(self.url("/api/inference"))
            .bearer_auth(token)
            .json(passenger)
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .map_or(0, |r| r.status().as_u16())
    }

    /// Waits until a prediction with `token` is answered 200: the default models are
    /// trained and active.
    pub async fn wait_until_predicting(&self, token: &str) {
        eventually("a prediction answered 200", async || {
            (self.predict_as(token, &third_class_man()).await == 200).then_some(())
        })
        .await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn signup(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_json(
            "/api/auth/signup",
            serde_json::json!({"email": email, "password": password}),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_json(
            "/api/auth/login",
            serde_json::json!({"email": email, "password": password}),
        )
        .await
    }

    /// Logs in and returns the access token, failing the test otherwise.
    pub async fn token(&self, email: &str, password: &str) -> String {
        let response = self.login(email, password).await;
        assert_eq!(response.status(), 200, "login of {email} failed");
        let body: serde_json::Value = response.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// Signs up a fresh user and returns its access token.
    pub async fn user_token(&self, email: &str) -> String {
        assert_eq!(self.signup(email, "user-password-1").await.status(), 201);
        self.token(email, "user-password-1").await
    }

    pub async fn post_json(&self, path: &str, body: serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(&body)
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .expect("request")
    }

    /// `GET path` with `token`, as JSON.
    pub async fn get_json(&self, path: &str, token: &str) -> serde_json::Value {
        self.get_with(path, token)
            .await
            .json()
            .await
            .expect("a JSON body")
    }

    pub async fn get_with(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .expect("request")
    }
}

pub use lifeboat_test_support::third_class_man;
