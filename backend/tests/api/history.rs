//! The prediction history's routes on real Postgres: pages newest first by cursor, the
//! streamed CSV export, deleting, retention, the admin's daily counts, and that one user
//! never reaches another's entries by any route. (Recording itself, from real predictions,
//! is tested in history_recording.rs with a real model service.)

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, spawn_app_with_admin};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use lifeboat_api_types::{Algorithm, DailyPredictions, Passenger, Sex};
use lifeboat_backend::db::predictions::{self, NewPrediction};
use lifeboat_test_support::Ask;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

fn passenger(age: f64) -> Passenger {
    Passenger {
        pclass: 3,
        sex: Sex::Female,
        age: Some(age),
        sibsp: 0,
        parch: 1,
        fare: None,
        embarked: None,
    }
}

/// `count` entries for `user`, one a minute up to `newest`, ages 1, 2, … (oldest first).
async fn store(db: &PgPool, user: Uuid, model: (Uuid, &str), count: usize, newest: DateTime<Utc>) {
    let rows: Vec<NewPrediction> = (0..count)
        .map(|i| NewPrediction {
            user,
            made_at: newest - Duration::minutes((count - 1 - i) as i64),
            passenger: passenger(i as f64 + 1.0),
            model_id: model.0,
            model_name: model.1.to_owned(),
            algorithm: Algorithm::RandomForest,
            prob: 0.25,
        })
        .collect();
    let mut conn = db.acquire().await.unwrap();
    let stored = predictions::record(&mut conn, &rows, &[]).await.unwrap();
    assert_eq!(stored, count as u64);
}

async fn user_id(app: &TestApp, token: &str) -> Uuid {
    let me = app.get_json("/api/me", token).await;
    me["id"].as_str().unwrap().parse().unwrap()
}

async fn delete(app: &TestApp, path: &str, token: &str) -> u16 {
    app.client
        .delete(app.url(path))
        .bearer_auth(token)
        .status_answer()
        .await
}

