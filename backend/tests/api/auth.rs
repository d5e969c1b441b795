//! Sign-up and login, every status they can answer.

use crate::helpers::{
    ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, closed_port_url, spawn_app, spawn_app_with_admin,
};
use lifeboat_test_support::Ask;
use serde_json::{Value, json};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn signup_creates_a_user_and_answers_201_without_the_hash(db: PgPool) {
    let app = spawn_app_with_admin(db.clone()).await;
    let response = app.signup("ada@example.com", "analytical engine").await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["email"], "ada@example.com");
    assert_eq!(body["role"], "user");
    assert!(body["id"].is_string());
    assert!(body.get("password_hash").is_none());

    let hash: String =
        sqlx::query_scalar("SELECT password_hash FROM app_user WHERE email = 'ada@example.com'")
            .fetch_one(&db)
            .await
            .unwrap();
    let bcrypt_12 =
        hash.starts_with("$2b$12$") || hash.starts_with("$2a$12$") || hash.starts_with("$2y$12$");
    assert!(bcrypt_12, "stored hash {hash} is not bcrypt cost 12");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_role_in_the_signup_body_is_never_honoured(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let response = app
        .post_json(
            "/api/auth/signup",
            json!({"email": "mallory@example.com", "password": "let me be admin", "role": "admin"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["role"], "user");
}

#[sqlx::test(migrations = "../migrations")]
async fn signup_with_a_taken_email_in_any_case_answers_409(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    assert_eq!(
        app.signup("bob@example.com", "password-one").await.status(),
        201
    );
    let response = app.signup("BOB@Example.com", "password-two").await;
    assert_eq!(response.status(), 409);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["fields"]["email"], "is already registered");
}

#[sqlx::test(migrations = "../migrations")]
async fn twenty_concurrent_identical_signups_create_exactly_one_account(db: PgPool) {
    let app = std::sync::Arc::new(spawn_app_with_admin(db.clone()).await);
    let attempts = (0..20).map(|_| {
        let app = app.clone();
        tokio::spawn(async move {
            app.signup("race@example.com", "same password")
                .await
                .status()
        })
    });
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.unwrap().as_u16());
    }
    assert_eq!(
        statuses.iter().filter(|&&s| s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|&&s| s == 409).count(),
        19,
        "{statuses:?}"
    );
    let rows: i64 =
        sqlx::query_scalar("SELECT count(*) FROM app_user WHERE email = 'race@example.com'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(rows, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn signup_with_a_bad_email_or_password_answers_422_naming_the_field(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let response = app.signup("not-an-email", "short").await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert!(body["fields"]["email"].is_string(), "{body}");
    assert_eq!(body["fields"]["password"], "must be at least 8 characters");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_password_over_72_bytes_is_refused_not_truncated(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let long = "é".repeat(37); // 37 characters, 74 bytes
    let response = app.signup("long@example.com", &long).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["fields"]["password"]
            .as_str()
            .unwrap()
            .contains("72 bytes"),
        "{body}"
    );

    // Exactly 72 bytes is fine, and only that exact password logs in.
    let exact = "é".repeat(36);
    assert_eq!(app.signup("exact@example.com", &exact).await.status(), 201);
    assert_eq!(app.login("exact@example.com", &exact).await.status(), 200);
    let mut almost = "é".repeat(35);
    almost.push('e');
    assert_eq!(app.login("exact@example.com", &almost).await.status(), 401);
}

#[sqlx::test(migrations = "../migrations")]
async fn login_answers_a_bearer_token_valid_for_an_hour(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    app.signup("carol@example.com", "carol's password").await;
    let response = app.login("Carol@Example.com", "carol's password").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["access_token"].as_str().unwrap().split('.').count(), 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_wrong_password_and_an_unknown_email_get_the_same_401(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    app.signup("dave@example.com", "dave's password").await;
    let wrong = app.login("dave@example.com", "not dave's password").await;
    let unknown = app.login("nobody@example.com", "whatever password").await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(unknown.status(), 401);
    let wrong: Value = wrong.json().await.unwrap();
    let unknown: Value = unknown.json().await.unwrap();
    assert_eq!(wrong, unknown);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_login_whose_email_holds_a_nul_character_is_an_ordinary_401(db: PgPool) {
    // Postgres text cannot hold NUL: asking it for such an account must not become a 500.
    let app = spawn_app_with_admin(db).await;
    let response = app.login("a\u{0}b@example.com", "whatever password").await;
    assert_eq!(response.status(), 401);
}

#[sqlx::test(migrations = "../migrations")]
async fn repeated_failures_for_one_account_answer_429_with_retry_after(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    app.signup("erin@example.com", "erin's password").await;
    fail_logins(&app, "erin@example.com", 5).await;
    let response = app.login("erin@example.com", "erin's password").await;
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0 && retry_after <= 900, "{retry_after}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "too_many_requests");
}

#[sqlx::test(migrations = "../migrations")]
async fn failures_count_the_same_whichever_backend_replica_saw_them(db: PgPool) {
    // Two replicas on one database, as in the swarm stack: the count is kept in Postgres.
    let replicas = [
        spawn_app(db.clone(), &closed_port_url()).await,
        spawn_app(db, &closed_port_url()).await,
    ];
    replicas[0]
        .signup("gus@example.com", "gus's password")
        .await;
    for attempt in 0..5 {
        let replica = &replicas[attempt % 2];
        assert_eq!(
            replica.login("gus@example.com", "guess").await.status(),
            401
        );
    }
    let sixth = replicas[1].login("gus@example.com", "gus's password").await;
    assert_eq!(sixth.status(), 429);
    let other = replicas[0].login("gus@example.com", "gus's password").await;
    assert_eq!(other.status(), 429);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_successful_login_is_not_slowed_by_earlier_failures_below_the_limit(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    app.signup("fay@example.com", "fay's password").await;
    // Four failures (one short of the limit), then a success; the success clears the count,
    // so four more failures still leave the account open.
    for round in 0..2 {
        fail_logins(&app, "fay@example.com", 4).await;
        let status = app
            .login("fay@example.com", "fay's password")
            .await
            .status();
        assert_eq!(status, 200, "round {round}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_seeded_admin_logs_in_with_the_admin_role(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let token = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let me: Value = app.get_with("/api/me", &token).await.json().await.unwrap();
    assert_eq!(me["role"], "admin");
    assert_eq!(me["email"], ADMIN_EMAIL);
}

#[sqlx::test(migrations = "../migrations")]
async fn logins_and_signups_are_counted_in_the_metrics(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    app.signup("metrics@example.com", "metrics-password").await;
    app.login("metrics@example.com", "wrong-password").await;
    app.login("metrics@example.com", "metrics-password").await;

    let metrics = app.client.get(app.url("/metrics")).text_answer().await;
    assert!(
        metrics.contains(r#"logins_total{outcome="failure"}"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"logins_total{outcome="success"}"#),
        "{metrics}"
    );
    assert!(metrics.contains("signups_total"), "{metrics}");
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("http_requests_total{")
                && l.contains(r#"path="/api/auth/login""#)
                && l.contains(r#"status="401""#)),
        "{metrics}"
    );
}

/// `times` logins to `email` with a wrong password, each refused with 401.
async fn fail_logins(app: &TestApp, email: &str, times: usize) {
    for _ in 0..times {
        assert_eq!(app.login(email, "guess").await.status(), 401);
    }
}
