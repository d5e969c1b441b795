//! Who may call what: tokens that must be refused (401), roles that are too low (403), and
//! what each role may do.

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET, TestApp, spawn_app_with_admin};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use lifeboat_backend::auth::{Claims, JwtKeys};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn sign(claims: &Claims) -> String {
    JwtKeys::new(&JWT_SECRET.into())
        .unwrap()
        .sign(claims)
        .unwrap()
}

/// The claims of a real admin token (of a live session), re-signed with the real key:
/// accepted as they are, so each test's one change is what gets a token refused.
async fn admin_claims(app: &TestApp) -> Claims {
    let token = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let payload = token.split('.').nth(1).unwrap();
    let claims: Claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    let response = app.get_with("/api/me", &sign(&claims)).await;
    assert_eq!(response.status(), 200, "the unaltered claims are accepted");
    claims
}

async fn assert_401_bearer(app: &TestApp, token: &str) {
    let response = app.get_with("/api/me", token).await;
    assert_eq!(response.status(), 401, "token {token:?} was accepted");
    let challenge = response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(challenge.starts_with("Bearer"), "{challenge}");
}

#[sqlx::test(migrations = "../migrations")]
async fn me_without_a_token_answers_401_with_a_bearer_challenge(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let response = app.client.get(app.url("/api/me")).send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
}

#[sqlx::test(migrations = "../migrations")]
async fn me_answers_the_callers_own_account(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let token = app.user_token("gil@example.com").await;
    let response = app.get_with("/api/me", &token).await;
    assert_eq!(response.status(), 200);
    let me: Value = response.json().await.unwrap();
    assert_eq!(me["email"], "gil@example.com");
    assert_eq!(me["role"], "user");
    assert!(me["created_at"].is_string());
}

#[sqlx::test(migrations = "../migrations")]
async fn an_expired_token_is_refused(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let expired = Claims {
        iat: now() - 7200,
        exp: now() - 3600,
        ..admin_claims(&app).await
    };
    assert_401_bearer(&app, &sign(&expired)).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_tampered_token_is_refused(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let token = app.user_token("hal@example.com").await;
    // Swap the payload for one that claims the admin role, keeping the user's signature.
    let parts: Vec<&str> = token.split('.').collect();
    let mut payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    payload["role"] = json!("admin");
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        parts[2]
    );
    assert_401_bearer(&app, &forged).await;
    let response = app.get_with("/api/admin/users", &forged).await;
    assert_eq!(response.status(), 401);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unsigned_alg_none_token_is_refused(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let claims = admin_claims(&app).await;
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_string(&claims).unwrap());
    assert_401_bearer(&app, &format!("{header}.{payload}.")).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_token_from_another_issuer_or_for_another_audience_is_refused(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let claims = admin_claims(&app).await;
    let foreign_issuer = Claims {
        iss: "someone-else".into(),
        ..claims.clone()
    };
    assert_401_bearer(&app, &sign(&foreign_issuer)).await;
    let foreign_audience = Claims {
        aud: "another-api".into(),
        ..claims
    };
    assert_401_bearer(&app, &sign(&foreign_audience)).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn malformed_authorization_headers_are_refused(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    for token in ["", "not-a-jwt", "a.b.c", "Basic dXNlcjpwYXNz"] {
        assert_401_bearer(&app, token).await;
    }
    let response = app
        .client
        .get(app.url("/api/me"))
        .header("authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_user_is_refused_admin_routes_with_403(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let token = app.user_token("ivy@example.com").await;
    // `/api/training` has no route yet: the policy covers it by path all the same.
    for path in [
        "/api/admin/users",
        "/api/models",
        "/api/training",
        "/api/models/x/activate",
    ] {
        let response = app.get_with(path, &token).await;
        assert_eq!(response.status(), 403, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "forbidden");
    }
    let patch = app
        .client
        .patch(app.url(&format!("/api/admin/users/{}", Uuid::new_v4())))
        .bearer_auth(&token)
        .json(&json!({"role": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status(), 403);
}

#[sqlx::test(migrations = "../migrations")]
async fn anonymous_callers_get_401_on_admin_routes(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    for path in ["/api/admin/users", "/api/models", "/api/training"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 401, "{path}");
    }
    // A lookalike prefix is not guarded: it is simply not found.
    let lookalike = app
        .client
        .get(app.url("/api/modelsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(lookalike.status(), 404);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_lists_users_page_by_page(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    for i in 0..3 {
        app.signup(&format!("u{i}@example.com"), "password-123")
            .await;
    }
    let token = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let response = app
        .get_with("/api/admin/users?page=1&per_page=2", &token)
        .await;
    assert_eq!(response.status(), 200);
    let page: Value = response.json().await.unwrap();
    assert_eq!(page["total"], 4);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        (page["page"].clone(), page["per_page"].clone()),
        (json!(1), json!(2))
    );
    let last: Value = app
        .get_with("/api/admin/users?page=2&per_page=2", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(last["items"].as_array().unwrap().len(), 2);
    assert!(last["items"][0].get("password_hash").is_none());

    let bad = app.get_with("/api/admin/users?per_page=1000", &token).await;
    assert_eq!(bad.status(), 422);
    let body: Value = bad.json().await.unwrap();
    assert!(body["fields"]["per_page"].is_string(), "{body}");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_changes_a_users_role(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let created: Value = app
        .signup("jo@example.com", "password-123")
        .await
        .json()
        .await
        .unwrap();
    let token = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let response = app
        .client
        .patch(app.url(&format!(
            "/api/admin/users/{}",
            created["id"].as_str().unwrap()
        )))
        .bearer_auth(&token)
        .json(&json!({"role": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let user: Value = response.json().await.unwrap();
    assert_eq!(user["role"], "admin");

    // A fresh login now carries the new role.
    let jo = app.token("jo@example.com", "password-123").await;
    assert_eq!(app.get_with("/api/admin/users", &jo).await.status(), 200);

    let missing = app
        .client
        .patch(app.url(&format!("/api/admin/users/{}", Uuid::new_v4())))
        .bearer_auth(&token)
        .json(&json!({"role": "user"}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let bad_role = app
        .client
        .patch(app.url(&format!(
            "/api/admin/users/{}",
            created["id"].as_str().unwrap()
        )))
        .bearer_auth(&token)
        .json(&json!({"role": "superuser"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_role.status(), 422);
}

#[sqlx::test(migrations = "../migrations")]
async fn seeding_the_admin_twice_keeps_one_account_and_its_password(db: PgPool) {
    let first = spawn_app_with_admin(db.clone()).await;
    first.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let second = spawn_app_with_admin(db.clone()).await;
    second.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let admins: i64 = sqlx::query_scalar("SELECT count(*) FROM app_user WHERE role = 'admin'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(admins, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_cannot_take_the_admin_role_from_themselves(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let token = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let me: Value = app.get_json("/api/me", &token).await;
    let url = app.url(&format!("/api/admin/users/{}", me["id"].as_str().unwrap()));
    let refused = app
        .client
        .patch(&url)
        .bearer_auth(&token)
        .json(&json!({"role": "user"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 409);
    let body: Value = refused.json().await.unwrap();
    assert!(body["fields"]["role"].is_string(), "{body}");
    assert_eq!(app.get_with("/api/admin/users", &token).await.status(), 200);

    // Confirming one's own admin role changes nothing and is allowed.
    let same = app
        .client
        .patch(&url)
        .bearer_auth(&token)
        .json(&json!({"role": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), 200);
}
