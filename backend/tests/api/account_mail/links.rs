//! What a link may do and may not: once, in time, the newest only; made by an admin or
//! the operator; required before sign-in when the setting says so; bad input named.

use super::*;
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, spawn, spawn_app_with_admin, url_of};
use lifeboat_test_support::MailCatcher;
use serde_json::{Value, json};
use sqlx::PgPool;
use std::process::Command;

#[sqlx::test(migrations = "../migrations")]
async fn a_reset_link_works_once_for_30_minutes_and_not_after_a_newer_one_or_a_password_change(
    db: PgPool,
) {
    let app = spawn_app_with_admin(db.clone()).await;
    let admin = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let user = app.user_token("lin@example.com").await;
    let id = user_id(&app, &user).await;

    // Once.
    let token = admin_reset_token(&app, &admin, &id).await;
    assert_eq!(reset(&app, &token, NEW_PASSWORD).await.status(), 204);
    assert_link_refused(reset(&app, &token, "yet-another-password").await).await;

    // Not after 30 minutes.
    let token = admin_reset_token(&app, &admin, &id).await;
    sqlx::query(
        "UPDATE account_link SET expires_at = expires_at - interval '30 minutes',
                                 created_at = created_at - interval '30 minutes'",
    )
    .execute(&db)
    .await
    .unwrap();
    assert_link_refused(reset(&app, &token, "yet-another-password").await).await;

    // Not after a newer one; the newer one works.
    let older = admin_reset_token(&app, &admin, &id).await;
    let newer = admin_reset_token(&app, &admin, &id).await;
    assert_link_refused(reset(&app, &older, "yet-another-password").await).await;
    assert_eq!(
        reset(&app, &newer, "yet-another-password").await.status(),
        204
    );

    // Not after a password change.
    let token = admin_reset_token(&app, &admin, &id).await;
    let user = app.token("lin@example.com", "yet-another-password").await;
    let changed = app
        .client
        .put(app.url("/api/me/password"))
        .bearer_auth(&user)
        .json(&json!({"current_password": "yet-another-password", "new_password": "the-4th-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 204);
    assert_link_refused(reset(&app, &token, "a-5th-password").await).await;

    // A bad password is named, and leaves the link working.
    let token = admin_reset_token(&app, &admin, &id).await;
    let short = reset(&app, &token, "short").await;
    assert_eq!(short.status(), 422);
    let body: Value = short.json().await.unwrap();
    assert!(body["fields"]["password"].is_string(), "{body}");
    assert_eq!(reset(&app, &token, "a-5th-password").await.status(), 204);

    // Only hashes are kept.
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT token_hash FROM account_link")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 6);
    assert!(stored.iter().all(|hash| hash.len() == 32));
    assert!(!stored.contains(&token.as_bytes().to_vec()));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_operator_command_prints_a_reset_link_that_works_for_an_admin(db: PgPool) {
    let app = spawn_app_with_admin(db.clone()).await;
    let output = Command::new(env!("CARGO_BIN_EXE_lifeboat-backend"))
        .args(["reset-link", ADMIN_EMAIL])
        .env("DATABASE_URL", url_of(&db).await)
        .env("PUBLIC_URL", "https://lifeboat.example/")
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let printed = String::from_utf8(output.stdout).unwrap();
    let link = printed
        .split_whitespace()
        .find(|word| word.starts_with("https://lifeboat.example/reset?token="))
        .unwrap_or_else(|| panic!("no link in {printed}"));
    assert_eq!(
        reset(&app, &token_of(link), NEW_PASSWORD).await.status(),
        204
    );
    app.token(ADMIN_EMAIL, NEW_PASSWORD).await;

    let unknown = Command::new(env!("CARGO_BIN_EXE_lifeboat-backend"))
        .args(["reset-link", "nobody@example.com"])
        .env("DATABASE_URL", url_of(&db).await)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no account has the address"));
}

#[sqlx::test(migrations = "../migrations")]
async fn only_an_admin_makes_a_reset_link_and_only_for_an_existing_user(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let admin = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let user = app.user_token("rosalind@example.com").await;
    let id = user_id(&app, &user).await;
    let by_user = app
        .client
        .post(app.url(&format!("/api/admin/users/{id}/reset-link")))
        .bearer_auth(&user)
        .send()
        .await
        .unwrap();
    assert_eq!(by_user.status(), 403);
    let missing = app
        .client
        .post(app.url(&format!("/api/admin/users/{}/reset-link", uuid_nil())))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let token = admin_reset_token(&app, &admin, &id).await;
    assert_eq!(reset(&app, &token, NEW_PASSWORD).await.status(), 204);
}

fn uuid_nil() -> &'static str {
    "00000000-0000-0000-0000-000000000000"
}

#[sqlx::test(migrations = "../migrations")]
async fn with_verification_required_an_unverified_account_signs_in_only_once_verified(db: PgPool) {
    let catcher = MailCatcher::start().await;
    let config = Config {
        require_verified_email: true,
        ..mail_config(&catcher)
    };
    let app = spawn(db, config).await;
    let email = "barbara@example.com";
    assert_eq!(app.signup(email, PASSWORD).await.status(), 201);
    let refused = app.login(email, PASSWORD).await;
    assert_eq!(refused.status(), 403);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "email_not_verified", "{body}");
    // A wrong password is still only a wrong password.
    assert_eq!(app.login(email, "not-the-password").await.status(), 401);

    let mail = catcher.wait_for(email, VERIFY_SUBJECT).await;
    let link = mail.link("http://lifeboat.test/verify?token=").unwrap();
    let verified = app
        .post_json("/api/auth/verify", json!({ "token": token_of(&link) }))
        .await;
    assert_eq!(verified.status(), 204);
    app.token(email, PASSWORD).await;
    // The seeded admin's address counts as verified.
    app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_forgot_request_names_a_bad_address_and_a_reset_names_a_bad_token(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let bad = forgot(&app, "not an address").await;
    assert_eq!(bad.status(), 422);
    let body: Value = bad.json().await.unwrap();
    assert!(body["fields"]["email"].is_string(), "{body}");
    assert_link_refused(reset(&app, "no-such-token", NEW_PASSWORD).await).await;
    assert_link_refused(
        app.post_json("/api/auth/verify", json!({ "token": "" }))
            .await,
    )
    .await;
}
