//! Forgotten passwords and verified addresses, end to end: the backend sends its mail to a
//! real SMTP server (maildev, started by each test), and the tests follow the links in it.
//! `flows`: the whole ways through; `links`: what a link may and may not do; `limits`: one
//! answer for every address, and limits every replica agrees on; `delivery`: the outbox.

mod delivery;
mod flows;
mod limits;
mod links;

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, closed_port_url, config};
use lifeboat_backend::Config;
use lifeboat_test_support::MailCatcher;
use serde_json::{Value, json};

pub const PASSWORD: &str = "user-password-1";
pub const NEW_PASSWORD: &str = "a-new-password-2";
pub const RESET_SUBJECT: &str = "Choose a new Lifeboat password";
pub const VERIFY_SUBJECT: &str = "Confirm your Lifeboat e-mail address";

/// The backend as these tests run it: mail to `catcher`, the admin seeded, no limits.
pub fn mail_config(catcher: &MailCatcher) -> Config {
    Config {
        smtp_url: Some(catcher.smtp_url().into()),
        admin_email: Some(ADMIN_EMAIL.into()),
        admin_password: Some(ADMIN_PASSWORD.into()),
        ..config(&closed_port_url())
    }
}

/// The token in a link `…?token=…`.
pub fn token_of(link: &str) -> String {
    link.split_once("token=")
        .expect("a token in the link")
        .1
        .to_owned()
}

pub async fn forgot(app: &TestApp, email: &str) -> reqwest::Response {
    app.post_json("/api/auth/forgot", json!({ "email": email }))
        .await
}

pub async fn reset(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.post_json(
        "/api/auth/reset",
        json!({ "token": token, "password": password }),
    )
    .await
}

pub async fn me(app: &TestApp, token: &str) -> Value {
    app.get_json("/api/me", token).await
}

/// Asserts a 422 that names `token` as no longer valid.
pub async fn assert_link_refused(response: reqwest::Response) {
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["fields"]["token"]
            .as_str()
            .is_some_and(|reason| reason.starts_with("is not valid")),
        "{body}"
    );
}

/// `POST /api/me/verification` with `token`: a new verification link, please.
pub async fn resend(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/me/verification"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// An admin's reset link for `user` (no mail needed): its token.
pub async fn admin_reset_token(app: &TestApp, admin: &str, user: &str) -> String {
    let response = app
        .client
        .post(app.url(&format!("/api/admin/users/{user}/reset-link")))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    token_of(body["link"].as_str().unwrap())
}

pub async fn user_id(app: &TestApp, token: &str) -> String {
    me(app, token).await["id"].as_str().unwrap().to_owned()
}
