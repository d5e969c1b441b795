//! Training jobs: recorded first, run in the background one at a time, finished `succeeded`
//! (model and feature links inserted in the same transaction) or `failed` with a reason.
//!
//! The model service does the work; the job's id is also the id of the model it produces, so
//! a model whose job did not finish can be found and deleted. At most `queue_limit` jobs
//! wait or run at once; past that, new ones are refused (429) instead of queueing for ever.

use crate::active::ActiveModels;
use crate::db::{jobs, models};
use crate::error::ApiError;
use crate::model_client::{ModelClient, ModelServiceError};
use lifeboat_api_types::{TrainModel, TrainedModel, TrainingSpec};
use sqlx::PgPool;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Semaphore;
use uuid::Uuid;

/// Seconds a client refused for a full queue is told to wait.
const RETRY_AFTER_S: u64 = 30;

/// Cheap to clone: the queue count and the run slot are shared.
#[derive(Debug, Clone)]
pub struct Trainer {
    db: PgPool,
    model: ModelClient,
    active: Arc<ActiveModels>,
    queue_limit: usize,
    waiting_or_running: Arc<AtomicUsize>,
    /// Jobs run one after another: training fills a core, and the model service trains one
    /// model at a time anyway.
    run_slot: Arc<Semaphore>,
}

/// A place in the queue, given back when the job ends however it ends.
#[derive(Debug)]
struct Place(Arc<AtomicUsize>);

impl Drop for Place {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Trainer {
    pub fn new(
        db: PgPool,
        model: ModelClient,
        active: Arc<ActiveModels>,
        queue_limit: usize,
    ) -> Self {
        Self {
            db,
            model,
            active,
            queue_limit: queue_limit.max(1),
            waiting_or_running: Arc::default(),
            run_slot: Arc::new(Semaphore::new(1)),
        }
    }

    /// Records a queued job and starts it in the background; returns its id at once.
    pub async fn submit(
        &self,
        requested_by: Option<Uuid>,
        spec: TrainingSpec,
    ) -> Result<Uuid, ApiError> {
        let place = self.take_place()?;
        let id = Uuid::new_v4();
        let mut conn = self.db.acquire().await?;
        jobs::insert(&mut conn, id, requested_by, &spec).await?;
        drop(conn);
        metrics::gauge!("training_jobs_in_queue").increment(1.0);
        tracing::info!(job_id = %id, algorithm = %spec.estimator.algorithm(), "training job queued");
        tokio::spawn(self.clone().run(id, requested_by, spec, place));
        Ok(id)
    }

    fn take_place(&self) -> Result<Place, ApiError> {
        let taken = self.waiting_or_running.fetch_add(1, Ordering::SeqCst);
        let place = Place(Arc::clone(&self.waiting_or_running));
        if taken >= self.queue_limit {
            return Err(ApiError::TooManyRequests(RETRY_AFTER_S));
        }
        Ok(place)
    }

    async fn run(self, id: Uuid, requested_by: Option<Uuid>, spec: TrainingSpec, _place: Place) {
        let algorithm = spec.estimator.algorithm();
        let _slot = self.run_slot.acquire().await;
        metrics::gauge!("training_jobs_in_queue").decrement(1.0);
        let started = std::time::Instant::now();
        let outcome = self.train(id, requested_by, &spec).await;
        let status = match &outcome {
            Ok(model) => {
                tracing::info!(
                    job_id = %id,
                    %algorithm,
                    accuracy = model.metrics.accuracy,
                    "training job succeeded"
                );
                "succeeded"
            }
            Err(reason) => {
                tracing::warn!(job_id = %id, %algorithm, reason, "training job failed");
                if let Err(error) = self.fail(id, reason).await {
                    tracing::error!(job_id = %id, %error, "cannot record the failure of a job");
                }
                "failed"
            }
        };
        metrics::counter!("training_jobs_total", "algorithm" => algorithm.as_str(), "status" => status)
            .increment(1);
        metrics::histogram!("training_job_duration_seconds", "algorithm" => algorithm.as_str())
            .record(started.elapsed().as_secs_f64());
    }

    /// Runs the job; the error is the reason shown to the admin.
    async fn train(
        &self,
        id: Uuid,
        requested_by: Option<Uuid>,
        spec: &TrainingSpec,
    ) -> Result<TrainedModel, String> {
        let database = |e: sqlx::Error| {
            tracing::error!(job_id = %id, error = %e, "database error in a training job");
            "the database could not be reached".to_owned()
        };
        let mut conn = self.db.acquire().await.map_err(database)?;
        jobs::mark_running(&mut conn, id).await.map_err(database)?;
        drop(conn);

        let request = TrainModel::new(id, spec);
        let model = self.model.train(&request).await.map_err(|e| match e {
            ModelServiceError::Refused { body, .. } => body.message,
            ModelServiceError::Unavailable(detail) => {
                tracing::warn!(job_id = %id, detail, "model service failed during training");
                "the model service could not be reached or stopped answering during training"
                    .to_owned()
            }
        })?;

        let recorded = self.record(id, requested_by, spec, &model).await;
        if let Err(error) = recorded {
            // The artifact exists but the registry does not know it: remove it.
            self.forget_artifact(id).await;
            return Err(database(error));
        }
        if spec.activate {
            self.active.invalidate();
        }
        Ok(model)
    }

    /// Inserts the model and its feature links, marks the job succeeded and, when asked,
    /// activates the model: all or nothing.
    async fn record(
        &self,
        id: Uuid,
        requested_by: Option<Uuid>,
        spec: &TrainingSpec,
        model: &TrainedModel,
    ) -> sqlx::Result<()> {
        let mut tx = self.db.begin().await?;
        models::insert(&mut tx, model, requested_by).await?;
        jobs::mark_succeeded(&mut tx, id, model.id, model.metrics.accuracy).await?;
        if spec.activate {
            models::activate(&mut tx, model.id).await?;
        }
        tx.commit().await
    }

    async fn fail(&self, id: Uuid, reason: &str) -> sqlx::Result<()> {
        let mut conn = self.db.acquire().await?;
        jobs::mark_failed(&mut conn, id, reason).await?;
        drop(conn);
        // The model service may have saved the model after all (it finished as we gave up).
        self.forget_artifact(id).await;
        Ok(())
    }

    /// Best effort: deletes model `id`'s artifact if the model service has it.
    pub async fn forget_artifact(&self, id: Uuid) {
        match self.model.delete_model(id).await {
            Ok(true) => tracing::info!(model_id = %id, "removed the artifact of an unfinished job"),
            Ok(false) => {}
            Err(error) => {
                tracing::warn!(model_id = %id, %error, "cannot remove the artifact of an unfinished job");
            }
        }
    }
}
