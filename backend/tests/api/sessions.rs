//! Sessions: logout ends one on the server, refresh tokens rotate and a reused one ends the
//! session for every holder, and a role change counts from the next request.

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, spawn_app_with_admin};
use lifeboat_test_support::Ask;
use serde_json::{Value, json};
use sqlx::PgPool;

/// The access and refresh tokens of a fresh login.
async fn log_in(app: &TestApp, email: &str, password: &str) -> (String, String) {
    let response = app.login(email, password).await;
    assert_eq!(response.status(), 200);
    pair(response.json().await.unwrap())
}

fn pair(body: Value) -> (String, String) {
    let text = |key: &str| body[key].as_str().unwrap().to_owned();
    (text("access_token"), text("refresh_token"))
}

async fn refresh(app: &TestApp, refresh_token: &str) -> reqwest::Response {
    app.post_json("/api/auth/refresh", json!({"refresh_token": refresh_token}))
        .await
}

async fn logout(app: &TestApp, access_token: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/auth/logout"))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap()
}

async fn me_status(app: &TestApp, access_token: &str) -> u16 {
    app.get_with("/api/me", access_token)
        .await
        .status()
        .as_u16()
}

async fn new_user(app: &TestApp, email: &str) -> (String, String) {
    assert_eq!(app.signup(email, "user-password-1").await.status(), 201);
    log_in(app, email, "user-password-1").await
}

#[sqlx::test(migrations = "../migrations")]
async fn logging_out_stops_that_sessions_access_and_refresh_tokens_at_once(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let (access, refresh_token) = new_user(&app, "out@example.com").await;
    let (other_access, _) = log_in(&app, "out@example.com", "user-password-1").await;
    assert_eq!(me_status(&app, &access).await, 200);

    assert_eq!(logout(&app, &access).await.status(), 204);
    assert_eq!(me_status(&app, &access).await, 401);
    assert_eq!(refresh(&app, &refresh_token).await.status(), 401);
    assert_eq!(logout(&app, &access).await.status(), 401);
    // The same person's other session (another device) goes on.
    assert_eq!(me_status(&app, &other_access).await, 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refresh_answers_a_new_working_pair_and_spends_the_old_refresh_token(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let (access, first_refresh) = new_user(&app, "rot@example.com").await;

    let response = refresh(&app, &first_refresh).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let (new_access, new_refresh) = pair(body);
    assert_ne!(new_refresh, first_refresh);
    assert_eq!(me_status(&app, &new_access).await, 200);
    // The access token from before the refresh belongs to the same live session.
    assert_eq!(me_status(&app, &access).await, 200);

    let response = refresh(&app, &new_refresh).await;
    assert_eq!(response.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refresh_token_presented_twice_ends_the_session_for_every_holder(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let (_, stolen) = new_user(&app, "theft@example.com").await;
    // The rightful holder refreshes first...
    let (access, current_refresh) = pair(refresh(&app, &stolen).await.json().await.unwrap());
    assert_eq!(me_status(&app, &access).await, 200);

    // ...then the copy is presented: refused, and the session is over for both.
    let response = refresh(&app, &stolen).await;
    assert_eq!(response.status(), 401);
    assert_eq!(me_status(&app, &access).await, 401);
    assert_eq!(refresh(&app, &current_refresh).await.status(), 401);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unknown_or_blank_refresh_token_is_refused_401(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    for token in ["", "   ", "not-a-refresh-token"] {
        let response = refresh(&app, token).await;
        assert_eq!(response.status(), 401, "{token:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "invalid_token");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_role_change_counts_from_the_next_request_with_the_same_token(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let (user_access, _) = new_user(&app, "promoted@example.com").await;
    let me: Value = app.get_json("/api/me", &user_access).await;
    let user_id = me["id"].as_str().unwrap().to_owned();
    let admin = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let set_role = async |role: &str| {
        let response = app
            .client
            .patch(app.url(&format!("/api/admin/users/{user_id}")))
            .bearer_auth(&admin)
            .json(&json!({"role": role}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    };

    assert_eq!(
        app.get_with("/api/admin/users", &user_access)
            .await
            .status(),
        403
    );
    set_role("admin").await;
    assert_eq!(
        app.get_with("/api/admin/users", &user_access)
            .await
            .status(),
        200
    );
    set_role("user").await;
    assert_eq!(
        app.get_with("/api/admin/users", &user_access)
            .await
            .status(),
        403
    );
}

/// `POST /api/inference` with `access_token`: its status. (No model service here, so a
/// prediction that is let through answers 503; one refused at the door 401.)
async fn predict_status(app: &TestApp, access_token: &str) -> u16 {
    app.client
        .post(app.url("/api/inference"))
        .bearer_auth(access_token)
        .json(&json!({"pclass": 3, "sex": "male", "sibsp": 0, "parch": 0}))
        .status_answer()
        .await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_prediction_with_the_token_of_an_ended_session_is_refused_401(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let (access, refresh_token) = new_user(&app, "predicts@example.com").await;
    assert_eq!(predict_status(&app, &access).await, 503, "let through");

    // Logged out: refused at once, not taken for an anonymous caller.
    assert_eq!(logout(&app, &access).await.status(), 204);
    assert_eq!(predict_status(&app, &access).await, 401);
    assert_eq!(refresh(&app, &refresh_token).await.status(), 401);

    // A token that is no token at all is refused too.
    assert_eq!(predict_status(&app, "not-a-token").await, 401);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_prediction_with_the_token_of_a_session_ended_for_a_reused_refresh_token_is_refused(
    db: PgPool,
) {
    let app = spawn_app_with_admin(db).await;
    let (access, refresh_token) = new_user(&app, "reused@example.com").await;
    assert_eq!(predict_status(&app, &access).await, 503);
    assert_eq!(refresh(&app, &refresh_token).await.status(), 200);
    // The old refresh token again: the session ends for every holder.
    assert_eq!(refresh(&app, &refresh_token).await.status(), 401);
    assert_eq!(predict_status(&app, &access).await, 401);
}
