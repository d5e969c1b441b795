//! Training jobs: recorded first as `queued`, run in the background by whichever backend
//! replica claims them (one job at a time per replica), finished `succeeded` (model and
//! feature links inserted in the same transaction) or `failed` with a reason.
//!
//! The queue is the `training_job` table: a replica claims the first queued job with
//! `FOR UPDATE SKIP LOCKED`, so each job runs once however many replicas there are, and
//! holds it under a lease it renews while the job runs. A running job whose lease has run
//! out was left by a replica that stopped (or lost the database for longer than the lease):
//! every replica looks for such jobs and fails them, so none stays `running`.
//!
//! The model service does the work; the job's id is also the id of the model it produces, so
//! a model whose job did not finish can be found and deleted. At most `queue_limit` jobs
//! wait or run at once, counted over every replica; past that, new ones are refused (429)
//! instead of queueing for ever.

use crate::active::ActiveModels;
use crate::db::{jobs, models};
use crate::error::ApiError;
use crate::model_client::{ModelClient, ModelServiceError};
use lifeboat_api_types::{TrainModel, TrainedModel, TrainingSpec};
use sqlx::{PgConnection, PgPool};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use uuid::Uuid;

/// Seconds a client refused for a full queue is told to wait.
const RETRY_AFTER_S: u64 = 30;
/// How long a claim holds without being renewed; renewed every third of it.
pub const LEASE: Duration = Duration::from_secs(30);
/// How often an idle replica looks for jobs queued through another replica (its own are
/// started at once), and for abandoned jobs.
pub const POLL_EVERY: Duration = Duration::from_secs(2);
/// The reason recorded on a job whose replica stopped while it was running.
pub const ABANDONED: &str = "interrupted: the backend running the job stopped before it finished";

