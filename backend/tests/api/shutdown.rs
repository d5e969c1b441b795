//! SIGTERM under load, against the real binary: the logins in flight are answered, no new
//! connection is accepted, and the process exits 0.

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, spawn_binary};
use serde_json::json;
use sqlx::PgPool;
use std::process::{Command, Stdio};
use std::time::Duration;

#[sqlx::test(migrations = "../migrations")]
async fn on_sigterm_the_requests_in_flight_are_answered_then_the_process_exits_0(db: PgPool) {
    let (mut backend, base) = spawn_binary(&db, "warn", Stdio::null()).await;

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
