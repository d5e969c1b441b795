//! What the backend does once the model service is up, in the background: mark models whose
//! artifact is gone, and for each algorithm without a usable model (a fresh install, or a
//! lost model volume) train and activate a default one through the ordinary job path. Safe
//! when several replicas start at once: the check and the queueing happen under the
//! training queue's lock, so the defaults are queued once. (Jobs a stopped replica left
//! running are failed by `Trainer::work_forever`.)

use crate::db::{jobs, models};
use crate::state::AppState;
use lifeboat_api_types::{Algorithm, TrainingSpec};
use std::time::Duration;
use uuid::Uuid;

const FIRST_WAIT: Duration = Duration::from_millis(500);
const MAX_WAIT: Duration = Duration::from_secs(30);

/// Runs the start-up work; returns when it is done.
pub async fn run(state: AppState, train_defaults: bool) {
    wait_for_model_service(&state).await;
    if let Err(error) = reconcile(&state).await {
        tracing::warn!(%error, "cannot compare the registry with the model service's models");
    }
    if train_defaults && let Err(error) = ensure_default_models(&state).await {
        tracing::error!(%error, "cannot start training the default models");
    }
}

async fn wait_for_model_service(state: &AppState) {
    let mut wait = FIRST_WAIT;
    let mut last_reason = String::new();
    while let Err(reason) = state.model.ready().await {
        if reason != last_reason {
            tracing::warn!(reason, "waiting for the model service");
            last_reason = reason;
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(MAX_WAIT);
    }
}

/// Marks the registry's models whose artifact the model service does not have.
async fn reconcile(state: &AppState) -> anyhow::Result<()> {
    let present: Vec<Uuid> = state.model.models().await?.iter().map(|m| m.id).collect();
    let mut conn = state.db.acquire().await?;
    let missing = models::reconcile(&mut conn, &present).await?;
    for id in missing {
        tracing::error!(model_id = %id, "the model service has no artifact for this model");
    }
    Ok(())
}

/// For each algorithm without a usable model (and no job on the way), trains and activates
/// one.
async fn ensure_default_models(state: &AppState) -> anyhow::Result<()> {
    let mut tx = state.db.begin().await?;
    jobs::lock_queue(&mut tx).await?;
    for algorithm in Algorithm::ALL {
        let needed = models::count_ready(&mut tx, algorithm).await? == 0
            && !jobs::any_unfinished(&mut tx, algorithm).await?;
        if needed {
            tracing::info!(%algorithm, "fresh install: training the default model");
            let spec = TrainingSpec::default_for(algorithm);
            state.trainer.queue(&mut tx, None, &spec).await?;
        }
    }
    tx.commit().await?;
    state.trainer.wake();
    Ok(())
}
