//! Accounts through the one origin: a user signs up, logs in, sees itself, is kept out of
//! the admin's model list, where the seeded admin finds the default models.

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, spawn_stack, spawn_stack_with};
use lifeboat_test_support::Ask;
use serde_json::{Value, json};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn a_user_signs_up_logs_in_and_is_kept_out_of_the_model_list(db: PgPool) {
    let stack = spawn_stack(db).await;
    let signup = stack
        .post("/api/auth/signup")
        .json(&json!({"email": "kim@example.com", "password": "kim's password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), 201);

    let token = stack.token("kim@example.com", "kim's password").await;
    let me: Value = stack.get("/api/me").bearer_auth(&token).json_answer().await;
    assert_eq!(me["email"], "kim@example.com");

    let models = stack
        .get("/api/models")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(models.status(), 403);
}

#[sqlx::test(migrations = "../migrations")]
async fn on_a_fresh_install_the_admin_finds_an_active_forest_and_an_active_svm(db: PgPool) {
    let stack = spawn_stack(db).await;
    let token = stack.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let page = stack.models_once(&token, 2).await;
    let models = page["items"].as_array().unwrap();
    for algorithm in ["random_forest", "svm"] {
        let model = models
            .iter()
            .find(|m| m["algorithm"] == algorithm)
            .unwrap_or_else(|| panic!("no {algorithm}: {models:?}"));
        assert_eq!(model["is_active"], true, "{model}");
        let features = model["features"].as_array().unwrap();
        let expected = lifeboat_api_types::Algorithm::parse(algorithm)
            .unwrap()
            .default_features();
        assert_eq!(features.len(), expected.len(), "{model}");
        assert!(model["accuracy"].as_f64().unwrap() >= 0.76, "{model}");
    }
    assert_eq!(stack.artifact_files().len(), 2);
}

/// Three sign-ups through the web port, each naming another address in `X-Forwarded-For`,
/// against a backend that allows two per address: their statuses.
async fn three_signups_naming_three_addresses(stack: &crate::helpers::Stack) -> Vec<u16> {
    let mut statuses = Vec::new();
    for n in 0..3 {
        let response = stack
            .post("/api/auth/signup")
            .header("x-forwarded-for", format!("198.51.100.{n}"))
            .json(&json!({"email": format!("forged{n}@example.com"), "password": "long enough pw"}))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    statuses
}

#[sqlx::test(migrations = "../migrations")]
async fn the_web_port_believes_x_forwarded_for_only_from_its_trusted_proxies(db: PgPool) {
    // Nobody trusted: the header is replaced by the address the web port saw, one client.
    let stack = spawn_stack_with(db.clone(), "", |backend| backend.signup_rate_per_hour = 2).await;
    assert_eq!(
        three_signups_naming_three_addresses(&stack).await,
        [201, 201, 429]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn behind_a_trusted_proxy_each_client_it_names_has_its_own_quota(db: PgPool) {
    // This machine is the reverse proxy: the addresses it names are the clients.
    let stack = spawn_stack_with(db, "127.0.0.1", |backend| backend.signup_rate_per_hour = 2).await;
    assert_eq!(
        three_signups_naming_three_addresses(&stack).await,
        [201, 201, 201]
    );
}
