//! A person's own account: changing the password (current one required, other sessions end)
//! and deleting the account (password required, never the last admin).

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, spawn_app_with_admin};
use serde_json::{Value, json};
use sqlx::PgPool;

async fn access_token(app: &TestApp, email: &str, password: &str) -> String {
    let response = app.login(email, password).await;
    assert_eq!(response.status(), 200, "login of {email}");
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Value,
) -> reqwest::Response {
    app.client
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn change(app: &TestApp, token: &str, current: &str, new: &str) -> reqwest::Response {
    let body = json!({"current_password": current, "new_password": new});
    call(app, reqwest::Method::PUT, "/api/me/password", token, body).await
}

async fn delete_me(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    call(
        app,
        reqwest::Method::DELETE,
        "/api/me",
        token,
        json!({"password": password}),
    )
    .await
}

async fn me_status(app: &TestApp, token: &str) -> u16 {
    app.get_with("/api/me", token).await.status().as_u16()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_new_password_needs_the_current_one_and_ends_the_other_sessions(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    assert_eq!(
        app.signup("pw@example.com", "first-password")
            .await
            .status(),
        201
    );
    let here = access_token(&app, "pw@example.com", "first-password").await;
    let elsewhere = access_token(&app, "pw@example.com", "first-password").await;

    let wrong = change(&app, &here, "not-the-password", "second-password").await;
    assert_eq!(wrong.status(), 422);
    let body: Value = wrong.json().await.unwrap();
    assert!(body["fields"]["current_password"].is_string(), "{body}");
    let short = change(&app, &here, "first-password", "short").await;
    assert_eq!(short.status(), 422);
    let body: Value = short.json().await.unwrap();
    assert!(body["fields"]["new_password"].is_string(), "{body}");

    assert_eq!(
        change(&app, &here, "first-password", "second-password")
            .await
            .status(),
        204
    );
    assert_eq!(me_status(&app, &here).await, 200, "this session goes on");
    assert_eq!(
        me_status(&app, &elsewhere).await,
        401,
        "the other one ended"
    );
    assert_eq!(
        app.login("pw@example.com", "first-password").await.status(),
        401
    );
    assert_eq!(
        app.login("pw@example.com", "second-password")
            .await
            .status(),
        200
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn wrong_current_passwords_count_against_the_login_throttle(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    assert_eq!(
        app.signup("guess@example.com", "first-password")
            .await
            .status(),
        201
    );
    let token = access_token(&app, "guess@example.com", "first-password").await;
    let mut statuses = Vec::new();
    for n in 0..6 {
        let response = change(&app, &token, &format!("guess-{n}-wrong"), "second-password").await;
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [422, 422, 422, 422, 422, 429]);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deleted_account_cannot_log_in_and_its_tokens_stop_working(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    assert_eq!(
        app.signup("gone@example.com", "gone-password")
            .await
            .status(),
        201
    );
    let token = access_token(&app, "gone@example.com", "gone-password").await;

    let wrong = delete_me(&app, &token, "not-the-password").await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(me_status(&app, &token).await, 200, "still there");

    assert_eq!(delete_me(&app, &token, "gone-password").await.status(), 204);
    assert_eq!(me_status(&app, &token).await, 401);
    assert_eq!(
        app.login("gone@example.com", "gone-password")
            .await
            .status(),
        401
    );
    // The address is free again.
    assert_eq!(
        app.signup("gone@example.com", "new-password-1")
            .await
            .status(),
        201
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_last_admin_cannot_delete_their_account_but_one_of_two_can(db: PgPool) {
    let app = spawn_app_with_admin(db.clone()).await;
    let admin = access_token(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let refused = delete_me(&app, &admin, ADMIN_PASSWORD).await;
    assert_eq!(refused.status(), 409);
    let body: Value = refused.json().await.unwrap();
    assert!(
        body["fields"]["account"]
            .as_str()
            .unwrap()
            .contains("last admin"),
        "{body}"
    );

    assert_eq!(
        app.signup("second@example.com", "second-admin-pw")
            .await
            .status(),
        201
    );
    sqlx::query("UPDATE app_user SET role = 'admin' WHERE email = 'second@example.com'")
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(delete_me(&app, &admin, ADMIN_PASSWORD).await.status(), 204);
    assert_eq!(app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.status(), 401);
}
