//! The training queue shared by several backend replicas on one database: each job is
//! claimed once, a job whose replica stopped is failed, a replica that lost its claim cannot
//! finish the job, and replicas starting at once queue the default models once.

use crate::helpers::{TestApp, config, eventually, spawn, spawn_model_service};
use lifeboat_api_types::{Algorithm, TrainingSpec};
use lifeboat_backend::Config;
use lifeboat_backend::db::jobs;
use sqlx::{Connection, PgConnection, PgPool};
use std::collections::HashSet;
use std::time::Duration;
use uuid::Uuid;

const LEASE: Duration = Duration::from_secs(600);

async fn queue_jobs(db: &PgPool, count: usize) -> HashSet<Uuid> {
    let mut conn = db.acquire().await.unwrap();
    let mut ids = HashSet::new();
    for _ in 0..count {
        let id = Uuid::new_v4();
        let spec = TrainingSpec::default_for(Algorithm::RandomForest);
        jobs::insert(&mut conn, id, None, &spec).await.unwrap();
        ids.insert(id);
    }
    ids
}

async fn status_of(db: &PgPool, id: Uuid) -> String {
    sqlx::query_scalar("SELECT status::text FROM training_job WHERE training_job_id = $1")
        .bind(id)
        .fetch_one(db)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn replicas_claiming_at_once_each_get_a_different_job_and_every_job_is_claimed_once(
    db: PgPool,
) {
    let queued = queue_jobs(&db, 3).await;
    // Eight replicas claim at the same moment, each on its own connection.
    let mut conns = Vec::new();
    for _ in 0..8 {
        conns.push(
            PgConnection::connect_with(&db.connect_options())
                .await
                .unwrap(),
        );
    }
    let claims = futures_util::future::join_all(
        conns
            .iter_mut()
            .map(|conn| jobs::claim_next(conn, Uuid::new_v4(), LEASE)),
    )
    .await;
    let claimed: Vec<Uuid> = claims
        .into_iter()
        .filter_map(|claim| claim.unwrap().map(|job| job.id))
        .collect();
    assert_eq!(claimed.len(), 3, "{claimed:?}");
    assert_eq!(claimed.iter().copied().collect::<HashSet<_>>(), queued);
    for id in queued {
        assert_eq!(status_of(&db, id).await, "running");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn only_a_job_whose_lease_ran_out_is_failed_as_abandoned(db: PgPool) {
    queue_jobs(&db, 2).await;
    let mut conn = db.acquire().await.unwrap();
    let live = jobs::claim_next(&mut conn, Uuid::new_v4(), LEASE)
        .await
        .unwrap()
        .unwrap();
    let gone = jobs::claim_next(&mut conn, Uuid::new_v4(), Duration::ZERO)
        .await
        .unwrap()
        .unwrap();

    let failed = jobs::fail_abandoned(&mut conn, "abandoned").await.unwrap();
    assert_eq!(failed, [gone.id]);
    assert_eq!(status_of(&db, live.id).await, "running");
    assert_eq!(status_of(&db, gone.id).await, "failed");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_replica_that_lost_its_claim_can_neither_renew_it_nor_finish_the_job(db: PgPool) {
    queue_jobs(&db, 1).await;
    let mut conn = db.acquire().await.unwrap();
    let worker = Uuid::new_v4();
    let job = jobs::claim_next(&mut conn, worker, Duration::ZERO)
        .await
        .unwrap()
        .unwrap();
    assert!(
        !jobs::renew_lease(&mut conn, job.id, Uuid::new_v4(), LEASE)
            .await
            .unwrap()
    );
    jobs::fail_abandoned(&mut conn, "abandoned").await.unwrap();

    assert!(
        !jobs::renew_lease(&mut conn, job.id, worker, LEASE)
            .await
            .unwrap()
    );
    // (No model row is needed: the update matches no job, so nothing refers to one.)
    assert!(
        !jobs::mark_succeeded(&mut conn, job.id, worker, job.id, 0.8)
            .await
            .unwrap()
    );
    assert_eq!(status_of(&db, job.id).await, "failed");
}

#[sqlx::test(migrations = "../migrations")]
async fn two_replicas_starting_at_once_on_a_fresh_install_queue_the_default_models_once(
    db: PgPool,
) {
    let (model_service, _models) = spawn_model_service().await;
    let replica = || Config {
        train_default_models: true,
        training_timeout_s: 120,
        ..config(&model_service)
    };
    let (a, b) = tokio::join!(spawn(db.clone(), replica()), spawn(db.clone(), replica()));
    let _replicas: [TestApp; 2] = [a, b];

    let by_algorithm: Vec<(String, i64, i64)> = eventually("both default models", async || {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT algorithm::text, count(*), count(*) FILTER (WHERE status = 'succeeded')
             FROM training_job GROUP BY algorithm ORDER BY algorithm",
        )
        .fetch_all(&db)
        .await
        .unwrap();
        (rows.len() == 2 && rows.iter().all(|(_, _, done)| *done == 1)).then_some(rows)
    })
    .await;
    assert!(
        by_algorithm.iter().all(|(_, jobs, _)| *jobs == 1),
        "{by_algorithm:?}"
    );
}
