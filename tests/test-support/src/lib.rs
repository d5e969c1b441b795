//! What Lifeboat's test crates share, so each is written once: the backend's and the model
//! service's configuration as tests run them (each test changes what it needs with `..`), a
//! real model service on a free port, [`eventually`] for waiting on something that
//! happens in the background, [`Ask`] for sending a request whose failure is the test's, the
//! passenger the tests ask about, an S3-compatible server for the artifact store's bucket
//! tests, and a mail catcher (a real SMTP server) for the account-mail tests.

mod mail;

pub use mail::{CaughtMail, MailCatcher};

use std::path::{Path, PathBuf};
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
        database_url: Some("postgres://unused".into()),
        database_url_file: None,
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
        admin_password_file: None,
        initial_admin_password_file: None,
        signup_rate_per_hour: 0,
        anonymous_inference_rate_per_second: 0,
        trusted_proxies: String::new(),
        prediction_retention_days: 365,
        record_predictions: true,
        smtp_url: None,
        mail_from: "Lifeboat <lifeboat@lifeboat.test>".into(),
        public_url: "http://lifeboat.test".into(),
        require_verified_email: false,
        account_link_rate_per_address: 0,
        account_link_rate_per_client: 0,
        command: None,
    }
}

/// The Titanic training set in the repository (`data/titanic.csv`), the file the model
/// service has built in: for tests that need it as a file (a path to configure, a file to
/// upload, a reference script to read).
pub fn dataset_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/titanic.csv")
}

/// The model service as tests run it: loopback, a free port, the repository's data set, its
/// models in `model_dir`.
pub fn model_service_config(model_dir: &Path) -> lifeboat_model_service::Config {
    use lifeboat_model_service::ml::dataset;
    lifeboat_model_service::Config {
        host: [127, 0, 0, 1].into(),
        port: 0,
        socket: None,
        dataset_path: dataset_path(),
        dataset_sha256: dataset::TITANIC_SHA256.into(),
        model_dir: model_dir.to_owned(),
        model_store: None,
        s3: Default::default(),
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

/// Sending a request in a test, where failing to send it or to read its answer fails the
/// test: `client.get(url).json_answer::<Value>().await`.
pub trait Ask {
    /// The answer's body as JSON.
    fn json_answer<T: serde::de::DeserializeOwned>(self) -> impl Future<Output = T> + Send;
    /// The answer's body as text.
    fn text_answer(self) -> impl Future<Output = String> + Send;
    /// The answer's status code.
    fn status_answer(self) -> impl Future<Output = u16> + Send;
}

impl Ask for reqwest::RequestBuilder {
    async fn json_answer<T: serde::de::DeserializeOwned>(self) -> T {
        let answer = self.send().await.expect("the request is sent and answered");
        answer
            .json()
            .await
            .expect("the answer is the JSON asked for")
    }

    async fn text_answer(self) -> String {
        let answer = self.send().await.expect("the request is sent and answered");
        answer.text().await.expect("the answer is text")
    }

    async fn status_answer(self) -> u16 {
        let answer = self.send().await.expect("the request is sent and answered");
        answer.status().as_u16()
    }
}

/// The first passenger of the training set (Mr Owen Harris Braund: third class, 22, one
/// sibling or spouse aboard, 7.25, Southampton), in the calculator's wire form. He did not
/// survive, and every model we train says so.
pub fn third_class_man() -> serde_json::Value {
    serde_json::json!({"pclass":3,"sex":"male","age":22,"sibsp":1,"parch":0,"fare":7.25,"embarked":"S"})
}

/// An S3-compatible server of our own (moto in server mode, from PyPI, installed by
/// `tests/s3/setup.sh`) on a free loopback port, stopped when dropped.
#[derive(Debug)]
pub struct S3Server {
    pub endpoint: String,
    process: std::process::Child,
}

impl S3Server {
    /// Starts the server and waits until it answers. The server is `LIFEBOAT_MOTO_SERVER`,
    /// else the one `tests/s3/setup.sh` installs under `target/`.
    pub async fn start() -> Self {
        let server = std::env::var_os("LIFEBOAT_MOTO_SERVER").map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/s3-venv/bin/moto_server"),
            std::path::PathBuf::from,
        );
        assert!(
            server.exists(),
            "{} is missing: run tests/s3/setup.sh (or set LIFEBOAT_MOTO_SERVER)",
            server.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let process = std::process::Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let s3 = Self {
            endpoint: format!("http://127.0.0.1:{port}"),
            process,
        };
        let client = reqwest::Client::new();
        eventually("the S3 test server answering", async || {
            let answer = client.get(&s3.endpoint).send().await;
            answer.is_ok().then_some(())
        })
        .await;
        s3
    }

    /// Creates the bucket `name`.
    pub async fn create_bucket(&self, name: &str) {
        let created = reqwest::Client::new()
            .put(format!("{}/{name}", self.endpoint))
            .send()
            .await
            .expect("the S3 test server answers");
        assert!(
            created.status().is_success(),
            "creating {name}: {}",
            created.status()
        );
    }

    /// The model service's settings for this server.
    pub fn settings(&self) -> lifeboat_model_service::config::S3Settings {
        lifeboat_model_service::config::S3Settings {
            endpoint: Some(self.endpoint.clone()),
            access_key_id: Some("lifeboat-test".into()),
            secret_access_key: Some("lifeboat-test-secret".into()),
            allow_http: true,
            ..Default::default()
        }
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}
