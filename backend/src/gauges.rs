//! Gauges sampled in the background rather than on a request: the database pool's
//! connections, the active models and the training queue.

use crate::state::AppState;
use std::time::Duration;
use tokio::time::MissedTickBehavior;

/// How often the gauges are refreshed: a few times per 30 s Prometheus scrape.
pub const SAMPLE_EVERY: Duration = Duration::from_secs(10);

/// Refreshes the gauges every [`SAMPLE_EVERY`] until the process ends.
pub async fn sample_forever(state: AppState) {
    let mut tick = tokio::time::interval(SAMPLE_EVERY);
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        tick.tick().await;
        sample(&state).await;
    }
}

/// One refresh. sqlx does not expose how many callers wait for a connection; a pool at
/// `db_pool_connections{state="in_use"} == db_pool_max_connections` is where they start,
/// and `db_pool_timeouts_total` counts the ones that gave up.
pub async fn sample(state: &AppState) {
    let pool = &state.db;
    let (size, idle) = (pool.size(), pool.num_idle());
    let in_use = (size as usize).saturating_sub(idle);
    metrics::gauge!("db_pool_connections", "state" => "idle").set(idle as f64);
    metrics::gauge!("db_pool_connections", "state" => "in_use").set(in_use as f64);
    metrics::gauge!("db_pool_max_connections").set(f64::from(pool.options().get_max_connections()));
    let queued = async {
        let mut conn = pool.acquire().await?;
        crate::db::jobs::queued_count(&mut conn).await
    };
    match queued.await {
        Ok(count) => metrics::gauge!("training_jobs_in_queue").set(count as f64),
        Err(error) => tracing::debug!(%error, "cannot count the queued training jobs"),
    }
    // The active models are published by the read itself (see `ActiveModels`).
    if let Err(error) = state.active.refresh(pool).await {
        tracing::debug!(%error, "cannot read the active models for the gauge");
    }
}

/// Help texts; called once at start-up.
pub fn describe() {
    metrics::describe_gauge!(
        "db_pool_connections",
        "Database connections held by the pool, by state (idle, in_use)"
    );
    metrics::describe_gauge!(
        "db_pool_max_connections",
        "Most connections the database pool opens"
    );
    metrics::describe_counter!(
        "db_pool_timeouts_total",
        "Requests that waited too long for a database connection"
    );
    metrics::describe_gauge!(
        "active_model",
        "1 for the active model of each algorithm, 0 for a model that was active before"
    );
}
