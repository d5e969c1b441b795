//! `spawn_app`: a real backend on a free port, on the test's own database, pointed at
//! whatever model service address the test chooses.

use lifeboat_backend::{Application, Config};
use sqlx::PgPool;
use std::time::Duration;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
}

/// Starts the backend on `db` with the model service expected at `model_service_url`.
pub async fn spawn_app(db: PgPool, model_service_url: &str) -> TestApp {
    let config = Config {
        host: [127, 0, 0, 1].into(),
        port: 0,
        database_url: "postgres://unused".into(),
        database_max_connections: 5,
        model_service_url: model_service_url.to_owned(),
        model_service_connect_timeout_ms: 300,
        model_service_timeout_ms: 500,
    };
    let app = Application::build_with_pool(config, db)
        .await
        .expect("build");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
    }
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
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .expect("request")
    }

    pub async fn infer(&self, body: serde_json::Value) -> reqwest::Response {
        self.client
            .post(format!("{}/api/inference", self.address))
            .json(&body)
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .expect("request")
    }
}

pub fn third_class_man() -> serde_json::Value {
    serde_json::json!({"pclass":3,"sex":"male","age":22,"sibsp":1,"parch":0,"fare":7.25,"embarked":"S"})
}
