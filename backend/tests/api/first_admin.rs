//! The first admin of an install nobody configured: made once, however many backends start
//! together, with a password only the backend's file holds; and admin settings that break the
//! rules are reported without stopping the backend.

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, closed_port_url, config, spawn};
use lifeboat_backend::first_admin::INITIAL_ADMIN_EMAIL;
use lifeboat_backend::{Application, Config};
use serde_json::Value;
use sqlx::PgPool;
use std::path::{Path, PathBuf};

/// The backend's configuration with the generated admin's password going to `file`.
fn with_password_file(file: &Path) -> Config {
    Config {
        initial_admin_password_file: Some(file.to_owned()),
        ..config(&closed_port_url())
    }
}

async fn admins(db: &PgPool) -> Vec<String> {
    sqlx::query_scalar("SELECT email::text FROM app_user WHERE role = 'admin'")
        .fetch_all(db)
        .await
        .unwrap()
}

fn password_in(file: &Path) -> String {
    std::fs::read_to_string(file).unwrap().trim_end().to_owned()
}

async fn role_after_login(app: &TestApp, email: &str, password: &str) -> Value {
    let token = app.token(email, password).await;
    app.get_json("/api/me", &token).await["role"].clone()
}

fn password_file(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("secrets/initial_admin_password")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_fresh_install_gets_an_admin_whose_password_is_in_the_file(db: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let file = password_file(&dir);
    let app = spawn(db.clone(), with_password_file(&file)).await;

    assert_eq!(admins(&db).await, [INITIAL_ADMIN_EMAIL]);
    let password = password_in(&file);
    assert!(password.len() >= 20, "a long random password");
    assert_eq!(
        role_after_login(&app, INITIAL_ADMIN_EMAIL, &password).await,
        "admin"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_second_start_makes_no_second_admin_and_leaves_the_file_alone(db: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let file = password_file(&dir);
    spawn(db.clone(), with_password_file(&file)).await;
    let first = password_in(&file);

    let app = spawn(db.clone(), with_password_file(&file)).await;
    assert_eq!(admins(&db).await, [INITIAL_ADMIN_EMAIL]);
    assert_eq!(password_in(&file), first);
    assert_eq!(
        role_after_login(&app, INITIAL_ADMIN_EMAIL, &first).await,
        "admin"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn backends_starting_together_make_exactly_one_first_admin(db: PgPool) {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let starts = dirs.iter().map(|dir| {
        let config = with_password_file(&password_file(dir));
        Application::build_with_pool(config, db.clone())
    });
    let apps = futures_util::future::join_all(starts).await;
    assert!(apps.iter().all(Result::is_ok), "every backend starts");

    assert_eq!(admins(&db).await, [INITIAL_ADMIN_EMAIL]);
    let written: Vec<_> = dirs
        .iter()
        .map(password_file)
        .filter(|f| f.exists())
        .collect();
    assert_eq!(written.len(), 1, "one password file: {written:?}");
    let app = TestApp::running(apps.into_iter().next().unwrap().unwrap());
    let password = password_in(&written[0]);
    assert_eq!(
        role_after_login(&app, INITIAL_ADMIN_EMAIL, &password).await,
        "admin"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_configured_admin_needs_no_generated_one(db: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let file = password_file(&dir);
    let config = Config {
        admin_email: Some(ADMIN_EMAIL.into()),
        admin_password: Some(ADMIN_PASSWORD.into()),
        ..with_password_file(&file)
    };
    let app = spawn(db.clone(), config).await;

    assert_eq!(admins(&db).await, [ADMIN_EMAIL]);
    assert!(!file.exists());
    assert_eq!(
        role_after_login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await,
        "admin"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_password_that_breaks_the_rules_is_not_used_and_the_backend_still_starts(
    db: PgPool,
) {
    let dir = tempfile::tempdir().unwrap();
    let file = password_file(&dir);
    let config = Config {
        admin_email: Some(ADMIN_EMAIL.into()),
        admin_password: Some("short".into()),
        ..with_password_file(&file)
    };
    let app = spawn(db.clone(), config).await;

    // The configured address, with a generated password: there is still a way in.
    assert_eq!(admins(&db).await, [ADMIN_EMAIL]);
    let refused = app
        .post_json(
            "/api/auth/login",
            serde_json::json!({"email": ADMIN_EMAIL, "password": "short"}),
        )
        .await;
    assert_eq!(refused.status(), 401);
    let password = password_in(&file);
    assert_eq!(
        role_after_login(&app, ADMIN_EMAIL, &password).await,
        "admin"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_email_that_is_not_an_address_is_not_used_and_the_backend_still_starts(
    db: PgPool,
) {
    let config = Config {
        admin_email: Some("not-an-address".into()),
        admin_password: Some(ADMIN_PASSWORD.into()),
        ..config(&closed_port_url())
    };
    let app = spawn(db.clone(), config).await;
    assert!(admins(&db).await.is_empty());
    assert_eq!(app.get("/health").await.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_account_that_signed_up_with_the_address_is_not_made_admin_by_a_generated_password(
    db: PgPool,
) {
    let plain = spawn(db.clone(), config(&closed_port_url())).await;
    assert_eq!(
        plain
            .signup(INITIAL_ADMIN_EMAIL, "someone-else-9")
            .await
            .status(),
        201
    );
    let dir = tempfile::tempdir().unwrap();
    let file = password_file(&dir);
    spawn(db.clone(), with_password_file(&file)).await;

    assert!(admins(&db).await.is_empty());
    assert!(!file.exists());
}
