//! What the backend does once the model service is up, in the background: remove artifacts
//! of jobs a restart interrupted, mark models whose artifact is gone, and for each algorithm
//! without a usable model (a fresh install, or a lost model volume) train and activate a
//! default one through the ordinary job path.

use crate::db::{jobs, models};
use crate::state::AppState;
use lifeboat_api_types::{Algorithm, TrainingSpec};
use std::time::Duration;
use uuid::Uuid;

/// Reason recorded on jobs that were queued or running when the backend stopped.
pub const INTERRUPTED: &str = "interrupted: the backend restarted before the job finished";

const FIRST_WAIT: Duration = Duration::from_millis(500);
const MAX_WAIT: Duration = Duration::from_secs(30);

/// Runs the start-up work; returns when it is done.
pub async fn run(state: AppState, interrupted: Vec<Uuid>, train_defaults: bool) {
    wait_for_model_service(&state).await;
    for id in interrupted {
        state.trainer.forget_artifact(id).await;
    }
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
    for algorithm in Algorithm::ALL {
        let mut conn = state.db.acquire().await?;
        let needed = models::count_ready(&mut conn, algorithm).await? == 0
            && !jobs::any_unfinished(&mut conn, algorithm).await?;
        drop(conn);
        if needed {
            tracing::info!(%algorithm, "fresh install: training the default model");
            state
                .trainer
                .submit(None, TrainingSpec::default_for(algorithm))
                .await?;
        }
    }
    Ok(())
}
