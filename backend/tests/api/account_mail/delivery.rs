//! The outbox: what it keeps, what it does while the mail server is down, on SIGTERM, and
//! without a mail server at all.

use super::*;
use crate::helpers::{closed_port_url, spawn, spawn_app_with_admin, spawn_binary_with};
use lifeboat_test_support::{MailCatcher, eventually};
use serde_json::{Value, json};
use sqlx::PgPool;
use std::process::{Command, Stdio};

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
async fn without_smtp_url_the_forms_answer_the_same_and_no_link_is_made(db: PgPool) {
    let app = spawn_app_with_admin(db.clone()).await;
    // Nothing to verify with: the account counts as verified (no banner asks for a link).
    let created = app.signup("alan@example.com", PASSWORD).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["email_verified"], true);
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
