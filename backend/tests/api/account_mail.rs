//! Forgotten passwords and verified addresses, end to end: the backend sends its mail to a
//! real SMTP server (maildev, started by each test), and the tests follow the links in it.

use crate::helpers::{
    ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, closed_port_url, config, spawn, spawn_app_with_admin,
    spawn_binary_with, url_of,
};
use lifeboat_backend::Config;
use lifeboat_test_support::{MailCatcher, eventually};
use serde_json::{Value, json};
use sqlx::PgPool;
use std::process::{Command, Stdio};
use std::time::Instant;

const PASSWORD: &str = "user-password-1";
const NEW_PASSWORD: &str = "a-new-password-2";
const RESET_SUBJECT: &str = "Choose a new Lifeboat password";
const VERIFY_SUBJECT: &str = "Confirm your Lifeboat e-mail address";

/// The backend as these tests run it: mail to `catcher`, the admin seeded, no limits.
fn mail_config(catcher: &MailCatcher) -> Config {
    Config {
        smtp_url: Some(catcher.smtp_url().into()),
        admin_email: Some(ADMIN_EMAIL.into()),
        admin_password: Some(ADMIN_PASSWORD.into()),
        ..config(&closed_port_url())
    }
}

/// The token in a link `…?token=…`.
fn token_of(link: &str) -> String {
    link.split_once("token=")
        .expect("a token in the link")
        .1
        .to_owned()
}

async fn forgot(app: &TestApp, email: &str) -> reqwest::Response {
    app.post_json("/api/auth/forgot", json!({ "email": email }))
        .await
}

async fn reset(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.post_json(
        "/api/auth/reset",
        json!({ "token": token, "password": password }),
    )
    .await
}

async fn me(app: &TestApp, token: &str) -> Value {
    app.get_json("/api/me", token).await
}

/// Asserts a 422 that names `token` as no longer valid.
async fn assert_link_refused(response: reqwest::Response) {
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["fields"]["token"]
            .as_str()
            .is_some_and(|reason| reason.starts_with("is not valid")),
        "{body}"
    );
}

/// An admin's reset link for `user` (no mail needed): its token.
async fn admin_reset_token(app: &TestApp, admin: &str, user: &str) -> String {
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

async fn user_id(app: &TestApp, token: &str) -> String {
    me(app, token).await["id"].as_str().unwrap().to_owned()
}

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
    let resend = app
        .client
        .post(app.url("/api/me/verification"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resend.status(), 409);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_resent_verification_link_ends_the_one_before(db: PgPool) {
    let catcher = MailCatcher::start().await;
    let app = spawn(db, mail_config(&catcher)).await;
    let email = "hedy@example.com";
    let token = app.user_token(email).await;
    let first = catcher.wait_for(email, VERIFY_SUBJECT).await;
    let first = token_of(&first.link("http://lifeboat.test/verify?token=").unwrap());

    let resend = app
        .client
        .post(app.url("/api/me/verification"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resend.status(), 202);
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

/// The headers that may differ between any two answers.
fn comparable(response: &reqwest::Response) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "date" | "x-request-id"))
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or("").to_owned()))
        .collect();
    headers.sort();
    headers
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

