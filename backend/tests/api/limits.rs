//! What the backend refuses at its edge: sign-ups and anonymous predictions past a client's
//! quota, oversized bodies, and the error and security headers every answer carries.

use crate::helpers::{closed_port_url, config, spawn, third_class_man};
use lifeboat_backend::Config;
use reqwest::Response;
use serde_json::{Value, json};
use sqlx::PgPool;

/// A backend with small quotas, that believes `X-Forwarded-For` from this machine (as it
/// would from the web port with `TRUSTED_PROXIES` naming it).
async fn spawn_limited(db: PgPool) -> crate::helpers::TestApp {
    spawn_limited_trusting(db, "127.0.0.1").await
}

async fn spawn_limited_trusting(db: PgPool, trusted_proxies: &str) -> crate::helpers::TestApp {
    spawn(
        db,
        Config {
            signup_rate_per_hour: 2,
            anonymous_inference_rate_per_second: 1,
            trusted_proxies: trusted_proxies.into(),
            ..config(&closed_port_url())
        },
    )
    .await
}

async fn error_code(response: Response) -> String {
    let body: Value = response.json().await.unwrap();
    body["error"].as_str().unwrap().to_owned()
}

/// `POST path` as the client at `address`, named in `X-Forwarded-For` after a forged entry
/// (a trusted proxy appends the address it saw; the backend takes the nearest untrusted one).
async fn post_from(
    app: &crate::helpers::TestApp,
    address: &str,
    path: &str,
    body: Value,
    token: Option<&str>,
) -> Response {
    let mut request = app
        .client
        .post(app.url(path))
        .header("x-forwarded-for", format!("203.0.113.99, {address}"))
        .json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_client_past_its_sign_ups_gets_429_with_retry_after_and_another_client_does_not(
    db: PgPool,
) {
    let app = spawn_limited(db).await;
    let signup =
        |n: u32| json!({"email": format!("s{n}@example.com"), "password": "long enough pw"});
    for n in 0..2 {
        let response = post_from(&app, "198.51.100.7", "/api/auth/signup", signup(n), None).await;
        assert_eq!(response.status(), 201);
    }
    let refused = post_from(&app, "198.51.100.7", "/api/auth/signup", signup(2), None).await;
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=1800).contains(&wait), "Retry-After: {wait}");
    assert_eq!(error_code(refused).await, "too_many_requests");

    let other = post_from(&app, "198.51.100.8", "/api/auth/signup", signup(3), None).await;
    assert_eq!(other.status(), 201);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_caller_who_is_no_trusted_proxy_cannot_name_another_address_to_escape_a_quota(
    db: PgPool,
) {
    let app = spawn_limited_trusting(db, "").await;
    let signup =
        |n: u32| json!({"email": format!("f{n}@example.com"), "password": "long enough pw"});
    // Each sign-up claims to come from somewhere new; all come from 127.0.0.1.
    let mut statuses = Vec::new();
    for n in 0..3 {
        let forged = format!("198.51.100.{n}");
        let response = post_from(&app, &forged, "/api/auth/signup", signup(n), None).await;
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [201, 201, 429]);
}

#[sqlx::test(migrations = "../migrations")]
async fn anonymous_predictions_past_the_quota_get_429_but_a_signed_in_users_do_not(db: PgPool) {
    let app = spawn_limited(db).await;
    // No model service and no active model: an allowed prediction is 503, a refused one 429.
    let statuses = six_predictions(&app, None).await;
    assert_eq!(statuses[..2], [503, 503], "{statuses:?}");
    assert!(statuses[2..].contains(&429), "{statuses:?}");

    let token = app.user_token("counted@example.com").await;
    let statuses = six_predictions(&app, Some(&token)).await;
    assert_eq!(statuses, [503; 6], "a signed-in user is not limited");

    // A made-up token is no way around the quota: it is refused outright.
    let statuses = six_predictions(&app, Some("not-a-token")).await;
    assert_eq!(statuses, [401; 6], "{statuses:?}");
}

/// The statuses of six predictions in a row from one address, with `token` if given.
async fn six_predictions(app: &crate::helpers::TestApp, token: Option<&str>) -> Vec<u16> {
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let response = post_from(
            app,
            "198.51.100.7",
            "/api/inference",
            third_class_man(),
            token,
        )
        .await;
        statuses.push(response.status().as_u16());
    }
    statuses
}

#[sqlx::test(migrations = "../migrations")]
async fn a_body_over_64_kib_is_refused_413_with_our_error_body(db: PgPool) {
    let app = spawn_limited(db).await;
    let mut body = third_class_man();
    body["padding"] = json!("x".repeat(64 * 1024));
    let response = app.predict(body).await;
    assert_eq!(response.status(), 413);
    assert_eq!(error_code(response).await, "payload_too_large");
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_routes_and_methods_answer_json_and_every_answer_has_the_security_headers(
    db: PgPool,
) {
    let app = spawn_limited(db).await;
    let response = app.get("/api/nowhere").await;
    assert_eq!(response.status(), 404);
    let headers = response.headers().clone();
    assert_eq!(error_code(response).await, "not_found");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(
        headers["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );

    let response = app.get("/api/inference").await;
    assert_eq!(response.status(), 405);
    assert_eq!(error_code(response).await, "method_not_allowed");
}
