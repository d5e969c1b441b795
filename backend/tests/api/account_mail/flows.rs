//! The whole ways through: a forgotten password, a new address, a link sent again.

use super::*;
use crate::helpers::spawn;
use lifeboat_test_support::{MailCatcher, eventually};
use serde_json::{Value, json};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn a_forgotten_password_is_reset_through_the_mailed_link_and_every_old_session_ends(
    db: PgPool,
) {
    let catcher = MailCatcher::start().await;
    let app = spawn(db, mail_config(&catcher)).await;
    let email = "ada@example.com";
    assert_eq!(app.signup(email, PASSWORD).await.status(), 201);
    let login: Value = app.login(email, PASSWORD).await.json().await.unwrap();
    let old_access = login["access_token"].as_str().unwrap();
    let old_refresh = login["refresh_token"].as_str().unwrap();

    // Typed in another letter case: the mail goes to the account's own address.
    assert_eq!(forgot(&app, "ADA@example.com").await.status(), 202);
    let mail = catcher.wait_for(email, RESET_SUBJECT).await;
    let link = mail
        .link("http://lifeboat.test/reset?token=")
        .expect("the reset link in the text body");
    let html = mail.html.expect("an HTML body");
    assert!(html.contains(&link), "the HTML body has the same link");

    assert_eq!(
        reset(&app, &token_of(&link), NEW_PASSWORD).await.status(),
        204
    );
    assert_eq!(app.get_with("/api/me", old_access).await.status(), 401);
    let refreshed = app
        .post_json("/api/auth/refresh", json!({ "refresh_token": old_refresh }))
        .await;
    assert_eq!(refreshed.status(), 401);
    assert_eq!(app.login(email, PASSWORD).await.status(), 401);
    let token = app.token(email, NEW_PASSWORD).await;
    assert_eq!(me(&app, &token).await["email_verified"], true);
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_up_mails_a_verification_link_that_verifies_the_address_once(db: PgPool) {
    let catcher = MailCatcher::start().await;
    let app = spawn(db, mail_config(&catcher)).await;
    let email = "grace@example.com";
    let token = app.user_token(email).await;
    assert_eq!(me(&app, &token).await["email_verified"], false);

    let mail = catcher.wait_for(email, VERIFY_SUBJECT).await;
    let link = mail.link("http://lifeboat.test/verify?token=").unwrap();
    let verify = json!({ "token": token_of(&link) });
    let verified = app.post_json("/api/auth/verify", verify.clone()).await;
    assert_eq!(verified.status(), 204);
    assert_eq!(me(&app, &token).await["email_verified"], true);
    assert_link_refused(app.post_json("/api/auth/verify", verify).await).await;

    // Verified: there is nothing to send again.
    assert_eq!(resend(&app, &token).await.status(), 409);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_resent_verification_link_ends_the_one_before(db: PgPool) {
    let catcher = MailCatcher::start().await;
    let app = spawn(db, mail_config(&catcher)).await;
    let email = "hedy@example.com";
    let token = app.user_token(email).await;
    let first = catcher.wait_for(email, VERIFY_SUBJECT).await;
    let first = token_of(&first.link("http://lifeboat.test/verify?token=").unwrap());

    assert_eq!(resend(&app, &token).await.status(), 202);
    let second = eventually("a second verification mail", async || {
        let links: Vec<String> = catcher
            .mails()
            .await
            .iter()
            .filter_map(|m| m.link("http://lifeboat.test/verify?token="))
            .map(|link| token_of(&link))
            .collect();
        links.into_iter().find(|t| *t != first)
    })
    .await;

    assert_link_refused(
        app.post_json("/api/auth/verify", json!({ "token": first }))
            .await,
    )
    .await;
    let verified = app
        .post_json("/api/auth/verify", json!({ "token": second }))
        .await;
    assert_eq!(verified.status(), 204);
}