/// Cheap to clone: the database pool, the model client and the wake-up are shared.
#[derive(Debug, Clone)]
pub struct Trainer {
    db: PgPool,
    model: ModelClient,
    active: Arc<ActiveModels>,
    queue_limit: i64,
    /// This replica's name in `training_job.claimed_by`: new at every start.
    worker: Uuid,
    /// Wakes this replica's worker when a job is queued here.
    queued: Arc<Notify>,
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
            queue_limit: i64::try_from(queue_limit.max(1)).unwrap_or(i64::MAX),
            worker: Uuid::new_v4(),
            queued: Arc::default(),
        }
    }

    /// Records a queued job, unless the queue is full, and wakes the worker; returns its id
    /// at once.
    pub async fn submit(
        &self,
        requested_by: Option<Uuid>,
        spec: TrainingSpec,
    ) -> Result<Uuid, ApiError> {
        let mut tx = self.db.begin().await?;
        jobs::lock_queue(&mut tx).await?;
        if jobs::unfinished_count(&mut tx).await? >= self.queue_limit {
            return Err(ApiError::TooManyRequests(RETRY_AFTER_S));
        }
        let id = self.queue(&mut tx, requested_by, &spec).await?;
        tx.commit().await?;
        self.wake();
        Ok(id)
    }

    /// Inserts a queued job in the caller's transaction, which holds [`jobs::lock_queue`];
    /// call [`Trainer::wake`] once it is committed.
    pub async fn queue(
        &self,
        conn: &mut PgConnection,
        requested_by: Option<Uuid>,
        spec: &TrainingSpec,
    ) -> sqlx::Result<Uuid> {
        let id = Uuid::new_v4();
        jobs::insert(conn, id, requested_by, spec).await?;
        tracing::info!(job_id = %id, algorithm = %spec.estimator.algorithm(), "training job queued");
        Ok(id)
    }

    /// Tells the worker a job was queued.
    pub fn wake(&self) {
        self.queued.notify_one();
    }

    /// Claims and runs queued jobs one after another until the process ends: training fills
    /// a core, and a model service trains one model at a time anyway. Between jobs, fails
    /// the jobs other replicas abandoned.
    pub async fn work_forever(self) {
        loop {
            self.fail_abandoned().await;
            match self.claim().await {
                Some(job) => self.run(job).await,
                None => {
                    let _ = tokio::time::timeout(POLL_EVERY, self.queued.notified()).await;
                }
            }
        }
    }

    async fn claim(&self) -> Option<jobs::Claimed> {
        let claimed = async {
            let mut conn = self.db.acquire().await?;
            jobs::claim_next(&mut conn, self.worker, LEASE).await
        };
        claimed.await.unwrap_or_else(|error| {
            tracing::warn!(%error, "cannot look for queued training jobs");
            None
        })
    }

    /// Fails the running jobs whose lease ran out and removes what they may have saved.
    async fn fail_abandoned(&self) {
        let failed = async {
            let mut conn = self.db.acquire().await?;
            jobs::fail_abandoned(&mut conn, ABANDONED).await
        };
        match failed.await {
            Ok(ids) => {
                for id in ids {
                    tracing::warn!(job_id = %id, "failed a training job its backend abandoned");
                    metrics::counter!("training_jobs_abandoned_total").increment(1);
                    self.forget_artifact(id).await;
                }
            }
            Err(error) => tracing::warn!(%error, "cannot look for abandoned training jobs"),
        }
    }

    async fn run(&self, job: jobs::Claimed) {
        let (id, algorithm) = (job.id, job.spec.estimator.algorithm());
        tracing::info!(job_id = %id, %algorithm, "training job claimed");
        let started = std::time::Instant::now();
        let outcome = tokio::select! {
            outcome = self.train(id, job.requested_by, &job.spec) => outcome,
            () = self.keep_lease(id) => {
                // Failed as abandoned by another replica: our lease ran out (the database
                // was out of reach for longer than it). Stop, and leave nothing behind.
                tracing::warn!(job_id = %id, "lost the lease on a training job; stopped it");
                self.forget_artifact(id).await;
                return;
            }
        };
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

    /// Renews the lease on job `id` every third of [`LEASE`]; returns when it is lost.
    async fn keep_lease(&self, id: Uuid) {
        loop {
            tokio::time::sleep(LEASE / 3).await;
            let renewed = async {
                let mut conn = self.db.acquire().await?;
                jobs::renew_lease(&mut conn, id, self.worker, LEASE).await
            };
            match renewed.await {
                Ok(true) => {}
                Ok(false) => return,
                // Tried again at the next turn; the lease outlasts two missed renewals.
                Err(error) => tracing::warn!(job_id = %id, %error, "cannot renew a job's lease"),
            }
        }
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
        let request = TrainModel::new(id, spec);
        let model = self.model.train(&request).await.map_err(|e| match e {
            ModelServiceError::Refused { body, .. } => body.message,
            ModelServiceError::Unavailable(detail) => {
                tracing::warn!(job_id = %id, detail, "model service failed during training");
                "the model service could not be reached or stopped answering during training"
                    .to_owned()
            }
        })?;

        match self.record(id, requested_by, spec, &model).await {
            Ok(true) => {}
            // Failed as abandoned meanwhile: its failure stands; the artifact goes.
            Ok(false) => {
                self.forget_artifact(id).await;
                return Err("the job's lease was lost before it finished".to_owned());
            }
            // The artifact exists but the registry does not know it: remove it.
            Err(error) => {
                self.forget_artifact(id).await;
                return Err(database(error));
            }
        }
        if spec.activate {
            self.active.invalidate();
        }
        Ok(model)
    }

    /// Inserts the model and its feature links, marks the job succeeded and, when asked,
    /// activates the model: all or nothing. False, with nothing written, when this replica
    /// no longer holds the job.
    async fn record(
        &self,
        id: Uuid,
        requested_by: Option<Uuid>,
        spec: &TrainingSpec,
        model: &TrainedModel,
    ) -> sqlx::Result<bool> {
        let mut tx = self.db.begin().await?;
        models::insert(&mut tx, model, requested_by).await?;
        if !jobs::mark_succeeded(&mut tx, id, self.worker, model.id, model.metrics.accuracy).await?
        {
            return Ok(false); // Dropping the transaction rolls the model back.
        }
        if spec.activate {
            models::activate(&mut tx, model.id).await?;
        }
        tx.commit().await?;
        Ok(true)
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