#[sqlx::test(migrations = "../migrations")]
async fn the_forgot_answer_is_the_same_for_a_registered_and_an_unknown_address(db: PgPool) {
    let catcher = MailCatcher::start().await;
    let config = Config {
        account_link_rate_per_address: 10_000,
        account_link_rate_per_client: 10_000,
        ..mail_config(&catcher)
    };
    let app = spawn(db, config).await;
    let (registered, unknown) = ("known@example.com", "nobody@example.com");
    assert_eq!(app.signup(registered, PASSWORD).await.status(), 201);

    let known = forgot(&app, registered).await;
    let other = forgot(&app, unknown).await;
    assert_eq!(known.status(), 202);
    assert_eq!(known.status(), other.status());
    assert_eq!(comparable(&known), comparable(&other));
    assert_eq!(known.bytes().await.unwrap(), other.bytes().await.unwrap());

    let (mut known_ms, mut unknown_ms) = (Vec::new(), Vec::new());
    for round in 0..200 {
        let (address, samples) = if round % 2 == 0 {
            (registered, &mut known_ms)
        } else {
            (unknown, &mut unknown_ms)
        };
        let started = Instant::now();
        assert_eq!(forgot(&app, address).await.status(), 202);
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let (known_median, unknown_median) = (median(known_ms), median(unknown_ms));
    println!(
        "forgot, median of 100 each: registered {known_median:.3} ms, unknown {unknown_median:.3} ms"
    );
    assert!(
        (known_median - unknown_median).abs() < 1.0,
        "registered {known_median:.3} ms vs unknown {unknown_median:.3} ms"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_rate_limit_answers_the_same_for_a_registered_and_an_unknown_address(db: PgPool) {
    let config = Config {
        account_link_rate_per_address: 3,
        account_link_rate_per_client: 100,
        ..crate::helpers::config(&closed_port_url())
    };
    let app = spawn(db, config).await;
    let (registered, unknown) = ("known@example.com", "nobody@example.com");
    assert_eq!(app.signup(registered, PASSWORD).await.status(), 201);
    for _ in 0..3 {
        assert_eq!(forgot(&app, registered).await.status(), 202);
        assert_eq!(forgot(&app, unknown).await.status(), 202);
    }
    // The address is counted as typed, normalised: another letter case is the same address.
    let known = forgot(&app, " Known@Example.com").await;
    let other = forgot(&app, unknown).await;
    assert_eq!(known.status(), 429);
    assert_eq!(known.status(), other.status());
    assert_eq!(comparable(&known), comparable(&other));
    let retry_after: u64 = known.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((3500..=3600).contains(&retry_after), "{retry_after}");
    assert_eq!(known.bytes().await.unwrap(), other.bytes().await.unwrap());
    // Another address from the same client is not held back.
    assert_eq!(forgot(&app, "third@example.com").await.status(), 202);
}

#[sqlx::test(migrations = "../migrations")]
async fn two_replicas_on_one_database_count_the_same_limits(db: PgPool) {
    let config = || Config {
        account_link_rate_per_address: 4,
        account_link_rate_per_client: 10,
        ..crate::helpers::config(&closed_port_url())
    };
    let first = spawn(db.clone(), config()).await;
    let second = spawn(db, config()).await;
    // Per address: four between them, then neither takes a fifth.
    for app in [&first, &second, &first, &second] {
        assert_eq!(forgot(app, "shared@example.com").await.status(), 202);
    }
    assert_eq!(forgot(&first, "shared@example.com").await.status(), 429);
    assert_eq!(forgot(&second, "shared@example.com").await.status(), 429);
    // Per client: ten resets between them, then neither takes an eleventh.
    for app in [&first, &second].repeat(5) {
        assert_link_refused(reset(app, "no-such-token", NEW_PASSWORD).await).await;
    }
    assert_eq!(
        reset(&second, "no-such-token", NEW_PASSWORD).await.status(),
        429
    );
    assert_eq!(
        reset(&first, "no-such-token", NEW_PASSWORD).await.status(),
        429
    );
}

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
async fn a_sent_mail_keeps_no_link_and_the_database_keeps_only_hashes(db: PgPool) {
    let catcher = MailCatcher::start().await;
    let app = spawn(db.clone(), mail_config(&catcher)).await;
    let email = "mary@example.com";
    assert_eq!(app.signup(email, PASSWORD).await.status(), 201);
    assert_eq!(forgot(&app, email).await.status(), 202);
    let mail = catcher.wait_for(email, RESET_SUBJECT).await;
    let token = token_of(&mail.link("http://lifeboat.test/reset?token=").unwrap());
    eventually("both mails marked sent", async || {
        let sent: i64 =
            sqlx::query_scalar("SELECT count(*) FROM mail_outbox WHERE sent_at IS NOT NULL")
                .fetch_one(&db)
                .await
                .unwrap();
        (sent == 2).then_some(())
    })
    .await;

    let everything: Vec<String> = sqlx::query_scalar(
        "SELECT row_to_json(o)::text FROM mail_outbox o
         UNION ALL SELECT row_to_json(l)::text FROM account_link l
         UNION ALL SELECT row_to_json(r)::text FROM password_reset_request r",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    assert!(everything.len() >= 4, "{everything:?}");
    for row in &everything {
        assert!(!row.contains(&token), "a row holds the token: {row}");
    }
    let bodies: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM mail_outbox WHERE text_body IS NOT NULL OR html_body IS NOT NULL",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(bodies, 0);
    assert_eq!(reset(&app, &token, NEW_PASSWORD).await.status(), 204);
}

#[sqlx::test(migrations = "../migrations")]
async fn mails_wait_while_the_smtp_server_is_down_and_go_out_once_it_is_back(db: PgPool) {
    let mut catcher = MailCatcher::start().await;
    let app = spawn(db.clone(), mail_config(&catcher)).await;
    catcher.stop();
    let email = "katherine@example.com";
    assert_eq!(app.signup(email, PASSWORD).await.status(), 201);
    eventually("a failed try recorded", async || {
        let tried: Option<i32> = sqlx::query_scalar(
            "SELECT attempts FROM mail_outbox WHERE sent_at IS NULL AND last_error IS NOT NULL",
        )
        .fetch_optional(&db)
        .await
        .unwrap();
        tried.filter(|n| *n >= 1)
    })
    .await;

    catcher.resume().await;
    let mail = catcher.wait_for(email, VERIFY_SUBJECT).await;
    assert!(mail.link("http://lifeboat.test/verify?token=").is_some());
    let mails = catcher.mails().await;
    assert_eq!(mails.len(), 1, "sent once");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_sigterm_while_mails_go_out_loses_none_and_sends_none_twice(db: PgPool) {
    let catcher = MailCatcher::start().await;
    let smtp_url = catcher.smtp_url();
    let envs = [("RUST_LOG", "warn"), ("SMTP_URL", smtp_url.as_str())];
    let (mut backend, base) =
        spawn_binary_with(&db, &closed_port_url(), false, &envs, Stdio::null()).await;
    let client = reqwest::Client::new();
    let signups = 12;
    for n in 0..signups {
        let created = client
            .post(format!("{base}/api/auth/signup"))
            .json(&json!({ "email": format!("crew{n}@example.com"), "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201);
    }
    let status = Command::new("kill")
        .args(["-TERM", &backend.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = tokio::task::spawn_blocking(move || backend.wait().unwrap())
        .await
        .unwrap();
    assert!(exit.success(), "exit status {exit}");

    // What the stopped backend did not send, the next one does.
    let (mut next, _) =
        spawn_binary_with(&db, &closed_port_url(), false, &envs, Stdio::null()).await;
    let mails = eventually("every verification mail", async || {
        let mails = catcher.mails().await;
        (mails.len() >= signups).then_some(mails)
    })
    .await;
    let _ = next.kill();
    let _ = next.wait();
    for n in 0..signups {
        let to = format!("crew{n}@example.com");
        let count = mails.iter().filter(|m| m.is_to(&to)).count();
        assert_eq!(count, 1, "{to} got {count} mails");
    }
    let unsent: i64 = sqlx::query_scalar("SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(unsent, 0);
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
async fn without_smtp_url_the_forms_answer_the_same_and_no_link_is_made(db: PgPool) {
    let app = spawn_app_with_admin(db.clone()).await;
    assert_eq!(app.signup("alan@example.com", PASSWORD).await.status(), 201);
    let known = forgot(&app, "alan@example.com").await;
    assert_eq!(known.status(), 202);
    let body: Value = known.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("If an account has this address")
    );
    eventually("the request handled", async || {
        let waiting: i64 = sqlx::query_scalar("SELECT count(*) FROM password_reset_request")
            .fetch_one(&db)
            .await
            .unwrap();
        (waiting == 0).then_some(())
    })
    .await;
    let (links, mails): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM account_link), (SELECT count(*) FROM mail_outbox)",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!((links, mails), (0, 0));
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
