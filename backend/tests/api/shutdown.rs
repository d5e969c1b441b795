//! SIGTERM under load, against the real binary: the logins in flight are answered, no new
//! connection is accepted, and the process exits 0.

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET, closed_port_url};
use serde_json::json;
use sqlx::PgPool;
use std::process::{Command, Stdio};
use std::time::Duration;

/// The URL of the database `db` is connected to (the test's own).
async fn url_of(db: &PgPool) -> String {
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(db)
        .await
        .unwrap();
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL is set for the tests");
    let (server, _) = base.rsplit_once('/').unwrap();
    format!("{server}/{name}")
}

#[sqlx::test(migrations = "../migrations")]
async fn on_sigterm_the_requests_in_flight_are_answered_then_the_process_exits_0(db: PgPool) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut backend = Command::new(env!("CARGO_BIN_EXE_lifeboat-backend"))
        .env("BACKEND_HOST", "127.0.0.1")
        .env("BACKEND_PORT", port.to_string())
        .env("DATABASE_URL", url_of(&db).await)
        .env("MODEL_SERVICE_URL", closed_port_url())
        .env("TRAIN_DEFAULT_MODELS", "false")
        .env("JWT_SECRET", JWT_SECRET)
        .env("ADMIN_EMAIL", ADMIN_EMAIL)
        .env("ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut ready = false;
    for _ in 0..300 {
        if client
            .get(format!("{base}/health"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "the backend did not start");

    // Six logins: bcrypt at cost 12 keeps them in flight for a while.
    let logins: Vec<_> = (0..6)
        .map(|_| {
            let (client, url) = (reqwest::Client::new(), format!("{base}/api/auth/login"));
            tokio::spawn(async move {
                client
                    .post(url)
                    .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
                    .timeout(Duration::from_secs(60))
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(150)).await;
    let status = Command::new("kill")
        .args(["-TERM", &backend.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    tokio::time::sleep(Duration::from_millis(200)).await;

    // A new connection is no longer taken.
    let late = reqwest::Client::new()
        .get(format!("{base}/health"))
        .timeout(Duration::from_secs(5))
        .send()
        .await;
    assert!(late.is_err(), "a new request was answered: {late:?}");

    for login in logins {
        assert_eq!(login.await.unwrap().unwrap(), 200);
    }
    let exit = tokio::task::spawn_blocking(move || backend.wait().unwrap())
        .await
        .unwrap();
    assert!(exit.success(), "exit status {exit}");
}