fn ages(page: &Value) -> Vec<f64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["passenger"]["age"].as_f64().unwrap())
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_history_pages_newest_first_ten_at_a_time_by_cursor_and_filters_by_model(db: PgPool) {
    let app = spawn_app_with_admin(db.clone()).await;
    let token = app.user_token("pager@example.com").await;
    let user = user_id(&app, &token).await;
    let (forest, svm) = (Uuid::new_v4(), Uuid::new_v4());
    let now = Utc::now();
    store(&db, user, (forest, "forest"), 23, now).await;
    store(&db, user, (svm, "svm"), 2, now - Duration::days(1)).await;

    let first = app.get_json("/api/me/predictions", &token).await;
    assert_eq!(
        ages(&first),
        (14..=23).rev().map(f64::from).collect::<Vec<_>>()
    );
    assert_eq!(first["items"][0]["model_name"], "forest");
    assert_eq!(first["items"][0]["survived"], false);
    let next = first["next"].as_str().unwrap();
    let second = app
        .get_json(&format!("/api/me/predictions?before={next}"), &token)
        .await;
    assert_eq!(
        ages(&second),
        (4..=13).rev().map(f64::from).collect::<Vec<_>>()
    );
    let next = second["next"].as_str().unwrap();
    let third = app
        .get_json(&format!("/api/me/predictions?before={next}"), &token)
        .await;
    // The last three forests, then the day-old SVMs.
    assert_eq!(ages(&third), [3.0, 2.0, 1.0, 2.0, 1.0]);
    assert!(third.get("next").is_none(), "the last page has no next");

    let only_svm = app
        .get_json(&format!("/api/me/predictions?model_id={svm}"), &token)
        .await;
    assert_eq!(ages(&only_svm), [2.0, 1.0]);
    assert_eq!(only_svm["items"][0]["model_id"], svm.to_string());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_bad_cursor_or_model_id_is_refused_422_naming_it(db: PgPool) {
    let app = spawn_app_with_admin(db).await;
    let token = app.user_token("bad-cursor@example.com").await;
    for (query, field) in [
        ("before=yesterday", "before"),
        ("model_id=forest", "model_id"),
        ("before=1_1&before=2_2", "query"),
    ] {
        let response = app
            .get_with(&format!("/api/me/predictions?{query}"), &token)
            .await;
        assert_eq!(response.status(), 422, "{query}");
        let body: Value = response.json().await.unwrap();
        assert!(body["fields"][field].is_string(), "{query}: {body}");
    }
    assert_eq!(app.get("/api/me/predictions").await.status(), 401);
}

#[sqlx::test(migrations = "../migrations")]
async fn one_user_never_reads_exports_or_deletes_anothers_history(db: PgPool) {
    let app = spawn_app_with_admin(db.clone()).await;
    let alice = app.user_token("alice@example.com").await;
    let mallory = app.user_token("mallory@example.com").await;
    let alice_id = user_id(&app, &alice).await;
    store(&db, alice_id, (Uuid::new_v4(), "forest"), 3, Utc::now()).await;
    let alices = app.get_json("/api/me/predictions", &alice).await;
    let entry = alices["items"][0]["id"].as_i64().unwrap();

    let seen = app.get_json("/api/me/predictions", &mallory).await;
    assert_eq!(seen["items"], serde_json::json!([]));
    let export = app.get_with("/api/me/predictions.csv", &mallory).await;
    assert_eq!(
        export.text().await.unwrap().lines().count(),
        1,
        "the header only"
    );
    assert_eq!(
        delete(&app, &format!("/api/me/predictions/{entry}"), &mallory).await,
        404
    );
    assert_eq!(delete(&app, "/api/me/predictions", &mallory).await, 204);
    // Nor does an admin read it: the history routes answer for the caller only.
    let admin = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let admins = app.get_json("/api/me/predictions", &admin).await;
    assert_eq!(admins["items"], serde_json::json!([]));

    let still = app.get_json("/api/me/predictions", &alice).await;
    assert_eq!(still["items"].as_array().unwrap().len(), 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_export_has_every_entry_with_formula_cells_made_inert(db: PgPool) {
    let app = spawn_app_with_admin(db.clone()).await;
    let token = app.user_token("export@example.com").await;
    let user = user_id(&app, &token).await;
    store(
        &db,
        user,
        (Uuid::new_v4(), "=cmd|' /C calc'!A0"),
        700,
        Utc::now(),
    )
    .await;

    let response = app.get_with("/api/me/predictions.csv", &token).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("lifeboat-predictions.csv")
    );
    let text = response.text().await.unwrap();
    assert_eq!(
        text.lines().next(),
        Some(
            "made_at,model_id,model_name,algorithm,pclass,sex,age,sibsp,parch,fare,embarked,prob,survived"
        )
    );
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 700);
    let newest = &records[0];
    assert_eq!(&newest[2], "'=cmd|' /C calc'!A0");
    assert_eq!((&newest[4], &newest[5], &newest[6]), ("3", "female", "700"));
    assert_eq!((&newest[9], &newest[10], &newest[12]), ("", "", "0"));
}

#[sqlx::test(migrations = "../migrations")]
async fn deleting_one_entry_all_entries_or_the_account_removes_them(db: PgPool) {
    let app = spawn_app_with_admin(db.clone()).await;
    let token = app.user_token("deleter@example.com").await;
    let user = user_id(&app, &token).await;
    store(&db, user, (Uuid::new_v4(), "forest"), 4, Utc::now()).await;
    let page = app.get_json("/api/me/predictions", &token).await;
    let entry = page["items"][1]["id"].as_i64().unwrap();

    assert_eq!(
        delete(&app, &format!("/api/me/predictions/{entry}"), &token).await,
        204
    );
    assert_eq!(
        delete(&app, &format!("/api/me/predictions/{entry}"), &token).await,
        404
    );
    let page = app.get_json("/api/me/predictions", &token).await;
    assert_eq!(ages(&page), [4.0, 2.0, 1.0]);
    assert_eq!(delete(&app, "/api/me/predictions", &token).await, 204);
    let page = app.get_json("/api/me/predictions", &token).await;
    assert_eq!(page["items"], serde_json::json!([]));

    store(&db, user, (Uuid::new_v4(), "forest"), 2, Utc::now()).await;
    let gone = app
        .client
        .delete(app.url("/api/me"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"password": "user-password-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 204);
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM prediction WHERE app_user_id = $1")
        .bind(user)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_batch_with_the_rows_of_a_deleted_account_stores_the_others(db: PgPool) {
    let app = spawn_app_with_admin(db.clone()).await;
    let token = app.user_token("stays@example.com").await;
    let user = user_id(&app, &token).await;
    let row = |user| NewPrediction {
        user,
        made_at: Utc::now(),
        passenger: passenger(30.0),
        model_id: Uuid::new_v4(),
        model_name: "forest".into(),
        algorithm: Algorithm::Svm,
        prob: 0.75,
    };
    let mut conn = db.acquire().await.unwrap();
    let stored = predictions::record(&mut conn, &[row(Uuid::new_v4()), row(user)], &[])
        .await
        .unwrap();
    assert_eq!(stored, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn retention_deletes_only_the_entries_older_than_the_cutoff(db: PgPool) {
    let app = spawn_app_with_admin(db.clone()).await;
    let token = app.user_token("old@example.com").await;
    let user = user_id(&app, &token).await;
    // Postgres keeps microseconds.
    let now = Utc::now().trunc_subsecs(6);
    // 2,500 entries a minute apart, over ~42 hours: the delete takes three batches.
    store(&db, user, (Uuid::new_v4(), "forest"), 2_500, now).await;
    let cutoff = now - Duration::minutes(1_000);

    let deleted = lifeboat_backend::history::delete_older_than(&db, cutoff)
        .await
        .unwrap();
    assert_eq!(deleted, 1_499);
    let oldest: DateTime<Utc> =
        sqlx::query_scalar("SELECT min(made_at) FROM prediction WHERE app_user_id = $1")
            .bind(user)
            .fetch_one(&db)
            .await
            .unwrap();
    assert!(oldest >= cutoff);
}

#[sqlx::test(migrations = "../migrations")]
async fn admins_see_daily_counts_with_empty_days_as_zero_and_users_do_not(db: PgPool) {
    let app = spawn_app_with_admin(db.clone()).await;
    let today = Utc::now().date_naive();
    let mut conn = db.acquire().await.unwrap();
    let counts = [
        DailyPredictions {
            day: today,
            signed_in: 3,
            anonymous: 2,
        },
        DailyPredictions {
            day: today - Duration::days(2),
            signed_in: 0,
            anonymous: 5,
        },
    ];
    predictions::record(&mut conn, &[], &counts).await.unwrap();
    // A second batch adds to the same day.
    predictions::record(&mut conn, &[], &counts[..1])
        .await
        .unwrap();

    let admin = app.token(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let days = app
        .get_json("/api/admin/predictions/daily?days=3", &admin)
        .await;
    let today_s = today.to_string();
    let two_ago = (today - Duration::days(2)).to_string();
    let one_ago = (today - Duration::days(1)).to_string();
    assert_eq!(
        days,
        serde_json::json!([
            {"day": two_ago, "signed_in": 0, "anonymous": 5},
            {"day": one_ago, "signed_in": 0, "anonymous": 0},
            {"day": today_s, "signed_in": 6, "anonymous": 4},
        ])
    );
    let month = app.get_json("/api/admin/predictions/daily", &admin).await;
    assert_eq!(month.as_array().unwrap().len(), 30);
    let too_many = app
        .get_with("/api/admin/predictions/daily?days=367", &admin)
        .await;
    assert_eq!(too_many.status(), 422);

    let user = app.user_token("curious@example.com").await;
    let refused = app.get_with("/api/admin/predictions/daily", &user).await;
    assert_eq!(refused.status(), 403);
}
