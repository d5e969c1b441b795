//! Recording the history from real predictions (a real model service, real Postgres): a
//! SIGTERM under load loses nothing that was answered; Postgres stopped under load costs the
//! history but no prediction, the loss is counted, and recording resumes by itself.

use crate::helpers::{
    TestApp, config, eventually, spawn_binary_on, spawn_model_service, third_class_man,
};
use crate::private_postgres::PrivatePostgres;
use lifeboat_backend::{Application, Config};
use sqlx::PgPool;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

async fn stored(db: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM prediction")
        .fetch_one(db)
        .await
        .unwrap()
}

/// Waits for `db` to hold `want` history rows.
async fn until_stored(db: &PgPool, want: i64) {
    eventually(&format!("{want} rows in the history"), async || {
        (stored(db).await == want).then_some(())
    })
    .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn on_sigterm_under_load_every_answered_prediction_is_in_the_history(db: PgPool) {
    let (model_service, _models) = spawn_model_service().await;
    let (mut backend, address) =
        spawn_binary_on(&db, &model_service, true, "warn", Stdio::null()).await;
    let app = TestApp {
        address,
        client: reqwest::Client::new(),
    };
    let token = app.user_token("under-load@example.com").await;
    app.wait_until_predicting(&token).await;
    let answered = Arc::new(AtomicU64::new(1));

    // Eight callers predict until the backend stops taking requests, each pausing 5 ms
    // between predictions: requests are always in flight, but the CPU is left to the other
    // tests running beside this one (a login's bcrypt runs on an idle-priority worker).
    let callers: Vec<_> = (0..8)
        .map(|_| {
            let (app, token, answered) = (
                TestApp {
                    address: app.address.clone(),
                    client: reqwest::Client::new(),
                },
                token.clone(),
                Arc::clone(&answered),
            );
            tokio::spawn(async move {
                while app.predict_as(&token, &third_class_man()).await == 200 {
                    answered.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let kill = Command::new("kill")
        .args(["-TERM", &backend.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let exit = tokio::task::spawn_blocking(move || backend.wait().unwrap())
        .await
        .unwrap();
    assert!(exit.success(), "exit status {exit}");
    for caller in callers {
        caller.await.unwrap();
    }

    let answered = answered.load(Ordering::SeqCst);
    eprintln!("{answered} predictions answered before the SIGTERM took effect");
    assert!(answered > 8, "the load was light: {answered}");
    assert_eq!(stored(&db).await, answered as i64);
}

/// The value of the series `name` (labels included) in the backend's `/metrics`.
async fn metric(app: &TestApp, name: &str) -> f64 {
    let text = app.get("/metrics").await.text().await.unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn with_postgres_down_predictions_are_answered_the_loss_counted_and_recording_resumes() {
    let pg = PrivatePostgres::init();
    let (model_service, _models) = spawn_model_service().await;
    let app = Application::build(Config {
        database_url: Some(pg.url().into()),
        train_default_models: true,
        model_service_timeout_ms: 3000,
        training_timeout_s: 120,
        ..config(&model_service)
    })
    .await
    .expect("the backend starts on the private cluster");
    let app = TestApp::running(app);
    let db = PgPool::connect(&pg.url()).await.unwrap();
    let token = app.user_token("outage@example.com").await;
    app.wait_until_predicting(&token).await;
    for _ in 0..4 {
        assert_eq!(app.predict_as(&token, &third_class_man()).await, 200);
    }
    until_stored(&db, 5).await;
    db.close().await;

    let lost = r#"prediction_history_lost_total{reason="database"}"#;
    let lost_before = metric(&app, lost).await;
    pg.stop();
    for _ in 0..10 {
        assert_eq!(
            app.predict_as(&token, &third_class_man()).await,
            200,
            "a prediction during the outage"
        );
    }
    // The loss is counted, row by row.
    eventually("ten predictions counted as lost", async || {
        (metric(&app, lost).await - lost_before == 10.0).then_some(())
    })
    .await;

    pg.start();
    for _ in 0..5 {
        assert_eq!(app.predict_as(&token, &third_class_man()).await, 200);
    }
    let db = PgPool::connect(&pg.url()).await.unwrap();
    until_stored(&db, 10).await; // Recording resumed.
}
