//! No password, access token or refresh token reaches a log line, even with every crate
//! logging at TRACE: the real binary, its real output.

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, spawn_binary};
use serde_json::{Value, json};
use sqlx::PgPool;
use std::process::{Command, Stdio};

/// The access and refresh tokens of a login or refresh answer.
async fn token_pair(answer: reqwest::Result<reqwest::Response>) -> (String, String) {
    let body: Value = answer.unwrap().json().await.unwrap();
    let token = |name: &str| body[name].as_str().unwrap().to_owned();
    (token("access_token"), token("refresh_token"))
}

#[sqlx::test(migrations = "../migrations")]
async fn at_trace_level_no_password_or_token_appears_in_the_log(db: PgPool) {
    let log = tempfile::NamedTempFile::new().unwrap();
    let (mut backend, base) = spawn_binary(&db, "trace", Stdio::from(log.reopen().unwrap())).await;
    let client = reqwest::Client::new();
    let post = |path: &str, body: Value| client.post(format!("{base}{path}")).json(&body).send();

    let user_password = "a-user-password-9731";
    let wrong_password = "a-wrong-password-5520";
    assert_eq!(
        post(
            "/api/auth/signup",
            json!({"email": "logs@example.com", "password": user_password})
        )
        .await
        .unwrap()
        .status(),
        201
    );
    let wrong = json!({"email": "logs@example.com", "password": wrong_password});
    assert_eq!(post("/api/auth/login", wrong).await.unwrap().status(), 401);
    let credentials = json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD});
    let (access, first_refresh) = token_pair(post("/api/auth/login", credentials).await).await;
    let me = client
        .get(format!("{base}/api/me"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let (second_access, second_refresh) =
        token_pair(post("/api/auth/refresh", json!({"refresh_token": first_refresh})).await).await;
    let logout = client
        .post(format!("{base}/api/auth/logout"))
        .bearer_auth(&second_access)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 204);

    Command::new("kill")
        .args(["-TERM", &backend.id().to_string()])
        .status()
        .unwrap();
    tokio::task::spawn_blocking(move || backend.wait().unwrap())
        .await
        .unwrap();
    let text = std::fs::read_to_string(log.path()).unwrap();

    // The log is as verbose as it gets and saw these requests...
    assert!(text.contains(r#""level":"TRACE""#), "not logging at TRACE");
    for path in [
        "/api/auth/login",
        "/api/me",
        "/api/auth/refresh",
        "/api/auth/logout",
    ] {
        assert!(text.contains(path), "no line about {path}");
    }
    // ...and none of the secrets.
    for (name, secret) in [
        ("the admin's password", ADMIN_PASSWORD),
        ("a user's password", user_password),
        ("a wrong password", wrong_password),
        ("an access token", access.as_str()),
        ("a refreshed access token", second_access.as_str()),
        ("a spent refresh token", first_refresh.as_str()),
        ("a refresh token", second_refresh.as_str()),
    ] {
        assert!(!text.contains(secret), "{name} appears in the log");
    }
}
