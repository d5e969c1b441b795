//! Postgres restarted under the backend: while it is down, requests that need it fail fast
//! with 503; once it is back they succeed again, with no restart of the backend. The test
//! runs a private PostgreSQL cluster of its own so it can stop it.

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, config, eventually};
use crate::private_postgres::PrivatePostgres;
use lifeboat_backend::{Application, Config};
use lifeboat_test_support::Ask;
use std::time::{Duration, Instant};

async fn me_status(app: &TestApp, token: &str) -> (u16, Duration) {
    let started = Instant::now();
    let status = app
        .client
        .get(app.url("/api/me"))
        .bearer_auth(token)
        .timeout(Duration::from_secs(30))
        .status_answer()
        .await;
    (status, started.elapsed())
}

#[tokio::test]
async fn with_postgres_down_requests_fail_fast_with_503_and_succeed_once_it_is_back() {
    let pg = PrivatePostgres::init();
    let app = Application::build(Config {
        database_url: Some(pg.url().into()),
        admin_email: Some(ADMIN_EMAIL.into()),
        admin_password: Some(ADMIN_PASSWORD.into()),
        ..config(&crate::helpers::closed_port_url())
    })
    .await
    .expect("the backend starts on the private cluster");
    let app = TestApp::running(app);
    let token = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(me_status(&app, &token).await.0, 200);

    pg.stop();
    for _ in 0..3 {
        let (status, took) = me_status(&app, &token).await;
        assert_eq!(status, 503, "a request during the outage");
        assert!(took < Duration::from_secs(3), "took {took:?}");
        eprintln!("during the outage: {status} in {took:?}");
    }
    let login = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(login.status(), 503);
    let body: serde_json::Value = login.json().await.unwrap();
    assert_eq!(body["error"], "database_unavailable");
    let health = app.get("/health").await;
    assert_eq!(health.status(), 200, "the process itself stays up");

    pg.start();
    let back = Instant::now();
    eventually("200 again after Postgres came back", async || {
        (me_status(&app, &token).await.0 == 200).then_some(())
    })
    .await;
    eprintln!("200 again {:?} after Postgres started", back.elapsed());
    // A fresh login (a write: a new session) works again too.
    assert_eq!(app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.status(), 200);
}
